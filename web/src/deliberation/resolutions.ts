// 三级议事 › 决议 and the residents' view of meetings: what the phone pages show and check, without
// Vue, so that it can be tested: a resolution's state, its progress (tasks and cases) as steps, the
// ratings' 满意率, the rating form's body, which vote and check-in buttons a resident sees, and the
// messages of the server's error codes in a resident's words.
import { ApiError } from '../api/http'
import type { LinkedCase, RatingSummary, TaskView } from '../api/resolutions'
import type { MeetingDetail, MeetingView, ProposalView } from '../api/types'
import type { Translator } from '../i18n/errors'
import type { TagType } from './topics'

export const RESOLUTION_STATES = ['publicised', 'implementing', 'completed'] as const
export type ResolutionState = (typeof RESOLUTION_STATES)[number]

/** The three ratings, in the order of their buttons. */
export const RATINGS = ['satisfied', 'basically', 'not_satisfied'] as const
export type Rating = (typeof RATINGS)[number]

export const COMMENT_MAX = 500

/** The colour of a resolution's state: under notice orange, implementing blue, completed green. */
export function resolutionTagType(state: string): TagType {
  if (state === 'publicised') return 'warning'
  if (state === 'implementing') return 'primary'
  if (state === 'completed') return 'success'
  return 'info'
}

const labelOf = (key: string, code: string, i18n: Translator) => (i18n.te(`${key}.${code}`) ? i18n.t(`${key}.${code}`) : code)
export const resolutionStateLabel = (s: string, i18n: Translator) => labelOf('resolutionsMobile.state', s, i18n)
export const ratingLabel = (r: string, i18n: Translator) => labelOf('resolutionsMobile.rating', r, i18n)
/** A case's state in the words of the case pages (`cases.state.*`). */
export const caseStateLabel = (s: string, i18n: Translator) => labelOf('cases.state', s, i18n)

/** A case counts as done once it is no longer open (closed, or turned away or merged). */
export const caseDone = (state: string) => state === 'closed' || state === 'rejected' || state === 'merged'

/** One line of a resolution's progress list: a task or a case. */
export interface ProgressItem {
  kind: 'task' | 'case'
  id: number
  /** A task's title, a case's number. */
  title: string
  done: boolean
  /** A task's owner. */
  owner?: string
  /** A task's due date (`YYYY-MM-DD`). */
  due?: string
  /** A task's note when done. */
  note?: string
  /** A case's state code. */
  state?: string
  /** When it was done (a task's `done_at`, a case's `closed_at`). */
  doneAt?: string
}

/** The progress list: tasks in their order, then cases by number; and how many are done. */
export function progressItems(tasks: readonly TaskView[], cases: readonly LinkedCase[]): { items: ProgressItem[]; done: number; total: number } {
  const items: ProgressItem[] = [
    ...[...tasks]
      .sort((a, b) => a.position - b.position || a.id - b.id)
      .map<ProgressItem>((t) => ({
        kind: 'task',
        id: t.id,
        title: t.title,
        done: !!t.done_at,
        ...(t.owner ? { owner: t.owner } : {}),
        ...(t.due_on ? { due: t.due_on.slice(0, 10) } : {}),
        ...(t.done_at && t.note ? { note: t.note } : {}),
        ...(t.done_at ? { doneAt: t.done_at } : {}),
      })),
    ...[...cases]
      .sort((a, b) => a.case_no.localeCompare(b.case_no))
      .map<ProgressItem>((c) => ({
        kind: 'case',
        id: c.id,
        title: c.case_no,
        done: caseDone(c.state),
        state: c.state,
        ...(c.closed_at ? { doneAt: c.closed_at } : {}),
      })),
  ]
  return { items, done: items.filter((i) => i.done).length, total: items.length }
}

/** The index Vant's Steps marks active: the first item not done (all done: the last). */
export function activeStep(items: readonly ProgressItem[]): number {
  const i = items.findIndex((x) => !x.done)
  return i < 0 ? Math.max(0, items.length - 1) : i
}

/** 满意率 in per cent, one decimal: the server's when given, else (满意 + 基本满意) / all; null without ratings. */
export function satisfiedPercent(r: RatingSummary): number | null {
  if (!(r.total > 0)) return null
  const p = r.satisfied_percent ?? ((r.satisfied + r.basically) * 100) / r.total
  return Math.round(p * 10) / 10
}

/** The body of POST /api/v1/topics/{id}/ratings, or the problem with the form. */
export function ratingBody(rating: string | null, comment: string): { body: { rating: Rating; comment?: string } } | { problem: 'rating_required' | 'comment_too_long' } {
  if (!rating || !(RATINGS as readonly string[]).includes(rating)) return { problem: 'rating_required' }
  const c = comment.trim()
  if ([...c].length > COMMENT_MAX) return { problem: 'comment_too_long' }
  return { body: { rating: rating as Rating, ...(c ? { comment: c } : {}) } }
}

/** The meetings newest first (by start, then id). */
export function newestFirst<M extends Pick<MeetingView, 'id' | 'starts_at'>>(meetings: readonly M[]): M[] {
  return [...meetings].sort((a, b) => Date.parse(b.starts_at) - Date.parse(a.starts_at) || b.id - a.id)
}

/** The caller's own participation in a meeting, when they are a participant. */
export function myParticipant(d: Pick<MeetingDetail, 'participants' | 'my_participant_id'>) {
  if (d.my_participant_id == null) return null
  return d.participants.find((p) => p.id === d.my_participant_id) ?? null
}

/** Whether the 签到 button shows: the meeting is in session and the caller a participant not yet checked in. */
export function mayCheckIn(d: Pick<MeetingDetail, 'meeting' | 'participants' | 'my_participant_id'>): boolean {
  const me = myParticipant(d)
  return d.meeting.state === 'in_session' && !!me && !me.checked_in_at
}

/**
 * Whether the ballot buttons show for a proposal: its vote is open and the caller a participant who
 * votes (the server decides the rest: checked in, eligible when the vote opened, voted already).
 */
export function mayVote(p: Pick<ProposalView, 'state'>, d: Pick<MeetingDetail, 'participants' | 'my_participant_id'>): boolean {
  if (p.state !== 'voting') return false
  const me = myParticipant(d)
  return !!me && me.can_vote
}

/**
 * A failed request in a resident's words: `resolutionsMobile.errors.<code>`, then the topic pages'
 * `delib.errors.<code>`, then the meeting pages' `meeting.errors.<code>`, else the general message.
 */
export function residentErrorMessage(error: unknown, i18n: Translator, fallback: (e: unknown) => string): string {
  if (error instanceof ApiError) {
    const codes = [...error.fields.map((f) => f.code), error.code]
    for (const code of codes) {
      for (const key of [`resolutionsMobile.errors.${code}`, `delib.errors.${code}`, `meeting.errors.${code}`]) if (i18n.te(key)) return i18n.t(key)
    }
  }
  return fallback(error)
}
