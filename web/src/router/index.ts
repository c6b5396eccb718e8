import type { Component } from 'vue'
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { Location, InfoFilled } from '@element-plus/icons-vue'
import AppLayout from '../layout/AppLayout.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the menu entry and page title. */
    title?: string
    /** Element Plus icon shown in the side menu. */
    icon?: Component
    /** Shown in the side menu when true; menus are built from these routes, in this order. */
    menu?: boolean
  }
}

/**
 * The console's pages. A new module adds a child route here with `meta.menu`;
 * the side menu and the page title follow from the meta.
 */
export const consoleRoutes: RouteRecordRaw[] = [
  {
    path: 'map',
    name: 'grid-map',
    component: () => import('../views/map/GridMapView.vue'),
    meta: { title: 'menu.map', icon: Location, menu: true },
  },
  {
    path: 'about',
    name: 'about',
    component: () => import('../views/about/AboutView.vue'),
    meta: { title: 'menu.about', icon: InfoFilled, menu: true },
  },
]

export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    component: AppLayout,
    redirect: '/map',
    children: consoleRoutes,
  },
  // The server answers unknown non-/api paths with index.html; send those to the map.
  { path: '/:pathMatch(.*)*', redirect: '/map' },
]

export function createAppRouter() {
  return createRouter({ history: createWebHistory('/'), routes })
}
