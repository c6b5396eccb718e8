// 人口信息 (no components): the search form and the request it becomes (GET without personal data,
// POST with it), the ID number check of GB 11643, the registration form's checks, body and where
// the server's field errors go, the edit form and its body (numbers kept, removed or replaced),
// and the numbers shown whole for a while after a reveal.
//
// Personal data stays out of URLs: a name, ID number or phone number only ever travels in the body
// of POST /api/v1/people/search. A revealed number lives in the page's own state (a `TimedReveals`)
// until it is masked again; it is never put in a store, storage, a URL or a log.
import { shallowReactive } from 'vue'
import { fetchPeople, searchPeople } from '../api/gridgov'
import { ApiError } from '../api/http'
import type { PeopleQuery, PeopleSearchBody, PersonEdit, PersonInput, PersonKind, PersonPage, PersonView, RevealField } from '../api/types'
import type { Translator } from '../i18n/errors'

/** The kinds of people in the order the drop-downs offer them. */
export const PERSON_KINDS: readonly PersonKind[] = ['registered', 'floating', 'overseas']

/** `户籍人口` for `registered`; a kind a newer server adds shows its code. */
export function kindLabel(kind: string, i18n: Translator): string {
  const key = `people.kind.${kind}`
  return i18n.te(key) ? i18n.t(key) : kind
}

/** `男` / `女`, `—` when unknown (no ID number on record). */
export function sexLabel(sex: string | null | undefined, i18n: Translator): string {
  if (!sex) return '—'
  const key = `people.sexes.${sex}`
  return i18n.te(key) ? i18n.t(key) : sex
}

// --- Search ---------------------------------------------------------------------------------------

/** The search form. */
export interface PeopleSearch {
  /** The start of a name. */
  name: string
  /** A whole ID number. */
  id_number: string
  /** A whole phone number. */
  phone: string
  kind: PersonKind | ''
  /** A region code: only people in its subtree. */
  region: string
}

export function emptyPeopleSearch(): PeopleSearch {
  return { name: '', id_number: '', phone: '', kind: '', region: '' }
}

/**
 * The request for one page: GET /api/v1/people when the form holds only kind and region, else
 * POST /api/v1/people/search with everything in the body. The GET query never holds a name or number.
 */
export type PeopleRequest = { method: 'GET'; query: PeopleQuery } | { method: 'POST'; body: PeopleSearchBody }

/** An ID number as the server reads it: spaces anywhere dropped (numbers are typed in groups), `x` upper-case. */
export function normalizeIdNumber(raw: string): string {
  return raw.replace(/\s+/gu, '').toUpperCase()
}

/** True when the form searches by personal data (a name or a number), which must go in a POST body. */
export function searchesPersonalData(search: PeopleSearch): boolean {
  return Boolean(search.name.trim() || normalizeIdNumber(search.id_number) || search.phone.trim())
}

export function peopleRequest(search: PeopleSearch, page: number, pageSize: number): PeopleRequest {
  const kind = search.kind || undefined
  const region = search.region.trim() || undefined
  if (!searchesPersonalData(search)) {
    const query: PeopleQuery = { page, page_size: pageSize }
    if (kind) query.kind = kind
    if (region) query.region = region
    return { method: 'GET', query }
  }
  const body: PeopleSearchBody = { page, page_size: pageSize }
  const name = search.name.trim()
  const idNumber = normalizeIdNumber(search.id_number)
  const phone = search.phone.trim()
  if (name) body.name = name
  if (idNumber) body.id_number = idNumber
  if (phone) body.phone = phone
  if (kind) body.kind = kind
  if (region) body.region = region
  return { method: 'POST', body }
}

/** Sends a page request the way `peopleRequest` chose. */
export function loadPeople(request: PeopleRequest, signal?: AbortSignal): Promise<PersonPage> {
  return request.method === 'GET' ? fetchPeople(request.query, signal) : searchPeople(request.body, signal)
}

/** The search form's inputs the server can refuse. */
export type SearchField = 'id_number' | 'phone' | 'kind' | 'region'
const SEARCH_FIELDS: readonly SearchField[] = ['id_number', 'phone', 'kind', 'region']

/** What is wrong with the search before it is sent: a typed ID number that cannot be one (codes as the server's). */
export function searchFormErrors(search: PeopleSearch, now: Date = new Date()): Partial<Record<SearchField, string>> {
  const idNumber = normalizeIdNumber(search.id_number)
  const problem = idNumber ? idNumberProblem(idNumber, now) : null
  return problem ? { id_number: problem } : {}
}

