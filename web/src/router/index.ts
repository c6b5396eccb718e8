import type { MenuIconName } from '../layout/menuIcons'
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { DEFAULT_HOME, LOGIN_ROUTE, MOBILE_HOME, MOBILE_LOGIN_ROUTE, NO_ACCESS_ROUTE } from '../auth/access'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the menu entry and page title. */
    title?: string
    /** The side menu's icon: an Element Plus icon named in layout/menuIcons.ts (a name, so that the
     * routes, which every page loads, do not pull in the console's icon set). */
    icon?: MenuIconName
    /** Shown in the side menu when true; menus are built from these routes, in this order. */
    menu?: boolean
    /**
     * The permission (`module:entity:action`) needed to open the page; its menu entry is hidden
     * from users without it. No permission: any signed-in user.
     */
    permission?: string
    /**
     * The side menu's group (sub-menu) the entry belongs to: the i18n key of its title. Consecutive
     * entries with the same group share one sub-menu, shown while any of them is visible.
     */
    group?: string
    /** The icon of the group's sub-menu (taken from its first entry). */
    groupIcon?: MenuIconName
    /** Open without logging in (only the login pages). */
    public?: boolean
    /** A phone page (/m): its own layout and login page. */
    mobile?: boolean
  }
}

/**
 * The console's pages. A new module adds a child route here with `meta.menu` (and the
 * `meta.permission` it needs); the side menu, the page title and the access check follow from the meta.
 */
