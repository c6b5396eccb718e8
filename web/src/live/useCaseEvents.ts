// The live case stream for Vue pages: `useCaseEvents(onBatch)` listens while the component is
// mounted and hands it batches of changes; the stream (one per tab) closes when the signed-in
// account changes or logs out.
import { effectScope, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'
import { CASE_EVENTS_URL } from '../api/gridgov'
import { useAuthStore } from '../stores/auth'
import { CaseEventHub, ChangeBatcher, type HubDeps, type LiveBatch } from './caseEvents'

const timers: Pick<HubDeps, 'setTimeout' | 'clearTimeout'> = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
}

let hub: CaseEventHub | null = null

/** The tab's hub (null where EventSource does not exist). */
function caseEvents(): CaseEventHub | null {
  if (hub) return hub
  if (typeof EventSource === 'undefined') return null
  hub = new CaseEventHub(CASE_EVENTS_URL, {
    ...timers,
    // Same origin: the session cookie goes along.
    create: (url) => new EventSource(url),
  })
  // Another account, or none: the old stream carried the old account's cases.
  const auth = useAuthStore()
  effectScope(true).run(() =>
    watch(
      () => auth.me?.id ?? null,
      (id) => {
        hub?.stop()
        if (id !== null) hub?.resume()
      },
    ),
  )
  return hub
}

/** Closes the tab's stream now (logout does this by itself). */
export function stopCaseEvents(): void {
  hub?.stop()
}

/** How long after the first change of a burst a page refreshes. */
export const LIVE_DEBOUNCE_MS = 400

/**
 * Calls `onBatch` with the changes heard while the component is mounted, batched. Returns the
 * time of the last refresh it caused, for the "已更新" hint: set it with `markUpdated()`.
 */
export function useCaseEvents(onBatch: (batch: LiveBatch) => void, delayMs: number = LIVE_DEBOUNCE_MS): { updatedAt: Ref<number | null>; markUpdated: () => void } {
  const updatedAt = ref<number | null>(null)
  const batcher = new ChangeBatcher(onBatch, delayMs, timers)
  let unsubscribe: (() => void) | null = null
  onMounted(() => {
    unsubscribe = caseEvents()?.subscribe((message) => batcher.push(message)) ?? null
  })
  onBeforeUnmount(() => {
    unsubscribe?.()
    unsubscribe = null
    batcher.cancel()
  })
  return { updatedAt, markUpdated: () => (updatedAt.value = Date.now()) }
}