/** The server's field errors of a search (400), under the search form's inputs. */
export function searchFieldErrors(error: unknown): Partial<Record<SearchField, string>> {
  return serverFieldErrors(error, SEARCH_FIELDS)
}

// --- ID numbers (公民身份号码, GB 11643-1999) -------------------------------------------------------

/** Why an ID number is refused: the server's codes, checked in the server's order. */
export type IdProblem = 'id_length' | 'id_characters' | 'id_region' | 'id_birth_date' | 'id_check_digit'

/** Weights of the first 17 digits for the ISO 7064 MOD 11-2 check (2^(17-i) mod 11). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
/** The check character for each value of the weighted sum mod 11. */
const CHECK_CHARS = '10X98765432'

/** The check character (`0`–`9` or `X`) of the first 17 digits of a number; null when they are not 17 digits. */
export function idCheckChar(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null
  let sum = 0
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0)
  return CHECK_CHARS[sum % 11] ?? null
}

/** Province-level codes in use (as the server has them): mainland provinces, 71 Taiwan, 81 Hong Kong, 82 Macao, 83 Taiwan residents' permits. */
function knownProvince(code: number): boolean {
  return (
    (code >= 11 && code <= 15) ||
    (code >= 21 && code <= 23) ||
    (code >= 31 && code <= 37) ||
    (code >= 41 && code <= 46) ||
    (code >= 50 && code <= 54) ||
    (code >= 61 && code <= 65) ||
    code === 71 ||
    (code >= 81 && code <= 83)
  )
}

