import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import type { Category } from '../api/types'
import { createAppI18n } from '../i18n'
import {
  CATEGORY_CODE_PATTERN,
  MAX_LIMIT_MINUTES,
  buildCreateCategory,
  buildUpdateCategory,
  categoryFieldErrors,
  categoryFieldMessageKey,
  categoryFormOf,
  categoryTree,
  emptyCategoryForm,
  emptyGroupForm,
  filterTree,
  formatLimit,
  limitInput,
  limitMinutes,
  limitParts,
  limitValid,
  toggleBody,
} from './categoryAdmin'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}

const zh = translator('zh-CN')
const en = translator('en')

function cat(over: Partial<Category>): Category {
  return {
    id: 1,
    code: 'sanitation.garbage',
    parent_code: 'sanitation',
    name: '垃圾堆放',
    owner_level: 'community',
    department_id: 3,
    accept_minutes: 120,
    handle_minutes: 480,
    ack_minutes: 60,
    time_mode: 'working',
    direct_channel: true,
    auto_escalate: false,
    enabled: true,
    version: 2,
    ...over,
  }
}

const group = cat({ id: 10, code: 'sanitation', parent_code: null, name: '环境卫生', owner_level: 'community', department_id: null, accept_minutes: 0, handle_minutes: 0, ack_minutes: 0, time_mode: 'natural', direct_channel: false })
const safety = cat({ id: 20, code: 'safety', parent_code: null, name: '安全隐患', department_id: null, accept_minutes: 0, handle_minutes: 0, ack_minutes: 0, time_mode: 'natural', direct_channel: false })
const garbage = cat({ id: 11 })
const sewage = cat({ id: 12, code: 'sanitation.sewage', name: '污水外溢', enabled: false })
const fire = cat({ id: 21, code: 'safety.fire', parent_code: 'safety', name: '消防隐患', time_mode: 'natural', accept_minutes: 30, handle_minutes: 240, ack_minutes: 30, auto_escalate: true })

describe('the category tree', () => {
  it('puts every category, disabled ones too, under its group in the server order', () => {
    const tree = categoryTree([group, safety, garbage, sewage, fire])
    expect(tree.map((r) => r.code)).toEqual(['sanitation', 'safety'])
    expect(tree[0]?.children?.map((c) => c.code)).toEqual(['sanitation.garbage', 'sanitation.sewage'])
    expect(tree[1]?.children?.map((c) => c.code)).toEqual(['safety.fire'])
  })

  it('keeps a category whose group is missing at the top level', () => {
    const orphan = cat({ id: 99, code: 'lost.item', parent_code: 'lost' })
    expect(categoryTree([group, orphan]).map((r) => r.code)).toEqual(['sanitation', 'lost.item'])
  })

  it('filters by name or code, keeping a matching group whole', () => {
    const tree = categoryTree([group, safety, garbage, sewage, fire])
    expect(filterTree(tree, '  ')).toHaveLength(2)
    const byName = filterTree(tree, '污水')
    expect(byName.map((r) => r.code)).toEqual(['sanitation'])
    expect(byName[0]?.children?.map((c) => c.code)).toEqual(['sanitation.sewage'])
    expect(filterTree(tree, 'SAFETY')[0]?.children).toHaveLength(1)
    expect(filterTree(tree, '安全隐患')[0]?.children?.map((c) => c.code)).toEqual(['safety.fire'])
    expect(filterTree(tree, 'nothing')).toEqual([])
  })
})

describe('limits', () => {
  it('read as people say them, in days of the limit’s mode', () => {
    expect(formatLimit(120, 'working', zh)).toBe('2 小时')
    expect(formatLimit(1440, 'working', zh)).toBe('3 个工作日')
    expect(formatLimit(1440, 'natural', zh)).toBe('1 天')
    expect(formatLimit(720, 'working', zh)).toBe('1 个工作日 4 小时')
    expect(formatLimit(90, 'natural', zh)).toBe('1 小时 30 分钟')
    expect(formatLimit(30, 'natural', zh)).toBe('30 分钟')
    expect(formatLimit(0, 'natural', zh)).toBe('0 分钟')
    expect(formatLimit(1440, 'working', en)).toBe('3 working day(s)')
    expect(formatLimit(90, 'natural', en)).toBe('1 h 30 min')
  })

  it('split into days, hours and minutes', () => {
    expect(limitParts(4800, 'working')).toEqual([{ n: 10, unit: 'days' }])
    expect(limitParts(1501, 'natural')).toEqual([
      { n: 1, unit: 'days' },
      { n: 1, unit: 'hours' },
      { n: 1, unit: 'minutes' },
    ])
  })

  it('go into the form as the largest whole unit and come back as minutes', () => {
    expect(limitInput(960, 'working')).toEqual({ value: 2, unit: 'days' })
    expect(limitInput(960, 'natural')).toEqual({ value: 16, unit: 'hours' })
    expect(limitInput(90, 'natural')).toEqual({ value: 90, unit: 'minutes' })
    expect(limitMinutes({ value: 3, unit: 'days' }, 'working')).toBe(1440)
    expect(limitMinutes({ value: 3, unit: 'days' }, 'natural')).toBe(4320)
    expect(limitMinutes({ value: 2, unit: 'hours' }, 'working')).toBe(120)
    for (const m of [1, 59, 60, 480, 481, 1440, 4800, MAX_LIMIT_MINUTES])
      for (const mode of ['working', 'natural'] as const) expect(limitMinutes(limitInput(m, mode), mode)).toBe(m)
  })

  it('are whole numbers from a minute to a year', () => {
    expect(limitValid({ value: 1, unit: 'minutes' }, 'natural')).toBe(true)
    expect(limitValid({ value: 365, unit: 'days' }, 'natural')).toBe(true)
    expect(limitValid({ value: 366, unit: 'days' }, 'natural')).toBe(false)
    expect(limitValid({ value: 1095, unit: 'days' }, 'working')).toBe(true)
    expect(limitValid({ value: 0, unit: 'hours' }, 'natural')).toBe(false)
    expect(limitValid({ value: -2, unit: 'hours' }, 'natural')).toBe(false)
    expect(limitValid({ value: 1.5, unit: 'hours' }, 'natural')).toBe(false)
    expect(limitValid({ value: null, unit: 'hours' }, 'natural')).toBe(false)
  })
})