export const consoleRoutes: RouteRecordRaw[] = [
  {
    path: 'map',
    name: 'grid-map',
    component: () => import('../views/map/GridMapView.vue'),
    meta: { title: 'menu.map', icon: 'Location', menu: true, permission: 'region:region:read' },
  },
  {
    path: 'cases/todo',
    name: 'case-todo',
    component: () => import('../views/cases/CasesView.vue'),
    props: { todo: true },
    meta: { title: 'menu.caseTodo', icon: 'Bell', menu: true, permission: 'case:case:handle', group: 'menu.cases', groupIcon: 'Tickets' },
  },
  {
    path: 'cases',
    name: 'case-search',
    component: () => import('../views/cases/CasesView.vue'),
    props: { todo: false },
    meta: { title: 'menu.caseSearch', icon: 'Search', menu: true, permission: 'case:case:read', group: 'menu.cases', groupIcon: 'Tickets' },
  },
  {
    path: 'cases/kpi',
    name: 'case-kpi',
    component: () => import('../views/cases/KpiView.vue'),
    meta: { title: 'menu.caseKpi', icon: 'DataAnalysis', menu: true, permission: 'case:kpi:read', group: 'menu.cases', groupIcon: 'Tickets' },
  },
  {
    path: 'cases/categories',
    name: 'case-categories',
    component: () => import('../views/cases/CategoriesView.vue'),
    meta: { title: 'menu.caseCategories', icon: 'Collection', menu: true, permission: 'case:category:read', group: 'menu.cases', groupIcon: 'Tickets' },
  },
  {
    path: 'registry/people',
    name: 'registry-people',
    component: () => import('../views/registry/PeopleView.vue'),
    meta: { title: 'menu.people', icon: 'Avatar', menu: true, permission: 'registry:person:read', group: 'menu.registry', groupIcon: 'Files' },
  },
  {
    path: 'registry/houses',
    name: 'registry-houses',
    component: () => import('../views/registry/HousesView.vue'),
    meta: { title: 'houses.menu', icon: 'OfficeBuilding', menu: true, permission: 'registry:house:read', group: 'menu.registry', groupIcon: 'Files' },
  },
  {
    path: 'registry/households',
    name: 'registry-households',
    component: () => import('../views/registry/HouseholdsView.vue'),
    meta: { title: 'households.menu', icon: 'HomeFilled', menu: true, permission: 'registry:person:read', group: 'menu.registry', groupIcon: 'Files' },
  },
  {
    path: 'registry/care',
    name: 'registry-care',
    component: () => import('../views/registry/CareMembersView.vue'),
    meta: { title: 'care.menu', icon: 'Umbrella', menu: true, permission: 'registry:care:read', group: 'menu.registry', groupIcon: 'Files' },
  },
  {
    path: 'registry/orgs',
    name: 'registry-orgs',
    component: () => import('../views/registry/OrgsView.vue'),
    meta: { title: 'orgs.menu', icon: 'Shop', menu: true, permission: 'registry:org:read', group: 'menu.registry', groupIcon: 'Files' },
  },
  {
    path: 'registry/facilities',
    name: 'registry-facilities',
    component: () => import('../views/registry/FacilitiesView.vue'),
    meta: { title: 'facilities.menu', icon: 'MapLocation', menu: true, permission: 'registry:facility:read', group: 'menu.registry', groupIcon: 'Files' },
  },
  {
    path: 'registry/counts',
    name: 'registry-counts',
    component: () => import('../views/registry/RegistryCountsView.vue'),
    meta: { title: 'registryCounts.menu', icon: 'Histogram', menu: true, permission: 'registry:person:read', group: 'menu.registry', groupIcon: 'Files' },
  },
  {
    path: 'deliberation/topics',
    name: 'delib-topics',
    component: () => import('../views/deliberation/TopicsView.vue'),
    meta: { title: 'delib.menu', icon: 'ChatDotRound', menu: true, permission: 'deliberation:topic:read', group: 'menu.deliberation', groupIcon: 'ChatLineRound' },
  },
  {
    path: 'deliberation/meetings',
    name: 'delib-meetings',
    component: () => import('../views/deliberation/MeetingsView.vue'),
    meta: { title: 'meeting.menu', icon: 'Calendar', menu: true, permission: 'deliberation:meeting:read', group: 'menu.deliberation', groupIcon: 'ChatLineRound' },
  },
  {
    path: 'deliberation/resolutions',
    name: 'delib-resolutions',
    component: () => import('../views/deliberation/ResolutionsView.vue'),
    meta: { title: 'resolution.menu', icon: 'Stamp', menu: true, permission: 'deliberation:meeting:read', group: 'menu.deliberation', groupIcon: 'ChatLineRound' },
  },
  {
    path: 'system/users',
    name: 'system-users',
    component: () => import('../views/system/UsersView.vue'),
    meta: { title: 'menu.users', icon: 'User', menu: true, permission: 'system:user:read', group: 'menu.system', groupIcon: 'Setting' },
  },
  {
    path: 'system/roles',
    name: 'system-roles',
    component: () => import('../views/system/RolesView.vue'),
    meta: { title: 'menu.roles', icon: 'UserFilled', menu: true, permission: 'system:role:read', group: 'menu.system', groupIcon: 'Setting' },
  },
  {
    path: 'system/audit',
    name: 'system-audit',
    component: () => import('../views/system/AuditView.vue'),
    meta: { title: 'menu.audit', icon: 'Document', menu: true, permission: 'audit:log:read', group: 'menu.system', groupIcon: 'Setting' },
  },
  {
    path: 'about',
    name: 'about',
    component: () => import('../views/about/AboutView.vue'),
    meta: { title: 'menu.about', icon: 'InfoFilled', menu: true },
  },
  {
    // Where a user lands on a page they may not open; for a resident, everything in the console.
    path: 'no-access',
    name: NO_ACCESS_ROUTE,
    component: () => import('../views/access/NoAccessView.vue'),
    meta: { title: 'noAccess.title' },
  },
]

/**
 * The phone pages (grid workers on patrol, residents): their own layout and login, Vant instead of
 * Element Plus, and loaded only when opened, so that neither part makes the other heavier.
 */
