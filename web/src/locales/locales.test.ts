import { describe, expect, it } from 'vitest'
import zhCN from './zh-CN'
import en from './en'

type Tree = { [key: string]: string | Tree }

/** `{a: {b: 'x'}}` → `[['a.b', 'x']]` */
function flatten(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : flatten(value, `${prefix}${key}.`),
  )
}

const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('locales', () => {
  const zh = new Map(flatten(zhCN))
  const english = new Map(flatten(en))

  it('zh-CN and en have the same set of keys', () => {
    expect([...english.keys()].sort()).toEqual([...zh.keys()].sort())
  })

  it('has no empty message', () => {
    for (const [key, message] of [...zh, ...english]) expect(message.trim(), key).not.toBe('')
  })

  it('uses the same placeholders in both languages', () => {
    for (const [key, message] of zh) expect(placeholders(english.get(key) ?? ''), key).toEqual(placeholders(message))
  })

  it('avoids vue-i18n syntax characters that would need escaping', () => {
    // "@" starts a linked message and "|" separates plural forms in vue-i18n.
    for (const [key, message] of [...zh, ...english]) expect(message, key).not.toMatch(/[@|]/)
  })

  it('translates every API error code the map page can receive', () => {
    for (const code of ['outside_district', 'region_not_found', 'invalid_bbox', 'invalid_coordinate']) {
      expect(zh.has(`errors.${code}`), code).toBe(true)
    }
    expect(zh.get('errors.outside_district')).toBe('该位置不在辖区内')
  })

  it('translates every error code of logging in and of sessions', () => {
    const codes = ['invalid_credentials', 'too_many_attempts', 'invalid_json', 'not_logged_in', 'session_invalid', 'session_expired', 'forbidden', 'csrf_rejected']
    for (const code of codes) expect(zh.has(`errors.${code}`), code).toBe(true)
    for (const unit of ['seconds', 'minutes']) {
      expect(zh.get(`errorsWithWait.too_many_attempts.${unit}`), unit).toContain('{n}')
    }
  })

  it('translates every error code of custom roles and of assigning roles', () => {
    const codes = [
      'invalid_role_key',
      'invalid_name',
      'unknown_permission',
      'cannot_grant_permission',
      'cannot_grant_scope',
      'role_exists',
      'builtin_role',
      'stale_version',
      'role_not_found',
      'user_not_found',
    ]
    for (const code of codes) {
      expect(zh.has(`errors.${code}`), code).toBe(true)
      expect(english.has(`errors.${code}`), code).toBe(true)
    }
    expect(zh.has('roles.invalidName')).toBe(true)
  })

  it('translates every error code of editing accounts and of passwords', () => {
    const codes = [
      'invalid_name',
      'invalid_region_code',
      'region_not_found',
      'unit_out_of_scope',
      'scope_too_wide',
      'user_not_found',
      'stale_version',
      'use_password_change',
      'no_password_login',
      'wrong_password',
      'password_unchanged',
      'password_too_short',
      'password_too_simple',
      'password_contains_account',
      'password_too_common',
      'password_too_long',
    ]
    for (const code of codes) {
      expect(zh.has(`errors.${code}`), code).toBe(true)
      expect(english.has(`errors.${code}`), code).toBe(true)
    }
  })

  it('names every audited action', async () => {
    const { AUDIT_ACTIONS, actionKey } = await import('../system/audit')
    for (const action of AUDIT_ACTIONS) expect(zh.has(actionKey(action)), action).toBe(true)
  })

  it('names every built-in role', () => {
    const roles = ['district_admin', 'district_leader', 'street_operator', 'community_operator', 'grid_leader', 'grid_worker', 'department_staff', 'resident']
    for (const role of roles) expect(zh.has(`userRole.${role}`), role).toBe(true)
  })
})
