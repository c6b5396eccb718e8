import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import type { ProposalView } from '../api/types'
import zhCN from '../locales/zh-CN'
import {
  addDays,
  apiFieldErrors,
  attachmentProblem,
  attendance,
  ballotCandidates,
  checkMeetingDraft,
  dayWindow,
  emptyMeetingDraft,
  fieldMessage,
  formatBytes,
  fromPickerValue,
  MEETING_STATES,
  meetingBody,
  meetingButtons,
  meetingErrorMessage,
  meetingFieldErrors,
  meetingStateLabel,
  meetingTagType,
  moveInAgenda,
  PARTICIPANT_ROLES,
  proposalTagType,
  roleLabel,
  ruleText,
  SHARES,
  shareLabel,
  toPickerValue,
  voteResult,
  voteResultText,
  votesByDefault,
  votingProgress,
} from './meetings'

type Tree = { [key: string]: string | Tree }
const lookup = (key: string) => key.split('.').reduce<string | Tree | undefined>((n, k) => (typeof n === 'object' ? n[k] : undefined), zhCN as unknown as Tree)
/** A translator over the zh-CN messages, with `{name}` interpolation. */
const zh = {
  t: (key: string, params: Record<string, unknown> = {}) => String(lookup(key)).replace(/\{(\w+)\}/g, (_, k: string) => String(params[k])),
  te: (key: string) => typeof lookup(key) === 'string',
}

const proposal = (over: Partial<ProposalView> = {}): ProposalView => ({
  id: 1,
  meeting_id: 1,
  position: 1,
  title: '更换楼道照明灯',
  state: 'closed',
  ballot_kind: 'open',
  quorum: 'more_than_half',
  pass_share: 'more_than_half',
  pass_base: 'present',
  eligible: 7,
  present: 6,
  voted: 6,
  for_votes: 5,
  against: 1,
  abstain: 0,
  quorum_met: true,
  passed: true,
  turnout_percent: 85.71428,
  version: 3,
  ...over,
})

describe('meeting states and labels', () => {
  it('colours each state and names it in Chinese', () => {
    expect(MEETING_STATES.map(meetingTagType)).toEqual(['primary', 'warning', 'success', 'info'])
    expect(MEETING_STATES.map((s) => meetingStateLabel(s, zh))).toEqual(['待召开', '进行中', '已结束', '已取消'])
    expect(meetingStateLabel('unknown', zh)).toBe('unknown')
  })

  it('colours a proposal by its state and outcome', () => {
    expect(proposalTagType({ state: 'draft', passed: null })).toBe('info')
    expect(proposalTagType({ state: 'voting', passed: null })).toBe('warning')
    expect(proposalTagType({ state: 'closed', passed: true })).toBe('success')
    expect(proposalTagType({ state: 'closed', passed: false })).toBe('danger')
  })

  it('labels every role and share, and says the rule', () => {
    for (const r of PARTICIPANT_ROLES) expect(roleLabel(r, zh)).not.toBe(r)
    expect(SHARES.map((s) => shareLabel(s, zh))).toEqual(['过半数', '三分之二以上', '四分之三以上', '全体一致'])
    expect(ruleText({ quorum: 'more_than_half', pass_share: 'two_thirds', pass_base: 'present' }, zh)).toBe('应到过半数出席，出席人数三分之二以上赞成')
  })

  it('lets resident and party member representatives vote by default', () => {
    expect(PARTICIPANT_ROLES.filter(votesByDefault)).toEqual(['resident_rep', 'party_member'])
  })

  it('keeps the buttons the server offers in a fixed order', () => {
    expect(meetingButtons(['cancel', 'start', 'edit'])).toEqual(['start', 'cancel'])
    expect(meetingButtons([])).toEqual([])
  })
})

