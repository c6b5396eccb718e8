// Reports made on the phone survive a bad network (no Vue): each report gets an idempotency key when
// its draft is started, the key stays with it through every retry, and reports that could not be sent
// wait in localStorage until they can. The server answers a retry with the case the first attempt
// created, so a report that reached the server before the connection dropped is never doubled.
//
// Photos go with a report: their blobs wait in a PhotoBlobStore (IndexedDB in the browser) under a
// `ref` the queued report names, and are uploaded to the case once the server has it. The report
// stays queued (with the case it became) until every photo is sent or refused, so photos are
// retried like reports. Uploads take no idempotency key, so before sending again a photo whose
// answer was lost the queue looks for it among the case's photos (see `matchUploaded`).
import { ApiError } from '../api/http'
import type { PhotoView, Reported, ReportCase } from '../api/types'
import { matchUploaded } from './photos'
import type { PhotoBlobStore } from './photoStore'

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

/** A photo picked for a report: its blob is in the PhotoBlobStore under `ref`. */
export interface PhotoRef {
  ref: string
  /** The blob's type (image/jpeg after scaling down) and size, kept to match a lost upload on the case. */
  type: string
  bytes: number
}

/** A photo of a queued report and how far it got. */
export interface QueuedPhoto extends PhotoRef {
  /** The server's id once uploaded. */
  uploaded: number | null
  /** An upload was sent at least once (its answer may have been lost). */
  tried: boolean
  /** Why the server refused it for good (`photo_too_large`, …): it is not sent again. */
  refused: string | null
}

/** A report waiting to be sent. `body.idempotency_key` is set and never changes. */
export interface QueuedReport {
  body: ReportCase & { idempotency_key: string }
  /** Photos to upload once the case exists (absent in queues written before photos). */
  photos?: QueuedPhoto[]
  /** The server's answer once it has the report: then only photos remain to be sent. */
  reported?: Reported | null
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

/** How a report's photos fared in one attempt. */
export interface PhotoOutcome {
  /** Uploaded in this attempt (or found on the case after a lost answer). */
  sent: number
  /** Still to send (the network failed meanwhile): the report stays queued. */
  pending: number
  /** Refused by the server for good, with its codes (`photo_too_large`, `too_many_photos`, …). */
  refused: string[]
  /** The uploads stopped at a 401: the session is gone. */
  sessionLost: boolean
}

/** A report the server has, and its photos' fate. */
export interface SentReport {
  item: QueuedReport
  reported: Reported
  photos: PhotoOutcome
}

/** What the queue needs to send photos: where their blobs are and the two requests. */
export interface PhotoSender {
  store: PhotoBlobStore
  upload(caseId: number, blob: Blob): Promise<PhotoView>
  /** The case's photos (to find one whose upload answer was lost). */
  existing(caseId: number): Promise<PhotoView[]>
}

/** Photos still to upload. */
export const unsentPhotos = (item: QueuedReport): QueuedPhoto[] => (item.photos ?? []).filter((p) => p.uploaded === null && p.refused === null)

/** The bytes of the photos a queue (and a draft) keeps on the phone. */
export function queuedPhotoBytes(items: readonly QueuedReport[], draft: readonly PhotoRef[] = []): number {
  return items.flatMap(unsentPhotos).reduce((n, p) => n + p.bytes, 0) + draft.reduce((n, p) => n + p.bytes, 0)
}

/** What one flush did. */
export interface FlushResult {
  sent: SentReport[]
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
    private readonly photos: PhotoSender | null = null,
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

  /**
   * Queues a report with the photos picked for it (their blobs already in the store); a report
   * already queued under the same key is replaced, keeping its history.
   */
  add(body: ReportCase & { idempotency_key: string }, photos: readonly PhotoRef[] = []): QueuedReport {
    if (!isValidIdempotencyKey(body.idempotency_key)) throw new Error('invalid idempotency key')
    const items = this.list()
    const existing = items.find((i) => i.body.idempotency_key === body.idempotency_key)
    const queuedPhotos = photos.map((p) => existing?.photos?.find((q) => q.ref === p.ref) ?? { ...p, uploaded: null, tried: false, refused: null })
    const item: QueuedReport = existing
      ? { ...existing, body, photos: queuedPhotos, status: 'pending', error: null }
      : { body, photos: queuedPhotos, reported: null, queuedAt: this.now().toISOString(), attempts: 0, lastAttemptAt: null, status: 'pending', error: null }
    this.save([...items.filter((i) => i !== existing), item])
    return item
  }

  /** Forgets a report and the blobs of its photos. */
  remove(key: string): void {
    const items = this.list()
    const gone = items.find((i) => i.body.idempotency_key === key)
    this.save(items.filter((i) => i !== gone))
    for (const p of gone?.photos ?? []) void this.photos?.store.delete(p.ref).catch(() => {})
  }

  /** Takes a report out of the queue but keeps its photos' blobs (it goes back into the form). */
  takeBack(key: string): QueuedReport | null {
    const items = this.list()
    const item = items.find((i) => i.body.idempotency_key === key) ?? null
    if (item) this.save(items.filter((i) => i !== item))
    return item
  }

