import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import type { LinkedCase, TaskView } from '../api/resolutions'
import type { MeetingDetail, ParticipantView } from '../api/types'
import en from '../locales/en'
import zhCN from '../locales/zh-CN'
import {
  activeStep,
  caseDone,
  caseStateLabel,
  mayCheckIn,
  mayVote,
  newestFirst,
  progressItems,
  ratingBody,
  ratingLabel,
  RATINGS,
  residentErrorMessage,
  RESOLUTION_STATES,
  resolutionStateLabel,
  resolutionTagType,
  satisfiedPercent,
} from './resolutions'

type Tree = { [key: string]: string | Tree }
const lookup = (tree: unknown, key: string) => key.split('.').reduce<string | Tree | undefined>((n, k) => (typeof n === 'object' ? n[k] : undefined), tree as Tree)
const translator = (tree: unknown) => ({
  t: (key: string) => String(lookup(tree, key)),
  te: (key: string) => typeof lookup(tree, key) === 'string',
})
const zh = translator(zhCN)
const english = translator(en)

const task = (over: Partial<TaskView>): TaskView => ({ id: 1, position: 1, title: '更换灯具', version: 1, ...over })
const linked = (over: Partial<LinkedCase>): LinkedCase => ({ id: 10, case_no: 'A2026113000001', state: 'handling', ...over })
const participant = (over: Partial<ParticipantView>): ParticipantView => ({ id: 5, name: '王**', role: 'resident_rep', linked: true, can_vote: true, ...over })
const meetingDetail = (state: string, participants: ParticipantView[], mine: number | null): Pick<MeetingDetail, 'meeting' | 'participants' | 'my_participant_id'> => ({
  meeting: { state } as MeetingDetail['meeting'],
  participants,
  my_participant_id: mine,
})

describe('resolution states and ratings', () => {
  it('labels the states and the ratings in both languages', () => {
    for (const s of RESOLUTION_STATES) {
      expect(zh.te(`resolutionsMobile.state.${s}`), s).toBe(true)
      expect(english.te(`resolutionsMobile.state.${s}`), s).toBe(true)
    }
    for (const r of RATINGS) expect(english.te(`resolutionsMobile.rating.${r}`), r).toBe(true)
    expect(resolutionStateLabel('publicised', zh)).toBe('公示中')
    expect(resolutionStateLabel('implementing', zh)).toBe('实施中')
    expect(resolutionStateLabel('completed', zh)).toBe('已办结')
    expect(resolutionStateLabel('someday', zh)).toBe('someday')
    expect(ratingLabel('satisfied', zh)).toBe('满意')
    expect(ratingLabel('basically', zh)).toBe('基本满意')
    expect(ratingLabel('not_satisfied', zh)).toBe('不满意')
  })

  it('colours the states', () => {
    expect(resolutionTagType('publicised')).toBe('warning')
    expect(resolutionTagType('implementing')).toBe('primary')
    expect(resolutionTagType('completed')).toBe('success')
    expect(resolutionTagType('x')).toBe('info')
  })

  it('reuses the case pages’ state labels', () => {
    expect(caseStateLabel('closed', zh)).toBe('已结案')
    expect(caseStateLabel('handling', zh)).toBe('处置中')
    expect(caseDone('closed')).toBe(true)
    expect(caseDone('handled')).toBe(false)
  })
})

describe('progressItems', () => {
  it('lists tasks in their order, then cases by number, and counts the done', () => {
    const { items, done, total } = progressItems(
      [
        task({ id: 2, position: 2, title: '验收', owner: '物业', due_on: '2026-12-05' }),
        task({ id: 1, position: 1, title: '更换灯具', done_at: '2026-11-30T02:00:00Z', note: '已换 LED 灯 12 盏' }),
      ],
      [linked({ id: 11, case_no: 'B2', state: 'closed', closed_at: '2026-11-30T03:00:00Z' }), linked({ id: 10, case_no: 'A1', state: 'handling' })],
    )
    expect(items.map((i) => `${i.kind}:${i.title}`)).toEqual(['task:更换灯具', 'task:验收', 'case:A1', 'case:B2'])
    expect(items[0]).toMatchObject({ done: true, note: '已换 LED 灯 12 盏', doneAt: '2026-11-30T02:00:00Z' })
    expect(items[1]).toMatchObject({ done: false, owner: '物业', due: '2026-12-05' })
    expect(items[1]).not.toHaveProperty('note')
    expect(items[3]).toMatchObject({ done: true, state: 'closed' })
    expect(done).toBe(2)
    expect(total).toBe(4)
    expect(activeStep(items)).toBe(1)
  })

  it('shows a note only once the task is done, and is empty without work', () => {
    expect(progressItems([task({ note: '计划' })], []).items[0]).not.toHaveProperty('note')
    expect(progressItems([], [])).toEqual({ items: [], done: 0, total: 0 })
    expect(activeStep([])).toBe(0)
  })

  it('marks the last step when everything is done', () => {
    const { items } = progressItems([task({ done_at: '2026-11-30T02:00:00Z' })], [linked({ state: 'closed' })])
    expect(activeStep(items)).toBe(1)
  })
})

