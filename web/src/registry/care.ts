// 关爱对象与重点人群 (no components): the groups and visit ways with their labels, the day in Beijing,
// how a membership's next visit reads (overdue N days, due today, due in N days, left the group),
// the list's search and its query, and the checks and bodies of the three forms (加入关爱对象,
// 编辑, 记录走访), made the way the server makes them so that most refusals never need a round trip.
//
// Days are calendar days in Asia/Shanghai (`YYYY-MM-DD`), as the server reckons them: a visit due
// on a day is on time all that day and overdue from the next.
import type { CareEdit, CareGroup, CareJoin, CareQuery, CareView, VisitInput, VisitView, VisitWay } from '../api/types'
import type { Translator } from '../i18n/errors'
import { charCount } from './people'
import { fieldCodes, placeFieldMessage } from './places'

// --- Groups and ways ------------------------------------------------------------------------------

/** The groups in the server's order (the drop-downs offer them so). */
export const CARE_GROUPS: readonly CareGroup[] = [
  'elderly_alone',
  'empty_nest',
  'disabled',
  'low_income',
  'left_behind_child',
  'serious_illness',
  'entitled_veteran',
  'mental_disorder',
  'community_correction',
  'drug_rehabilitation',
]

/**
 * The visiting cycle a membership starts with, as the server's `CareGroup::default_visit_days`:
 * weekly where a person may come to harm alone or is under supervision, fortnightly for the frail
 * and children, monthly otherwise.
 */
export const DEFAULT_VISIT_DAYS: Readonly<Record<CareGroup, number>> = {
  elderly_alone: 7,
  community_correction: 7,
  drug_rehabilitation: 7,
  empty_nest: 14,
  left_behind_child: 14,
  mental_disorder: 14,
  disabled: 30,
  low_income: 30,
  serious_illness: 30,
  entitled_veteran: 30,
}

/** The ways of visiting in the server's order; the first (入户走访) is what a new visit starts with. */
export const VISIT_WAYS: readonly VisitWay[] = ['home', 'phone', 'video', 'elsewhere']

/** The server's limits. */
export const CARE_LIMITS = { note: 500, findings: 1000, minDays: 1, maxDays: 365 } as const

function label(prefix: string, code: string | null | undefined, i18n: Translator): string {
  if (!code) return '—'
  const key = `${prefix}.${code}`
  return i18n.te(key) ? i18n.t(key) : code
}

/** 独居老人 for `elderly_alone`; a group a newer server adds shows its code. */
export const careGroupLabel = (code: string | null | undefined, i18n: Translator) => label('care.groups', code, i18n)
/** 入户走访 for `home`. */
export const visitWayLabel = (code: string | null | undefined, i18n: Translator) => label('care.ways', code, i18n)

export function isCareGroup(code: string): code is CareGroup {
  return (CARE_GROUPS as readonly string[]).includes(code)
}

// --- Days in Beijing ----------------------------------------------------------------------------------

/** The calendar day in Beijing at `now`, `YYYY-MM-DD`, whatever the browser's zone. */
export function shanghaiDay(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')}`
}

/** A date picker's day (the picker hands local midnight of the day clicked) as `YYYY-MM-DD`. */
export function pickerDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

const DAY_MS = 86_400_000

/** Milliseconds of a `YYYY-MM-DD` day at midnight UTC, NaN for anything else. */
function dayMs(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return Number.NaN
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  // 2026-02-30 would roll over into March: not a day.
  return new Date(ms).toISOString().slice(0, 10) === day ? ms : Number.NaN
}

export function isDay(day: string): boolean {
  return !Number.isNaN(dayMs(day))
}

/** Days from `from` to `to` (negative when `to` is earlier); NaN when either is not a day. */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayMs(to) - dayMs(from)) / DAY_MS)
}

/** The day `n` days after `day`. */
export function addDays(day: string, n: number): string {
  return new Date(dayMs(day) + n * DAY_MS).toISOString().slice(0, 10)
}

