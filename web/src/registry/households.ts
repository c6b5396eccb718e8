// 住户信息 and 入户采集 (no components): households (户) and their members. Relation labels, the
// list's search, and the collection (POST /api/v1/households/collect) that the console's dialog and
// the grid worker's phone page both fill: a household (new, or known with its version) and its
// members one by one (new people, or known ones with their versions), sent in one request.
//
// The draft is what the forms hold: text as typed, numbers typed whole only when they change. A
// known member's stored numbers are known only masked, so its number inputs start empty and empty
// keeps the stored number (as the console's person edit does). Field errors are kept by member
// *key*, not by position, so a member added or removed after a refusal keeps its own errors.
//
// Whole ID and phone numbers are personal data: `draftForStorage` leaves them out of anything
// written to the browser's storage (the draft in memory keeps them for a retry).
import { ApiError } from '../api/http'
import type {
  CollectBody,
  CollectMember,
  HouseholdDetail,
  HouseholdMember,
  HouseholdQuery,
  HouseholdView,
  PersonInput,
  PersonKind,
  Relation,
} from '../api/types'
import type { Translator } from '../i18n/errors'
import { PERSON_KINDS, PERSON_LIMITS, charCount, idNumberProblem, isGridCode, normalizeIdNumber, numberEdit, type NumberClears } from './people'
import { shortCodeProblem } from './places'

// --- Labels -----------------------------------------------------------------------------------------

/** Relations to the head in the order the server lists them (and the forms offer them). */
export const RELATIONS: readonly Relation[] = ['head', 'spouse', 'child', 'child_in_law', 'grandchild', 'parent', 'grandparent', 'sibling', 'other']

/** 户主 for `head`, `—` for none; a relation a newer server adds shows its code. */
export function relationLabel(relation: string | null | undefined, i18n: Translator): string {
  if (!relation) return '—'
  const key = `households.relations.${relation}`
  return i18n.te(key) ? i18n.t(key) : relation
}

export const HOUSEHOLD_LIMITS = { number: 32, address: 200, note: 500, members: 50 } as const

/** A household number (户号) as the server keeps it: trimmed, upper-cased. */
export function normalizeHouseholdNumber(raw: string): string {
  return raw.trim().toUpperCase()
}

/** Why a typed 户号 is refused (the server's codes), null when it is fine or empty. */
export function householdNumberProblem(raw: string): string | null {
  if (!raw.trim()) return null
  return shortCodeProblem(raw, HOUSEHOLD_LIMITS.number, 'household_number_characters')
}

// --- Search -----------------------------------------------------------------------------------------

/** The list's search form: a region subtree and a whole 户号. */
export interface HouseholdSearch {
  region: string
  number: string
}

export function emptyHouseholdSearch(): HouseholdSearch {
  return { region: '', number: '' }
}

export function householdQuery(search: HouseholdSearch, page: number, pageSize: number): HouseholdQuery {
  const query: HouseholdQuery = { page, page_size: pageSize }
  const region = search.region.trim()
  const number = normalizeHouseholdNumber(search.number)
  if (region) query.region = region
  if (number) query.number = number
  return query
}

/** The head of a household's members (the server lists the head first), or null. */
export function headOf(members: readonly HouseholdMember[]): HouseholdMember | null {
  return members.find((m) => m.relation === 'head') ?? null
}

// --- The collection's draft ---------------------------------------------------------------------------

export type HouseholdField = 'grid' | 'house_id' | 'number' | 'address' | 'note' | 'version'
const HOUSEHOLD_FIELDS: readonly HouseholdField[] = ['grid', 'house_id', 'number', 'address', 'note', 'version']

/** What the server can name of a member (`members[2].<field>`). */
export type MemberField = 'name' | 'kind' | 'grid' | 'id_number' | 'phone' | 'address' | 'note' | 'relation' | 'person_id' | 'version'
const MEMBER_FIELDS: readonly MemberField[] = ['name', 'kind', 'grid', 'id_number', 'phone', 'address', 'note', 'relation', 'person_id', 'version']

