import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import type { Category } from '../api/types'
import { createAppI18n } from '../i18n'
import {
  actionLabel,
  CASE_ACTIONS,
  CASE_STATES,
  districtOf,
  holderLabel,
  holderOf,
  parentRegionCode,
  parseHolder,
  RATINGS,
  SEATS,
  seatLabel,
  stateLabel,
  stateTagType,
  SYSTEM_EVENTS,
} from './labels'
import { formatDue, formatDuration, slaTag, slaTagType, slaText } from './sla'
import { caseQuery, categoryFullName, categoryGroups, categoryOptions, categoryPath, emptyCaseSearch, inboxesFor } from './query'
import { actionBody, actionFieldErrors, actionFormErrors, actionSpec, emptyActionForm, mobileActions, needsReload, parseCaseId } from './actionForm'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}

const zh = translator('zh-CN')
const en = translator('en')

describe('case labels', () => {
  it('names every state, action, seat, rating and timeline entry in both languages', () => {
    for (const i18n of [zh, en]) {
      for (const s of CASE_STATES) expect(i18n.te(`cases.state.${s}`), s).toBe(true)
      for (const a of [...CASE_ACTIONS, ...SYSTEM_EVENTS]) expect(i18n.te(`cases.action.${a}`), a).toBe(true)
      for (const s of SEATS) expect(i18n.te(`cases.seat.${s}`), s).toBe(true)
      for (const r of RATINGS) expect(i18n.te(`cases.rating.${r}`), r).toBe(true)
    }
    expect(stateLabel('handled', zh)).toBe('待核查')
    expect(actionLabel('whistle', zh)).toBe('吹哨')
    expect(actionLabel('acknowledge', en)).toBe('Report for duty')
    expect(seatLabel('case_grid', zh)).toBe('所在网格')
  })

  it('shows the code of something a newer server sends', () => {
    expect(stateLabel('archived', zh)).toBe('archived')
    expect(actionLabel('transfer', en)).toBe('transfer')
  })

  it('colours states', () => {
    expect(stateTagType('closed')).toBe('success')
    expect(stateTagType('reported')).toBe('warning')
    expect(stateTagType('whistled')).toBe('primary')
    expect(stateTagType('rejected')).toBe('info')
  })

  it('parses holders and names them', () => {
    expect(parseHolder('grid:370105001001001')).toEqual({ kind: 'grid', unit: '370105001001001' })
    expect(parseHolder('department:3')).toEqual({ kind: 'department', id: 3 })
    expect(parseHolder('centre:370105001000')).toEqual({ kind: 'centre', unit: '370105001000' })
    expect(parseHolder('department:x')).toBeNull()
    expect(parseHolder('nobody')).toBeNull()
    expect(parseHolder(null)).toBeNull()
    const names = {
      region: (code: string) => ({ '370105001001': '幸福社区', '370105001001001': '幸福社区第1网格' })[code],
      department: (id: number) => (id === 1 ? '区城市管理局' : undefined),
    }
    expect(holderLabel({ kind: 'centre', unit: '370105001001' }, names, zh)).toBe('幸福社区中心')
    expect(holderLabel({ kind: 'grid', unit: '370105001001001' }, names, zh)).toBe('幸福社区第1网格')
    expect(holderLabel({ kind: 'department', id: 1 }, names, zh)).toBe('区城市管理局')
    expect(holderLabel({ kind: 'department', id: 9 }, names, zh)).toBe('部门 #9')
    expect(holderLabel({ kind: 'centre', unit: '370105002000' }, names, en)).toBe('370105002000 centre')
    expect(holderOf({ holder_kind: 'department', holder_unit: '370105001000', holder_department_id: 1 })).toEqual({ kind: 'department', id: 1 })
    expect(holderOf({ holder_kind: 'grid', holder_unit: '370105001001001', holder_department_id: null })).toEqual({
      kind: 'grid',
      unit: '370105001001001',
    })
  })

  it('walks region codes up and finds the district', () => {
    expect(parentRegionCode('37010500100100102')).toBe('370105001001001')
    expect(parentRegionCode('370105001001001')).toBe('370105001001')
    expect(parentRegionCode('370105001001')).toBe('370105001000')
    expect(parentRegionCode('370105001000')).toBe('370105000000')
    expect(parentRegionCode('370105000000')).toBeNull()
    expect(parentRegionCode('abc')).toBeNull()
    expect(districtOf('370105001001001')).toBe('370105')
    expect(districtOf(null)).toBeNull()
  })
})