// --- The next visit ---------------------------------------------------------------------------------

/** Due within this many days reads as 即将到期. */
export const SOON_DAYS = 3

/** How a membership's next visit stands today. */
export type DueStatus =
  | { kind: 'ended' }
  | { kind: 'overdue'; due: string; days: number }
  | { kind: 'today'; due: string }
  | { kind: 'soon' | 'later'; due: string; days: number }

/**
 * The next visit as of `today`: the server's `overdue` flag decides overdue (it reckons on its own
 * clock); the days are counted here. A membership ended (no due day) reads as ended.
 */
export function dueStatus(m: Pick<CareView, 'ended_on' | 'next_visit_due' | 'overdue'>, today: string): DueStatus {
  const due = m.next_visit_due
  if (m.ended_on || !due) return { kind: 'ended' }
  const late = daysBetween(due, today)
  if (m.overdue) return { kind: 'overdue', due, days: Number.isNaN(late) ? 1 : Math.max(1, late) }
  // Not overdue on the server's clock: due today, or (with the phone's clock a day ahead) late by a day at most.
  if (Number.isNaN(late) || late >= 0) return { kind: 'today', due }
  const days = -late
  return { kind: days <= SOON_DAYS ? 'soon' : 'later', due, days }
}

/** 逾期 3 天, 今天到期, 2 天后到期, 已退出. */
export function dueText(status: DueStatus, i18n: Translator): string {
  switch (status.kind) {
    case 'ended':
      return i18n.t('care.due.ended')
    case 'overdue':
      return i18n.t('care.due.overdue', { n: status.days })
    case 'today':
      return i18n.t('care.due.today')
    default:
      return i18n.t('care.due.inDays', { n: status.days })
  }
}

/** The colour of a status: red overdue, orange due today or soon, green later, grey ended. */
export function dueTagType(status: DueStatus): 'danger' | 'warning' | 'success' | 'info' {
  if (status.kind === 'overdue') return 'danger'
  if (status.kind === 'today' || status.kind === 'soon') return 'warning'
  return status.kind === 'later' ? 'success' : 'info'
}

/**
 * The rows with a name for everyone: the server (as of this version) names a person only on the
 * first of their memberships in a page, so a second one takes the name from the first; a row
 * with no name anywhere shows `#<person id>`.
 */
export function withNames<M extends Pick<CareView, 'person_id' | 'person_name'>>(rows: readonly M[]): M[] {
  const names = new Map<number, string>()
  for (const r of rows) if (r.person_name && !names.has(r.person_id)) names.set(r.person_id, r.person_name)
  return rows.map((r) => (r.person_name ? r : { ...r, person_name: names.get(r.person_id) ?? `#${r.person_id}` }))
}

// --- Search -------------------------------------------------------------------------------------------

/** The list's search form. */
export interface CareSearch {
  group: CareGroup | ''
  /** A region code: only members in its subtree. */
  region: string
  overdueOnly: boolean
  includeEnded: boolean
}

export function emptyCareSearch(): CareSearch {
  return { group: '', region: '', overdueOnly: false, includeEnded: false }
}

/** GET /api/v1/care's query for one page of the search; "overdue only" off means every member, not "only those on time". */
export function careQuery(search: CareSearch, page: number, pageSize: number): CareQuery {
  const query: CareQuery = { page, page_size: pageSize }
  if (search.group) query.group = search.group
  const region = search.region.trim()
  if (region) query.region = region
  if (search.overdueOnly) query.overdue = true
  if (search.includeEnded) query.include_ended = true
  return query
}

// --- Forms: shared ------------------------------------------------------------------------------------

/** A form's field errors: field → the server's code (`required`, `too_long`, …). */
export type FieldCodes<F extends string> = Partial<Record<F, string>>