describe('the edit form', () => {
  it('checks codes as the server does', () => {
    for (const ok of ['ab', 'sanitation.garbage', 'x-y_z.9', 'a'.repeat(48)]) expect(CATEGORY_CODE_PATTERN.test(ok), ok).toBe(true)
    for (const bad of ['a', 'Ab', '1ab', 'ab.', 'a..b', 'a b', '垃圾', 'ab-', 'a'.repeat(49)]) expect(CATEGORY_CODE_PATTERN.test(bad), bad).toBe(false)
  })

  it('creates a group with only its code, name and switch', () => {
    const form = { ...emptyGroupForm(), code: ' parks ', name: ' 园林绿化 ' }
    expect(buildCreateCategory(form)).toEqual({ code: 'parks', name: '园林绿化', enabled: true })
  })

  it('creates a category with its settings in minutes', () => {
    const form = { ...emptyCategoryForm('parks'), code: 'parks.bench', name: '公园设施', department_id: 5, direct_channel: true }
    expect(form.code).toBe('parks.bench')
    expect(emptyCategoryForm('parks').code).toBe('parks.')
    expect(buildCreateCategory(form)).toEqual({
      code: 'parks.bench',
      parent_code: 'parks',
      name: '公园设施',
      enabled: true,
      owner_level: 'community',
      department_id: 5,
      accept_minutes: 120,
      handle_minutes: 1440,
      ack_minutes: 60,
      time_mode: 'working',
      direct_channel: true,
      auto_escalate: false,
    })
    // No department, no direct channel.
    expect(buildCreateCategory({ ...form, department_id: null }).direct_channel).toBe(false)
  })

  it('edits what is listed and sends it back unchanged', () => {
    expect(buildUpdateCategory(categoryFormOf(garbage), garbage.version)).toEqual({
      code: 'sanitation.garbage',
      parent_code: 'sanitation',
      name: '垃圾堆放',
      enabled: true,
      version: 2,
      owner_level: 'community',
      department_id: 3,
      accept_minutes: 120,
      handle_minutes: 480,
      ack_minutes: 60,
      time_mode: 'working',
      direct_channel: true,
      auto_escalate: false,
    })
    expect(buildUpdateCategory(categoryFormOf(group), 4)).toEqual({ code: 'sanitation', name: '环境卫生', enabled: true, version: 4 })
    // The acknowledgement limit is natural time whatever the category counts.
    expect(categoryFormOf(fire).ack).toEqual({ value: 30, unit: 'minutes' })
    expect(categoryFormOf(garbage).handle).toEqual({ value: 1, unit: 'days' })
  })

  it('switches a category or group on or off and nothing else', () => {
    expect(toggleBody(garbage, false)).toEqual({ ...buildUpdateCategory(categoryFormOf(garbage), 2), enabled: false })
    expect(toggleBody(group, false)).toEqual({ code: 'sanitation', name: '环境卫生', enabled: false, version: 2 })
  })

  it('places server errors next to their fields', () => {
    const invalid = new ApiError(400, 'validation_failed', '', [
      { field: 'handle_minutes', code: 'invalid_limit', reason: '' },
      { field: 'name', code: 'invalid_category_name', reason: '' },
      { field: 'unknown', code: 'x', reason: '' },
    ])
    expect(categoryFieldErrors(invalid)).toEqual({ handle: 'invalid_limit', name: 'invalid_category_name' })
    const taken = new ApiError(409, 'category_code_taken', '', [{ field: 'code', code: 'category_code_taken', reason: '' }])
    expect(categoryFieldErrors(taken)).toEqual({ code: 'category_code_taken' })
    const direct = new ApiError(422, 'direct_channel_needs_department', '', [{ field: 'direct_channel', code: 'direct_channel_needs_department', reason: '' }])
    expect(categoryFieldErrors(direct)).toEqual({ direct_channel: 'direct_channel_needs_department' })
    expect(categoryFieldErrors(new ApiError(409, 'stale_version', ''))).toEqual({})
    expect(categoryFieldErrors(new Error('x'))).toEqual({})
  })

  it('translates every code the server answers with, in both languages', () => {
    const codes = [
      'invalid_category_code',
      'invalid_category_name',
      'invalid_owner_level',
      'invalid_limit',
      'invalid_time_mode',
      'not_for_group',
      'unknown_group',
      'unknown_department',
      'direct_channel_needs_department',
      'category_code_taken',
      'category_kind_fixed',
      'category_code_immutable',
      'category_not_found',
      'district_scope_required',
      'stale_version',
    ]
    for (const i18n of [zh, en]) {
      for (const code of codes) expect(i18n.te(categoryFieldMessageKey(code)), code).toBe(true)
      expect(i18n.te(categoryFieldMessageKey('required'))).toBe(true)
    }
    expect(zh.t(categoryFieldMessageKey('direct_channel_needs_department'))).toBe('开通直通车须先指定责任部门')
  })
})