describe('SLA tag', () => {
  const now = Date.parse('2026-11-25T02:00:00Z')

  it('is none when no clock runs', () => {
    expect(slaTag({ sla: null, stage: null, stage_due_at: null }, now).level).toBe('none')
    expect(slaTag({ sla: 'normal', stage: 'handle', stage_due_at: null }, now).level).toBe('none')
    expect(slaText(slaTag({ sla: null, stage: null, stage_due_at: null }, now), zh)).toBe('—')
  })

  it("keeps the server's level and counts the time left", () => {
    const tag = slaTag({ sla: 'normal', stage: 'accept', stage_due_at: '2026-11-25T04:05:00Z' }, now)
    expect(tag).toEqual({ level: 'normal', stage: 'accept', due: '2026-11-25T04:05:00Z', minutesLeft: 125 })
    expect(slaText(tag, zh)).toBe('正常 · 剩余 2小时5分')
    expect(slaText(tag, en)).toBe('On time · 2 h 5 min left')
    expect(slaTagType(tag.level)).toBe('success')
    expect(slaTag({ sla: 'warning', stage: 'handle', stage_due_at: '2026-11-25T02:30:00Z' }, now).level).toBe('warning')
  })

  it('turns overdue once the deadline passes while the page is open', () => {
    const tag = slaTag({ sla: 'warning', stage: 'handle', stage_due_at: '2026-11-25T01:48:00Z' }, now)
    expect(tag.level).toBe('overdue')
    expect(tag.minutesLeft).toBe(-12)
    expect(slaText(tag, zh)).toBe('超时 · 超时 12分钟')
    expect(slaTagType('overdue')).toBe('danger')
  })

  it('formats durations and Beijing deadlines', () => {
    expect(formatDuration(3 * 1440 + 61, zh)).toBe('3天1小时')
    expect(formatDuration(59, en)).toBe('59 min')
    expect(formatDue('2026-11-25T04:05:00Z')).toBe('2026-11-25 12:05')
    expect(formatDue(null)).toBe('')
  })
})

describe('case search', () => {
  it('offers the inboxes of each kind of account', () => {
    expect(inboxesFor({ kind: 'staff', permissions: ['case:case:read', 'case:case:handle'] })).toEqual(['mine', 'all', 'reported'])
    expect(inboxesFor({ kind: 'staff', permissions: ['case:case:read'] })).toEqual(['all', 'reported'])
    expect(inboxesFor({ kind: 'department', permissions: ['case:case:read', 'case:case:handle'] })).toEqual(['department', 'all', 'reported'])
    expect(inboxesFor({ kind: 'resident', permissions: ['case:case:read'] })).toEqual(['reported'])
    expect(inboxesFor(null)).toEqual([])
  })

  it('builds the query, leaving out empty filters', () => {
    expect(caseQuery(emptyCaseSearch('mine'), 1, 20)).toEqual({ inbox: 'mine', page: 1, page_size: 20 })
    const search = { ...emptyCaseSearch(), states: ['reported', 'accepted', 'reported'] as const, category: 14, region: ' 370105001001 ', overdue: true, q: ' 垃圾 ' }
    expect(caseQuery({ ...search, states: [...search.states] }, 3, 50)).toEqual({
      inbox: 'all',
      page: 3,
      page_size: 50,
      state: 'reported,accepted',
      category_id: 14,
      region: '370105001001',
      overdue: true,
      q: '垃圾',
    })
  })

  const cat = (id: number, code: string, name: string, parent: string | null, enabled = true): Category => ({
    id,
    code,
    name,
    parent_code: parent,
    owner_level: 'community',
    department_id: null,
    accept_minutes: 0,
    handle_minutes: 0,
    ack_minutes: 0,
    time_mode: 'working',
    direct_channel: false,
    auto_escalate: false,
    enabled,
    version: 1,
  })
  const items = [
    cat(13, 'sanitation', '环境卫生', null),
    cat(14, 'sanitation.garbage', '垃圾堆放', 'sanitation'),
    cat(15, 'sanitation.sorting', '垃圾分类', 'sanitation', false),
    cat(43, 'other', '其他', null),
  ]

  it('groups the catalogue for pickers, without disabled categories or empty groups', () => {
    expect(categoryGroups(items).map((g) => [g.group.code, g.categories.map((c) => c.id)])).toEqual([['sanitation', [14]]])
    expect(categoryOptions(items)).toEqual([{ value: 'sanitation', label: '环境卫生', children: [{ value: 14, label: '垃圾堆放' }] }])
    expect(categoryPath(items, 14)).toEqual(['sanitation', 14])
    expect(categoryPath(items, 99)).toEqual([])
    expect(categoryPath(items, null)).toEqual([])
    expect(categoryFullName(items, 14)).toBe('环境卫生 / 垃圾堆放')
    expect(categoryFullName(items, 99, '?')).toBe('?')
  })
})

