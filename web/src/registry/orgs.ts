// 单位组织 (no components): organisations' kinds and their labels, the unified social credit code
// (统一社会信用代码, GB 32100-2015) checked as the server checks it, the search form's query, the
// record form's checks and bodies, and where the server's field errors go.
//
// The contact phone is personal data: the server sends it masked and never whole, so an edit form
// cannot show it. As for a person's numbers, its input starts empty (the masked number as its
// placeholder): left empty, the stored number stays; typed, it is replaced; 清除 removes it.
import { ApiError } from '../api/http'
import type { OrgEdit, OrgInput, OrgKind, OrgQuery, OrgView } from '../api/types'
import type { Translator } from '../i18n/errors'
import { charCount, isGridCode } from './people'
import { fieldCodes } from './places'

/** The kinds in the order the server lists them (and the drop-downs offer them). */
export const ORG_KINDS: readonly OrgKind[] = ['enterprise', 'shop', 'school', 'hospital', 'social_org', 'public', 'other']

/** 企业 for `enterprise`; a code a newer server adds shows as it is. */
export function orgKindLabel(kind: string | null | undefined, i18n: Translator): string {
  if (!kind) return '—'
  const key = `orgs.kinds.${kind}`
  return i18n.te(key) ? i18n.t(key) : kind
}

/**
 * Whether a kind must give a unified social credit code: every registered body has one; a sole
 * trader (个体工商户) registered before the codes were issued may not, nor may an informal group (其他).
 */
export function kindNeedsUscc(kind: string | null | undefined): boolean {
  return kind !== 'shop' && kind !== 'other'
}

// --- Unified social credit codes ----------------------------------------------------------------

/** The 31 characters a code may use (no I, O, Z, S, V); a character's value in the check is its index. */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
/** Weights of the first 17 characters (3^i mod 31). */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
/** Weights of the first 8 characters of the GB 11714 organisation code inside (positions 9–16). */
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

export type UsccProblem = 'uscc_length' | 'uscc_characters' | 'uscc_check' | 'uscc_org_check'

/** A code as the server stores it: trimmed, upper-case (codes are often typed in lower case). */
export function normalizeUscc(raw: string): string {
  return raw.trim().toUpperCase()
}

/** The MOD 31 check character over the first 17 characters (all in the charset), else null. */
export function usccCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null
  let sum = 0
  for (let i = 0; i < 17; i += 1) {
    const v = CHARSET.indexOf(first17[i]!)
    if (v < 0) return null
    sum += v * WEIGHTS[i]!
  }
  return CHARSET[(31 - (sum % 31)) % 31] ?? null
}

/** The GB 11714 check character over an organisation code's first 8 characters (digits, and A = 10 … Z = 35). */
function orgCheckChar(first8: string): string | null {
  let sum = 0
  for (let i = 0; i < 8; i += 1) {
    const v = parseInt(first8[i]!, 36)
    if (Number.isNaN(v)) return null
    sum += v * ORG_WEIGHTS[i]!
  }
  const v = 11 - (sum % 11)
  return v === 10 ? 'X' : v === 11 ? '0' : String(v)
}

/** Why a unified social credit code is refused (the server's codes), null when it is fine. */
export function usccProblem(raw: string): UsccProblem | null {
  const s = normalizeUscc(raw)
  if ([...s].length !== 18) return 'uscc_length'
  for (const c of s) if (!CHARSET.includes(c)) return 'uscc_characters'
  if (!/^\d{6}$/.test(s.slice(2, 8))) return 'uscc_characters'
  if (usccCheckChar(s.slice(0, 17)) !== s[17]) return 'uscc_check'
  if (orgCheckChar(s.slice(8, 16)) !== s[16]) return 'uscc_org_check'
  return null
}

// --- The list -----------------------------------------------------------------------------------

/** The search form: a region subtree, a kind, the start of a name, a whole USCC. */
export interface OrgSearch {
  region: string
  kind: OrgKind | ''
  name: string
  uscc: string
}

export function emptyOrgSearch(): OrgSearch {
  return { region: '', kind: '', name: '', uscc: '' }
}

/** The search form's problems (the server refuses a malformed USCC filter with the same codes). */
export function orgSearchErrors(search: OrgSearch): { uscc?: UsccProblem } {
  const uscc = normalizeUscc(search.uscc)
  const problem = uscc ? usccProblem(uscc) : null
  return problem ? { uscc: problem } : {}
}

export function orgQuery(search: OrgSearch, page: number, pageSize: number): OrgQuery {
  const query: OrgQuery = { page, page_size: pageSize }
  const region = search.region.trim()
  const name = search.name.trim()
  const uscc = normalizeUscc(search.uscc)
  if (region) query.region = region
  if (search.kind) query.kind = search.kind
  if (name) query.name = name
  if (uscc) query.uscc = uscc
  return query
}

// --- The record form ----------------------------------------------------------------------------

/** The server's limits. */
export const ORG_LIMITS = { name: 100, address: 200, contact_name: 64, note: 500, employees: 1_000_000 } as const