export interface HouseholdDraft {
  /** The household being edited, null for a new one. */
  id: number | null
  /** The version it was read at (sent with `id`). */
  version: number | null
  /** A grid (15 digits) or sub-grid (17) code. */
  grid: string
  house_id: number | null
  /** 户号, as typed. */
  number: string
  address: string
  note: string
}

export interface MemberDraft {
  /** This draft's own name for the member (stable while members are added and removed). */
  key: string
  /** A known person (with the version read), null for someone new. */
  person_id: number | null
  version: number | null
  name: string
  kind: PersonKind | ''
  relation: Relation | ''
  /** A known person's grid as stored; '' for someone new (the household's grid). */
  grid: string
  /** As typed: a new member's numbers, or a known member's replacements (empty keeps the stored one). */
  id_number: string
  phone: string
  /** A known member's numbers as stored, masked (`370105********1234`), null when none. */
  stored_id_number: string | null
  stored_phone: string | null
  /** 清除: remove a known member's stored number. */
  clears: NumberClears
  /** As stored for a known member (sent back unchanged: the collection sends the whole record). */
  address: string
  note: string
  /** The draft came back from storage without the numbers typed here: the form asks for them again. */
  numbers_dropped?: boolean
}

export interface CollectDraft {
  household: HouseholdDraft
  members: MemberDraft[]
  /**
   * A new household's collection key, sent with every attempt: when an answer is lost and the save is
   * sent again, the server answers the household it already recorded instead of recording it twice.
   */
  collect_key?: string
}

/** A fresh collection key (letters, digits and `-`, as the server wants). */
export function newCollectKey(): string {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  return `c-${random}`
}

let keySeq = 0

/** A key for a new member, unique in this page's life (and unlike the keys of a stored draft). */
export function newMemberKey(): string {
  keySeq += 1
  return `m${Date.now().toString(36)}${keySeq.toString(36)}`
}

export function emptyMember(relation: Relation | '' = '', key: string = newMemberKey()): MemberDraft {
  return {
    key,
    person_id: null,
    version: null,
    name: '',
    kind: '',
    relation,
    grid: '',
    id_number: '',
    phone: '',
    stored_id_number: null,
    stored_phone: null,
    clears: { id_number: false, phone: false },
    address: '',
    note: '',
  }
}

/** A new household in `grid` (the grid worker's own, when known), with no members yet. */
export function emptyCollectDraft(grid = ''): CollectDraft {
  return {
    household: { id: null, version: null, grid, house_id: null, number: '', address: '', note: '' },
    members: [],
    collect_key: newCollectKey(),
  }
}

/** A known member as the draft holds it: its record as stored, numbers left empty (kept). */
export function memberDraftOf(p: HouseholdMember): MemberDraft {
  return {
    key: `p${p.id}`,
    person_id: p.id,
    version: p.version,
    name: p.name,
    kind: p.kind,
    relation: p.relation ?? '',
    grid: p.grid,
    id_number: '',
    phone: '',
    stored_id_number: p.id_number ?? null,
    stored_phone: p.phone ?? null,
    clears: { id_number: false, phone: false },
    address: p.address ?? '',
    note: p.note ?? '',
  }
}

/** The draft of a stored household (as GET /api/v1/households/{id} answers), to edit it and its members. */
export function draftOf(detail: HouseholdDetail): CollectDraft {
  const h = detail.household
  return {
    household: {
      id: h.id,
      version: h.version,
      grid: h.grid,
      house_id: h.house_id ?? null,
      number: h.number ?? '',
      address: h.address ?? '',
      note: h.note ?? '',
    },
    members: detail.members.map(memberDraftOf),
  }
}

/**
 * After a stale collection (409): the household and its known members as stored now (what was
 * changed on them here is dropped: someone else changed them meanwhile), and the new members of the
 * draft kept as they are, after them — except one whose name and relation a member new to the
 * household has now: an earlier try whose answer was lost may have recorded them already (the
 * collection has no idempotency key), and sending them again would record them twice.
 */
