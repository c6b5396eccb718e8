import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import en from '../locales/en'
import zhCN from '../locales/zh-CN'
import {
  areaLevelOf,
  caseStateLabel,
  checkImplementDraft,
  checkPublishDraft,
  emptyCaseDraft,
  emptyImplementDraft,
  emptyPublishDraft,
  emptyTaskDraft,
  implementBody,
  implementFieldErrors,
  noticeRunning,
  parseCaseIds,
  publishBody,
  RESOLUTION_STATES,
  resolutionErrorMessage,
  resolutionFieldMessage,
  resolutionsByProposal,
  resolutionStateLabel,
  resolutionTagType,
  satisfiedRate,
  taskProgress,
  type ImplementDraft,
} from './resolutionDesk'

type Tree = { [key: string]: string | Tree }
const lookup = (tree: unknown, key: string) => key.split('.').reduce<string | Tree | undefined>((n, k) => (typeof n === 'object' ? n[k] : undefined), tree as Tree)
const translator = (tree: unknown) => ({
  t: (key: string) => String(lookup(tree, key)),
  te: (key: string) => typeof lookup(tree, key) === 'string',
})
const zh = translator(zhCN)
const english = translator(en)
const fallback = () => 'fallback'

describe('states', () => {
  it('labels and colours the three states', () => {
    for (const s of RESOLUTION_STATES) {
      expect(zh.te(`resolution.state.${s}`), s).toBe(true)
      expect(english.te(`resolution.state.${s}`), s).toBe(true)
    }
    expect(resolutionStateLabel('publicised', zh)).toBe('公示中')
    expect(resolutionStateLabel('implementing', zh)).toBe('实施中')
    expect(resolutionStateLabel('completed', zh)).toBe('已办结')
    expect(resolutionStateLabel('odd', zh)).toBe('odd')
    expect(resolutionTagType('publicised')).toBe('warning')
    expect(resolutionTagType('implementing')).toBe('primary')
    expect(resolutionTagType('completed')).toBe('success')
    expect(resolutionTagType('odd')).toBe('info')
  })

  it('uses the case pages’ state labels and reads an area’s level from its code', () => {
    expect(caseStateLabel('closed', zh)).toBe('已结案')
    expect(areaLevelOf('370105001')).toBe('street')
    expect(areaLevelOf('370105001001')).toBe('community')
    expect(areaLevelOf('370105001001001')).toBe('grid')
  })
})

describe('publishing', () => {
  it('defaults to the proposal’s title and five days', () => {
    expect(emptyPublishDraft('更换声控灯')).toEqual({ title: '更换声控灯', text: '', noticeDays: 5 })
  })

  it('needs the text and a notice period of 0 to 30 days', () => {
    expect(checkPublishDraft({ title: '', text: '  ', noticeDays: 5 })).toEqual({ text: 'required' })
    expect(checkPublishDraft({ title: 'x', text: '字'.repeat(4001), noticeDays: 31 })).toEqual({ text: 'too_long', notice_days: 'notice_out_of_range' })
    expect(checkPublishDraft({ title: 'x'.repeat(101), text: 'ok', noticeDays: null })).toEqual({ title: 'too_long', notice_days: 'notice_out_of_range' })
    expect(checkPublishDraft({ title: '', text: '字'.repeat(4000), noticeDays: 0 })).toEqual({})
  })

  it('builds the body, a blank title leaving the proposal’s', () => {
    expect(publishBody(7, { title: '  ', text: ' 更换 ', noticeDays: 0 })).toEqual({ proposal_id: 7, title: null, text: '更换', notice_days: 0 })
    expect(publishBody(7, { title: ' 车棚 ', text: '建', noticeDays: 5 })).toEqual({ proposal_id: 7, title: '车棚', text: '建', notice_days: 5 })
  })

  it('knows which proposals have a resolution', () => {
    const m = resolutionsByProposal([
      { id: 3, proposal_id: 11 },
      { id: 4, proposal_id: 12 },
    ])
    expect(m.get(11)).toBe(3)
    expect(m.has(13)).toBe(false)
  })
})

