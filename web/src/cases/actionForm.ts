// The dialog of a case action (no Vue): which fields each action needs, the client-side checks, the
// request body, and where the server's field errors go.
import type { CaseAction, CaseActionBody, CaseRating } from '../api/types'
import { ApiError } from '../api/http'

/** The inputs an action's dialog can show. `extend` is the hours + minutes pair. */
export type ActionField = 'comment' | 'target' | 'department_id' | 'rating' | 'merge_into' | 'extend'

export interface ActionSpec {
  /** The fields besides the comment, in the order shown. */
  fields: ActionField[]
  /** The comment is the reason and must be given (reject, return, rework). */
  reasonRequired: boolean
}

const NEEDS: Partial<Record<CaseAction, ActionField[]>> = {
  dispatch: ['target'],
  whistle: ['department_id'],
  merge: ['merge_into'],
  extend: ['extend'],
  rate: ['rating'],
}

/** What the dialog of `action` asks for; every action takes an optional note, three need a reason. */
export function actionSpec(action: string): ActionSpec {
  const reasonRequired = action === 'reject' || action === 'return' || action === 'rework'
  return { fields: NEEDS[action as CaseAction] ?? [], reasonRequired }
}

export interface ActionForm {
  comment: string
  /** dispatch: a region code below the holder. */
  target: string
  department_id: number | null
  rating: CaseRating | ''
  /** merge: the id of the case this one duplicates, as typed (a number, or `#123`). */
  merge_into: string
  extend_hours: number
  extend_minutes: number
}

export function emptyActionForm(): ActionForm {
  return { comment: '', target: '', department_id: null, rating: '', merge_into: '', extend_hours: 24, extend_minutes: 0 }
}

/** The server's limit for an extension: one minute to 30 days. */
export const MAX_EXTEND_MINUTES = 30 * 24 * 60

export function extendMinutes(form: Pick<ActionForm, 'extend_hours' | 'extend_minutes'>): number {
  const hours = Number.isFinite(form.extend_hours) ? Math.trunc(form.extend_hours) : 0
  const minutes = Number.isFinite(form.extend_minutes) ? Math.trunc(form.extend_minutes) : 0
  return hours * 60 + minutes
}

/** `123`, `#123` or ` 123 ` → 123; null for anything else. */
export function parseCaseId(value: string): number | null {
  const m = /^\s*#?(\d{1,15})\s*$/.exec(value)
  if (!m) return null
  const id = Number(m[1])
  return id > 0 ? id : null
}

/** The message keys (`cases.form.*`) of what is missing or wrong before anything is sent. */
export function actionFormErrors(action: string, form: ActionForm): Partial<Record<ActionField, string>> {
  const spec = actionSpec(action)
  const errors: Partial<Record<ActionField, string>> = {}
  if (spec.reasonRequired && !form.comment.trim()) errors.comment = 'cases.form.reasonRequired'
  if (form.comment.length > 2000) errors.comment = 'cases.form.commentTooLong'
  for (const field of spec.fields) {
    if (field === 'target' && !form.target) errors.target = 'cases.form.targetRequired'
    if (field === 'department_id' && form.department_id === null) errors.department_id = 'cases.form.departmentRequired'
    if (field === 'rating' && !form.rating) errors.rating = 'cases.form.ratingRequired'
    if (field === 'merge_into' && parseCaseId(form.merge_into) === null) errors.merge_into = 'cases.form.mergeRequired'
    if (field === 'extend') {
      const m = extendMinutes(form)
      if (m < 1 || m > MAX_EXTEND_MINUTES) errors.extend = 'cases.form.extendRange'
    }
  }
  return errors
}

/**
 * The body of POST /cases/{id}/actions: the action, the version seen, the note, only the fields it
 * takes, and the photos (uploaded to the case already) that this step shows.
 */
export function actionBody(action: CaseAction, version: number, form: ActionForm, photoIds: readonly number[] = []): CaseActionBody {
  const body: CaseActionBody = { action, version }
  const comment = form.comment.trim()
  if (comment) body.comment = comment
  if (photoIds.length) body.photo_ids = [...photoIds]
  for (const field of actionSpec(action).fields) {
    if (field === 'target') body.target = form.target
    if (field === 'department_id') body.department_id = form.department_id
    if (field === 'rating' && form.rating) body.rating = form.rating
    if (field === 'merge_into') body.merge_into = parseCaseId(form.merge_into)
    if (field === 'extend') body.extend_minutes = extendMinutes(form)
  }
  return body
}

const SERVER_FIELDS: Record<string, ActionField> = {
  comment: 'comment',
  target: 'target',
  department_id: 'department_id',
  rating: 'rating',
  merge_into: 'merge_into',
  extend_minutes: 'extend',
}

/** The server's field error codes (400), placed under the dialog's inputs; fields it does not show are left out. */
export function actionFieldErrors(error: unknown): Partial<Record<ActionField, string>> {
  const out: Partial<Record<ActionField, string>> = {}
  if (!(error instanceof ApiError) || error.status !== 400) return out
  for (const f of error.fields) {
    const field = SERVER_FIELDS[f.field]
    if (field && f.code && !out[field]) out[field] = f.code
  }
  return out
}

/**
 * True when the case moved on since the page loaded it, so the page should reload it and say so:
 * a stale version, an action the new state no longer allows (the server checks the transition
 * before the version), or an action that is no longer the caller's (someone passed the case on).
 */
export function needsReload(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false
  if (error.status === 409) return error.code === 'stale_version' || error.code === 'illegal_transition'
  return error.status === 403 && error.code === 'not_your_turn'
}

/** Actions the phone pages offer; the rest (dispatch on the region tree, merge, extend) are the console's. */
export const MOBILE_ACTIONS: readonly CaseAction[] = [
  'handle_on_spot',
  'report_result',
  'verify',
  'rework',
  'return',
  'whistle',
  'acknowledge',
  'accept',
  'reject',
  'escalate',
  'rate',
  'reopen',
]

/** The server's actions split into those the phone offers and those left to the console, in the server's order. */
export function mobileActions(actions: readonly string[]): { phone: CaseAction[]; desktop: string[] } {
  const phone = actions.filter((a): a is CaseAction => (MOBILE_ACTIONS as readonly string[]).includes(a))
  return { phone, desktop: actions.filter((a) => !phone.includes(a as CaseAction)) }
}
