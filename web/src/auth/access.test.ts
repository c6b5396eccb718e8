import { describe, expect, it } from 'vitest'
import type { Me } from '../api/types'
import {
  can,
  groupMenu,
  decideNavigation,
  DEFAULT_HOME,
  hasWorkPages,
  homeFor,
  isMobilePath,
  loginQuery,
  MOBILE_HOME,
  mobileLoginQuery,
  safeRedirect,
  visibleMenuRoutes,
  type NavigationTarget,
} from './access'

function account(roles: string[], permissions: string[]): Me {
  return {
    id: 1,
    username: roles[0] ?? 'x',
    display_name: '张三',
    kind: roles.includes('resident') ? 'resident' : 'staff',
    district_code: '370105',
    unit_code: null,
    department_id: null,
    roles,
    permissions,
  }
}

const admin = account(['district_admin'], ['audit:log:read', 'region:region:read', 'region:team:read', 'system:user:read'])
const dept = account(['department_staff'], ['region:region:read'])
const resident = account(['resident'], [])

const routes = [
  { path: 'map', meta: { menu: true, permission: 'region:region:read' } },
  { path: 'users', meta: { menu: true, permission: 'system:user:read' } },
  { path: 'about', meta: { menu: true } },
  { path: 'no-access', meta: {} },
]

function target(fullPath: string, meta: NavigationTarget['meta'] = {}, extra: Partial<NavigationTarget> = {}): NavigationTarget {
  return { fullPath, meta, query: {}, name: undefined, ...extra }
}

describe('permissions', () => {
  it('grants a page without a permission to every signed-in user, and nothing without a session', () => {
    expect(can(resident)).toBe(true)
    expect(can(null)).toBe(false)
    expect(can(null, 'region:region:read')).toBe(false)
  })

  it('checks the exact permission', () => {
    expect(can(admin, 'region:region:read')).toBe(true)
    expect(can(dept, 'region:team:read')).toBe(false)
    expect(can(resident, 'region:region:read')).toBe(false)
  })

  it('shows only the menu entries the user may open, in order', () => {
    expect(visibleMenuRoutes(routes, admin).map((r) => r.path)).toEqual(['map', 'users', 'about'])
    expect(visibleMenuRoutes(routes, dept).map((r) => r.path)).toEqual(['map', 'about'])
    expect(visibleMenuRoutes(routes, resident).map((r) => r.path)).toEqual(['about'])
    expect(visibleMenuRoutes(routes, null)).toEqual([])
  })

  it('knows when the console has nothing for a role', () => {
    expect(hasWorkPages(routes, admin)).toBe(true)
    expect(hasWorkPages(routes, dept)).toBe(true)
    // About is open to everyone but is not work: a resident gets the friendly page.
    expect(hasWorkPages(routes, resident)).toBe(false)
  })
})

describe('safeRedirect', () => {
  it('accepts in-app paths with query and hash', () => {
    expect(safeRedirect('/about')).toBe('/about')
    expect(safeRedirect('/map?grid=370105001001001#x')).toBe('/map?grid=370105001001001#x')
    expect(safeRedirect(['/about', '/map'])).toBe('/about')
  })

  it('falls back to the map for anything else', () => {
    for (const bad of [undefined, null, '', 'about', 'https://evil.example/', '//evil.example', '/\\evil.example', 42]) {
      expect(safeRedirect(bad), String(bad)).toBe(DEFAULT_HOME)
    }
  })

  it('never goes back to the login page', () => {
    expect(safeRedirect('/login')).toBe(DEFAULT_HOME)
    expect(safeRedirect('/login?redirect=/about')).toBe(DEFAULT_HOME)
    expect(safeRedirect('/loginhelp')).toBe('/loginhelp')
  })
})

