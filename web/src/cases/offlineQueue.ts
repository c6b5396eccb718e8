// Reports made on the phone survive a bad network (no Vue): each report gets an idempotency key when
// its draft is started, the key stays with it through every retry, and reports that could not be sent
// wait in localStorage until they can. The server answers a retry with the case the first attempt
// created, so a report that reached the server before the connection dropped is never doubled.
import { ApiError } from '../api/http'
import type { Reported, ReportCase } from '../api/types'

/** The server accepts 8–64 of A–Z a–z 0–9 - _. */
const KEY_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

export function isValidIdempotencyKey(key: string): boolean {
  return KEY_PATTERN.test(key)
}

type RandomFill = (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer>

const defaultRandom: RandomFill = (bytes) => {
  globalThis.crypto.getRandomValues(bytes)
  return bytes
}

/** A fresh key: `r-` and 24 hex digits (96 random bits) — unique for any one reporter. */
export function newIdempotencyKey(random: RandomFill = defaultRandom): string {
  const bytes = random(new Uint8Array(12))
  return `r-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

/** The storage the queue keeps to (localStorage in the browser, a map in tests). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** A report waiting to be sent. `body.idempotency_key` is set and never changes. */
export interface QueuedReport {
  body: ReportCase & { idempotency_key: string }
  /** When it was first queued (RFC 3339). */
  queuedAt: string
  attempts: number
  lastAttemptAt: string | null
  /** `pending`: will be retried; `failed`: the server refused it (the code says why) and a person must decide. */
  status: 'pending' | 'failed'
  /** The last error's code (`network_error`, `outside_district`, …). */
  error: string | null
}

/**
 * Whether a failed send should be tried again later with the same key: no answer, a server error,
 * a timeout or a throttle, or a lost session (after logging in again). Anything else (bad input, a
 * category gone, outside the district) would fail the same way again.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true
  if (error.status === 0 || error.status >= 500) return true
  return error.status === 401 || error.status === 408 || error.status === 429
}

function parse(raw: string | null): QueuedReport[] {
  if (!raw) return []
  try {
    const value: unknown = JSON.parse(raw)
    if (!Array.isArray(value)) return []
    return value.filter(
      (item): item is QueuedReport =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as QueuedReport).body?.idempotency_key === 'string' &&
        isValidIdempotencyKey((item as QueuedReport).body.idempotency_key),
    )
  } catch {
    return []
  }
}

/** What one flush did. */
export interface FlushResult {
  sent: { item: QueuedReport; reported: Reported }[]
  failed: QueuedReport[]
  /** Still pending (retryable failures, or not tried because the session is gone). */
  pending: QueuedReport[]
}

/** The queue of one account's unsent reports, kept under `storageKey`. */
export class ReportQueue {
  private flushing: Promise<FlushResult> | null = null

  constructor(
    private readonly storage: KeyValueStorage,
    readonly storageKey: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): QueuedReport[] {
    try {
      return parse(this.storage.getItem(this.storageKey))
    } catch {
      return []
    }
  }

  private save(items: QueuedReport[]): void {
    try {
      if (items.length) this.storage.setItem(this.storageKey, JSON.stringify(items))
      else this.storage.removeItem(this.storageKey)
    } catch {
      // Storage full or disabled: the queue then lasts as long as the page.
    }
  }

  /** Queues a report (a report already queued under the same key is replaced, keeping its history). */
  add(body: ReportCase & { idempotency_key: string }): QueuedReport {
    if (!isValidIdempotencyKey(body.idempotency_key)) throw new Error('invalid idempotency key')
    const items = this.list()
    const existing = items.find((i) => i.body.idempotency_key === body.idempotency_key)
    const item: QueuedReport = existing
      ? { ...existing, body, status: 'pending', error: null }
      : { body, queuedAt: this.now().toISOString(), attempts: 0, lastAttemptAt: null, status: 'pending', error: null }
    this.save([...items.filter((i) => i !== existing), item])
    return item
  }

  remove(key: string): void {
    this.save(this.list().filter((i) => i.body.idempotency_key !== key))
  }

  /** Puts a refused report back to pending (after the user fixed what was wrong elsewhere, e.g. logged in). */
  retry(key: string): void {
    this.save(this.list().map((i) => (i.body.idempotency_key === key ? { ...i, status: 'pending', error: null } : i)))
  }

  get pendingCount(): number {
    return this.list().filter((i) => i.status === 'pending').length
  }

  /**
   * Sends one queued report and records the outcome: removed once the server has it, back to pending
   * for a retryable failure, `failed` otherwise. Resolves with the answer, or rejects with the error.
   */
  async send(key: string, send: (body: ReportCase) => Promise<Reported>): Promise<Reported> {
    const item = this.list().find((i) => i.body.idempotency_key === key)
    if (!item) throw new Error(`no queued report ${key}`)
    const attempted = { ...item, attempts: item.attempts + 1, lastAttemptAt: this.now().toISOString() }
    this.replace(attempted)
    try {
      const reported = await send(item.body)
      this.remove(key)
      return reported
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'network_error'
      this.replace({ ...attempted, status: isRetryable(error) ? 'pending' : 'failed', error: code })
      throw error
    }
  }

  private replace(item: QueuedReport): void {
    const items = this.list()
    if (!items.some((i) => i.body.idempotency_key === item.body.idempotency_key)) return // removed meanwhile
    this.save(items.map((i) => (i.body.idempotency_key === item.body.idempotency_key ? item : i)))
  }

  /**
   * Sends every pending report, oldest first, one at a time. A lost session (401) stops the round:
   * the rest would fail the same way. Concurrent calls share one round.
   */
  flush(send: (body: ReportCase) => Promise<Reported>): Promise<FlushResult> {
    this.flushing ??= this.flushOnce(send).finally(() => {
      this.flushing = null
    })
    return this.flushing
  }

  private async flushOnce(send: (body: ReportCase) => Promise<Reported>): Promise<FlushResult> {
    const result: FlushResult = { sent: [], failed: [], pending: [] }
    for (const item of this.list().filter((i) => i.status === 'pending')) {
      try {
        result.sent.push({ item, reported: await this.send(item.body.idempotency_key, send) })
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) break
      }
    }
    for (const item of this.list()) (item.status === 'failed' ? result.failed : result.pending).push(item)
    return result
  }
}

/** The form of a report being written on the phone, kept so that a reload does not lose it (nor its key). */
export interface ReportDraft {
  key: string
  category_id: number | null
  description: string
  address: string
  lon: number | null
  lat: number | null
  major: boolean
}

export function emptyDraft(key: string = newIdempotencyKey()): ReportDraft {
  return { key, category_id: null, description: '', address: '', lon: null, lat: null, major: false }
}

export function loadDraft(storage: KeyValueStorage, storageKey: string): ReportDraft | null {
  try {
    const raw = storage.getItem(storageKey)
    if (!raw) return null
    const value = JSON.parse(raw) as Partial<ReportDraft>
    if (typeof value.key !== 'string' || !isValidIdempotencyKey(value.key)) return null
    return { ...emptyDraft(value.key), ...value } as ReportDraft
  } catch {
    return null
  }
}

export function saveDraft(storage: KeyValueStorage, storageKey: string, draft: ReportDraft): void {
  try {
    storage.setItem(storageKey, JSON.stringify(draft))
  } catch {
    // Storage full or disabled: the draft lasts as long as the page.
  }
}

/** The body for a draft, or the message keys (`mobile.report.*`) of what is missing. */
export function draftToBody(draft: ReportDraft): { body: ReportCase & { idempotency_key: string } } | { missing: string[] } {
  const missing: string[] = []
  if (draft.category_id === null) missing.push('category')
  if (!draft.description.trim()) missing.push('description')
  if (draft.lon === null || draft.lat === null || !Number.isFinite(draft.lon) || !Number.isFinite(draft.lat)) missing.push('location')
  if (missing.length) return { missing }
  const body: ReportCase & { idempotency_key: string } = {
    category_id: draft.category_id as number,
    description: draft.description.trim(),
    lon: draft.lon as number,
    lat: draft.lat as number,
    crs: 'wgs84',
    idempotency_key: draft.key,
  }
  const address = draft.address.trim()
  if (address) body.address = address
  if (draft.major) body.major = true
  return { body }
}