/** A field error in words: `care.fieldErrors.<field>.<code>`, else `care.errors.<code>`, else the app's; `{n}` the limit. */
export function careFieldMessage(field: string, code: string | undefined, i18n: Translator): string {
  return placeFieldMessage('care', field, code, i18n, { note: CARE_LIMITS.note, findings: CARE_LIMITS.findings, visit_days: CARE_LIMITS.maxDays })
}

function cycleProblem(days: number | null): string | null {
  if (days === null || !Number.isFinite(days)) return 'required'
  return Number.isInteger(days) && days >= CARE_LIMITS.minDays && days <= CARE_LIMITS.maxDays ? null : 'visit_cycle_out_of_range'
}

const tooLong = (s: string, max: number) => charCount(s.trim()) > max

// --- 加入关爱对象 --------------------------------------------------------------------------------------

export type JoinField = 'person_id' | 'group' | 'visit_days' | 'joined_on' | 'note'
export const JOIN_FIELDS: readonly JoinField[] = ['person_id', 'group', 'visit_days', 'joined_on', 'note']

export interface JoinForm {
  person_id: number | null
  group: CareGroup | ''
  visit_days: number | null
  /** `YYYY-MM-DD`; empty means today. */
  joined_on: string
  note: string
}

export function emptyJoinForm(personId: number | null = null): JoinForm {
  return { person_id: personId, group: '', visit_days: null, joined_on: '', note: '' }
}

/**
 * The cycle once `group` is picked: the group's usual cycle, unless the operator typed another one
 * (a cycle that is neither empty nor the usual one of the group picked before stays).
 */
export function cycleAfterGroup(group: CareGroup | '', current: number | null, previous: CareGroup | ''): number | null {
  if (!group) return current
  const typed = current !== null && (!previous || current !== DEFAULT_VISIT_DAYS[previous])
  return typed ? current : DEFAULT_VISIT_DAYS[group]
}

export function joinFormErrors(form: JoinForm, today: string): FieldCodes<JoinField> {
  const out: FieldCodes<JoinField> = {}
  if (form.person_id === null) out.person_id = 'required'
  if (!form.group) out.group = 'required'
  else if (!isCareGroup(form.group)) out.group = 'unknown_group'
  const cycle = cycleProblem(form.visit_days)
  if (cycle) out.visit_days = cycle
  if (form.joined_on) {
    if (!isDay(form.joined_on)) out.joined_on = 'invalid_date'
    else if (form.joined_on > today) out.joined_on = 'joined_in_future'
  }
  if (tooLong(form.note, CARE_LIMITS.note)) out.note = 'too_long'
  return out
}

/** The body of POST /api/v1/people/{id}/care (call after `joinFormErrors` found nothing). */
export function joinInput(form: JoinForm): CareJoin {
  const body: CareJoin = { group: form.group as CareGroup }
  if (form.visit_days !== null) body.visit_days = form.visit_days
  if (form.joined_on) body.joined_on = form.joined_on
  const note = form.note.trim()
  if (note) body.note = note
  return body
}

/** The server's field errors of a join, under the form's inputs. */
export function joinFieldErrors(error: unknown): FieldCodes<JoinField> {
  return fieldCodes(error, JOIN_FIELDS)
}

// --- 编辑 -----------------------------------------------------------------------------------------------

export type EditField = 'visit_days' | 'ended_on' | 'note' | 'version'
export const EDIT_FIELDS: readonly EditField[] = ['visit_days', 'ended_on', 'note', 'version']

export interface EditForm {
  visit_days: number | null
  /** The person has left the group (from `ended_on`). */
  ended: boolean
  ended_on: string
  note: string
}

/** The edit form of a membership as read; an end not recorded yet starts as today. */
export function editFormOf(m: Pick<CareView, 'visit_days' | 'ended_on' | 'note'>, today: string): EditForm {
  return { visit_days: m.visit_days, ended: Boolean(m.ended_on), ended_on: m.ended_on ?? today, note: m.note ?? '' }
}

