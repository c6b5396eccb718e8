import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import type { CareView } from '../api/types'
import { createAppI18n } from '../i18n'
import {
  CARE_GROUPS,
  DEFAULT_VISIT_DAYS,
  VISIT_WAYS,
  addDays,
  careEdit,
  careFieldMessage,
  careGroupLabel,
  careQuery,
  cycleAfterGroup,
  daysBetween,
  dueStatus,
  dueTagType,
  dueText,
  editFieldErrors,
  editFormErrors,
  editFormOf,
  emptyCareSearch,
  emptyJoinForm,
  emptyVisitForm,
  isDay,
  joinFieldErrors,
  joinFormErrors,
  joinInput,
  shanghaiDay,
  visitFieldErrors,
  visitFormErrors,
  visitInput,
  visitLine,
  visitWayLabel,
  withNames,
} from './care'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}
const zh = translator('zh-CN')
const en = translator('en')

function member(over: Partial<CareView> = {}): CareView {
  return {
    id: 1,
    person_id: 10,
    person_name: '张桂兰',
    grid: '370105001001001',
    community: '370105001001',
    street: '370105001000',
    group: 'elderly_alone',
    visit_days: 7,
    joined_on: '2026-11-01',
    ended_on: null,
    last_visit_on: null,
    next_visit_due: '2026-11-08',
    overdue: false,
    note: null,
    version: 1,
    ...over,
  }
}

function validationError(fields: { field: string; code: string }[]): ApiError {
  return new ApiError(400, 'validation_failed', 'invalid', fields.map((f) => ({ ...f, reason: '' })))
}

describe('groups and ways', () => {
  it('labels every group and way in both languages, the server’s words in Chinese', () => {
    for (const g of CARE_GROUPS) {
      expect(careGroupLabel(g, zh)).not.toBe(g)
      expect(careGroupLabel(g, en)).not.toBe(g)
    }
    for (const w of VISIT_WAYS) expect(visitWayLabel(w, zh)).not.toBe(w)
    expect(careGroupLabel('elderly_alone', zh)).toBe('独居老人')
    expect(careGroupLabel('drug_rehabilitation', zh)).toBe('社区戒毒康复人员')
    expect(visitWayLabel('phone', zh)).toBe('电话询问')
    // A group a newer server adds shows its code; none shows a dash.
    expect(careGroupLabel('homeless', zh)).toBe('homeless')
    expect(careGroupLabel(null, zh)).toBe('—')
  })

  it('starts each group with the server’s cycle: weekly, fortnightly or monthly', () => {
    expect(DEFAULT_VISIT_DAYS.elderly_alone).toBe(7)
    expect(DEFAULT_VISIT_DAYS.left_behind_child).toBe(14)
    expect(DEFAULT_VISIT_DAYS.low_income).toBe(30)
    expect(Object.keys(DEFAULT_VISIT_DAYS).sort()).toEqual([...CARE_GROUPS].sort())
  })
})