export function mergeLatest(draft: CollectDraft, latest: HouseholdDetail): CollectDraft {
  const fresh = draftOf(latest)
  const knownBefore = new Set(draft.members.flatMap((m) => (m.person_id === null ? [] : [m.person_id])))
  const arrived = new Set(latest.members.filter((p) => !knownBefore.has(p.id)).map((p) => `${p.name.trim()}\u0000${p.relation ?? ''}`))
  const kept = draft.members.filter((m) => m.person_id === null && !arrived.has(`${m.name.trim()}\u0000${m.relation}`))
  return { household: fresh.household, members: [...fresh.members, ...kept] }
}

/** True when a member says something: a new member row left blank is dropped rather than refused. */
export function memberIsBlank(m: MemberDraft): boolean {
  return m.person_id === null && !m.name.trim() && !m.id_number.trim() && !m.phone.trim()
}

// --- Checks -----------------------------------------------------------------------------------------

/** Every problem of a collection, by where it shows: the household's inputs, a member's (by key), the whole. */
export interface CollectErrors {
  household: Partial<Record<HouseholdField, string>>
  members: Record<string, Partial<Record<MemberField, string>>>
  /** Codes that belong to no input (`too_many`, `stale_version`, …). */
  general: string[]
}

export function noCollectErrors(): CollectErrors {
  return { household: {}, members: {}, general: [] }
}

export function hasCollectErrors(e: CollectErrors): boolean {
  return Object.keys(e.household).length > 0 || Object.values(e.members).some((m) => Object.keys(m).length > 0) || e.general.length > 0
}

/** How many members have an error. */
export function membersWithErrors(e: CollectErrors): number {
  return Object.values(e.members).filter((m) => Object.keys(m).length > 0).length
}

function setMember(errors: CollectErrors, key: string, field: MemberField, code: string): void {
  const own = (errors.members[key] ??= {})
  if (!own[field]) own[field] = code
}

/** One member's problems before sending (the server's codes); its ID number checked as GB 11643 says. */
export function memberFormErrors(m: MemberDraft, now: Date = new Date()): Partial<Record<MemberField, string>> {
  const errors: Partial<Record<MemberField, string>> = {}
  const name = m.name.trim()
  if (!name) errors.name = 'required'
  else if (charCount(name) > PERSON_LIMITS.name) errors.name = 'too_long'
  if (!m.kind) errors.kind = 'required'
  if (!m.relation) errors.relation = 'required'
  const idNumber = m.clears.id_number ? '' : normalizeIdNumber(m.id_number)
  if (idNumber) {
    const problem = idNumberProblem(idNumber, now)
    if (problem) errors.id_number = problem
  }
  if (charCount(m.address.trim()) > PERSON_LIMITS.address) errors.address = 'too_long'
  if (charCount(m.note.trim()) > PERSON_LIMITS.note) errors.note = 'too_long'
  return errors
}

/**
 * The collection's problems before it is sent, as the server's codes: the household's grid and 户号,
 * each member's own (see `memberFormErrors`), a second head (`household_has_head` on every head
 * after the first), one ID number typed for two members (`duplicate_id_number` on the later), too
 * many members. Blank new member rows are not checked (they are not sent).
 */
export function collectFormErrors(draft: CollectDraft, now: Date = new Date()): CollectErrors {
  const errors = noCollectErrors()
  const h = draft.household
  const grid = h.grid.trim()
  if (!grid) errors.household.grid = 'required'
  else if (!isGridCode(grid)) errors.household.grid = 'not_a_grid'
  const number = householdNumberProblem(h.number)
  if (number) errors.household.number = number
  if (charCount(h.address.trim()) > HOUSEHOLD_LIMITS.address) errors.household.address = 'too_long'
  if (charCount(h.note.trim()) > HOUSEHOLD_LIMITS.note) errors.household.note = 'too_long'
  const members = draft.members.filter((m) => !memberIsBlank(m))
  if (members.length > HOUSEHOLD_LIMITS.members) errors.general.push('too_many')
  let heads = 0
  const idNumbers = new Set<string>()
  for (const m of members) {
    const own = memberFormErrors(m, now)
    for (const [field, code] of Object.entries(own) as [MemberField, string][]) setMember(errors, m.key, field, code)
    if (m.relation === 'head') {
      heads += 1
      if (heads > 1) setMember(errors, m.key, 'relation', 'household_has_head')
    }
    const idNumber = m.clears.id_number ? '' : normalizeIdNumber(m.id_number)
    if (idNumber && !own.id_number) {
      if (idNumbers.has(idNumber)) setMember(errors, m.key, 'id_number', 'duplicate_id_number')
      idNumbers.add(idNumber)
    }
  }
  return errors
}