export function editFormErrors(form: EditForm, joinedOn: string, today: string): FieldCodes<EditField> {
  const out: FieldCodes<EditField> = {}
  const cycle = cycleProblem(form.visit_days)
  if (cycle) out.visit_days = cycle
  if (form.ended) {
    if (!form.ended_on) out.ended_on = 'required'
    else if (!isDay(form.ended_on)) out.ended_on = 'invalid_date'
    else if (form.ended_on < joinedOn) out.ended_on = 'ended_before_joined'
    else if (form.ended_on > today) out.ended_on = 'ended_in_future'
  }
  if (tooLong(form.note, CARE_LIMITS.note)) out.note = 'too_long'
  return out
}

/**
 * The body of PUT /api/v1/care/{id}. The server takes the whole record: `ended_on` null keeps (or
 * makes) the person a member, and an empty note removes it.
 */
export function careEdit(form: EditForm, version: number): CareEdit {
  return {
    visit_days: form.visit_days,
    ended_on: form.ended ? form.ended_on : null,
    note: form.note.trim() || null,
    version,
  }
}

export function editFieldErrors(error: unknown): FieldCodes<EditField> {
  return fieldCodes(error, EDIT_FIELDS)
}

// --- 记录走访 -------------------------------------------------------------------------------------------

export type VisitField = 'visited_on' | 'way' | 'findings' | 'follow_up'
export const VISIT_FIELDS: readonly VisitField[] = ['visited_on', 'way', 'findings', 'follow_up']

export interface VisitForm {
  /** `YYYY-MM-DD`. */
  visited_on: string
  way: VisitWay | ''
  findings: string
  follow_up: boolean
}

/** A new visit: today, 入户走访, nothing found yet. */
export function emptyVisitForm(today: string): VisitForm {
  return { visited_on: today, way: VISIT_WAYS[0] ?? 'home', findings: '', follow_up: false }
}

export function visitFormErrors(form: VisitForm, joinedOn: string, today: string): FieldCodes<VisitField> {
  const out: FieldCodes<VisitField> = {}
  if (!form.visited_on) out.visited_on = 'required'
  else if (!isDay(form.visited_on)) out.visited_on = 'invalid_date'
  else if (form.visited_on > today) out.visited_on = 'visit_in_future'
  else if (form.visited_on < joinedOn) out.visited_on = 'visit_before_joined'
  if (!form.way) out.way = 'required'
  else if (!(VISIT_WAYS as readonly string[]).includes(form.way)) out.way = 'unknown_way'
  if (!form.findings.trim()) out.findings = 'required'
  else if (tooLong(form.findings, CARE_LIMITS.findings)) out.findings = 'too_long'
  return out
}

/** A visit's body as this app sends it: every field given (the day too, see `visitInput`). */
export interface VisitBody extends VisitInput {
  visited_on: string
  way: VisitWay
  findings: string
  follow_up: boolean
}

/**
 * The body of POST /api/v1/care/{id}/visits, the day always given: a visit sent later (from the
 * phone's outbox) is still recorded on the day it was made.
 */
export function visitInput(form: VisitForm): VisitBody {
  return { visited_on: form.visited_on, way: form.way as VisitWay, findings: form.findings.trim(), follow_up: form.follow_up }
}

export function visitFieldErrors(error: unknown): FieldCodes<VisitField> {
  return fieldCodes(error, VISIT_FIELDS)
}

/** `入户走访 · 王芳 · 需跟进`: a visit's way, visitor and follow-up as one line. */
export function visitLine(v: Pick<VisitView, 'way' | 'visitor_name' | 'follow_up'>, i18n: Translator): string {
  return [visitWayLabel(v.way, i18n), v.visitor_name, v.follow_up ? i18n.t('care.visit.followUpTag') : ''].filter(Boolean).join(' · ')
}
