// The phone's outbox as shared reactive state: the layout shows how many reports wait, the report
// page lists them. Reports (and then their photos) are retried with their own idempotency key when
// the phone comes back online, every 20 s while any wait, and when asked. Photo blobs wait in
// IndexedDB (`photoStore`), named `<account id>/<report key>/<random>`.
import { computed, ref, type ComputedRef, type Ref } from 'vue'
import { fetchCase, reportCase, uploadPhoto } from '../api/gridgov'
import type { Reported, ReportCase } from '../api/types'
import { ReportQueue, type FlushResult, type QueuedReport, type SentReport } from '../cases/offlineQueue'
import { indexedDbPhotoStore, type PhotoBlobStore } from '../cases/photoStore'
import { useAuthStore } from '../stores/auth'

const RETRY_EVERY_MS = 20_000

/**
 * How long one attempt may take. On a bad connection a request can hang for minutes; giving up
 * leaves the report in the outbox (a timeout counts as no answer), and the retry uses the same key,
 * so an attempt that did reach the server costs nothing.
 */
export const SEND_TIMEOUT_MS = 20_000

/** Sends one report, giving up after SEND_TIMEOUT_MS. */
export function sendReport(body: ReportCase): Promise<Reported> {
  return reportCase(body, AbortSignal.timeout(SEND_TIMEOUT_MS))
}

/** How long one photo may take: a scaled-down photo is a few hundred KB, ~10 s at 2G speeds. */
export const PHOTO_TIMEOUT_MS = 60_000

let blobs: PhotoBlobStore | null = null

/** Where unsent photos wait (IndexedDB; memory without it). */
export function photoStore(): PhotoBlobStore {
  return (blobs ??= indexedDbPhotoStore())
}

/** A new name for a photo of the report with key `reportKey` of account `accountId`. */
export function newPhotoRef(accountId: number, reportKey: string): string {
  const random = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('')
  return `${accountId}/${reportKey}/${random}`
}

export interface MobileQueue {
  items: Ref<QueuedReport[]>
  pendingCount: ComputedRef<number>
  flushing: Ref<boolean>
  /** The reports the last background round sent (the page says so). */
  lastSent: Ref<SentReport[]>
  queue(): ReportQueue | null
  refresh(): void
  flush(): Promise<FlushResult | null>
  start(): void
  stop(): void
}

const items = ref<QueuedReport[]>([])
const flushing = ref(false)
const lastSent = ref<SentReport[]>([])
const pendingCount = computed(() => items.value.filter((i) => i.status === 'pending').length)
let current: ReportQueue | null = null
let timer: ReturnType<typeof setInterval> | null = null
let users = 0

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

export function useMobileQueue(): MobileQueue {
  const auth = useAuthStore()

  /** The signed-in account's queue: each account keeps its own, so a shared phone never sends one person's report as another's. */
  function queue(): ReportQueue | null {
    const id = auth.me?.id
    const store = storage()
    if (id === undefined || !store) return null
    const key = `gridgov.m.outbox.${id}`
    if (current?.storageKey !== key) {
      current = new ReportQueue(store, key, undefined, {
        store: photoStore(),
        upload: (caseId, blob) => uploadPhoto(caseId, blob, AbortSignal.timeout(PHOTO_TIMEOUT_MS)),
        existing: async (caseId) => (await fetchCase(caseId, AbortSignal.timeout(SEND_TIMEOUT_MS))).photos,
      })
    }
    return current
  }

  function refresh(): void {
    items.value = queue()?.list() ?? []
  }

  async function flush(): Promise<FlushResult | null> {
    const q = queue()
    if (!q || q.pendingCount === 0) {
      refresh()
      return null
    }
    flushing.value = true
    try {
      const result = await q.flush(sendReport)
      if (result.sent.length) lastSent.value = result.sent
      return result
    } finally {
      flushing.value = false
      refresh()
    }
  }

  const onOnline = () => void flush()

  function start(): void {
    users += 1
    refresh()
    if (users > 1) return
    window.addEventListener('online', onOnline)
    timer = setInterval(() => {
      if (pendingCount.value > 0 && navigator.onLine !== false) void flush()
    }, RETRY_EVERY_MS)
    void flush()
  }

  function stop(): void {
    users = Math.max(0, users - 1)
    if (users > 0) return
    window.removeEventListener('online', onOnline)
    if (timer) clearInterval(timer)
    timer = null
  }

  return { items, pendingCount, flushing, lastSent, queue, refresh, flush, start, stop }
}
