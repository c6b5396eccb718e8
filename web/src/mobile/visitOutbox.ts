// 关爱走访 on a slow network (no Vue): the visits the phone has not managed to send, and the form
// being typed, kept in the browser's storage so that neither a dead connection, a closed tab nor a
// flat battery loses a visit that was made.
//
// A visit is put in the outbox before it is sent and leaves it only when the server has it (or
// refused it, and the person chose to delete it). The day of the visit is fixed when it is queued,
// so a visit sent tomorrow is still recorded on the day it was made.
//
// POST /api/v1/care/{id}/visits has no idempotency key: a retry after an answer that never arrived
// could record the visit twice. So an attempt that ended without an answer marks the entry, and
// before its next attempt the membership's latest visits are read: one by this account with the
// same day, way and findings, recorded since the visit was queued, means the first attempt got
// through, and the entry leaves the outbox without another POST.
import { ApiError } from '../api/http'
import type { VisitInput, VisitRecorded, VisitView } from '../api/types'
import type { KeyValueStorage } from '../cases/offlineQueue'
import type { VisitBody, VisitForm } from '../registry/care'

/** A visit waiting to be sent. */
export interface QueuedVisit {
  /** This entry's own name in the outbox. */
  key: string
  membership_id: number
  /** Whom the visit was to (the outbox names them; the server needs only the membership). */
  person_name: string
  group: string
  body: VisitBody
  /** When it was queued (ISO), to tell the first attempt's visit from earlier ones. */
  queued_at: string
  attempts: number
  /** The last attempt ended without an answer: it may have reached the server. */
  unanswered: boolean
  /** The server refused it (its error code): it waits for the person to change or delete it. */
  refused: string | null
}

/** What one attempt at an entry came to. */
export type SendOutcome =
  | { kind: 'sent'; recorded: VisitRecorded | null }
  /** No answer, a server failure or a lost session: it stays, to be tried again. */
  | { kind: 'waiting'; error: unknown }
  /** The server said no (400, 404, 409…): it stays, marked, until changed or deleted. */
  | { kind: 'refused'; error: ApiError }
  /** The entry is not in the outbox (any more). */
  | { kind: 'gone' }

/** Sends one visit; rejects with ApiError (status 0 for no answer). */
export type VisitSender = (membershipId: number, body: VisitInput) => Promise<VisitRecorded>
/** The membership's latest visits (a first page, the latest first). */
export type RecentVisits = (membershipId: number) => Promise<VisitView[]>

/** A failure worth another try: no answer, the server failing, a lost session, "too many". */
export function isRetryableVisitError(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true
  if (error.status === 0 || error.status >= 500) return true
  return error.status === 401 || error.status === 408 || error.status === 429
}

/** True when the request may have been recorded although no answer came back. */
function mayHaveArrived(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true
  return error.status === 0 || error.status >= 500 || error.status === 408
}

/** How early (clock skew between phone and server) a recorded visit may look and still be the queued one. */
export const SKEW_MS = 10 * 60_000

/** True when `v` is the queued visit as the server recorded it (by this account, same day, way and findings). */
export function isQueuedVisit(v: Pick<VisitView, 'visitor_id' | 'visited_on' | 'way' | 'findings' | 'recorded_at'>, entry: QueuedVisit, accountId: number): boolean {
  if (v.visitor_id !== accountId) return false
  if (v.visited_on !== entry.body.visited_on || v.way !== entry.body.way || v.findings.trim() !== entry.body.findings.trim()) return false
  const recorded = Date.parse(v.recorded_at)
  const queued = Date.parse(entry.queued_at)
  return Number.isNaN(recorded) || Number.isNaN(queued) || recorded >= queued - SKEW_MS
}

function randomKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(8))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function isEntry(x: unknown): x is QueuedVisit {
  if (typeof x !== 'object' || x === null) return false
  const e = x as QueuedVisit
  return (
    typeof e.key === 'string' &&
    typeof e.membership_id === 'number' &&
    typeof e.body === 'object' &&
    e.body !== null &&
    typeof e.body.visited_on === 'string' &&
    typeof e.body.way === 'string' &&
    typeof e.body.findings === 'string'
  )
}

/**
 * The outbox of one account, kept under `storageKey` (every change is written at once). Entries are
 * tried oldest first; a round stops at the first entry that gets no answer (the network is down:
 * the rest would fare no better).
 */
export class VisitOutbox {
  readonly storageKey: string
  private readonly storage: KeyValueStorage
  private readonly accountId: number
  private readonly now: () => Date

  constructor(storage: KeyValueStorage, storageKey: string, accountId: number, now: () => Date = () => new Date()) {
    this.storage = storage
    this.storageKey = storageKey
    this.accountId = accountId
    this.now = now
  }

  list(): QueuedVisit[] {
    let raw: string | null = null
    try {
      raw = this.storage.getItem(this.storageKey)
    } catch {
      return []
    }
    if (!raw) return []
    try {
      const value: unknown = JSON.parse(raw)
      return Array.isArray(value) ? value.filter(isEntry) : []
    } catch {
      return []
    }
  }

  /** Entries still to be sent (not refused). */
  get pendingCount(): number {
    return this.list().filter((e) => e.refused === null).length
  }

  /** Writes the entries; false when the storage refused (full, or unavailable). */
  private write(items: QueuedVisit[]): boolean {
    try {
      if (items.length) this.storage.setItem(this.storageKey, JSON.stringify(items))
      else this.storage.removeItem(this.storageKey)
      return true
    } catch {
      return false
    }
  }