// --- The request --------------------------------------------------------------------------------------

/** A collection as sent: the body, and which member (by key) each of its `members[i]` is. */
export interface CollectRequest {
  body: CollectBody
  keys: string[]
}

/** A member's person record: trimmed; a new member's empty parts left out, a known member's whole record. */
function personOf(m: MemberDraft): PersonInput {
  if (!m.kind) throw new Error('collectRequest: a member has no kind')
  const person: PersonInput = { name: m.name.trim(), kind: m.kind }
  const known = m.person_id !== null
  // A known member keeps its grid; a new one lives in the household's (a blank grid says so).
  if (known && m.grid.trim()) person.grid = m.grid.trim()
  const idNumber = numberEdit('id_number', m.id_number, known && m.clears.id_number)
  const phone = numberEdit('phone', m.phone, known && m.clears.phone)
  if (idNumber !== undefined) person.id_number = idNumber
  if (phone !== undefined) person.phone = phone
  const address = m.address.trim()
  const note = m.note.trim()
  // The collection edits a known member with its whole record: its address and note go back as stored.
  if (address || known) person.address = address
  if (note || known) person.note = note
  return person
}

/**
 * The body of POST /api/v1/households/collect from the draft: the household (with its id and version
 * when known) and every member that says something, in the draft's order. Call once
 * `collectFormErrors` found nothing.
 */
export function collectRequest(draft: CollectDraft): CollectRequest {
  const h = draft.household
  const number = normalizeHouseholdNumber(h.number)
  const household: CollectBody['household'] = {
    grid: h.grid.trim(),
    house_id: h.house_id,
    number: number || null,
    address: h.address.trim() || null,
    note: h.note.trim() || null,
  }
  if (h.id !== null) {
    household.id = h.id
    household.version = h.version
  }
  const members = draft.members.filter((m) => !memberIsBlank(m))
  const body: CollectBody = {
    household,
    members: members.map((m): CollectMember => {
      if (!m.relation) throw new Error('collectRequest: a member has no relation')
      const member: CollectMember = { person: personOf(m), relation: m.relation }
      if (m.person_id !== null) {
        member.person_id = m.person_id
        member.version = m.version
      }
      return member
    }),
  }
  if (h.id === null && draft.collect_key) body.idempotency_key = draft.collect_key
  return { body, keys: members.map((m) => m.key) }
}

const MEMBER_PATH = /^members\[(\d+)\]\.(\w+)$/

/**
 * Where a refused collection's errors go. 400: every `fields[]` entry by its path —
 * `household.<field>` under the household's input, `members[i].<field>` under the member sent i-th,
 * `members` (too many) and anything unknown as a general code. 409 `duplicate_household_number`
 * under the 户号; 409 `duplicate_id_number` (which names no member) under the ID number of the only
 * member that sent one, else general; 404 `house_not_found` under the house, `region_not_found`
 * under the grid; the rest (`stale_version`, `household_not_found`, `person_not_found`, …) general.
 * Nothing for failures without an answer (the caller keeps the draft and offers a retry).
 */