/** The inputs of the dialog, named as the server names them in `fields[]`. */
export type OrgField = 'grid' | 'name' | 'kind' | 'uscc' | 'address' | 'contact_name' | 'contact_phone' | 'building_id' | 'employees' | 'note'
export const ORG_FIELDS: readonly OrgField[] = ['grid', 'name', 'kind', 'uscc', 'address', 'contact_name', 'contact_phone', 'building_id', 'employees', 'note']

export interface OrgForm {
  grid: string
  name: string
  kind: OrgKind | ''
  uscc: string
  address: string
  contact_name: string
  /** As typed; on an edit, empty keeps the stored number. */
  contact_phone: string
  /** On an edit: remove the stored number (wins over a typed one). */
  clear_phone: boolean
  building_id: number | null
  employees: number | null
  note: string
}

export function emptyOrgForm(grid = ''): OrgForm {
  return { grid, name: '', kind: '', uscc: '', address: '', contact_name: '', contact_phone: '', clear_phone: false, building_id: null, employees: null, note: '' }
}

/** The edit form of a stored organisation: as stored, the phone empty (it comes masked). */
export function orgFormOf(o: OrgView): OrgForm {
  return {
    grid: o.grid,
    name: o.name,
    kind: (ORG_KINDS as readonly string[]).includes(o.kind) ? (o.kind as OrgKind) : '',
    uscc: o.uscc ?? '',
    address: o.address ?? '',
    contact_name: o.contact_name ?? '',
    contact_phone: '',
    clear_phone: false,
    building_id: o.building_id ?? null,
    employees: o.employees ?? null,
    note: o.note ?? '',
  }
}

/**
 * The form's problems before anything is sent, as the server's codes. The phone is left to the
 * server, as for people: it takes mobile numbers and landlines in many spellings.
 */
export function orgFormErrors(form: OrgForm): Partial<Record<OrgField, string>> {
  const errors: Partial<Record<OrgField, string>> = {}
  const name = form.name.trim()
  if (!name) errors.name = 'required'
  else if (charCount(name) > ORG_LIMITS.name) errors.name = 'too_long'
  if (!form.kind) errors.kind = 'required'
  const grid = form.grid.trim()
  if (!grid) errors.grid = 'required'
  else if (!isGridCode(grid)) errors.grid = 'not_a_grid'
  const uscc = normalizeUscc(form.uscc)
  if (uscc) {
    const problem = usccProblem(uscc)
    if (problem) errors.uscc = problem
  } else if (form.kind && kindNeedsUscc(form.kind)) errors.uscc = 'required'
  if (charCount(form.address.trim()) > ORG_LIMITS.address) errors.address = 'too_long'
  if (charCount(form.contact_name.trim()) > ORG_LIMITS.contact_name) errors.contact_name = 'too_long'
  const n = form.employees
  if (n !== null && n !== undefined && !(Number.isInteger(n) && n >= 0 && n <= ORG_LIMITS.employees)) errors.employees = 'employees_out_of_range'
  if (charCount(form.note.trim()) > ORG_LIMITS.note) errors.note = 'too_long'
  return errors
}

/** The body of POST /api/v1/organisations: trimmed, empty parts null, the phone left out when empty. */
export function orgInput(form: OrgForm): OrgInput {
  if (!form.kind) throw new Error('orgInput: the form has no kind')
  const body: OrgInput = {
    grid: form.grid.trim(),
    name: form.name.trim(),
    kind: form.kind,
    uscc: normalizeUscc(form.uscc) || null,
    address: form.address.trim() || null,
    contact_name: form.contact_name.trim() || null,
    building_id: form.building_id,
    employees: form.employees,
    note: form.note.trim() || null,
  }
  const phone = form.contact_phone.trim()
  if (phone) body.contact_phone = phone
  return body
}

/**
 * The body of PUT /api/v1/organisations/{id}: the whole record with the version read. The phone:
 * left out (stays as stored) when its input is empty, `''` (removed) when 清除 is ticked, else the
 * typed number.
 */
export function orgEdit(form: OrgForm, version: number): OrgEdit {
  const body: OrgEdit = { ...orgInput(form), version }
  delete body.contact_phone
  if (form.clear_phone) body.contact_phone = ''
  else if (form.contact_phone.trim()) body.contact_phone = form.contact_phone.trim()
  return body
}

/**
 * Where a refused organisation's errors go: 400 field codes under their inputs, 409 `duplicate_uscc`
 * under the code, 404 `region_not_found` under the grid and `building_not_found` under the building.
 */
export function orgFieldErrors(error: unknown): Partial<Record<OrgField, string>> {
  if (error instanceof ApiError && error.status === 409 && error.code === 'duplicate_uscc') return { uscc: error.code }
  if (error instanceof ApiError && error.status === 404 && error.code === 'region_not_found') return { grid: error.code }
  if (error instanceof ApiError && error.status === 404 && error.code === 'building_not_found') return { building_id: error.code }
  return fieldCodes(error, ORG_FIELDS)
}