  private update(key: string, change: (e: QueuedVisit) => QueuedVisit | null): void {
    const items = this.list()
    const out: QueuedVisit[] = []
    for (const e of items) {
      if (e.key !== key) out.push(e)
      else {
        const next = change(e)
        if (next) out.push(next)
      }
    }
    this.write(out)
  }

  /**
   * Queues a visit (written to storage before anything is sent) and returns its entry; null when
   * the storage refused it (the caller then keeps the form open and sends it directly).
   */
  add(visit: { membership_id: number; person_name: string; group: string; body: VisitBody }): QueuedVisit | null {
    const entry: QueuedVisit = {
      key: randomKey(),
      membership_id: visit.membership_id,
      person_name: visit.person_name,
      group: visit.group,
      body: { ...visit.body },
      queued_at: this.now().toISOString(),
      attempts: 0,
      unanswered: false,
      refused: null,
    }
    return this.write([...this.list(), entry]) ? entry : null
  }

  remove(key: string): void {
    this.update(key, () => null)
  }

  get(key: string): QueuedVisit | null {
    return this.list().find((e) => e.key === key) ?? null
  }

  /** One attempt at one entry (refused ones too, when asked for by key). */
  async send(key: string, sender: VisitSender, recent: RecentVisits): Promise<SendOutcome> {
    const entry = this.get(key)
    if (!entry) return { kind: 'gone' }
    if (entry.unanswered) {
      try {
        const visits = await recent(entry.membership_id)
        if (visits.some((v) => isQueuedVisit(v, entry, this.accountId))) {
          this.remove(key)
          return { kind: 'sent', recorded: null }
        }
      } catch (error) {
        // Still no way to ask: try again later, without a POST that might record it twice.
        if (isRetryableVisitError(error)) {
          this.update(key, (e) => ({ ...e, attempts: e.attempts + 1 }))
          return { kind: 'waiting', error }
        }
        // The membership cannot be read any more (gone, out of scope): the POST will say why.
      }
    }
    try {
      const recorded = await sender(entry.membership_id, entry.body)
      this.remove(key)
      return { kind: 'sent', recorded }
    } catch (error) {
      if (isRetryableVisitError(error)) {
        const unanswered = mayHaveArrived(error)
        this.update(key, (e) => ({ ...e, attempts: e.attempts + 1, unanswered: e.unanswered || unanswered }))
        return { kind: 'waiting', error }
      }
      const refused = error as ApiError
      this.update(key, (e) => ({ ...e, attempts: e.attempts + 1, unanswered: false, refused: refused.code }))
      return { kind: 'refused', error: refused }
    }
  }

  /** Tries every entry still to be sent, oldest first; stops at the first without an answer. */
  async flush(sender: VisitSender, recent: RecentVisits): Promise<{ sent: QueuedVisit[]; recorded: VisitRecorded[]; waiting: number; refused: number }> {
    const sent: QueuedVisit[] = []
    const recorded: VisitRecorded[] = []
    let refused = 0
    for (const entry of this.list().filter((e) => e.refused === null)) {
      const outcome = await this.send(entry.key, sender, recent)
      if (outcome.kind === 'sent') {
        sent.push(entry)
        if (outcome.recorded) recorded.push(outcome.recorded)
      } else if (outcome.kind === 'refused') refused += 1
      else if (outcome.kind === 'waiting') break
    }
    return { sent, recorded, waiting: this.pendingCount, refused }
  }
}

// --- The form being typed ----------------------------------------------------------------------------

/** The visit form as typed, for one membership (one at a time per account). */
export interface VisitDraft {
  membership_id: number
  /** Whom it is about, so that the form can be opened again without the list. */
  person_name: string
  group: string
  /** The day the person joined ('' when unknown): no visit before it. */
  joined_on: string
  /** The outbox entry it edits (a refused visit opened again), if any. */
  entry_key: string | null
  form: VisitForm
}

/** The draft kept under `key`, or null (none, or not readable). */
export function loadVisitDraft(storage: KeyValueStorage, key: string): VisitDraft | null {
  try {
    const raw = storage.getItem(key)
    if (!raw) return null
    const d = JSON.parse(raw) as VisitDraft
    const f = d?.form
    if (typeof d?.membership_id !== 'number' || typeof f !== 'object' || f === null) return null
    if (typeof f.visited_on !== 'string' || typeof f.way !== 'string' || typeof f.findings !== 'string') return null
    const text = (v: unknown) => (typeof v === 'string' ? v : '')
    return {
      membership_id: d.membership_id,
      person_name: text(d.person_name),
      group: text(d.group),
      joined_on: text(d.joined_on),
      entry_key: typeof d.entry_key === 'string' ? d.entry_key : null,
      form: { visited_on: f.visited_on, way: f.way, findings: f.findings, follow_up: Boolean(f.follow_up) },
    }
  } catch {
    return null
  }
}

/** Keeps the draft (null, or a form with nothing typed, removes it). */
export function saveVisitDraft(storage: KeyValueStorage, key: string, draft: VisitDraft | null): void {
  try {
    if (draft && (draft.form.findings.trim() || draft.form.follow_up || draft.entry_key)) storage.setItem(key, JSON.stringify(draft))
    else storage.removeItem(key)
  } catch {
    // Storage full or unavailable: the draft lives in the page only.
  }
}
