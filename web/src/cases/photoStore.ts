// Where the phone keeps photos that are not sent yet (a draft's, or a queued report's): IndexedDB,
// which holds blobs as they are (localStorage would need base64, a third larger, within ~5 MB for
// the whole site). The outbox itself stays in localStorage and names its photos by `ref`. Without
// IndexedDB (some private modes) the photos live in memory, as long as the page.

/** Blobs by a string key. */
export interface PhotoBlobStore {
  put(ref: string, blob: Blob): Promise<void>
  get(ref: string): Promise<Blob | null>
  delete(ref: string): Promise<void>
  /** Every key that starts with `prefix`. */
  keys(prefix: string): Promise<string[]>
}

/** The phone keeps at most this many bytes of unsent photos per account (a report's 9 scaled-down photos are ~3–5 MB). */
export const MAX_QUEUED_PHOTO_BYTES = 60 * 1024 * 1024

/** A store in memory (tests, and browsers without IndexedDB). */
export function memoryPhotoStore(): PhotoBlobStore & { data: Map<string, Blob> } {
  const data = new Map<string, Blob>()
  return {
    data,
    put: async (ref, blob) => void data.set(ref, blob),
    get: async (ref) => data.get(ref) ?? null,
    delete: async (ref) => void data.delete(ref),
    keys: async (prefix) => [...data.keys()].filter((k) => k.startsWith(prefix)),
  }
}

const DB_NAME = 'gridgov'
const STORE = 'photos'

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'))
  })
}

/** The IndexedDB store, opened on first use; falls back to memory if IndexedDB cannot be opened. */
export function indexedDbPhotoStore(factory: IDBFactory | undefined = globalThis.indexedDB): PhotoBlobStore {
  let fallback: PhotoBlobStore | null = null
  let opening: Promise<IDBDatabase | null> | null = null

  function open(): Promise<IDBDatabase | null> {
    opening ??= new Promise<IDBDatabase | null>((resolve) => {
      if (!factory) return resolve(null)
      let request: IDBOpenDBRequest
      try {
        request = factory.open(DB_NAME, 1)
      } catch {
        return resolve(null)
      }
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE)
      }
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => resolve(null)
      request.onblocked = () => resolve(null)
    })
    return opening
  }

  async function withStore<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>, orElse: (m: PhotoBlobStore) => Promise<T>): Promise<T> {
    const db = await open()
    if (!db) return orElse((fallback ??= memoryPhotoStore()))
    const tx = db.transaction(STORE, mode)
    const result = await promised(fn(tx.objectStore(STORE)))
    if (mode === 'readwrite') {
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve()
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'))
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'))
      })
    }
    return result
  }

  return {
    put: async (ref, blob) => {
      await withStore('readwrite', (s) => s.put(blob, ref), (m) => m.put(ref, blob).then(() => ref))
    },
    get: async (ref) => {
      const value = await withStore<unknown>('readonly', (s) => s.get(ref), (m) => m.get(ref))
      return value instanceof Blob ? value : null
    },
    delete: async (ref) => {
      await withStore('readwrite', (s) => s.delete(ref), (m) => m.delete(ref).then(() => undefined))
    },
    keys: async (prefix) => {
      const range = typeof IDBKeyRange === 'undefined' ? undefined : IDBKeyRange.bound(prefix, `${prefix}\uffff`)
      const all = await withStore<IDBValidKey[]>('readonly', (s) => s.getAllKeys(range), (m) => m.keys(prefix))
      return all.map(String).filter((k) => k.startsWith(prefix))
    },
  }
}