export const mobileRoutes: RouteRecordRaw[] = [
  {
    path: 'report',
    name: 'm-report',
    component: () => import('../mobile/MobileReport.vue'),
    meta: { title: 'mobile.report.title', mobile: true, permission: 'case:case:report' },
  },
  {
    path: 'tasks',
    name: 'm-tasks',
    component: () => import('../mobile/MobileCaseList.vue'),
    props: { inbox: 'mine' },
    meta: { title: 'mobile.list.tasksTitle', mobile: true, permission: 'case:case:handle' },
  },
  {
    path: 'mine',
    name: 'm-mine',
    component: () => import('../mobile/MobileCaseList.vue'),
    props: { inbox: 'reported' },
    meta: { title: 'mobile.list.mineTitle', mobile: true, permission: 'case:case:read' },
  },
  {
    path: 'collect',
    name: 'm-collect',
    component: () => import('../mobile/MobileCollect.vue'),
    meta: { title: 'collect.title', mobile: true, permission: 'registry:person:write' },
  },
  {
    path: 'care',
    name: 'm-care',
    component: () => import('../mobile/MobileCare.vue'),
    meta: { title: 'care.mobile.title', mobile: true, permission: 'registry:care:read' },
  },
  {
    path: 'topics',
    name: 'm-topics',
    component: () => import('../mobile/MobileTopics.vue'),
    meta: { title: 'delib.title', mobile: true, permission: 'deliberation:topic:read' },
  },
  {
    path: 'topics/new',
    name: 'm-topic-raise',
    component: () => import('../mobile/MobileTopicRaise.vue'),
    meta: { title: 'delib.raiseTitle', mobile: true, permission: 'deliberation:topic:raise' },
  },
  {
    path: 'topics/:id(\\d+)',
    name: 'm-topic',
    component: () => import('../mobile/MobileTopic.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: 'delib.detailTitle', mobile: true, permission: 'deliberation:topic:read' },
  },
  {
    path: 'messages',
    name: 'm-messages',
    component: () => import('../mobile/MobileMessages.vue'),
    meta: { title: 'delib.messages.title', mobile: true },
  },
  {
    path: 'meetings',
    name: 'm-meetings',
    component: () => import('../mobile/MobileMeetings.vue'),
    meta: { title: 'resolutionsMobile.meetingsTitle', mobile: true, permission: 'deliberation:meeting:read' },
  },
  {
    path: 'meetings/:id(\\d+)',
    name: 'm-meeting',
    component: () => import('../mobile/MobileMeeting.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: 'resolutionsMobile.meetingTitle', mobile: true, permission: 'deliberation:meeting:read' },
  },
  {
    path: 'cases/:id(\\d+)',
    name: 'm-case',
    component: () => import('../mobile/MobileCase.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: 'mobile.case.title', mobile: true, permission: 'case:case:read' },
  },
]

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: LOGIN_ROUTE,
    component: () => import('../views/login/LoginView.vue'),
    meta: { title: 'login.title', public: true },
  },
  {
    path: '/m/login',
    name: MOBILE_LOGIN_ROUTE,
    component: () => import('../mobile/MobileLogin.vue'),
    meta: { title: 'mobile.login.title', public: true, mobile: true },
  },
  {
    path: MOBILE_HOME,
    component: () => import('../mobile/MobileLayout.vue'),
    redirect: `${MOBILE_HOME}/report`,
    meta: { mobile: true },
    children: mobileRoutes,
  },
  {
    path: '/',
    // Loaded on demand like every page, so that the phone pages never load the console's frame.
    component: () => import('../layout/AppLayout.vue'),
    redirect: DEFAULT_HOME,
    children: consoleRoutes,
  },
  // The server answers unknown non-/api paths with index.html; send those to the map.
  { path: '/:pathMatch(.*)*', redirect: DEFAULT_HOME },
]

export function createAppRouter() {
  return createRouter({ history: createWebHistory('/'), routes })
}
