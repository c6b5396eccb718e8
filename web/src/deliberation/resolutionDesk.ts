// 议事协商 › 决议管理 in the console: what the resolution pages show and check, without Vue, so that
// it can be tested: states and their tags, the publish form's checks and body, the implement form's
// rows, checks and body (new cases, existing case numbers, tasks), which proposal already has a
// resolution, the notice period, 满意率, and the messages of the server's error codes.
// (The residents' phone pages have their own helpers in `resolutions.ts`.)
import { ApiError } from '../api/http'
import type { ImplementInput, PublishInput, RatingSummary, ResolutionView } from '../api/types'
import type { Translator } from '../i18n/errors'
import type { TagType } from './topics'

export const RESOLUTION_STATES = ['publicised', 'implementing', 'completed'] as const
export type ResolutionState = (typeof RESOLUTION_STATES)[number]

export const RESOLUTION_TITLE_MAX = 100
export const RESOLUTION_TEXT_MAX = 4000
export const NOTICE_MIN = 0
export const NOTICE_MAX = 30
export const NOTICE_DEFAULT = 5
export const CASE_DESCRIPTION_MAX = 2000
export const ADDRESS_MAX = 200
export const TASK_TITLE_MAX = 200
export const TASK_OWNER_MAX = 100
export const NOTE_MAX = 500
export const MAX_CASES = 20
export const MAX_TASKS = 50

/** The colour of a resolution's state: under notice orange, implementing blue, completed green. */
export function resolutionTagType(state: string): TagType {
  switch (state) {
    case 'publicised':
      return 'warning'
    case 'implementing':
      return 'primary'
    case 'completed':
      return 'success'
    default:
      return 'info'
  }
}

const labelOf = (key: string, code: string, i18n: Translator) => (i18n.te(`${key}.${code}`) ? i18n.t(`${key}.${code}`) : code)
export const resolutionStateLabel = (s: string, i18n: Translator) => labelOf('resolution.state', s, i18n)
/** A case's state in the words of the case pages. */
export const caseStateLabel = (s: string, i18n: Translator) => labelOf('cases.state', s, i18n)

// --- Publishing ---

export interface PublishDraft {
  title: string
  text: string
  noticeDays: number | null
}

export type PublishField = 'title' | 'text' | 'notice_days'

export const emptyPublishDraft = (title = ''): PublishDraft => ({ title, text: '', noticeDays: NOTICE_DEFAULT })

/** The publish form's problems by field (codes as the server names them). */
export function checkPublishDraft(d: PublishDraft): Partial<Record<PublishField, string>> {
  const out: Partial<Record<PublishField, string>> = {}
  const title = d.title.trim()
  if ([...title].length > RESOLUTION_TITLE_MAX) out.title = 'too_long'
  const text = d.text.trim()
  if (!text) out.text = 'required'
  else if ([...text].length > RESOLUTION_TEXT_MAX) out.text = 'too_long'
  const n = d.noticeDays
  if (n === null || !Number.isInteger(n) || n < NOTICE_MIN || n > NOTICE_MAX) out.notice_days = 'notice_out_of_range'
  return out
}

/** The body of POST /api/v1/resolutions (a blank title leaves the proposal's). */
export function publishBody(proposalId: number, d: PublishDraft): PublishInput {
  const title = d.title.trim()
  return { proposal_id: proposalId, title: title || null, text: d.text.trim(), notice_days: d.noticeDays ?? NOTICE_DEFAULT }
}

/** The resolution of each proposal that has one, by proposal id. */
export function resolutionsByProposal(items: readonly Pick<ResolutionView, 'id' | 'proposal_id'>[]): Map<number, number> {
  return new Map(items.map((r) => [r.proposal_id, r.id]))
}

// --- Implementing ---

export interface CaseDraft {
  /** A reportable category's id. */
  categoryId: number | null
  description: string
  address: string
  /** Both blank: the topic's point. */
  lon: string
  lat: string
}

export interface TaskDraft {
  title: string
  owner: string
  /** `YYYY-MM-DD` or blank. */
  due: string
}

export interface ImplementDraft {
  cases: CaseDraft[]
  /** Existing case ids, separated by commas, spaces or new lines. */
  caseIds: string
  tasks: TaskDraft[]
}