/** `YYYYMMDD` of `now` in Beijing (the server's today; China keeps UTC+8 all year). */
function beijingDate(now: Date): string {
  const d = new Date(now.getTime() + 8 * 3600 * 1000)
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`
}

/** True when `yyyymmdd` is a real calendar date from 1900-01-01 to `today` (also `YYYYMMDD`). */
function birthDateValid(yyyymmdd: string, today: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4))
  const m = Number(yyyymmdd.slice(4, 6))
  const d = Number(yyyymmdd.slice(6, 8))
  const date = new Date(Date.UTC(y, m - 1, d))
  // Date.UTC maps years 0–99 to 1900–1999 and rolls 02-30 over into March: both read back differently.
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
  return real && yyyymmdd >= '19000101' && yyyymmdd <= today
}

/**
 * What is wrong with an ID number, null when the server will take it: 18 characters (digits, the
 * last may be `X`) whose check character is right, or a legacy 15-digit number (its year is of the
 * 1900s; it has no check character). Both start with a known province and hold a real birth date
 * from 1900 to today. Spaces are ignored and `x` counts as `X`, as on the server.
 */
export function idNumberProblem(raw: string, now: Date = new Date()): IdProblem | null {
  const s = normalizeIdNumber(raw)
  const length = [...s].length
  if (length !== 15 && length !== 18) return 'id_length'
  if (length === 18 ? !/^\d{17}[\dX]$/.test(s) : !/^\d{15}$/.test(s)) return 'id_characters'
  const first17 = length === 18 ? s.slice(0, 17) : `${s.slice(0, 6)}19${s.slice(6)}`
  if (!knownProvince(Number(first17.slice(0, 2)))) return 'id_region'
  if (!birthDateValid(first17.slice(6, 14), beijingDate(now))) return 'id_birth_date'
  if (length === 18 && idCheckChar(first17) !== s[17]) return 'id_check_digit'
  return null
}

// --- Registration (登记) -------------------------------------------------------------------------

/** The inputs of the registration dialog, named as the server names them in `fields[]`. */
export type PersonField = 'name' | 'kind' | 'grid' | 'id_number' | 'phone' | 'address' | 'note'
const PERSON_FIELDS: readonly PersonField[] = ['name', 'kind', 'grid', 'id_number', 'phone', 'address', 'note']

/** The server's limits, in characters (Unicode scalar values, as the server counts them). */
export const PERSON_LIMITS = { name: 64, address: 200, note: 500 } as const

export interface PersonForm {
  name: string
  kind: PersonKind | ''
  /** A grid (15 digits) or sub-grid (17) code. */
  grid: string
  id_number: string
  phone: string
  address: string
  note: string
}

export function emptyPersonForm(): PersonForm {
  return { name: '', kind: '', grid: '', id_number: '', phone: '', address: '', note: '' }
}

/**
 * Characters as the server counts them: a rare character of a name outside the BMP (𠇔) is one,
 * where `String.length` would count two.
 */
export function charCount(s: string): number {
  return [...s].length
}

/** True for a grid (15 digits) or sub-grid (17) code: the places a person lives in. */
export function isGridCode(code: string): boolean {
  return /^\d{15}(?:\d{2})?$/.test(code)
}

/** True for the region levels a person can be registered in. */
export function isGridLevel(level: string | null | undefined): boolean {
  return level === 'grid' || level === 'subgrid'
}

/**
 * The form's problems before anything is sent, as the server's codes (`required`, `too_long`,
 * `not_a_grid`, an ID number's code). The phone number is left to the server: it takes mobile
 * numbers and landlines in many spellings, and a stricter copy here would refuse good ones.
 */
export function personFormErrors(form: PersonForm, now: Date = new Date()): Partial<Record<PersonField, string>> {
  const errors: Partial<Record<PersonField, string>> = {}
  const name = form.name.trim()
  if (!name) errors.name = 'required'
  else if (charCount(name) > PERSON_LIMITS.name) errors.name = 'too_long'
  if (!form.kind) errors.kind = 'required'
  const grid = form.grid.trim()
  if (!grid) errors.grid = 'required'
  else if (!isGridCode(grid)) errors.grid = 'not_a_grid'
  const idNumber = normalizeIdNumber(form.id_number)
  if (idNumber) {
    const problem = idNumberProblem(idNumber, now)
    if (problem) errors.id_number = problem
  }
  if (charCount(form.address.trim()) > PERSON_LIMITS.address) errors.address = 'too_long'
  if (charCount(form.note.trim()) > PERSON_LIMITS.note) errors.note = 'too_long'
  return errors
}

/**
 * The body of POST /api/v1/people: trimmed, optional parts left out when empty. Call once
 * `personFormErrors` found nothing: a form without a kind is a mistake of the caller, not a default.
 */
export function personInput(form: PersonForm): PersonInput {
  if (!form.kind) throw new Error('personInput: the form has no kind')
  const body: PersonInput = { name: form.name.trim(), kind: form.kind, grid: form.grid.trim() }
  const idNumber = normalizeIdNumber(form.id_number)
  const phone = form.phone.trim()
  const address = form.address.trim()
  const note = form.note.trim()
  if (idNumber) body.id_number = idNumber
  if (phone) body.phone = phone
  if (address) body.address = address
  if (note) body.note = note
  return body
}

/**
 * The first code per field of a refusal's `fields[]`, for the fields the form shows: the server
 * answers 400 `validation_failed`; a 422 with field errors is read the same way.
 */
function serverFieldErrors<F extends string>(error: unknown, fields: readonly F[]): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {}
  if (!(error instanceof ApiError) || (error.status !== 400 && error.status !== 422)) return out
  for (const f of error.fields) {
    const field = fields.find((name) => name === f.field)
    if (field && f.code && !out[field]) out[field] = f.code
  }
  return out
}

/**
 * Where a failed registration's errors go: a 400's field codes under their inputs, a 409
 * `duplicate_id_number` under the ID number, a 404 `region_not_found` (no such grid, or not the
 * caller's) under the grid. Anything else is empty: the dialog shows it as a message.
 */
export function personFieldErrors(error: unknown): Partial<Record<PersonField, string>> {
  if (error instanceof ApiError && error.status === 409 && error.code === 'duplicate_id_number') return { id_number: error.code }
  if (error instanceof ApiError && error.status === 404 && error.code === 'region_not_found') return { grid: error.code }
  return serverFieldErrors(error, PERSON_FIELDS)
}

/**
 * A field error's text: `people.fieldErrors.<field>.<code>` when the field words it its own way
 * (`请填写姓名`), else the error's (`errors.<code>`), else the code. `too_long` names the field's limit.
 */
export function fieldErrorMessage(field: string, code: string | undefined, i18n: Translator): string {
  if (!code) return ''
  const own = `people.fieldErrors.${field}.${code}`
  if (i18n.te(own)) return i18n.t(own, { n: PERSON_LIMITS[field as keyof typeof PERSON_LIMITS] ?? '' })
  const general = `errors.${code}`
  return i18n.te(general) ? i18n.t(general) : code
}

// --- Edits (编辑) --------------------------------------------------------------------------------
//
// The server keeps only the masked form of a stored number for the page, so the edit form cannot
// show the number itself: its input starts empty (the masked number as its placeholder), and
// leaving it empty keeps the number. Typing a number replaces it; the 清除 box removes it.

/** A person's numbers, which an edit keeps, removes or replaces. */
export type NumberField = RevealField

/** The 清除 boxes of the edit form: true removes the stored number. */
export type NumberClears = Record<NumberField, boolean>

export function noClears(): NumberClears {
  return { id_number: false, phone: false }
}

/**
 * The edit form of a stored person: name, kind, grid, address and note as stored, the numbers
 * empty (left empty, they stay as stored).
 */
export function personFormOf(person: PersonView): PersonForm {
  return {
    name: person.name,
    kind: person.kind,
    grid: person.grid,
    id_number: '',
    phone: '',
    address: person.address ?? '',
    note: person.note ?? '',
  }
}

/**
 * What an edit sends for one number: undefined (left out: the stored number stays) when the input
 * is empty, `''` (removed) when its 清除 box is ticked, else the typed number (replaces the stored
 * one). The box wins over a typed number: the form empties and locks the input while it is ticked.
 */
export function numberEdit(field: NumberField, typed: string, clear: boolean): string | undefined {
  if (clear) return ''
  const value = field === 'id_number' ? normalizeIdNumber(typed) : typed.trim()
  return value || undefined
}

/**
 * The body of PUT /api/v1/people/{id}: the whole record, trimmed, with the version it was read at.
 * An empty address or note is sent empty (the server removes it); a number only when the form
 * changes it (see `numberEdit`). Call once `personFormErrors` found nothing.
 */
export function personEdit(form: PersonForm, clears: NumberClears, version: number): PersonEdit {
  if (!form.kind) throw new Error('personEdit: the form has no kind')
  const body: PersonEdit = {
    name: form.name.trim(),
    kind: form.kind,
    grid: form.grid.trim(),
    address: form.address.trim(),
    note: form.note.trim(),
    version,
  }
  const idNumber = numberEdit('id_number', form.id_number, clears.id_number)
  const phone = numberEdit('phone', form.phone, clears.phone)
  if (idNumber !== undefined) body.id_number = idNumber
  if (phone !== undefined) body.phone = phone
  return body
}

/**
 * True when an edit was refused because the person changed (409 `stale_version`) or is gone
 * (404 `person_not_found`): the page reloads the person before another try.
 */
export function needsReload(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    ((error.status === 409 && error.code === 'stale_version') || (error.status === 404 && error.code === 'person_not_found'))
  )
}

// --- Reveals (显示完整号码) ----------------------------------------------------------------------

/** How long a revealed number stays whole before it is masked again. */
export const REVEAL_MS = 30_000

/** The key of one number of one person. */
export function revealKey(id: number, field: RevealField): string {
  return `${id}:${field}`
}

/**
 * Numbers shown whole, each for a while and then forgotten. Reactive (a page reading `get` in its
 * template re-renders when a number is shown or masked again); belongs to one component instance,
 * which calls `clear()` when it goes.
 */
export interface TimedReveals {
  /** The whole number while it is shown, else undefined. */
  get(key: string): string | undefined
  has(key: string): boolean
  /** Shows a number whole for `ms`; showing it again starts the time anew. */
  show(key: string, value: string, ms?: number): void
  /** Masks one number again at once. */
  hide(key: string): void
  /** Masks every number again and stops the timers. */
  clear(): void
  readonly size: number
}

export function createTimedReveals(defaultMs: number = REVEAL_MS): TimedReveals {
  const values = shallowReactive(new Map<string, string>())
  const timers = new Map<string, ReturnType<typeof setTimeout>>()
  const hide = (key: string) => {
    const timer = timers.get(key)
    if (timer !== undefined) clearTimeout(timer)
    timers.delete(key)
    values.delete(key)
  }
  return {
    get: (key) => values.get(key),
    has: (key) => values.has(key),
    show(key, value, ms = defaultMs) {
      hide(key)
      values.set(key, value)
      timers.set(
        key,
        setTimeout(() => hide(key), ms),
      )
    },
    hide,
    clear() {
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
      values.clear()
    },
    get size() {
      return values.size
    },
  }
}

/** What a cell shows for a number: the whole number while revealed, else the masked one, `—` for none. */
export function shownNumber(person: Pick<PersonView, 'id' | 'id_number' | 'phone'>, field: RevealField, reveals: Pick<TimedReveals, 'get'>): string {
  const masked = person[field]
  if (!masked) return '—'
  return reveals.get(revealKey(person.id, field)) ?? masked
}
