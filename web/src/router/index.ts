import type { Component } from 'vue'
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { Location, InfoFilled, Setting, User, UserFilled, Document } from '@element-plus/icons-vue'
import AppLayout from '../layout/AppLayout.vue'
import { DEFAULT_HOME, LOGIN_ROUTE, NO_ACCESS_ROUTE } from '../auth/access'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the menu entry and page title. */
    title?: string
    /** Element Plus icon shown in the side menu. */
    icon?: Component
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
    groupIcon?: Component
    /** Open without logging in (only the login page). */
    public?: boolean
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
    meta: { title: 'menu.map', icon: Location, menu: true, permission: 'region:region:read' },
  },
  {
    path: 'system/users',
    name: 'system-users',
    component: () => import('../views/system/UsersView.vue'),
    meta: { title: 'menu.users', icon: User, menu: true, permission: 'system:user:read', group: 'menu.system', groupIcon: Setting },
  },
  {
    path: 'system/roles',
    name: 'system-roles',
    component: () => import('../views/system/RolesView.vue'),
    meta: { title: 'menu.roles', icon: UserFilled, menu: true, permission: 'system:role:read', group: 'menu.system', groupIcon: Setting },
  },
  {
    path: 'system/audit',
    name: 'system-audit',
    component: () => import('../views/system/AuditView.vue'),
    meta: { title: 'menu.audit', icon: Document, menu: true, permission: 'audit:log:read', group: 'menu.system', groupIcon: Setting },
  },
  {
    path: 'about',
    name: 'about',
    component: () => import('../views/about/AboutView.vue'),
    meta: { title: 'menu.about', icon: InfoFilled, menu: true },
  },
  {
    // Where a user lands on a page they may not open; for a resident, everything in the console.
    path: 'no-access',
    name: NO_ACCESS_ROUTE,
    component: () => import('../views/access/NoAccessView.vue'),
    meta: { title: 'noAccess.title' },
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
    path: '/',
    component: AppLayout,
    redirect: DEFAULT_HOME,
    children: consoleRoutes,
  },
  // The server answers unknown non-/api paths with index.html; send those to the map.
  { path: '/:pathMatch(.*)*', redirect: DEFAULT_HOME },
]

export function createAppRouter() {
  return createRouter({ history: createWebHistory('/'), routes })
}