export const emptyCaseDraft = (): CaseDraft => ({ categoryId: null, description: '', address: '', lon: '', lat: '' })
export const emptyTaskDraft = (): TaskDraft => ({ title: '', owner: '', due: '' })
export const emptyImplementDraft = (): ImplementDraft => ({ cases: [], caseIds: '', tasks: [emptyTaskDraft()] })

/** The ids in a free text of case ids (`12, 13 14`); what is not a positive whole number is bad. */
export function parseCaseIds(text: string): { ids: number[]; bad: string[] } {
  const ids: number[] = []
  const bad: string[] = []
  for (const part of text.split(/[\s,，、;；]+/).filter(Boolean)) {
    const n = Number(part.replace(/^#/, ''))
    if (Number.isInteger(n) && n > 0) {
      if (!ids.includes(n)) ids.push(n)
    } else bad.push(part)
  }
  return { ids, bad }
}

const blank = (s: string) => !s.trim()

/**
 * The implement form's problems, keyed as the server names its fields (`cases[0].category_id`,
 * `tasks[1].title`, `case_ids`, and `cases` for nothing to do). A case row, added on purpose, needs
 * its category; task rows left entirely blank are skipped, not refused.
 */
export function checkImplementDraft(d: ImplementDraft): Record<string, string> {
  const out: Record<string, string> = {}
  d.cases.forEach((c, i) => {
    if (c.categoryId === null) out[`cases[${i}].category_id`] = 'required'
    if ([...c.description.trim()].length > CASE_DESCRIPTION_MAX) out[`cases[${i}].description`] = 'too_long'
    if ([...c.address.trim()].length > ADDRESS_MAX) out[`cases[${i}].address`] = 'too_long'
    const lon = c.lon.trim()
    const lat = c.lat.trim()
    if (!!lon !== !!lat) out[`cases[${i}].lon`] = 'point_incomplete'
    else if (lon && lat) {
      const x = Number(lon)
      const y = Number(lat)
      if (!Number.isFinite(x) || !Number.isFinite(y) || x < -180 || x > 180 || y < -90 || y > 90) out[`cases[${i}].lon`] = 'invalid_coordinate'
    }
  })
  d.tasks.forEach((t, i) => {
    if (taskBlank(t)) return
    if (blank(t.title)) out[`tasks[${i}].title`] = 'required'
    else if ([...t.title.trim()].length > TASK_TITLE_MAX) out[`tasks[${i}].title`] = 'too_long'
    if ([...t.owner.trim()].length > TASK_OWNER_MAX) out[`tasks[${i}].owner`] = 'too_long'
    if (t.due && !/^\d{4}-\d{2}-\d{2}$/.test(t.due)) out[`tasks[${i}].due_on`] = 'invalid_date'
  })
  const { ids, bad } = parseCaseIds(d.caseIds)
  if (bad.length) out.case_ids = 'invalid_case_id'
  const cases = d.cases.length
  const tasks = d.tasks.filter((t) => !taskBlank(t)).length
  if (cases > MAX_CASES) out.cases = 'too_many'
  if (tasks > MAX_TASKS) out.tasks = 'too_many'
  if (ids.length > MAX_CASES) out.case_ids = 'too_many'
  if (!Object.keys(out).length && cases + tasks + ids.length === 0) out.cases = 'nothing_to_implement'
  return out
}

const taskBlank = (t: TaskDraft) => blank(t.title) && blank(t.owner) && !t.due

/**
 * The body of POST /api/v1/resolutions/{id}/implement with the version read: blank task rows left out,
 * blank optional fields left out (the resolution's text and the topic's point stand in), case ids
 * parsed. Row indexes in the server's field errors follow the body's rows: see `bodyRowIndexes`.
 */
export function implementBody(version: number, d: ImplementDraft): ImplementInput {
  const cases = d.cases
    .filter((c) => c.categoryId !== null)
    .map((c) => {
      const lon = c.lon.trim()
      const lat = c.lat.trim()
      return {
        category_id: c.categoryId as number,
        ...(c.description.trim() ? { description: c.description.trim() } : {}),
        ...(c.address.trim() ? { address: c.address.trim() } : {}),
        ...(lon && lat ? { lon: Number(lon), lat: Number(lat) } : {}),
      }
    })
  const tasks = d.tasks
    .filter((t) => !taskBlank(t))
    .map((t) => ({ title: t.title.trim(), ...(t.owner.trim() ? { owner: t.owner.trim() } : {}), ...(t.due ? { due_on: t.due } : {}) }))
  return { version, cases, case_ids: parseCaseIds(d.caseIds).ids, tasks }
}

/** For each row of the body, the index of the form's row it came from (blank rows are left out). */
export function bodyRowIndexes(d: ImplementDraft): { cases: number[]; tasks: number[] } {
  return {
    cases: d.cases.flatMap((c, i) => (c.categoryId === null ? [] : [i])),
    tasks: d.tasks.flatMap((t, i) => (taskBlank(t) ? [] : [i])),
  }
}

/**
 * The server's field errors keyed by the form's fields: `cases[1].lon` of the body becomes the
 * form row's `cases[3].lon` when blank rows were left out; `case_ids[2]` becomes `case_ids`.
 */
export function implementFieldErrors(error: unknown, d: ImplementDraft): Record<string, string> {
  const out: Record<string, string> = {}
  if (!(error instanceof ApiError)) return out
  const rows = bodyRowIndexes(d)
  for (const f of error.fields) {
    let key = f.field
    const m = /^(cases|tasks)\[(\d+)\]\.(\w+)$/.exec(key)
    if (m) {
      const list = m[1] as 'cases' | 'tasks'
      const at = rows[list][Number(m[2])]
      key = `${list}[${at ?? m[2]}].${m[3]}`
    } else if (/^case_ids\[\d+\]$/.test(key)) key = 'case_ids'
    if (!(key in out)) out[key] = f.code
  }
  return out
}

// --- Following ---

/** The level of an area by its code's length (street 9 digits, community 12, grid more). */
export function areaLevelOf(code: string): 'street' | 'community' | 'grid' {
  if (code.length <= 9) return 'street'
  if (code.length <= 12) return 'community'
  return 'grid'
}


/** 满意率 in per cent, one decimal: the server's when given, else (满意 + 基本满意) / all; null without ratings. */
export function satisfiedRate(r: Pick<RatingSummary, 'satisfied' | 'basically' | 'total' | 'satisfied_percent'>): number | null {
  if (!(r.total > 0)) return null
  const p = r.satisfied_percent ?? ((r.satisfied + r.basically) * 100) / r.total
  return Math.round(p * 10) / 10
}

/** Whether the notice period is still running at `now`. */
export function noticeRunning(r: Pick<ResolutionView, 'notice_ends_at' | 'implemented_at'>, now: number = Date.now()): boolean {
  return !r.implemented_at && Date.parse(r.notice_ends_at) > now
}

/** Tasks done of all. */
export function taskProgress(tasks: readonly { done_at?: string | null }[]): { done: number; total: number } {
  return { done: tasks.filter((t) => !!t.done_at).length, total: tasks.length }
}

// --- Messages ---

/** A field's error code in words: `resolution.fieldErrors.<field>.<code>`, else `resolution.errors.<code>`, else `errors.<code>`. */
export function resolutionFieldMessage(field: string, code: string | undefined, i18n: Translator): string {
  if (!code) return ''
  const plain = field.replace(/\[\d+\]/g, '')
  for (const key of [`resolution.fieldErrors.${plain}.${code}`, `resolution.errors.${code}`, `errors.${code}`]) if (i18n.te(key)) return i18n.t(key)
  return code
}

/**
 * A failed request in the words of the resolution pages: `resolution.errors.<code>` for field codes
 * or the error code, then the meeting pages' `meeting.errors.<code>`, else the general message.
 */
export function resolutionErrorMessage(error: unknown, i18n: Translator, fallback: (e: unknown) => string): string {
  if (error instanceof ApiError) {
    const fieldKeys = error.fields.map((f) => `resolution.errors.${f.code}`).filter((k) => i18n.te(k))
    if (fieldKeys.length) return [...new Set(fieldKeys)].map((k) => i18n.t(k)).join('；')
    for (const key of [`resolution.errors.${error.code}`, `meeting.errors.${error.code}`]) if (i18n.te(key)) return i18n.t(key)
  }
  return fallback(error)
}
