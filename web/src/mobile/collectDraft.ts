// 入户采集's draft on the phone: one per account, in memory for the life of the page (so switching
// tabs, a failed save or an expired session loses nothing), and in sessionStorage for a reload of
// the tab — there without the ID and phone numbers typed (personal data is not written to the
// browser's storage; a member that had them is marked, and the form asks for them again).
import { ref, watch, type Ref } from 'vue'
import { draftHasContent, loadCollectDraft, saveCollectDraft, type CollectDraft } from '../registry/households'

const current = ref<CollectDraft | null>(null)
let owner: number | null = null
let watching = false

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null
  } catch {
    return null
  }
}

const keyOf = (accountId: number) => `gridgov.m.collect.${accountId}`

/** The account's draft (null when none), restored from sessionStorage when the page was reloaded. */
export function useCollectDraft(accountId: number): Ref<CollectDraft | null> {
  if (owner !== accountId) {
    owner = accountId
    const s = storage()
    current.value = s ? loadCollectDraft(s, keyOf(accountId)) : null
  }
  if (!watching) {
    watching = true
    watch(
      current,
      (d) => {
        const s = storage()
        if (s && owner !== null) saveCollectDraft(s, keyOf(owner), d && draftHasContent(d) ? d : null)
      },
      { deep: true },
    )
  }
  return current
}

/** Forgets the draft of the account signing out (memory and storage). */
export function forgetCollectDraft(): void {
  const s = storage()
  if (s && owner !== null) saveCollectDraft(s, keyOf(owner), null)
  current.value = null
  owner = null
}