  /** Puts a refused report back to pending (after the user fixed what was wrong elsewhere, e.g. logged in). */
  retry(key: string): void {
    this.save(this.list().map((i) => (i.body.idempotency_key === key ? { ...i, status: 'pending', error: null } : i)))
  }

  get pendingCount(): number {
    return this.list().filter((i) => i.status === 'pending').length
  }

  /**
   * Sends one queued report, then its photos, and records the outcome. A report the server refuses
   * becomes `failed`; one that could not be sent stays pending; either way the error is thrown. Once
   * the server has it the promise resolves, also when photos remain: the report then stays queued
   * (pending, with the case) until they are sent too, and the next round sends only them.
   */
  async send(key: string, send: (body: ReportCase) => Promise<Reported>): Promise<SentReport> {
    const item = this.list().find((i) => i.body.idempotency_key === key)
    if (!item) throw new Error(`no queued report ${key}`)
    let current: QueuedReport = { ...item, attempts: item.attempts + 1, lastAttemptAt: this.now().toISOString() }
    this.replace(current)
    let reported = current.reported ?? null
    if (!reported) {
      try {
        reported = await send(item.body)
      } catch (error) {
        const code = error instanceof ApiError ? error.code : 'network_error'
        this.replace({ ...current, status: isRetryable(error) ? 'pending' : 'failed', error: code })
        throw error
      }
      current = { ...current, reported, error: null }
      this.replace(current)
    }
    const photos = await this.sendPhotos(current, reported)
    const after = this.list().find((i) => i.body.idempotency_key === key)
    if (after && unsentPhotos(after).length === 0) this.remove(key)
    return { item: after ?? current, reported, photos }
  }

  /** Uploads a sent report's photos that are not on the case yet, one at a time, recording each. */
  private async sendPhotos(item: QueuedReport, reported: Reported): Promise<PhotoOutcome> {
    const outcome: PhotoOutcome = { sent: 0, pending: 0, refused: [], sessionLost: false }
    const key = item.body.idempotency_key
    const photos = (item.photos ?? []).map((p) => ({ ...p }))
    const save = (error: string | null = null) => {
      const now = this.list().find((i) => i.body.idempotency_key === key)
      if (now) this.replace({ ...now, photos, error })
    }
    if (!unsentPhotos(item).length) return outcome
    if (!this.photos) {
      outcome.pending = unsentPhotos(item).length
      return outcome
    }
    const { store, upload, existing } = this.photos
    const caseId = reported.case.id
    try {
      // An upload whose answer was lost may be on the case already: look before sending it again.
      const tried = photos.filter((p) => p.uploaded === null && p.refused === null && p.tried)
      if (tried.length) {
        const found = matchUploaded(tried, await existing(caseId), new Set(photos.flatMap((p) => (p.uploaded === null ? [] : [p.uploaded]))))
        for (const p of photos) {
          const id = found.get(p.ref)
          if (id === undefined) continue
          p.uploaded = id
          outcome.sent += 1
          void store.delete(p.ref).catch(() => {})
        }
        save()
      }
      for (const p of photos) {
        if (p.uploaded !== null || p.refused !== null) continue
        const blob = await store.get(p.ref)
        if (!blob) {
          // Gone from the phone (storage cleared): nothing left to send.
          p.refused = 'photo_missing'
          outcome.refused.push(p.refused)
          save()
          continue
        }
        p.tried = true
        save()
        try {
          p.uploaded = (await upload(caseId, blob)).id
          outcome.sent += 1
          void store.delete(p.ref).catch(() => {})
        } catch (error) {
          if (isRetryable(error)) throw error
          p.refused = error instanceof ApiError ? error.code : 'photo_refused'
          outcome.refused.push(p.refused)
          void store.delete(p.ref).catch(() => {})
        }
        save()
      }
    } catch (error) {
      // No answer (or the session is gone): the rest wait for the next round.
      outcome.sessionLost = error instanceof ApiError && error.status === 401
      save(error instanceof ApiError ? error.code : 'network_error')
    }
    outcome.pending = photos.filter((p) => p.uploaded === null && p.refused === null).length
    return outcome
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
        const sent = await this.send(item.body.idempotency_key, send)
        result.sent.push(sent)
        // Photos stopped by a lost session: the rest would fail the same way.
        if (sent.photos.sessionLost) break
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
  /** Photos picked so far (blobs in the PhotoBlobStore). */
  photos: PhotoRef[]
}

export function emptyDraft(key: string = newIdempotencyKey()): ReportDraft {
  return { key, category_id: null, description: '', address: '', lon: null, lat: null, major: false, photos: [] }
}

export function loadDraft(storage: KeyValueStorage, storageKey: string): ReportDraft | null {
  try {
    const raw = storage.getItem(storageKey)
    if (!raw) return null
    const value = JSON.parse(raw) as Partial<ReportDraft>
    if (typeof value.key !== 'string' || !isValidIdempotencyKey(value.key)) return null
    const photos = Array.isArray(value.photos) ? value.photos.filter((p) => typeof p?.ref === 'string' && typeof p.bytes === 'number') : []
    return { ...emptyDraft(value.key), ...value, photos } as ReportDraft
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