export function collectFieldErrors(error: unknown, sent: CollectRequest): CollectErrors {
  const errors = noCollectErrors()
  if (!(error instanceof ApiError) || error.status === 0) return errors
  if (error.status === 400 || error.status === 422) {
    for (const f of error.fields) {
      const member = MEMBER_PATH.exec(f.field)
      if (member) {
        const key = sent.keys[Number(member[1])]
        const field = MEMBER_FIELDS.find((name) => name === member[2])
        if (key !== undefined && field) setMember(errors, key, field, f.code)
        else errors.general.push(f.code)
        continue
      }
      const field = f.field.startsWith('household.') ? HOUSEHOLD_FIELDS.find((name) => `household.${name}` === f.field) : undefined
      if (field) errors.household[field] ??= f.code
      else errors.general.push(f.code)
    }
    if (!hasCollectErrors(errors)) errors.general.push(error.code)
    return errors
  }
  if (error.status === 409 && error.code === 'duplicate_household_number') errors.household.number = error.code
  else if (error.status === 409 && error.code === 'duplicate_id_number') {
    const senders = (sent.body.members ?? []).flatMap((m, i) => (m.person.id_number ? [sent.keys[i]] : []))
    const only = senders.length === 1 ? senders[0] : undefined
    if (only !== undefined) setMember(errors, only, 'id_number', error.code)
    else errors.general.push(error.code)
  } else if (error.status === 404 && error.code === 'house_not_found') errors.household.house_id = error.code
  else if (error.status === 404 && error.code === 'region_not_found') errors.household.grid = error.code
  else errors.general.push(error.code)
  return errors
}

/** Drops the errors of one member's input once it changes (the others stay until the next try). */
export function clearMemberError(errors: CollectErrors, key: string, field: MemberField): CollectErrors {
  const own = errors.members[key]
  if (!own?.[field]) return errors
  const next = { ...own }
  delete next[field]
  return { ...errors, members: { ...errors.members, [key]: next } }
}

/**
 * True when the collection was refused because the household or a member changed or went away
 * meanwhile: the page reloads the household before another try.
 */
export function collectNeedsReload(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false
  if (error.status === 409) return error.code === 'stale_version'
  return error.status === 404 && (error.code === 'household_not_found' || error.code === 'person_not_found')
}

/** A field error's text for the collection: `households.fieldErrors.<field>.<code>`, else as the app says it. */
export function collectFieldMessage(field: string, code: string | undefined, i18n: Translator): string {
  if (!code) return ''
  const limits: Record<string, number> = { name: PERSON_LIMITS.name, address: PERSON_LIMITS.address, note: PERSON_LIMITS.note, number: HOUSEHOLD_LIMITS.number }
  for (const key of [`households.fieldErrors.${field}.${code}`, `people.fieldErrors.${field}.${code}`, `households.errors.${code}`, `errors.${code}`]) {
    if (i18n.te(key)) return i18n.t(key, { n: limits[field] ?? HOUSEHOLD_LIMITS.members })
  }
  return code
}

// --- Storage (a draft that survives a reload of the tab) ----------------------------------------------

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/**
 * The draft as it may be written to the browser's storage: every typed ID and phone number left
 * out (those stay in memory only), members that had one marked `numbers_dropped`, so that the form
 * asks for them again after a reload.
 */
export function draftForStorage(draft: CollectDraft): CollectDraft {
  return {
    household: { ...draft.household },
    collect_key: draft.collect_key,
    members: draft.members.map((m) => {
      const typed = Boolean(m.id_number.trim() || m.phone.trim())
      return { ...m, clears: { ...m.clears }, id_number: '', phone: '', numbers_dropped: Boolean(m.numbers_dropped || typed) }
    }),
  }
}

export function saveCollectDraft(storage: KeyValueStorage, key: string, draft: CollectDraft | null): void {
  try {
    if (draft) storage.setItem(key, JSON.stringify(draftForStorage(draft)))
    else storage.removeItem(key)
  } catch {
    // Storage full or unavailable: the draft stays in memory.
  }
}

const isStr = (v: unknown): v is string => typeof v === 'string'
const isId = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isInteger(v))

