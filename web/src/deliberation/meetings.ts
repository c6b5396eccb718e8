// 三级议事 › 会议 (议事会, e.g. the fortnightly 议题半月谈): what the console's meeting pages show and
// check, without Vue, so that it can be tested: states and their tags, the vote rule's options, the
// plan form's checks and body, the start window of the search, attendance, a closed vote's result,
// the agenda's moves, attachments' checks, and the messages of the server's error codes.
import { ApiError } from '../api/http'
import type { MeetingInput, ParticipantView, ProposalView } from '../api/types'
import type { Translator } from '../i18n/errors'
import type { TagType } from './topics'

export const MEETING_STATES = ['planned', 'in_session', 'closed', 'cancelled'] as const
export type MeetingState = (typeof MEETING_STATES)[number]

export const MEETING_ACTIONS = ['start', 'close', 'cancel'] as const
export type MeetingAction = (typeof MEETING_ACTIONS)[number]

/** Shares of a whole (the quorum and the pass share): 过半数, 三分之二以上, 四分之三以上, 全体一致. */
export const SHARES = ['more_than_half', 'two_thirds', 'three_quarters', 'all'] as const
export const PASS_BASES = ['present', 'cast', 'eligible'] as const
export const BALLOT_KINDS = ['open', 'secret'] as const
export const PARTICIPANT_ROLES = ['host', 'resident_rep', 'party_member', 'grid_worker', 'property_company', 'department', 'expert'] as const
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number]
export const CHOICES = ['for', 'against', 'abstain'] as const
export type Choice = (typeof CHOICES)[number]

/** The 议题半月谈's interval. */
export const FORTNIGHT = 14
export const RECUR_MIN = 1
export const RECUR_MAX = 92
export const MEETING_TITLE_MAX = 100
export const PLACE_MAX = 200
export const MINUTES_MAX = 20000
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const

/** Whether a role votes unless the organiser says otherwise (the server's default). */
export function votesByDefault(role: string): boolean {
  return role === 'resident_rep' || role === 'party_member'
}

/** The colour of a meeting's state: planned blue, in session orange, closed green, cancelled grey. */
export function meetingTagType(state: string): TagType {
  switch (state) {
    case 'planned':
      return 'primary'
    case 'in_session':
      return 'warning'
    case 'closed':
      return 'success'
    default:
      return 'info'
  }
}

/** The colour of a proposal's state: draft grey, voting orange, closed by its outcome. */
export function proposalTagType(p: Pick<ProposalView, 'state' | 'passed'>): TagType {
  if (p.state === 'voting') return 'warning'
  if (p.state === 'closed') return p.passed ? 'success' : 'danger'
  return 'info'
}

/** Whether a meeting may still be changed (participants, agenda, minutes, attachments). */
export const meetingEditable = (state: string) => state === 'planned' || state === 'in_session'

const labelOf = (group: string, code: string, i18n: Translator) => (i18n.te(`meeting.${group}.${code}`) ? i18n.t(`meeting.${group}.${code}`) : code)
export const meetingStateLabel = (s: string, i18n: Translator) => labelOf('state', s, i18n)
export const proposalStateLabel = (s: string, i18n: Translator) => labelOf('proposalState', s, i18n)
export const shareLabel = (s: string, i18n: Translator) => labelOf('share', s, i18n)
export const baseLabel = (s: string, i18n: Translator) => labelOf('base', s, i18n)
export const ballotKindLabel = (s: string, i18n: Translator) => labelOf('ballotKind', s, i18n)
export const roleLabel = (s: string, i18n: Translator) => labelOf('role', s, i18n)
export const choiceLabel = (s: string, i18n: Translator) => labelOf('choice', s, i18n)
export const meetingActionLabel = (s: string, i18n: Translator) => labelOf('action', s, i18n)

/** The rule in words: 应到过半数出席，出席人数过半数赞成. */
export function ruleText(r: { quorum: string; pass_share: string; pass_base: string }, i18n: Translator): string {
  return i18n.t('meeting.ruleText', { quorum: shareLabel(r.quorum, i18n), base: baseLabel(r.pass_base, i18n), share: shareLabel(r.pass_share, i18n) })
}

/** The meeting buttons the server offers, in a fixed order. */
export function meetingButtons(actions: readonly string[]): MeetingAction[] {
  return MEETING_ACTIONS.filter((a) => actions.includes(a))
}

// --- The search form's start window ---

/** `YYYY-MM-DD` + n days, as a calendar date (no time zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number)
  const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + n))
  return date.toISOString().slice(0, 10)
}

/**
 * The `from` / `to` of GET /api/v1/meetings for a range of Shanghai days (both included): from the
 * first day's midnight to the midnight after the last, in +08:00. Empty: no window.
 */
