// Who may see what, as pure functions of the signed-in account (no Vue, no router instance), so
// that the guard and the menus share one rule and unit tests can exercise it directly.
import type { Me } from '../api/types'

/** Where the console goes after login when no page was asked for. */
export const DEFAULT_HOME = '/map'

/** The route name of the login page. */
export const LOGIN_ROUTE = 'login'

/** The route name of the page for users the console has nothing for (or not this page). */
export const NO_ACCESS_ROUTE = 'no-access'

/** The parts of a route's meta that decide access. */
export interface AccessMeta {
  /** Open without a session (the login page). */
  public?: boolean
  /** The permission (`module:entity:action`) a user needs to open the page; none means any signed-in user. */
  permission?: string
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
export function safeRedirect(raw: unknown): string {
  const value = Array.isArray(raw) ? raw[0] : raw
  if (typeof value !== 'string') return DEFAULT_HOME
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return DEFAULT_HOME
  if (/^\/login(?:[/?#]|$)/.test(value)) return DEFAULT_HOME
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
  | { name: typeof NO_ACCESS_ROUTE }
  | { path: string; replace: true }

/**
 * The navigation guard's rule:
 * - the login page is open to everyone, but a signed-in user is sent on to where they were going;
 * - any other page needs a session: without one, go to login, remembering the page;
 * - a page that needs a permission the user lacks shows the no-access page instead.
 */
export function decideNavigation(to: NavigationTarget, me: Me | null): GuardDecision {
  if (to.meta.public) {
    if (me && to.name === LOGIN_ROUTE) return { path: safeRedirect(to.query.redirect), replace: true }
    return true
  }
  if (!me) return { name: LOGIN_ROUTE, query: loginQuery(to.fullPath) }
  if (!can(me, to.meta.permission)) return { name: NO_ACCESS_ROUTE }
  return true
}

/** The login page's query for coming back to `fullPath` afterwards (nothing for the start page). */
export function loginQuery(fullPath: string): { redirect?: string } {
  return fullPath === '/' || fullPath === DEFAULT_HOME ? {} : { redirect: fullPath }
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
