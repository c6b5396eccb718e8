import { describe, expect, it } from 'vitest'
import zhCN from '../locales/zh-CN'
import en from '../locales/en'
import {
  actionKey,
  actionLabel,
  actorInvalid,
  auditQuery,
  AUDIT_ACTION_PREFIXES,
  AUDIT_ACTIONS,
  beijingToRfc3339,
  emptyAuditSearch,
  formatShanghai,
  permissionKey,
  permissionLabel,
  roleLabel,
  shortDigest,
} from './audit'

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

describe('audit search', () => {
  it('reads Beijing wall-clock times as UTC instants', () => {
    expect(beijingToRfc3339('2026-01-02 08:00:00')).toBe('2026-01-02T00:00:00Z')
    expect(beijingToRfc3339('2026-01-01 00:00:00')).toBe('2025-12-31T16:00:00Z')
    expect(beijingToRfc3339('2026-03-01T07:30')).toBe('2026-02-28T23:30:00Z')
    expect(beijingToRfc3339('2026-12-31 23:59:59', 1)).toBe('2026-12-31T16:00:00Z')
  })

  it('refuses what is not a wall-clock time', () => {
    for (const bad of ['', 'yesterday', '2026-02-30 00:00:00', '2026-01-01 24:00:00', '2026-13-01 00:00:00', '2026-1-1 00:00:00']) {
      expect(beijingToRfc3339(bad), bad).toBeNull()
    }
  })

  it('asks for page 1 of everything when the form is empty', () => {
    expect(auditQuery(emptyAuditSearch(), 1, 20)).toEqual({ page: 1, page_size: 20 })
  })

  it('sends the filters, trimmed, and an exclusive end one second after the picked one', () => {
    const search = {
      entity_type: 'user',
      entity_id: ' 7 ',
      action: ' user. ',
      actor: ' 1 ',
      range: ['2026-01-02 00:00:00', '2026-01-02 23:59:59'] as [string, string],
    }
    expect(auditQuery(search, 3, 50)).toEqual({
      page: 3,
      page_size: 50,
      entity_type: 'user',
      entity_id: '7',
      action: 'user.',
      actor_user_id: 1,
      from: '2026-01-01T16:00:00Z',
      until: '2026-01-02T16:00:00Z',
    })
  })

  it('leaves out an actor that is not an id', () => {
    const search = { ...emptyAuditSearch(), actor: '张三' }
    expect(actorInvalid(search)).toBe(true)
    expect(actorInvalid({ actor: ' 12 ' })).toBe(false)
    expect(actorInvalid({ actor: '' })).toBe(false)
    expect(auditQuery(search, 1, 20)).not.toHaveProperty('actor_user_id')
  })

  it('names every module prefix in both languages', () => {
    for (const prefix of AUDIT_ACTION_PREFIXES) {
      const key = `audit.modules.${prefix.replace(/\.$/, '')}`
      expect(translator(zhCN).te(key), prefix).toBe(true)
      expect(translator(en).te(key), prefix).toBe(true)
      expect(AUDIT_ACTIONS.some((a) => a.startsWith(prefix)), prefix).toBe(true)
    }
  })
})