describe('action dialogs', () => {
  it('asks each action for what it needs', () => {
    expect(actionSpec('dispatch')).toEqual({ fields: ['target'], reasonRequired: false })
    expect(actionSpec('whistle').fields).toEqual(['department_id'])
    expect(actionSpec('reject').reasonRequired).toBe(true)
    expect(actionSpec('return').reasonRequired).toBe(true)
    expect(actionSpec('rework').reasonRequired).toBe(true)
    expect(actionSpec('accept')).toEqual({ fields: [], reasonRequired: false })
  })

  it('checks the form before sending', () => {
    const form = emptyActionForm()
    expect(actionFormErrors('reject', form)).toEqual({ comment: 'cases.form.reasonRequired' })
    expect(actionFormErrors('reject', { ...form, comment: '  ' })).toEqual({ comment: 'cases.form.reasonRequired' })
    expect(actionFormErrors('accept', form)).toEqual({})
    expect(actionFormErrors('dispatch', form)).toEqual({ target: 'cases.form.targetRequired' })
    expect(actionFormErrors('whistle', form)).toEqual({ department_id: 'cases.form.departmentRequired' })
    expect(actionFormErrors('rate', form)).toEqual({ rating: 'cases.form.ratingRequired' })
    expect(actionFormErrors('merge', { ...form, merge_into: 'abc' })).toEqual({ merge_into: 'cases.form.mergeRequired' })
    expect(actionFormErrors('extend', { ...form, extend_hours: 0, extend_minutes: 0 })).toEqual({ extend: 'cases.form.extendRange' })
    expect(actionFormErrors('extend', { ...form, extend_hours: 721, extend_minutes: 0 })).toEqual({ extend: 'cases.form.extendRange' })
    expect(actionFormErrors('extend', { ...form, extend_hours: 720, extend_minutes: 0 })).toEqual({})
  })

  it('sends the version, the note and only the fields of the action', () => {
    const form = { ...emptyActionForm(), comment: ' 已清运 ', target: '370105001001001', department_id: 1, rating: 'satisfied' as const, merge_into: '#12' }
    expect(actionBody('report_result', 6, form)).toEqual({ action: 'report_result', version: 6, comment: '已清运' })
    expect(actionBody('report_result', 6, form, [4, 5])).toEqual({ action: 'report_result', version: 6, comment: '已清运', photo_ids: [4, 5] })
    expect(actionBody('verify', 7, { ...form, comment: '' }, [])).toEqual({ action: 'verify', version: 7 })
    expect(actionBody('dispatch', 2, { ...form, comment: '' })).toEqual({ action: 'dispatch', version: 2, target: '370105001001001' })
    expect(actionBody('whistle', 3, { ...form, comment: '' })).toEqual({ action: 'whistle', version: 3, department_id: 1 })
    expect(actionBody('rate', 5, { ...form, comment: '' })).toEqual({ action: 'rate', version: 5, rating: 'satisfied' })
    expect(actionBody('merge', 1, { ...form, comment: '' })).toEqual({ action: 'merge', version: 1, merge_into: 12 })
    expect(actionBody('extend', 4, { ...form, comment: '', extend_hours: 2, extend_minutes: 30 })).toEqual({
      action: 'extend',
      version: 4,
      extend_minutes: 150,
    })
    expect(parseCaseId(' 7 ')).toBe(7)
    expect(parseCaseId('0')).toBeNull()
  })

  it("places the server's field errors and knows when the case moved on", () => {
    const error = new ApiError(400, 'validation_failed', 'invalid', [
      { field: 'target', code: 'target_out_of_reach', reason: '' },
      { field: 'extend_minutes', code: 'invalid_extension', reason: '' },
      { field: 'other', code: 'x', reason: '' },
    ])
    expect(actionFieldErrors(error)).toEqual({ target: 'target_out_of_reach', extend: 'invalid_extension' })
    expect(actionFieldErrors(new ApiError(409, 'stale_version', ''))).toEqual({})
    expect(needsReload(new ApiError(409, 'stale_version', ''))).toBe(true)
    expect(needsReload(new ApiError(409, 'illegal_transition', ''))).toBe(true)
    expect(needsReload(new ApiError(403, 'not_your_turn', ''))).toBe(true)
    expect(needsReload(new ApiError(409, 'already_rated', ''))).toBe(false)
    expect(needsReload(new ApiError(403, 'no_direct_channel', ''))).toBe(false)
    expect(needsReload(new Error('x'))).toBe(false)
  })

  it('leaves the region-tree and deadline actions to the console on the phone', () => {
    expect(mobileActions(['accept', 'dispatch', 'escalate', 'whistle', 'report_result', 'extend'])).toEqual({
      phone: ['accept', 'escalate', 'whistle', 'report_result'],
      desktop: ['dispatch', 'extend'],
    })
    expect(mobileActions(['rate', 'reopen'])).toEqual({ phone: ['rate', 'reopen'], desktop: [] })
  })

  it('translates the error codes of the case endpoints', () => {
    const codes = [
      'case_not_found', 'location_out_of_scope', 'unknown_category', 'outside_district', 'not_department_staff', 'reason_required',
      'target_out_of_reach', 'department_not_found', 'invalid_extension', 'cannot_merge', 'unknown_action', 'unknown_rating',
      'not_your_turn', 'no_direct_channel', 'illegal_transition', 'stale_version', 'already_rated', 'reopen_window_passed',
      'cannot_escalate', 'no_deadline', 'invalid_description', 'invalid_idempotency_key', 'otp_invalid', 'invalid_phone',
    ]
    for (const code of codes) {
      expect(zh.te(`errors.${code}`), code).toBe(true)
      expect(en.te(`errors.${code}`), code).toBe(true)
    }
  })
})