describe('times', () => {
  it('turns a range of Shanghai days into a half-open window', () => {
    expect(dayWindow(['2026-11-01', '2026-11-30'])).toEqual({ from: '2026-11-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' })
    expect(dayWindow(null)).toEqual({})
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
  })

  it('converts the picker value to and from RFC 3339 in Shanghai time', () => {
    expect(fromPickerValue('2026-12-01 19:30:00')).toBe('2026-12-01T19:30:00+08:00')
    expect(fromPickerValue('2026-12-01 19:30')).toBe('2026-12-01T19:30:00+08:00')
    expect(fromPickerValue('')).toBe('')
    expect(fromPickerValue('tomorrow')).toBe('')
    expect(toPickerValue('2026-12-01T11:30:00Z')).toBe('2026-12-01 19:30:00')
    expect(toPickerValue(null)).toBe('')
  })
})

describe('the plan form', () => {
  it('asks for a title, an area and a start, and a recurrence of 1 to 92 days', () => {
    const d = emptyMeetingDraft()
    expect(checkMeetingDraft(d, true)).toEqual({ title: 'required', area: 'required', starts_at: 'required' })
    expect(checkMeetingDraft(d, false)).toEqual({ title: 'required', starts_at: 'required' })
    const ok = { ...d, title: '议题半月谈', area: '370105001001', startsAt: '2026-12-01 19:30:00', recurs: true, recurDays: 14 }
    expect(checkMeetingDraft(ok, true)).toEqual({})
    expect(checkMeetingDraft({ ...ok, recurDays: 93 }, true)).toEqual({ recur_days: 'recurrence_out_of_range' })
    expect(checkMeetingDraft({ ...ok, recurDays: 0 }, true)).toEqual({ recur_days: 'recurrence_out_of_range' })
    expect(checkMeetingDraft({ ...ok, title: 'x'.repeat(101) }, true)).toEqual({ title: 'too_long' })
  })

  it('builds the body with the rule and the recurrence only when it recurs', () => {
    const d = { ...emptyMeetingDraft(), title: ' 议题半月谈 ', area: '370105001001', startsAt: '2026-12-01 19:30:00', ballotKind: 'secret' }
    expect(meetingBody(d)).toEqual({
      title: '议题半月谈',
      area: '370105001001',
      place: null,
      starts_at: '2026-12-01T19:30:00+08:00',
      recur_days: null,
      quorum: 'more_than_half',
      pass_share: 'more_than_half',
      pass_base: 'present',
      ballot_kind: 'secret',
    })
    expect(meetingBody({ ...d, recurs: true, recurDays: 14 }).recur_days).toBe(14)
  })

  it('puts the server field errors on their fields, the first code winning', () => {
    const e = new ApiError(400, 'validation_failed', 'bad', [
      { field: 'title', code: 'too_long', reason: '' },
      { field: 'title', code: 'required', reason: '' },
      { field: 'region', code: 'not_a_deliberation_area', reason: '' },
      { field: 'recur_days', code: 'recurrence_out_of_range', reason: '' },
      { field: 'nonsense', code: 'x', reason: '' },
    ])
    expect(meetingFieldErrors(e)).toEqual({ title: 'too_long', area: 'not_a_deliberation_area', recur_days: 'recurrence_out_of_range' })
    expect(meetingFieldErrors(new ApiError(404, 'region_not_found', 'no'))).toEqual({ area: 'region_not_found' })
    expect(meetingFieldErrors(new Error('x'))).toEqual({})
    expect(apiFieldErrors(e, ['title', 'text'] as const)).toEqual({ title: 'too_long' })
  })

  it('words a field error from the most specific message there is', () => {
    expect(fieldMessage('title', 'required', zh)).toBe('请填写会议名称')
    expect(fieldMessage('area', 'not_a_deliberation_area', zh)).toBe('会议区域须为网格、社区或街道')
    expect(fieldMessage('place', 'too_long', zh)).toBe('地点不超过 200 字')
    expect(fieldMessage('title', undefined, zh)).toBe('')
  })
})

