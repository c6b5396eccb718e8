// Who may see what, as pure functions of the signed-in account (no Vue, no router instance), so
// that the guard and the menus share one rule and unit tests can exercise it directly.
import type { Me } from '../api/types'

/** Where the console goes after login when no page was asked for. */
export const DEFAULT_HOME = '/map'

/** The route name of the login page. */
export const LOGIN_ROUTE = 'login'

/** The phone pages (grid workers on patrol, residents): their home and their own login page. */
export const MOBILE_HOME = '/m'
export const MOBILE_LOGIN_ROUTE = 'm-login'
/** The phone page every account with case access may open (我的上报). */
export const MOBILE_FALLBACK = '/m/mine'

/** Where an account goes after login when no page was asked for: residents to the phone pages. */
export function homeFor(me: Pick<Me, 'kind'> | null): string {
  return me?.kind === 'resident' ? MOBILE_HOME : DEFAULT_HOME
}

/** The route name of the page for users the console has nothing for (or not this page). */
export const NO_ACCESS_ROUTE = 'no-access'

/** The parts of a route's meta that decide access. */
export interface AccessMeta {
  /** Open without a session (the login page). */
  public?: boolean
  /** The permission (`module:entity:action`) a user needs to open the page; none means any signed-in user. */
  permission?: string
  /** A phone page (/m): its own login page and layout. */
  mobile?: boolean
}

/** True when `me` holds `permission`; every signed-in user passes when no permission is needed. */
export function can(me: Pick<Me, 'permissions'> | null, permission?: string): boolean {
  if (!me) return false
  return !permission || me.permissions.includes(permission)
}

/** The routes of `routes` that are menu entries `me` may open, in their order. */
export function visibleMenuRoutes<R extends { meta?: AccessMeta & { menu?: boolean } }>(
  routes: readonly R[],
  me: Pick<Me, 'permissions'> | null,
): R[] {
  return routes.filter((r) => r.meta?.menu && can(me, r.meta.permission))
}

/**
 * True when `me` can use at least one page that needs a permission. About (and other pages open
 * to everyone) do not count: a resident holds no permission, so the console has nothing for them.
 */
export function hasWorkPages(
  routes: readonly { meta?: AccessMeta & { menu?: boolean } }[],
  me: Pick<Me, 'permissions'> | null,
): boolean {
  return routes.some((r) => r.meta?.menu && r.meta.permission && can(me, r.meta.permission))
}

/**
 * The in-app path to go to after login: the `redirect` query if it is a path of this app, else the
 * default home. Anything that could leave the site (`//host`, `/\host`, a URL with a scheme) or
 * loop back to the login page is refused.
 */
export function safeRedirect(raw: unknown, fallback: string = DEFAULT_HOME): string {
  const value = Array.isArray(raw) ? raw[0] : raw
  if (typeof value !== 'string') return fallback
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  if (/^\/(?:m\/)?login(?:[/?#]|$)/.test(value)) return fallback
  return value
}

/** What the guard needs to know about the target of a navigation. */
export interface NavigationTarget {
  name?: string | symbol | null
  fullPath: string
  query: Record<string, unknown>
  meta: AccessMeta
}

/** Where to send a navigation instead, or `true` to let it through. */
export type GuardDecision =
  | true
  | { name: typeof LOGIN_ROUTE; query: { redirect?: string } }
  | { name: typeof MOBILE_LOGIN_ROUTE; query: { redirect?: string } }
  | { name: typeof NO_ACCESS_ROUTE }
  | { path: string; replace: true }

/**
 * The navigation guard's rule:
 * - the login pages are open to everyone, but a signed-in user is sent on to where they were going;
 * - any other page needs a session: without one, go to login (the phone's for a phone page),
 *   remembering the page;
 * - a resident has nothing in the console: its pages send them to the phone pages;
 * - a page that needs a permission the user lacks shows the no-access page instead (on the phone,
 *   我的上报 first).
 */
export function decideNavigation(to: NavigationTarget, me: Me | null): GuardDecision {
  if (to.meta.public) {
    if (me && (to.name === LOGIN_ROUTE || to.name === MOBILE_LOGIN_ROUTE)) {
      const fallback = to.name === MOBILE_LOGIN_ROUTE ? MOBILE_HOME : homeFor(me)
      return { path: safeRedirect(to.query.redirect, fallback), replace: true }
    }
    return true
  }
  if (!me) {
    return to.meta.mobile
      ? { name: MOBILE_LOGIN_ROUTE, query: mobileLoginQuery(to.fullPath) }
      : { name: LOGIN_ROUTE, query: loginQuery(to.fullPath) }
  }
  if (me.kind === 'resident' && !to.meta.mobile && to.meta.permission) return { path: MOBILE_HOME, replace: true }
  if (!can(me, to.meta.permission)) {
    // On the phone: 上报 (the home) needs case:case:report, so fall back to 我的上报, and from there to
    // the no-access page, never round in a circle.
    if (to.meta.mobile && !to.fullPath.startsWith(MOBILE_FALLBACK)) return { path: MOBILE_FALLBACK, replace: true }
    return { name: NO_ACCESS_ROUTE }
  }
  return true
}

/** The login page's query for coming back to `fullPath` afterwards (nothing for the start page). */
export function loginQuery(fullPath: string): { redirect?: string } {
  return fullPath === '/' || fullPath === DEFAULT_HOME ? {} : { redirect: fullPath }
}

/** The phone login page's query for coming back to `fullPath` (nothing for the phone's home). */
export function mobileLoginQuery(fullPath: string): { redirect?: string } {
  return fullPath === MOBILE_HOME || fullPath === `${MOBILE_HOME}/` ? {} : { redirect: fullPath }
}

/** True for a path of the phone pages (/m and below). */
export function isMobilePath(fullPath: string): boolean {
  return fullPath === MOBILE_HOME || fullPath.startsWith(`${MOBILE_HOME}/`) || fullPath.startsWith(`${MOBILE_HOME}?`)
}

/** A side menu entry: a page, or a group (sub-menu) of pages. */
export type MenuNode<T> = { kind: 'item'; item: T } | { kind: 'group'; group: string; items: T[] }

/**
 * Folds consecutive menu entries that name the same `group` into one sub-menu, keeping the order;
 * entries without a group stay top-level. Filter by permission first: a group whose entries the
 * user may not open disappears with them.
 */
export function groupMenu<T extends { group?: string }>(items: readonly T[]): MenuNode<T>[] {
  const out: MenuNode<T>[] = []
  for (const item of items) {
    const last = out[out.length - 1]
    if (!item.group) out.push({ kind: 'item', item })
    else if (last?.kind === 'group' && last.group === item.group) last.items.push(item)
    else out.push({ kind: 'group', group: item.group, items: [item] })
  }
  return out
}