describe('satisfiedPercent', () => {
  it('counts satisfied and basically satisfied, one decimal', () => {
    expect(satisfiedPercent({ satisfied: 4, basically: 1, not_satisfied: 1, total: 6 })).toBe(83.3)
    expect(satisfiedPercent({ satisfied: 4, basically: 1, not_satisfied: 1, total: 6, satisfied_percent: 83.33333 })).toBe(83.3)
    expect(satisfiedPercent({ satisfied: 0, basically: 0, not_satisfied: 0, total: 0 })).toBeNull()
  })
})

describe('ratingBody', () => {
  it('needs a rating and trims the comment', () => {
    expect(ratingBody(null, '')).toEqual({ problem: 'rating_required' })
    expect(ratingBody('great', '')).toEqual({ problem: 'rating_required' })
    expect(ratingBody('satisfied', '  ')).toEqual({ body: { rating: 'satisfied' } })
    expect(ratingBody('not_satisfied', ' 还有一盏不亮 ')).toEqual({ body: { rating: 'not_satisfied', comment: '还有一盏不亮' } })
    expect(ratingBody('basically', '字'.repeat(501))).toEqual({ problem: 'comment_too_long' })
    expect(ratingBody('basically', '字'.repeat(500))).toHaveProperty('body')
  })
})

describe('meetings for residents', () => {
  it('orders meetings newest first', () => {
    const list = [
      { id: 1, starts_at: '2026-11-01T08:00:00Z' },
      { id: 3, starts_at: '2026-11-29T08:00:00Z' },
      { id: 2, starts_at: '2026-11-15T08:00:00Z' },
    ]
    expect(newestFirst(list).map((m) => m.id)).toEqual([3, 2, 1])
  })

  it('offers 签到 to a participant not yet checked in while in session', () => {
    const me = participant({})
    expect(mayCheckIn(meetingDetail('in_session', [me], 5))).toBe(true)
    expect(mayCheckIn(meetingDetail('in_session', [participant({ checked_in_at: '2026-11-30T01:00:00Z' })], 5))).toBe(false)
    expect(mayCheckIn(meetingDetail('planned', [me], 5))).toBe(false)
    expect(mayCheckIn(meetingDetail('in_session', [me], null))).toBe(false)
  })

  it('offers the ballot buttons on an open vote to a voting participant', () => {
    const d = meetingDetail('in_session', [participant({})], 5)
    expect(mayVote({ state: 'voting' }, d)).toBe(true)
    expect(mayVote({ state: 'closed' }, d)).toBe(false)
    expect(mayVote({ state: 'voting' }, meetingDetail('in_session', [participant({ can_vote: false })], 5))).toBe(false)
    expect(mayVote({ state: 'voting' }, meetingDetail('in_session', [participant({})], null))).toBe(false)
  })
})

describe('residentErrorMessage', () => {
  const fallback = () => 'fallback'
  it('says the rating refusals in Chinese', () => {
    for (const code of ['topic_not_completed', 'already_rated', 'outside_area', 'home_required']) {
      const text = residentErrorMessage(new ApiError(409, code, code), zh, fallback)
      expect(text, code).not.toBe('fallback')
      expect(text, code).toMatch(/[\u4e00-\u9fff]/)
    }
    expect(residentErrorMessage(new ApiError(400, 'validation_failed', 'x', [{ field: 'rating', code: 'unknown_rating', reason: 'unknown' }]), zh, fallback)).toBe('请选择满意、基本满意或不满意')
    expect(residentErrorMessage(new ApiError(409, 'already_voted', 'x'), zh, fallback)).toBe('您已经投过票了')
    expect(residentErrorMessage(new ApiError(409, 'voting_open', 'x'), zh, fallback)).not.toBe('fallback')
    expect(residentErrorMessage(new ApiError(500, 'internal', 'x'), zh, fallback)).toBe('fallback')
    expect(residentErrorMessage(new Error('net'), zh, fallback)).toBe('fallback')
  })
})
