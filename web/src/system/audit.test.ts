import { describe, expect, it } from 'vitest'
import zhCN from '../locales/zh-CN'
import en from '../locales/en'
import { actionKey, actionLabel, AUDIT_ACTIONS, formatShanghai, permissionKey, permissionLabel, roleLabel, shortDigest } from './audit'

/** A translator over one locale's messages, like vue-i18n's `t`/`te`. */
function translator(messages: object) {
  const get = (key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), messages)
  return { t: (key: string) => String(get(key) ?? key), te: (key: string) => typeof get(key) === 'string' }
}

describe('audit display', () => {
  const zh = translator(zhCN)

  it('translates every known action in both languages', () => {
    for (const action of AUDIT_ACTIONS) {
      expect(translator(zhCN).te(actionKey(action)), action).toBe(true)
      expect(translator(en).te(actionKey(action)), action).toBe(true)
    }
    expect(actionLabel('user.create', zh)).toBe('新增用户')
    expect(actionLabel('auth.otp_login', translator(en))).toBe('Log in with a code')
  })

  it('shows an unknown action as its code', () => {
    expect(actionLabel('case.close', zh)).toBe('case.close')
  })

  it('shortens digests', () => {
    expect(shortDigest('sha256:0123456789abcdef')).toBe('0123456789…')
    expect(shortDigest('abc')).toBe('abc')
    expect(shortDigest(null)).toBe('')
  })

  it('formats times in Beijing time', () => {
    expect(formatShanghai('2026-01-01T17:30:05Z')).toBe('2026-01-02 01:30:05')
    expect(formatShanghai('2026-06-30T08:00:00+08:00')).toBe('2026-06-30 08:00:00')
    expect(formatShanghai('not a time')).toBe('not a time')
  })

  it('names permissions and roles, falling back to the server', () => {
    expect(permissionKey('system:user:read')).toBe('permission.system_user_read')
    expect(permissionLabel('audit:log:read', zh)).toBe('查询审计日志')
    expect(permissionLabel('case:case:read', zh, 'see cases')).toBe('see cases')
    expect(permissionLabel('case:case:read', zh)).toBe('case:case:read')
    expect(roleLabel('grid_worker', zh)).toBe('网格员')
    expect(roleLabel('custom_role', zh, '自定义')).toBe('自定义')
  })
})