describe('days in Beijing', () => {
  it('takes the day in Beijing, not in the browser’s zone', () => {
    // 16:30 UTC is half past midnight the next day in Beijing.
    expect(shanghaiDay(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12-01')
    expect(shanghaiDay(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-30')
  })

  it('counts days across months and years and refuses what is not a day', () => {
    expect(daysBetween('2026-11-28', '2026-12-02')).toBe(4)
    expect(daysBetween('2026-12-02', '2026-11-28')).toBe(-4)
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1)
    expect(addDays('2026-11-26', 7)).toBe('2026-12-03')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(isDay('2026-02-29')).toBe(false)
    expect(isDay('2026-13-01')).toBe(false)
    expect(isDay('2026-1-1')).toBe(false)
    expect(Number.isNaN(daysBetween('soon', '2026-11-01'))).toBe(true)
  })
})

describe('the next visit', () => {
  const today = '2026-11-30'

  it('reads overdue with the days past the due day, as the server flags it', () => {
    const s = dueStatus(member({ next_visit_due: '2026-11-27', overdue: true }), today)
    expect(s).toEqual({ kind: 'overdue', due: '2026-11-27', days: 3 })
    expect(dueText(s, zh)).toBe('逾期 3 天')
    expect(dueText(s, en)).toBe('3 days overdue')
    expect(dueTagType(s)).toBe('danger')
  })

  it('trusts the server’s flag over the phone’s clock: at least one day overdue', () => {
    // The server's day has turned, the phone's not yet.
    expect(dueStatus(member({ next_visit_due: '2026-11-30', overdue: true }), today)).toEqual({ kind: 'overdue', due: '2026-11-30', days: 1 })
  })

  it('is on time all of the due day', () => {
    const s = dueStatus(member({ next_visit_due: today, overdue: false }), today)
    expect(s.kind).toBe('today')
    expect(dueText(s, zh)).toBe('今天到期')
    expect(dueTagType(s)).toBe('warning')
  })

  it('says soon within three days and later beyond', () => {
    const soon = dueStatus(member({ next_visit_due: '2026-12-03' }), today)
    expect(soon).toEqual({ kind: 'soon', due: '2026-12-03', days: 3 })
    expect(dueText(soon, zh)).toBe('3 天后到期')
    expect(dueTagType(soon)).toBe('warning')
    const later = dueStatus(member({ next_visit_due: '2026-12-04' }), today)
    expect(later.kind).toBe('later')
    expect(dueTagType(later)).toBe('success')
  })

  it('reads a member who left as ended, with no due day', () => {
    const s = dueStatus(member({ ended_on: '2026-11-20', next_visit_due: null, overdue: false }), today)
    expect(s).toEqual({ kind: 'ended' })
    expect(dueText(s, zh)).toBe('已退出')
    expect(dueTagType(s)).toBe('info')
  })
})

describe('names', () => {
  it('names every row of a person in several groups, and one the server left unnamed by id', () => {
    const rows = withNames([
      member({ id: 7, person_id: 51, person_name: '罗明静', group: 'low_income' }),
      member({ id: 1, person_id: 51, person_name: '' }),
      member({ id: 9, person_id: 60, person_name: '' }),
    ])
    expect(rows.map((r) => r.person_name)).toEqual(['罗明静', '罗明静', '#60'])
  })
})

describe('search', () => {
  it('sends only what the form holds; "overdue only" off asks for everyone', () => {
    expect(careQuery(emptyCareSearch(), 1, 20)).toEqual({ page: 1, page_size: 20 })
    const q = careQuery({ group: 'disabled', region: ' 370105001001 ', overdueOnly: true, includeEnded: true }, 3, 50)
    expect(q).toEqual({ group: 'disabled', region: '370105001001', overdue: true, include_ended: true, page: 3, page_size: 50 })
    expect('overdue' in careQuery({ ...emptyCareSearch(), overdueOnly: false }, 1, 20)).toBe(false)
  })
})

describe('加入关爱对象', () => {
  const today = '2026-11-30'

  it('needs a person, a group and a cycle of 1 to 365 days', () => {
    expect(joinFormErrors(emptyJoinForm(), today)).toEqual({ person_id: 'required', group: 'required', visit_days: 'required' })
    const ok = { ...emptyJoinForm(7), group: 'elderly_alone' as const, visit_days: 7 }
    expect(joinFormErrors(ok, today)).toEqual({})
    expect(joinFormErrors({ ...ok, visit_days: 0 }, today).visit_days).toBe('visit_cycle_out_of_range')
    expect(joinFormErrors({ ...ok, visit_days: 366 }, today).visit_days).toBe('visit_cycle_out_of_range')
    expect(joinFormErrors({ ...ok, visit_days: 365 }, today)).toEqual({})
    expect(joinFormErrors({ ...ok, visit_days: 2.5 }, today).visit_days).toBe('visit_cycle_out_of_range')
  })

  it('refuses a joining day after today and a note over 500 characters', () => {
    const ok = { ...emptyJoinForm(7), group: 'elderly_alone' as const, visit_days: 7 }
    expect(joinFormErrors({ ...ok, joined_on: '2026-12-01' }, today).joined_on).toBe('joined_in_future')
    expect(joinFormErrors({ ...ok, joined_on: today }, today)).toEqual({})
    expect(joinFormErrors({ ...ok, note: '备'.repeat(501) }, today).note).toBe('too_long')
    expect(joinFormErrors({ ...ok, note: '备'.repeat(500) }, today)).toEqual({})
  })

  it('follows the group’s cycle until the operator types another', () => {
    expect(cycleAfterGroup('elderly_alone', null, '')).toBe(7)
    // The usual cycle of the group before moves with the group.
    expect(cycleAfterGroup('low_income', 7, 'elderly_alone')).toBe(30)
    // A typed cycle stays.
    expect(cycleAfterGroup('low_income', 10, 'elderly_alone')).toBe(10)
    expect(cycleAfterGroup('low_income', 10, '')).toBe(10)
    expect(cycleAfterGroup('', 10, 'elderly_alone')).toBe(10)
  })

  it('sends the codes, leaves out an empty day and note', () => {
    const body = joinInput({ person_id: 7, group: 'elderly_alone', visit_days: 7, joined_on: '', note: '  ' })
    expect(body).toEqual({ group: 'elderly_alone', visit_days: 7 })
    expect(joinInput({ person_id: 7, group: 'disabled', visit_days: 30, joined_on: '2026-11-02', note: ' 轮椅 ' })).toEqual({
      group: 'disabled',
      visit_days: 30,
      joined_on: '2026-11-02',
      note: '轮椅',
    })
  })

  it('puts the server’s refusals under the inputs and words them', () => {
    const e = validationError([
      { field: 'group', code: 'unknown_group' },
      { field: 'visit_days', code: 'visit_cycle_out_of_range' },
    ])
    expect(joinFieldErrors(e)).toEqual({ group: 'unknown_group', visit_days: 'visit_cycle_out_of_range' })
    expect(careFieldMessage('visit_days', 'visit_cycle_out_of_range', zh)).toBe('走访周期应为 1 至 365 天')
    expect(careFieldMessage('group', 'unknown_group', zh)).toBe('关爱类别不存在')
    expect(careFieldMessage('note', 'too_long', zh)).toBe('备注不能超过 500 个字')
    expect(joinFieldErrors(new ApiError(409, 'duplicate_membership', 'x'))).toEqual({})
  })
})

describe('编辑', () => {
  const today = '2026-11-30'

  it('starts from the membership; an end not recorded yet starts as today', () => {
    expect(editFormOf(member({ note: '腿脚不便' }), today)).toEqual({ visit_days: 7, ended: false, ended_on: today, note: '腿脚不便' })
    expect(editFormOf(member({ ended_on: '2026-11-20' }), today)).toEqual({ visit_days: 7, ended: true, ended_on: '2026-11-20', note: '' })
  })

  it('checks the end only when the person left: not before joining, not after today', () => {
    const f = editFormOf(member(), today)
    expect(editFormErrors({ ...f, ended_on: '2026-10-01' }, '2026-11-01', today)).toEqual({})
    expect(editFormErrors({ ...f, ended: true, ended_on: '2026-10-31' }, '2026-11-01', today).ended_on).toBe('ended_before_joined')
    expect(editFormErrors({ ...f, ended: true, ended_on: '2026-12-01' }, '2026-11-01', today).ended_on).toBe('ended_in_future')
    expect(editFormErrors({ ...f, ended: true, ended_on: '' }, '2026-11-01', today).ended_on).toBe('required')
    expect(editFormErrors({ ...f, ended: true, ended_on: '2026-11-01' }, '2026-11-01', today)).toEqual({})
    expect(editFormErrors({ ...f, visit_days: null }, '2026-11-01', today).visit_days).toBe('required')
  })

  it('sends the whole record: null end keeps the member, an empty note removes it', () => {
    const f = { visit_days: 14, ended: false, ended_on: '2026-11-30', note: '  ' }
    expect(careEdit(f, 3)).toEqual({ visit_days: 14, ended_on: null, note: null, version: 3 })
    expect(careEdit({ ...f, ended: true, note: '搬离' }, 4)).toEqual({ visit_days: 14, ended_on: '2026-11-30', note: '搬离', version: 4 })
  })

  it('puts the server’s refusals under the inputs', () => {
    expect(editFieldErrors(validationError([{ field: 'ended_on', code: 'ended_before_joined' }]))).toEqual({ ended_on: 'ended_before_joined' })
    expect(careFieldMessage('ended_on', 'ended_in_future', zh)).toBe('退出日期不能晚于今天')
  })
})

describe('记录走访', () => {
  const today = '2026-11-30'

  it('starts today, at home, with nothing found', () => {
    expect(emptyVisitForm(today)).toEqual({ visited_on: today, way: 'home', findings: '', follow_up: false })
  })

  it('needs a way and findings, a day not after today and not before joining', () => {
    const f = emptyVisitForm(today)
    expect(visitFormErrors(f, '2026-11-01', today)).toEqual({ findings: 'required' })
    const ok = { ...f, findings: '身体状况良好' }
    expect(visitFormErrors(ok, '2026-11-01', today)).toEqual({})
    expect(visitFormErrors({ ...ok, findings: '   ' }, '2026-11-01', today).findings).toBe('required')
    expect(visitFormErrors({ ...ok, findings: '好'.repeat(1001) }, '2026-11-01', today).findings).toBe('too_long')
    expect(visitFormErrors({ ...ok, visited_on: '2026-12-01' }, '2026-11-01', today).visited_on).toBe('visit_in_future')
    expect(visitFormErrors({ ...ok, visited_on: '2026-10-31' }, '2026-11-01', today).visited_on).toBe('visit_before_joined')
    expect(visitFormErrors({ ...ok, visited_on: '2026-11-01' }, '2026-11-01', today)).toEqual({})
    expect(visitFormErrors({ ...ok, way: '' }, '2026-11-01', today).way).toBe('required')
  })

  it('always sends the day, so a visit sent later keeps its day', () => {
    expect(visitInput({ visited_on: '2026-11-29', way: 'phone', findings: ' 电话联系，无异常 ', follow_up: true })).toEqual({
      visited_on: '2026-11-29',
      way: 'phone',
      findings: '电话联系，无异常',
      follow_up: true,
    })
  })

  it('words the refusals and a visit in a line', () => {
    expect(visitFieldErrors(validationError([{ field: 'visited_on', code: 'visit_in_future' }]))).toEqual({ visited_on: 'visit_in_future' })
    expect(careFieldMessage('findings', 'too_long', zh)).toBe('走访情况不能超过 1000 个字')
    expect(visitLine({ way: 'home', visitor_name: '李网格', follow_up: true }, zh)).toBe('入户走访 · 李网格 · 需跟进')
    expect(visitLine({ way: 'video', visitor_name: '李网格', follow_up: false }, zh)).toBe('视频通话 · 李网格')
  })
})
