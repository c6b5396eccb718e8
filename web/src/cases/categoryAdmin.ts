// 事项分类 (no Vue): the category tree as the page shows it, limits as people say them, and the edit
// dialog's form, the requests it becomes and where server errors go.
import { ApiError } from '../api/http'
import type { Category, CreateCategory, OwnerLevel, TimeMode, UpdateCategory } from '../api/types'
import type { Translator } from '../i18n/errors'

/** A working day is eight working hours (09:00–17:00), as the server counts it. */
export const WORKING_DAY_MINUTES = 480
/** A natural day. */
export const DAY_MINUTES = 1440
/** The longest limit the server accepts: a year of natural time, in minutes. */
export const MAX_LIMIT_MINUTES = 365 * DAY_MINUTES
/** The server's rule for a code: 2–48 of a-z 0-9 . _ -, a letter first, a letter or digit last, no `..`. */
export const CATEGORY_CODE_PATTERN = /^(?!.*\.\.)[a-z][a-z0-9._-]{0,46}[a-z0-9]$/
export const NAME_MAX = 64

/** A row of the tree table: a group with its categories as `children`, or a category. */
export type CategoryRow = Category & { children?: CategoryRow[] }

/**
 * The flat catalogue as a tree: groups in the server's order with every category of theirs (disabled
 * ones too), in the server's order. A category whose group is missing is shown at the top level
 * rather than lost.
 */
export function categoryTree(items: readonly Category[]): CategoryRow[] {
  const groups = items.filter((c) => !c.parent_code)
  const codes = new Set(groups.map((g) => g.code))
  const rows: CategoryRow[] = groups.map((g) => ({ ...g, children: items.filter((c) => c.parent_code === g.code).map((c) => ({ ...c })) }))
  for (const c of items) if (c.parent_code && !codes.has(c.parent_code)) rows.push({ ...c })
  return rows
}

/**
 * The tree filtered by a keyword (name or code, case-insensitive): a group that matches keeps all its
 * categories, otherwise only the matching ones, and groups left empty go.
 */
export function filterTree(rows: readonly CategoryRow[], keyword: string): CategoryRow[] {
  const k = keyword.trim().toLowerCase()
  if (!k) return [...rows]
  const hit = (c: Category) => c.name.toLowerCase().includes(k) || c.code.toLowerCase().includes(k)
  const out: CategoryRow[] = []
  for (const row of rows) {
    if (hit(row)) out.push(row)
    else {
      const children = (row.children ?? []).filter(hit)
      if (children.length) out.push({ ...row, children })
    }
  }
  return out
}

export type LimitUnit = 'days' | 'hours' | 'minutes'

/** How many minutes one unit is: a day is a working day when the limit counts working time. */
export function unitMinutes(unit: LimitUnit, mode: TimeMode): number {
  if (unit === 'days') return mode === 'working' ? WORKING_DAY_MINUTES : DAY_MINUTES
  return unit === 'hours' ? 60 : 1
}

/** A limit as days, hours and minutes of its mode: `[{n: 3, unit: 'days'}]`, `[{n: 1, unit: 'days'}, {n: 4, unit: 'hours'}]`. */
export function limitParts(minutes: number, mode: TimeMode): { n: number; unit: LimitUnit }[] {
  const m = Math.max(0, Math.round(minutes))
  const day = unitMinutes('days', mode)
  const parts: { n: number; unit: LimitUnit }[] = []
  const days = Math.floor(m / day)
  const hours = Math.floor((m % day) / 60)
  const mins = m % 60
  if (days) parts.push({ n: days, unit: 'days' })
  if (hours) parts.push({ n: hours, unit: 'hours' })
  if (mins || parts.length === 0) parts.push({ n: mins, unit: 'minutes' })
  return parts
}

/** A limit as people say it: `2 小时`, `3 个工作日`, `1 天 4 小时` (days of the limit's mode). */
export function formatLimit(minutes: number, mode: TimeMode, i18n: Translator): string {
  return limitParts(minutes, mode)
    .map(({ n, unit }) => i18n.t(`categories.limit.${unit === 'days' && mode === 'working' ? 'workingDays' : unit}`, { n }))
    .join(' ')
}

/** One limit in the form: a number and its unit. */
export interface LimitInput {
  value: number | null
  unit: LimitUnit
}

/** A limit in the form's terms: the largest unit that holds it whole (`960` working → 2 days). */
export function limitInput(minutes: number, mode: TimeMode): LimitInput {
  for (const unit of ['days', 'hours'] as const) {
    const size = unitMinutes(unit, mode)
    if (minutes > 0 && minutes % size === 0) return { value: minutes / size, unit }
  }
  return { value: minutes, unit: 'minutes' }
}

/** The minutes a form limit stands for in a mode, or null when it is not a whole positive number. */
export function limitMinutes(input: LimitInput, mode: TimeMode): number | null {
  const v = input.value
  if (v === null || !Number.isInteger(v) || v < 1) return null
  return v * unitMinutes(input.unit, mode)
}

/** True when the limit is a whole number of minutes from one to a year. */
export function limitValid(input: LimitInput, mode: TimeMode): boolean {
  const m = limitMinutes(input, mode)
  return m !== null && m <= MAX_LIMIT_MINUTES
}