export function dayWindow(range: readonly string[] | null | undefined): { from?: string; to?: string } {
  if (!range || range.length !== 2 || !range[0] || !range[1]) return {}
  return { from: `${range[0]}T00:00:00+08:00`, to: `${addDays(range[1], 1)}T00:00:00+08:00` }
}

/** An instant as the date-time picker holds it (`YYYY-MM-DD HH:mm:ss`, Shanghai time). */
export function toPickerValue(iso: string | null | undefined): string {
  if (!iso) return ''
  const t = new Date(iso).getTime()
  if (Number.isNaN(t)) return ''
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
}

/** The picker's `YYYY-MM-DD HH:mm:ss` (Shanghai time) as RFC 3339; '' stays ''. */
export function fromPickerValue(value: string | null | undefined): string {
  if (!value) return ''
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2})?$/.exec(value.trim())
  if (!m) return ''
  return `${m[1]}T${m[2]}${m[3] ?? ':00'}+08:00`
}

// --- The plan / edit form ---

export interface MeetingDraft {
  title: string
  area: string
  place: string
  /** `YYYY-MM-DD HH:mm:ss`, Shanghai time. */
  startsAt: string
  recurs: boolean
  recurDays: number | null
  quorum: string
  passShare: string
  passBase: string
  ballotKind: string
}

export const emptyMeetingDraft = (): MeetingDraft => ({
  title: '',
  area: '',
  place: '',
  startsAt: '',
  recurs: false,
  recurDays: FORTNIGHT,
  quorum: 'more_than_half',
  passShare: 'more_than_half',
  passBase: 'present',
  ballotKind: 'open',
})

export type MeetingField = 'title' | 'area' | 'place' | 'starts_at' | 'recur_days' | 'quorum' | 'pass_share' | 'pass_base' | 'ballot_kind' | 'minutes'

/** What the form lacks, by field (codes as the server's: `required`, `too_long`, `recurrence_out_of_range`). */
export function checkMeetingDraft(d: MeetingDraft, creating: boolean): Partial<Record<MeetingField, string>> {
  const out: Partial<Record<MeetingField, string>> = {}
  const title = d.title.trim()
  if (!title) out.title = 'required'
  else if ([...title].length > MEETING_TITLE_MAX) out.title = 'too_long'
  if (creating && !d.area) out.area = 'required'
  if ([...d.place.trim()].length > PLACE_MAX) out.place = 'too_long'
  if (!fromPickerValue(d.startsAt)) out.starts_at = 'required'
  if (creating && d.recurs) {
    const n = d.recurDays
    if (n === null || !Number.isInteger(n) || n < RECUR_MIN || n > RECUR_MAX) out.recur_days = 'recurrence_out_of_range'
  }
  return out
}

/** The body of POST /api/v1/meetings from a checked draft. */
export function meetingBody(d: MeetingDraft): MeetingInput {
  const place = d.place.trim()
  return {
    title: d.title.trim(),
    area: d.area,
    place: place || null,
    starts_at: fromPickerValue(d.startsAt),
    recur_days: d.recurs ? d.recurDays : null,
    quorum: d.quorum,
    pass_share: d.passShare,
    pass_base: d.passBase,
    ballot_kind: d.ballotKind,
  }
}

const SERVER_FIELDS: Record<string, MeetingField> = { region: 'area', area: 'area' }
const MEETING_FIELDS: readonly string[] = ['title', 'area', 'place', 'starts_at', 'recur_days', 'quorum', 'pass_share', 'pass_base', 'ballot_kind', 'minutes']

/**
 * The error codes of a refused save by form field (`validation_failed`'s `fields`; a 404
 * `region_not_found` is the area's). The first code per field wins.
 */
export function meetingFieldErrors(error: unknown): Partial<Record<MeetingField, string>> {
  const out: Partial<Record<MeetingField, string>> = {}
  if (!(error instanceof ApiError)) return out
  for (const f of error.fields) {
    const field = SERVER_FIELDS[f.field] ?? f.field
    if (MEETING_FIELDS.includes(field) && !(field in out)) out[field as MeetingField] = f.code
  }
  if (error.code === 'region_not_found' && !out.area) out.area = 'region_not_found'
  return out
}

/** A field's error code in words: `meeting.fieldErrors.<field>.<code>`, else `meeting.errors.<code>`, else `errors.<code>`. */
export function fieldMessage(field: string, code: string | undefined, i18n: Translator): string {
  if (!code) return ''
  for (const key of [`meeting.fieldErrors.${field}.${code}`, `meeting.errors.${code}`, `errors.${code}`]) if (i18n.te(key)) return i18n.t(key)
  return code
}