describe('decideNavigation', () => {
  const mapMeta = { permission: 'region:region:read' }

  it('sends a visitor without a session to login, remembering the page', () => {
    expect(decideNavigation(target('/about'), null)).toEqual({ name: 'login', query: { redirect: '/about' } })
    expect(decideNavigation(target('/map?x=1', mapMeta), null)).toEqual({ name: 'login', query: { redirect: '/map?x=1' } })
  })

  it('does not bother remembering the start page', () => {
    expect(decideNavigation(target('/map', mapMeta), null)).toEqual({ name: 'login', query: {} })
    expect(loginQuery('/')).toEqual({})
  })

  it('lets anyone open the login page', () => {
    expect(decideNavigation(target('/login', { public: true }, { name: 'login' }), null)).toBe(true)
  })

  it('sends a signed-in user away from the login page to where they were going', () => {
    const to = target('/login?redirect=/about', { public: true }, { name: 'login', query: { redirect: '/about' } })
    expect(decideNavigation(to, admin)).toEqual({ path: '/about', replace: true })
    const evil = target('/login', { public: true }, { name: 'login', query: { redirect: '//evil.example' } })
    expect(decideNavigation(evil, admin)).toEqual({ path: DEFAULT_HOME, replace: true })
  })

  it('lets a user with the permission in', () => {
    expect(decideNavigation(target('/map', mapMeta), admin)).toBe(true)
    expect(decideNavigation(target('/map', mapMeta), dept)).toBe(true)
  })

  it('shows the no-access page instead of a page the user may not open', () => {
    expect(decideNavigation(target('/map', mapMeta), dept)).toBe(true)
    expect(decideNavigation(target('/system/users', { permission: 'system:user:read' }), dept)).toEqual({ name: 'no-access' })
    expect(decideNavigation(target('/about'), resident)).toBe(true)
    expect(decideNavigation(target('/no-access'), resident)).toBe(true)
  })

  it('sends residents from console pages to the phone pages', () => {
    expect(decideNavigation(target('/map', mapMeta), resident)).toEqual({ path: MOBILE_HOME, replace: true })
    expect(decideNavigation(target('/cases', { permission: 'case:case:read' }), { ...resident, permissions: ['case:case:read'] })).toEqual({
      path: MOBILE_HOME,
      replace: true,
    })
    expect(homeFor(resident)).toBe('/m')
    expect(homeFor(admin)).toBe(DEFAULT_HOME)
  })

  it('puts the phone pages behind the phone login page', () => {
    const report = { mobile: true, permission: 'case:case:report' }
    expect(decideNavigation(target('/m/report', report), null)).toEqual({ name: 'm-login', query: { redirect: '/m/report' } })
    expect(decideNavigation(target('/m', { mobile: true }), null)).toEqual({ name: 'm-login', query: {} })
    expect(mobileLoginQuery('/m/')).toEqual({})
    const staff = { ...admin, permissions: ['case:case:report'] }
    expect(decideNavigation(target('/m/report', report), staff)).toBe(true)
    // A tab the account may not open leads to 我的上报, and from there to the no-access page: never a loop.
    expect(decideNavigation(target('/m/tasks', { mobile: true, permission: 'case:case:handle' }), staff)).toEqual({ path: '/m/mine', replace: true })
    const mine = { mobile: true, permission: 'case:case:read' }
    expect(decideNavigation(target('/m/mine', mine), staff)).toEqual({ name: 'no-access' })
    expect(decideNavigation(target('/m/mine', mine), { ...staff, permissions: ['case:case:read'] })).toBe(true)
  })

  it('sends a signed-in user on from either login page', () => {
    const mobileLogin = target('/m/login', { public: true, mobile: true }, { name: 'm-login', query: { redirect: '/m/mine' } })
    expect(decideNavigation(mobileLogin, resident)).toEqual({ path: '/m/mine', replace: true })
    expect(decideNavigation({ ...mobileLogin, query: {} }, admin)).toEqual({ path: '/m', replace: true })
    expect(decideNavigation(target('/login', { public: true }, { name: 'login' }), resident)).toEqual({ path: '/m', replace: true })
    expect(safeRedirect('/m/login?redirect=/m', '/m')).toBe('/m')
    expect(isMobilePath('/m/cases/3')).toBe(true)
    expect(isMobilePath('/map')).toBe(false)
  })
})

describe('groupMenu', () => {
  it('folds consecutive entries of a group into one sub-menu, keeping the order', () => {
    const items = [{ p: 'map' }, { p: 'users', group: 'sys' }, { p: 'roles', group: 'sys' }, { p: 'about' }]
    expect(groupMenu(items)).toEqual([
      { kind: 'item', item: { p: 'map' } },
      { kind: 'group', group: 'sys', items: [items[1], items[2]] },
      { kind: 'item', item: { p: 'about' } },
    ])
    expect(groupMenu([])).toEqual([])
  })
})