/** The edit dialog's form, for a group (only code, name, enabled) or a category. */
export interface CategoryForm {
  kind: 'group' | 'category'
  code: string
  /** The group of a category. */
  parent_code: string
  name: string
  owner_level: OwnerLevel
  department_id: number | null
  time_mode: TimeMode
  accept: LimitInput
  handle: LimitInput
  /** Always natural time: a whistle is answered around the clock. */
  ack: LimitInput
  direct_channel: boolean
  auto_escalate: boolean
  enabled: boolean
}

export type CategoryFormField =
  | 'code'
  | 'parent_code'
  | 'name'
  | 'owner_level'
  | 'department_id'
  | 'time_mode'
  | 'accept'
  | 'handle'
  | 'ack'
  | 'direct_channel'
  | 'auto_escalate'
  | 'enabled'

export function emptyGroupForm(): CategoryForm {
  return { ...emptyCategoryForm(''), kind: 'group' }
}

/** A new category under `parentCode` with the seed's usual limits: 2 hours to accept, 3 working days to handle, 1 hour to report for duty. */
export function emptyCategoryForm(parentCode: string): CategoryForm {
  return {
    kind: 'category',
    code: parentCode ? `${parentCode}.` : '',
    parent_code: parentCode,
    name: '',
    owner_level: 'community',
    department_id: null,
    time_mode: 'working',
    accept: { value: 2, unit: 'hours' },
    handle: { value: 3, unit: 'days' },
    ack: { value: 1, unit: 'hours' },
    direct_channel: false,
    auto_escalate: false,
    enabled: true,
  }
}

/** The form to edit a category or group as listed. */
export function categoryFormOf(c: Category): CategoryForm {
  if (!c.parent_code) return { ...emptyGroupForm(), code: c.code, name: c.name, enabled: c.enabled }
  return {
    kind: 'category',
    code: c.code,
    parent_code: c.parent_code,
    name: c.name,
    owner_level: c.owner_level,
    department_id: c.department_id ?? null,
    time_mode: c.time_mode,
    accept: limitInput(c.accept_minutes, c.time_mode),
    handle: limitInput(c.handle_minutes, c.time_mode),
    ack: limitInput(c.ack_minutes, 'natural'),
    direct_channel: c.direct_channel,
    auto_escalate: c.auto_escalate,
    enabled: c.enabled,
  }
}

/** What a category's request sets beyond code, group, name and enabled (nothing for a group). */
function settings(form: CategoryForm) {
  if (form.kind === 'group') return {}
  return {
    owner_level: form.owner_level,
    department_id: form.department_id,
    accept_minutes: limitMinutes(form.accept, form.time_mode),
    handle_minutes: limitMinutes(form.handle, form.time_mode),
    ack_minutes: limitMinutes(form.ack, 'natural'),
    time_mode: form.time_mode,
    // A direct channel leads to a department: without one it is off.
    direct_channel: form.direct_channel && form.department_id !== null,
    auto_escalate: form.auto_escalate,
  }
}

/** The body of POST /api/v1/case-categories: a group without `parent_code`, a category with it. */
export function buildCreateCategory(form: CategoryForm): CreateCategory {
  const base = { code: form.code.trim(), name: form.name.trim(), enabled: form.enabled }
  if (form.kind === 'group') return base
  return { ...base, parent_code: form.parent_code, ...settings(form) }
}

/** The body of PUT /api/v1/case-categories/{id}: everything, with the version the editor saw. */
export function buildUpdateCategory(form: CategoryForm, version: number): UpdateCategory {
  const base = { code: form.code.trim(), name: form.name.trim(), enabled: form.enabled, version }
  if (form.kind === 'group') return base
  return { ...base, parent_code: form.parent_code, ...settings(form) }
}

/** The body that switches a listed category or group on or off and changes nothing else. */
export function toggleBody(c: Category, enabled: boolean): UpdateCategory {
  return buildUpdateCategory({ ...categoryFormOf(c), enabled }, c.version)
}

/** Server fields that are named otherwise in the form. */
const SERVER_FIELDS: Record<string, CategoryFormField> = {
  accept_minutes: 'accept',
  handle_minutes: 'handle',
  ack_minutes: 'ack',
}

const FORM_FIELDS: readonly CategoryFormField[] = [
  'code',
  'parent_code',
  'name',
  'owner_level',
  'department_id',
  'time_mode',
  'accept',
  'handle',
  'ack',
  'direct_channel',
  'auto_escalate',
  'enabled',
]

/**
 * The error codes of a failed save by form field: `validation_failed` and the 422 and 409 refusals
 * carry `fields` (`category_code_taken` on the code, `unknown_department` on the department, …). The
 * first code per field wins.
 */
export function categoryFieldErrors(error: unknown): Partial<Record<CategoryFormField, string>> {
  const out: Partial<Record<CategoryFormField, string>> = {}
  if (!(error instanceof ApiError)) return out
  for (const f of error.fields) {
    const field = SERVER_FIELDS[f.field] ?? (f.field as CategoryFormField)
    if (FORM_FIELDS.includes(field) && !(field in out)) out[field] = f.code
  }
  return out
}

/** The i18n key of a field error: codes shared with other forms get the category form's own message. */
export function categoryFieldMessageKey(code: string): string {
  return code === 'required' ? 'categories.required' : `errors.${code}`
}
