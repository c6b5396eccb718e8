import { defineStore } from 'pinia'
import { ref } from 'vue'
import { fetchMeta } from '../api/gridgov'
import type { Meta } from '../api/types'

/** Server facts every page may need (version, tile source, districts), loaded once. */
export const useMetaStore = defineStore('meta', () => {
  const meta = ref<Meta | null>(null)
  const error = ref<unknown>(null)
  let pending: Promise<Meta | null> | null = null

  function load(): Promise<Meta | null> {
    if (meta.value) return Promise.resolve(meta.value)
    pending ??= fetchMeta()
      .then((m) => {
        meta.value = m
        error.value = null
        return m
      })
      .catch((e: unknown) => {
        error.value = e
        return null
      })
      .finally(() => {
        pending = null
      })
    return pending
  }

  return { meta, error, load }
})