/**
 * A failed request in the words of the meeting pages: `meeting.errors.<code>` for field codes or
 * the error code, else the general message.
 */
export function meetingErrorMessage(error: unknown, i18n: Translator, fallback: (e: unknown) => string): string {
  if (error instanceof ApiError) {
    const fieldKeys = error.fields.map((f) => `meeting.errors.${f.code}`).filter((k) => i18n.te(k))
    if (fieldKeys.length) return [...new Set(fieldKeys)].map((k) => i18n.t(k)).join('；')
    const key = `meeting.errors.${error.code}`
    if (i18n.te(key)) return i18n.t(key)
  }
  return fallback(error)
}

// --- Attendance and votes ---

/** Those entitled to vote and, of them, the checked in; and everyone checked in. */
export function attendance(participants: readonly Pick<ParticipantView, 'can_vote' | 'checked_in_at'>[]): { eligible: number; present: number; checkedIn: number; total: number } {
  let eligible = 0
  let present = 0
  let checkedIn = 0
  for (const p of participants) {
    const here = !!p.checked_in_at
    if (here) checkedIn++
    if (p.can_vote) {
      eligible++
      if (here) present++
    }
  }
  return { eligible, present, checkedIn, total: participants.length }
}

/** The participants an operator may record an open ballot for: voters who are checked in. */
export function ballotCandidates<P extends Pick<ParticipantView, 'can_vote' | 'checked_in_at'>>(participants: readonly P[]): P[] {
  return participants.filter((p) => p.can_vote && !!p.checked_in_at)
}

export interface VoteResult {
  forVotes: number
  against: number
  abstain: number
  cast: number
  eligible: number
  present: number
  /** Votes cast of the eligible, one decimal (the server's when it gave one). */
  turnout: number
  quorumMet: boolean
  passed: boolean
}

/** A closed proposal's result, or null while it is not counted. */
export function voteResult(p: ProposalView): VoteResult | null {
  if (p.state !== 'closed') return null
  const forVotes = p.for_votes ?? 0
  const against = p.against ?? 0
  const abstain = p.abstain ?? 0
  const cast = forVotes + against + abstain
  const computed = p.eligible > 0 ? (cast * 100) / p.eligible : 0
  const turnout = Math.round((p.turnout_percent ?? computed) * 10) / 10
  return { forVotes, against, abstain, cast, eligible: p.eligible, present: p.present, turnout, quorumMet: !!p.quorum_met, passed: !!p.passed }
}

/** The result in one line: 赞成 5 · 反对 1 · 弃权 0；投票率 85.7%；达到法定人数；通过. */
export function voteResultText(r: VoteResult, i18n: Translator): string {
  return i18n.t('meeting.vote.resultLine', {
    for: r.forVotes,
    against: r.against,
    abstain: r.abstain,
    turnout: r.turnout,
    quorum: i18n.t(r.quorumMet ? 'meeting.vote.quorumMet' : 'meeting.vote.quorumMissed'),
    outcome: i18n.t(r.passed ? 'meeting.vote.passed' : 'meeting.vote.rejected'),
  })
}

/** How far a vote in progress has come: ballots of the eligible, as a whole percentage. */
export function votingProgress(voted: number, eligible: number): number {
  if (!(eligible > 0)) return 0
  return Math.min(100, Math.floor((Math.max(0, voted) * 100) / eligible))
}

// --- The agenda ---

/** The agenda's order after moving proposal `id` one place up (-1) or down (+1); null when it cannot move. */
export function moveInAgenda(ids: readonly number[], id: number, step: -1 | 1): number[] | null {
  const i = ids.indexOf(id)
  const j = i + step
  if (i < 0 || j < 0 || j >= ids.length) return null
  const out = [...ids]
  ;[out[i], out[j]] = [out[j] as number, out[i] as number]
  return out
}

// --- Attachments ---

/** Why a file may not be attached (the server checks again by its bytes), or null. */
export function attachmentProblem(file: { type: string; size: number; name: string }): 'unsupported_media_type' | 'attachment_too_large' | null {
  const byName = /\.(pdf|jpe?g|png)$/i.test(file.name)
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(file.type) && !byName) return 'unsupported_media_type'
  if (file.size > ATTACHMENT_MAX_BYTES) return 'attachment_too_large'
  return null
}

/** A size as people read it: 512 B, 12.3 KB, 4.5 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** The error codes of a refused request by field, for the fields a form shows (the first code per field wins). */
export function apiFieldErrors<F extends string>(error: unknown, fields: readonly F[]): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {}
  if (!(error instanceof ApiError)) return out
  for (const f of error.fields) {
    if ((fields as readonly string[]).includes(f.field) && !(f.field in out)) out[f.field as F] = f.code
  }
  return out
}