describe('implementing', () => {
  const draft = (over: Partial<ImplementDraft>): ImplementDraft => ({ ...emptyImplementDraft(), ...over })

  it('parses case ids', () => {
    expect(parseCaseIds(' 12, 13，14\n#15 12')).toEqual({ ids: [12, 13, 14, 15], bad: [] })
    expect(parseCaseIds('12 abc -1')).toEqual({ ids: [12], bad: ['abc', '-1'] })
    expect(parseCaseIds('')).toEqual({ ids: [], bad: [] })
  })

  it('needs something to do and skips blank rows', () => {
    expect(checkImplementDraft(emptyImplementDraft())).toEqual({ cases: 'nothing_to_implement' })
    expect(checkImplementDraft(draft({ tasks: [emptyTaskDraft(), emptyTaskDraft()] }))).toEqual({ cases: 'nothing_to_implement' })
    expect(checkImplementDraft(draft({ cases: [emptyCaseDraft()] }))).toEqual({ 'cases[0].category_id': 'required' })
    expect(checkImplementDraft(draft({ caseIds: '5' }))).toEqual({})
  })

  it('checks each row', () => {
    const d = draft({
      cases: [
        { ...emptyCaseDraft(), description: '楼道' },
        { ...emptyCaseDraft(), categoryId: 3, lon: '117.0' },
        { ...emptyCaseDraft(), categoryId: 3, lon: '999', lat: '36.6' },
      ],
      caseIds: '1 x',
      tasks: [{ title: '', owner: '物业', due: '' }, { title: '验收', owner: '', due: '2026-12-05' }],
    })
    expect(checkImplementDraft(d)).toEqual({
      'cases[0].category_id': 'required',
      'cases[1].lon': 'point_incomplete',
      'cases[2].lon': 'invalid_coordinate',
      'tasks[0].title': 'required',
      case_ids: 'invalid_case_id',
    })
  })

  it('builds the body with the version, leaving blanks out', () => {
    const d = draft({
      cases: [{ categoryId: 9, description: ' 更换声控灯 ', address: '', lon: '', lat: '' }, { categoryId: 4, description: '', address: '3号楼', lon: '117.01', lat: '36.65' }],
      caseIds: '21, 22',
      tasks: [emptyTaskDraft(), { title: ' 验收 ', owner: ' 物业 ', due: '2026-12-05' }, { title: '公示结果', owner: '', due: '' }],
    })
    expect(checkImplementDraft(d)).toEqual({})
    expect(implementBody(4, d)).toEqual({
      version: 4,
      cases: [
        { category_id: 9, description: '更换声控灯' },
        { category_id: 4, address: '3号楼', lon: 117.01, lat: 36.65 },
      ],
      case_ids: [21, 22],
      tasks: [{ title: '验收', owner: '物业', due_on: '2026-12-05' }, { title: '公示结果' }],
    })
  })

  it('maps the server’s field errors back to the form’s rows', () => {
    const d = draft({
      cases: [{ ...emptyCaseDraft(), categoryId: 9 }, { ...emptyCaseDraft(), categoryId: 9 }],
      tasks: [emptyTaskDraft(), emptyTaskDraft(), { ...emptyTaskDraft(), title: 'x' }],
    })
    const e = new ApiError(400, 'validation_failed', 'x', [
      { field: 'cases[1].lon', code: 'location_required', reason: '' },
      { field: 'tasks[0].title', code: 'too_long', reason: '' },
      { field: 'case_ids[1]', code: 'case_not_found', reason: '' },
    ])
    expect(implementFieldErrors(e, d)).toEqual({ 'cases[1].lon': 'location_required', 'tasks[2].title': 'too_long', case_ids: 'case_not_found' })
    expect(implementFieldErrors(new Error('x'), d)).toEqual({})
  })
})

describe('following', () => {
  it('computes 满意率', () => {
    expect(satisfiedRate({ satisfied: 4, basically: 1, total: 6 })).toBe(83.3)
    expect(satisfiedRate({ satisfied: 4, basically: 1, total: 6, satisfied_percent: 83.333 })).toBe(83.3)
    expect(satisfiedRate({ satisfied: 0, basically: 0, total: 0 })).toBeNull()
  })

  it('knows when the notice period runs', () => {
    const now = Date.parse('2026-11-30T08:00:00Z')
    expect(noticeRunning({ notice_ends_at: '2026-12-05T08:00:00Z', implemented_at: null }, now)).toBe(true)
    expect(noticeRunning({ notice_ends_at: '2026-11-29T08:00:00Z', implemented_at: null }, now)).toBe(false)
    expect(noticeRunning({ notice_ends_at: '2026-12-05T08:00:00Z', implemented_at: '2026-11-30T07:00:00Z' }, now)).toBe(false)
  })

  it('counts the tasks done', () => {
    expect(taskProgress([{ done_at: '2026-11-30T01:00:00Z' }, { done_at: null }, {}])).toEqual({ done: 1, total: 3 })
  })
})

describe('messages', () => {
  it('says every refusal of the resolution pages in Chinese', () => {
    const codes = [
      'proposal_not_passed',
      'already_published',
      'notice_running',
      'already_implemented',
      'nothing_to_implement',
      'location_required',
      'case_not_found',
      'stale_version',
      'unknown_category',
      'outside_district',
      'resolution_completed',
    ]
    for (const code of codes) {
      const text = resolutionErrorMessage(new ApiError(409, code, code), zh, fallback)
      expect(text, code).toMatch(/[\u4e00-\u9fff]/)
      expect(english.te(`resolution.errors.${code}`), code).toBe(true)
    }
    expect(resolutionErrorMessage(new ApiError(400, 'validation_failed', 'x', [{ field: 'cases', code: 'nothing_to_implement', reason: '' }]), zh, fallback)).toBe('请至少添加一个案件、关联案件或任务')
    expect(resolutionErrorMessage(new ApiError(409, 'meeting_closed', 'x'), zh, fallback)).toBe('会议已结束或已取消，不能再修改')
    expect(resolutionErrorMessage(new ApiError(500, 'internal', 'x'), zh, fallback)).toBe('fallback')
  })

  it('says field problems by field, then by code', () => {
    expect(resolutionFieldMessage('text', 'required', zh)).toBe('请填写决议内容')
    expect(resolutionFieldMessage('cases[2].category_id', 'required', zh)).toBe('请选择事项分类')
    expect(resolutionFieldMessage('tasks[0].title', 'required', zh)).toBe('请填写任务名称')
    expect(resolutionFieldMessage('cases[0].lon', 'location_required', zh)).toBe('议题没有位置，请填写经纬度')
    expect(resolutionFieldMessage('case_ids', 'duplicate_case', zh)).toBe('同一案件填写了两次')
    expect(resolutionFieldMessage('text', undefined, zh)).toBe('')
  })
})