/** A draft read back from storage, or null when there is none or it is not one (an older format). */
export function loadCollectDraft(storage: KeyValueStorage, key: string): CollectDraft | null {
  let value: unknown
  try {
    const raw = storage.getItem(key)
    if (!raw) return null
    value = JSON.parse(raw)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const { household: h, members } = value as { household?: Record<string, unknown>; members?: unknown }
  if (!h || !isId(h.id) || !isId(h.version) || !isStr(h.grid) || !isId(h.house_id) || !isStr(h.number) || !isStr(h.address) || !isStr(h.note)) return null
  if (!Array.isArray(members)) return null
  const out: MemberDraft[] = []
  for (const raw of members as Record<string, unknown>[]) {
    if (typeof raw !== 'object' || raw === null || !isStr(raw.key) || !isStr(raw.name) || !isId(raw.person_id) || !isId(raw.version)) return null
    const kind = PERSON_KINDS.find((k) => k === raw.kind) ?? ''
    const relation = RELATIONS.find((r) => r === raw.relation) ?? ''
    const clears = (raw.clears ?? {}) as Record<string, unknown>
    out.push({
      key: raw.key,
      person_id: raw.person_id,
      version: raw.version,
      name: raw.name,
      kind,
      relation,
      grid: isStr(raw.grid) ? raw.grid : '',
      id_number: '',
      phone: '',
      stored_id_number: isStr(raw.stored_id_number) ? raw.stored_id_number : null,
      stored_phone: isStr(raw.stored_phone) ? raw.stored_phone : null,
      clears: { id_number: clears.id_number === true, phone: clears.phone === true },
      address: isStr(raw.address) ? raw.address : '',
      note: isStr(raw.note) ? raw.note : '',
      numbers_dropped: raw.numbers_dropped === true,
    })
  }
  const collectKey = (value as { collect_key?: unknown }).collect_key
  return {
    household: { id: h.id, version: h.version, grid: h.grid, house_id: h.house_id, number: h.number, address: h.address, note: h.note },
    members: out,
    collect_key: isStr(collectKey) && collectKey ? collectKey : newCollectKey(),
  }
}

/** True when a draft holds something worth keeping (a new household with nothing typed is not). */
export function draftHasContent(draft: CollectDraft): boolean {
  const h = draft.household
  return h.id !== null || Boolean(h.number.trim() || h.address.trim() || h.note.trim() || h.house_id !== null) || draft.members.some((m) => !memberIsBlank(m))
}

// --- The summary after saving --------------------------------------------------------------------------

/** A saved household as the summary shows it: masked numbers only (as the server answers them). */
export interface CollectSummary {
  household: HouseholdView
  head: string | null
  members: { id: number; name: string; relation: string | null; id_number: string | null; phone: string | null }[]
}

export function collectSummary(detail: HouseholdDetail): CollectSummary {
  return {
    household: detail.household,
    head: headOf(detail.members)?.name ?? null,
    members: detail.members.map((m) => ({ id: m.id, name: m.name, relation: m.relation ?? null, id_number: m.id_number ?? null, phone: m.phone ?? null })),
  }
}

// --- Showing typed numbers ------------------------------------------------------------------------

/**
 * A typed number as the phone's lists show it, masked the way the server masks stored ones: an ID
 * number's first six and last four characters (`370105********1234`), a mobile number's first three
 * and last four (`138****8000`), a landline's area code and last four (`0531-****1234`). Only the
 * input being typed in shows a number whole.
 */
export function maskTyped(field: 'id_number' | 'phone', raw: string): string {
  const s = field === 'id_number' ? normalizeIdNumber(raw) : raw.replace(/\s+/gu, '')
  if (!s) return ''
  const chars = [...s]
  const stars = (n: number) => '*'.repeat(Math.max(n, 0))
  if (field === 'id_number') return chars.length > 10 ? `${chars.slice(0, 6).join('')}${stars(chars.length - 10)}${chars.slice(-4).join('')}` : stars(chars.length)
  if (/^(\+?86)?1\d{10}$/.test(s)) {
    const mobile = s.slice(-11)
    return `${mobile.slice(0, 3)}****${mobile.slice(-4)}`
  }
  const dash = s.indexOf('-')
  const rest = dash > 0 ? s.slice(dash + 1) : s
  const head = dash > 0 ? `${s.slice(0, dash)}-` : ''
  return rest.length > 4 ? `${head}${stars(rest.length - 4)}${rest.slice(-4)}` : `${head}${stars(rest.length)}`
}