describe('error messages', () => {
  it('translates every refusal of meetings and votes into Chinese', () => {
    const codes = [
      'meeting_closed',
      'meeting_not_in_session',
      'meeting_in_session',
      'invalid_meeting_state',
      'voting_open',
      'voting_not_open',
      'voting_closed',
      'already_voted',
      'not_eligible',
      'not_checked_in',
      'secret_ballot',
      'not_your_participation',
      'already_participant',
      'proposal_not_draft',
      'outside_meeting_area',
      'invalid_topic_state',
      'attachment_too_large',
      'unsupported_media_type',
      'stale_version',
      'meeting_not_found',
    ]
    const fallback = () => 'fallback'
    for (const code of codes) {
      const text = meetingErrorMessage(new ApiError(409, code, 'x'), zh, fallback)
      expect(text, code).not.toBe('fallback')
      expect(text, code).toMatch(/[\u4e00-\u9fff]/)
    }
    expect(meetingErrorMessage(new ApiError(409, 'already_voted', 'x'), zh, fallback)).toBe('该人员已经投过票')
    expect(meetingErrorMessage(new ApiError(400, 'validation_failed', 'x', [{ field: 'choice', code: 'unknown_choice', reason: '' }]), zh, fallback)).toBe('请选择赞成、反对或弃权')
    expect(meetingErrorMessage(new ApiError(500, 'internal', 'x'), zh, fallback)).toBe('fallback')
  })
})

describe('attendance and votes', () => {
  const people = [
    { can_vote: true, checked_in_at: '2026-12-01T11:30:00Z', id: 1 },
    { can_vote: true, checked_in_at: null, id: 2 },
    { can_vote: false, checked_in_at: '2026-12-01T11:31:00Z', id: 3 },
    { can_vote: true, checked_in_at: '2026-12-01T11:32:00Z', id: 4 },
  ]

  it('counts the present of the eligible', () => {
    expect(attendance(people)).toEqual({ eligible: 3, present: 2, checkedIn: 3, total: 4 })
    expect(attendance([])).toEqual({ eligible: 0, present: 0, checkedIn: 0, total: 0 })
  })

  it('offers ballots only for voters who checked in', () => {
    expect(ballotCandidates(people).map((p) => p.id)).toEqual([1, 4])
  })

  it('shows a result only once counted, with the turnout to one decimal', () => {
    expect(voteResult(proposal({ state: 'voting', for_votes: null }))).toBeNull()
    const r = voteResult(proposal())
    expect(r).toEqual({ forVotes: 5, against: 1, abstain: 0, cast: 6, eligible: 7, present: 6, turnout: 85.7, quorumMet: true, passed: true })
    expect(voteResultText(r!, zh)).toBe('赞成 5 · 反对 1 · 弃权 0；投票率 85.7%；达到法定人数；通过')
    const none = voteResult(proposal({ eligible: 0, present: 0, voted: 0, for_votes: 0, against: 0, abstain: 0, quorum_met: false, passed: false, turnout_percent: null }))
    expect(none?.turnout).toBe(0)
    expect(voteResultText(none!, zh)).toBe('赞成 0 · 反对 0 · 弃权 0；投票率 0%；未达到法定人数；未通过')
  })

  it('measures a vote in progress', () => {
    expect(votingProgress(3, 7)).toBe(42)
    expect(votingProgress(9, 7)).toBe(100)
    expect(votingProgress(0, 0)).toBe(0)
  })
})

describe('agenda and attachments', () => {
  it('moves a proposal up or down, not past the ends', () => {
    expect(moveInAgenda([1, 2, 3], 2, -1)).toEqual([2, 1, 3])
    expect(moveInAgenda([1, 2, 3], 2, 1)).toEqual([1, 3, 2])
    expect(moveInAgenda([1, 2, 3], 1, -1)).toBeNull()
    expect(moveInAgenda([1, 2, 3], 3, 1)).toBeNull()
    expect(moveInAgenda([1, 2, 3], 9, 1)).toBeNull()
  })

  it('takes PDF, JPEG and PNG up to 10 MB', () => {
    expect(attachmentProblem({ type: 'application/pdf', size: 1000, name: '纪要.pdf' })).toBeNull()
    expect(attachmentProblem({ type: '', size: 1000, name: 'scan.JPG' })).toBeNull()
    expect(attachmentProblem({ type: 'application/msword', size: 1000, name: '纪要.doc' })).toBe('unsupported_media_type')
    expect(attachmentProblem({ type: 'image/png', size: 10 * 1024 * 1024 + 1, name: 'a.png' })).toBe('attachment_too_large')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(2048)).toBe('2.0 KB')
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB')
  })
})
