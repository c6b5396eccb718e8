import type { Component } from 'vue'
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { Location, InfoFilled } from '@element-plus/icons-vue'
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
