// The phone's visit outbox as shared reactive state (like useReportQueue for reports): the layout
// shows how many visits wait on the 走访 tab, the care page lists them. Waiting visits are retried
// when the phone comes back online, every 20 s while any wait, and when asked. One account's outbox
// is its own (`gridgov.m.visits.<account id>` in localStorage): on a shared phone nobody sends
// another's visit. Sends run one at a time, so a background round and a new visit never race.
import { computed, ref, type ComputedRef, type Ref } from 'vue'
import { fetchCareMember, fetchVisits, recordVisit } from '../api/gridgov'
import type { ApiError } from '../api/http'
import type { CareView, VisitRecorded } from '../api/types'
import type { VisitBody } from '../registry/care'
import { useAuthStore } from '../stores/auth'
import { VisitOutbox, isRetryableVisitError, loadVisitDraft, saveVisitDraft, type QueuedVisit, type RecentVisits, type SendOutcome, type VisitDraft, type VisitSender } from './visitOutbox'

const RETRY_EVERY_MS = 20_000

/** How long one attempt may take before it counts as "no answer" (the visit stays queued). */
export const VISIT_TIMEOUT_MS = 20_000

const sender: VisitSender = (id, body) => recordVisit(id, body, AbortSignal.timeout(VISIT_TIMEOUT_MS))
const recent: RecentVisits = async (id) => (await fetchVisits(id, { page: 1, page_size: 20 }, AbortSignal.timeout(VISIT_TIMEOUT_MS))).items

/** What submitting a new visit came to. */
export type SubmitOutcome = SendOutcome | { kind: 'failed'; error: unknown }

export interface VisitQueue {
  items: Ref<QueuedVisit[]>
  pendingCount: ComputedRef<number>
  flushing: Ref<boolean>
  /** Memberships as they stand after the latest sends (the page updates its cards). */
  members: Ref<CareView[]>
  /** How many the last background round sent. */
  lastSent: Ref<number>
  submit(visit: { membership_id: number; person_name: string; group: string; body: VisitBody }): Promise<SubmitOutcome>
  flush(): Promise<void>
  discard(key: string): void
  refresh(): void
  loadDraft(): VisitDraft | null
  saveDraft(draft: VisitDraft | null): void
  start(): void
  stop(): void
}

const items = ref<QueuedVisit[]>([])
const flushing = ref(false)
const members = ref<CareView[]>([])
const lastSent = ref(0)
const pendingCount = computed(() => items.value.filter((i) => i.refused === null).length)
let current: VisitOutbox | null = null
let timer: ReturnType<typeof setInterval> | null = null
let users = 0
let chain: Promise<unknown> = Promise.resolve()

/** Runs `fn` after everything queued before it. */
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const run = chain.then(fn, fn)
  chain = run.catch(() => undefined)
  return run
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

export function useVisitOutbox(): VisitQueue {
  const auth = useAuthStore()

  function outbox(): VisitOutbox | null {
    const id = auth.me?.id
    const store = storage()
    if (id === undefined || !store) return null
    const key = `gridgov.m.visits.${id}`
    if (current?.storageKey !== key) current = new VisitOutbox(store, key, id)
    return current
  }

  const draftKey = () => `gridgov.m.visitDraft.${auth.me?.id ?? 0}`

  function refresh(): void {
    items.value = outbox()?.list() ?? []
  }

  /**
   * Hands the page the membership after a visit: from the answer, or (a visit found in the log
   * after a lost answer) read again.
   */
  function noteRecorded(r: VisitRecorded | null, membershipId: number): void {
    const note = (m: CareView) => (members.value = [...members.value, m])
    if (r) note(r.membership)
    else
      void fetchCareMember(membershipId, AbortSignal.timeout(VISIT_TIMEOUT_MS)).then(note, () => {
        // The card stays as it was until the list is reloaded.
      })
  }

  function submit(visit: Parameters<VisitQueue['submit']>[0]): Promise<SubmitOutcome> {
    return serial(async () => {
      const box = outbox()
      const entry = box?.add(visit) ?? null
      try {
        if (!box || !entry) {
          // No storage: send it directly; the form stays open until the server has it.
          try {
            const r = await sender(visit.membership_id, visit.body)
            noteRecorded(r, visit.membership_id)
            return { kind: 'sent', recorded: r }
          } catch (error) {
            return isRetryableVisitError(error) ? { kind: 'failed', error } : { kind: 'refused', error: error as ApiError }
          }
        }
        const outcome = await box.send(entry.key, sender, recent)
        if (outcome.kind === 'sent') noteRecorded(outcome.recorded, visit.membership_id)
        // A refusal of a visit just typed goes back to its form (with the errors), not to the outbox.
        if (outcome.kind === 'refused') box.remove(entry.key)
        return outcome
      } finally {
        refresh()
      }
    })
  }

  function flush(): Promise<void> {
    return serial(async () => {
      const box = outbox()
      if (!box || box.pendingCount === 0) {
        refresh()
        return
      }
      flushing.value = true
      try {
        const round = await box.flush(sender, recent)
        for (const e of round.sent) noteRecorded(round.recorded.find((r) => r.membership.id === e.membership_id) ?? null, e.membership_id)
        if (round.sent.length) lastSent.value = round.sent.length
      } finally {
        flushing.value = false
        refresh()
      }
    })
  }

  function discard(key: string): void {
    outbox()?.remove(key)
    refresh()
  }

  function loadDraft(): VisitDraft | null {
    const s = storage()
    return s ? loadVisitDraft(s, draftKey()) : null
  }

  function saveDraft(draft: VisitDraft | null): void {
    const s = storage()
    if (s) saveVisitDraft(s, draftKey(), draft)
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

  return { items, pendingCount, flushing, members, lastSent, submit, flush, discard, refresh, loadDraft, saveDraft, start, stop }
}
