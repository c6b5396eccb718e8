import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import type { PhotoView, Reported, ReportCase } from '../api/types'
import { memoryPhotoStore } from './photoStore'
import {
  draftToBody,
  emptyDraft,
  isRetryable,
  isValidIdempotencyKey,
  loadDraft,
  newIdempotencyKey,
  queuedPhotoBytes,
  ReportQueue,
  type PhotoSender,
  saveDraft,
  type KeyValueStorage,
} from './offlineQueue'

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  }
}

const body = (key: string): ReportCase & { idempotency_key: string } => ({
  category_id: 14,
  description: '垃圾堆放',
  lon: 116.9317,
  lat: 36.6616,
  crs: 'wgs84',
  idempotency_key: key,
})

const answer = (key: string, created = true) => ({ case: { id: 1, case_no: `no-${key}` }, created, duplicates: [] }) as unknown as Reported

describe('idempotency keys', () => {
  it('are 8–64 of the characters the server accepts, and differ', () => {
    const a = newIdempotencyKey()
    const b = newIdempotencyKey()
    expect(isValidIdempotencyKey(a)).toBe(true)
    expect(a).not.toBe(b)
    expect(newIdempotencyKey((bytes) => bytes.fill(255))).toBe(`r-${'ff'.repeat(12)}`)
    expect(isValidIdempotencyKey('short')).toBe(false)
    expect(isValidIdempotencyKey('has space in it')).toBe(false)
    expect(isValidIdempotencyKey('x'.repeat(65))).toBe(false)
  })
})

describe('isRetryable', () => {
  it('retries what may succeed later and gives up on refusals', () => {
    expect(isRetryable(new ApiError(0, 'network_error', 'Failed to fetch'))).toBe(true)
    expect(isRetryable(new ApiError(502, 'bad_response', ''))).toBe(true)
    expect(isRetryable(new ApiError(429, 'too_many_requests', ''))).toBe(true)
    expect(isRetryable(new ApiError(401, 'session_expired', ''))).toBe(true)
    expect(isRetryable(new TypeError('offline'))).toBe(true)
    expect(isRetryable(new ApiError(400, 'validation_failed', ''))).toBe(false)
    expect(isRetryable(new ApiError(422, 'outside_district', ''))).toBe(false)
    expect(isRetryable(new ApiError(403, 'location_out_of_scope', ''))).toBe(false)
  })
})

describe('ReportQueue', () => {
  const now = () => new Date('2026-11-25T02:00:00Z')

  it('keeps reports in storage, one per key', () => {
    const storage = memoryStorage()
    const queue = new ReportQueue(storage, 'q', now)
    queue.add(body('key-00000001'))
    queue.add(body('key-00000002'))
    queue.add({ ...body('key-00000001'), description: '改过的描述' })
    const again = new ReportQueue(storage, 'q', now)
    expect(again.list().map((i) => [i.body.idempotency_key, i.body.description])).toEqual([
      ['key-00000002', '垃圾堆放'],
      ['key-00000001', '改过的描述'],
    ])
    expect(again.pendingCount).toBe(2)
    expect(() => queue.add(body('bad'))).toThrow()
    again.remove('key-00000002')
    again.remove('key-00000001')
    expect(storage.data.has('q')).toBe(false)
  })

  it('retries with the same key until the server has it, then forgets it', async () => {
    const storage = memoryStorage()
    const queue = new ReportQueue(storage, 'q', now)
    queue.add(body('key-00000001'))
    const sentKeys: string[] = []
    let online = false
    const send = async (b: ReportCase) => {
      sentKeys.push(b.idempotency_key ?? '')
      if (!online) throw new ApiError(0, 'network_error', 'Failed to fetch')
      return answer(b.idempotency_key ?? '', false)
    }
    const first = await queue.flush(send)
    expect(first.sent).toEqual([])
    expect(first.pending.map((i) => [i.attempts, i.status, i.error])).toEqual([[1, 'pending', 'network_error']])
    online = true
    const second = await queue.flush(send)
    expect(second.sent.map((s) => s.reported.case.case_no)).toEqual(['no-key-00000001'])
    expect(second.pending).toEqual([])
    expect(sentKeys).toEqual(['key-00000001', 'key-00000001'])
    expect(queue.list()).toEqual([])
  })

  it('marks refused reports failed and leaves them for a person', async () => {
    const queue = new ReportQueue(memoryStorage(), 'q', now)
    queue.add(body('key-00000001'))
    queue.add(body('key-00000002'))
    const send = async (b: ReportCase) => {
      if (b.idempotency_key === 'key-00000001') throw new ApiError(422, 'outside_district', 'outside')
      return answer(b.idempotency_key ?? '')
    }
    const result = await queue.flush(send)
    expect(result.sent.map((s) => s.item.body.idempotency_key)).toEqual(['key-00000002'])
    expect(result.failed.map((i) => [i.body.idempotency_key, i.error])).toEqual([['key-00000001', 'outside_district']])
    // A failed report is not sent again by a flush, only when asked.
    const again = await queue.flush(send)
    expect(again.sent).toEqual([])
    queue.retry('key-00000001')
    expect(queue.list()[0]?.status).toBe('pending')
  })

  it('stops a round when the session is gone', async () => {
    const queue = new ReportQueue(memoryStorage(), 'q', now)
    queue.add(body('key-00000001'))
    queue.add(body('key-00000002'))
    let calls = 0
    const result = await queue.flush(async () => {
      calls += 1
      throw new ApiError(401, 'session_expired', '')
    })
    expect(calls).toBe(1)
    expect(result.pending.length).toBe(2)
  })

  it('shares one round between concurrent flushes', async () => {
    const queue = new ReportQueue(memoryStorage(), 'q', now)
    queue.add(body('key-00000001'))
    let calls = 0
    const send = async (b: ReportCase) => {
      calls += 1
      return answer(b.idempotency_key ?? '')
    }
    await Promise.all([queue.flush(send), queue.flush(send)])
    expect(calls).toBe(1)
  })

  it('survives broken storage content', () => {
    const storage = memoryStorage()
    storage.setItem('q', '{not json')
    expect(new ReportQueue(storage, 'q').list()).toEqual([])
    storage.setItem('q', JSON.stringify([{ body: { idempotency_key: 'x' } }, 3]))
    expect(new ReportQueue(storage, 'q').list()).toEqual([])
  })
})

describe('report drafts', () => {
  it('keep their key across reloads', () => {
    const storage = memoryStorage()
    const draft = { ...emptyDraft('key-00000009'), description: '井盖缺失' }
    saveDraft(storage, 'd', draft)
    expect(loadDraft(storage, 'd')).toEqual(draft)
    storage.setItem('d', JSON.stringify({ key: 'bad' }))
    expect(loadDraft(storage, 'd')).toBeNull()
    expect(loadDraft(memoryStorage(), 'd')).toBeNull()
  })

  it('become a request body once complete', () => {
    expect(draftToBody(emptyDraft('key-00000009'))).toEqual({ missing: ['category', 'description', 'location'] })
    const draft = { ...emptyDraft('key-00000009'), category_id: 14, description: ' 垃圾 ', address: ' ', lon: 116.93, lat: 36.66 }
    expect(draftToBody(draft)).toEqual({
      body: { category_id: 14, description: '垃圾', lon: 116.93, lat: 36.66, crs: 'wgs84', idempotency_key: 'key-00000009' },
    })
    expect(draftToBody({ ...draft, address: '3号楼', major: true })).toMatchObject({ body: { address: '3号楼', major: true } })
  })
})

describe('ReportQueue with photos', () => {
  const now = () => new Date('2026-11-25T02:00:00Z')
  const reported = (id: number, created = true) => ({ case: { id, case_no: `no-${id}` }, created, duplicates: [] }) as unknown as Reported
  const photoView = (id: number, bytes: number, event_id: number | null = null): PhotoView => ({
    id,
    event_id,
    mime: 'image/jpeg',
    bytes,
    created_at: '2026-11-25T02:00:00Z',
  })

  async function setUp(sizes: number[]) {
    const store = memoryPhotoStore()
    const refs = sizes.map((bytes, i) => ({ ref: `7/key-00000001/${i}`, type: 'image/jpeg', bytes }))
    for (const r of refs) await store.put(r.ref, new Blob([new Uint8Array(r.bytes)], { type: 'image/jpeg' }))
    const server = { photos: [] as PhotoView[], uploads: 0, online: true, refuse: new Map<number, ApiError>(), dropAnswer: false }
    const sender: PhotoSender = {
      store,
      upload: async (caseId, blob) => {
        expect(caseId).toBe(41)
        if (!server.online) throw new ApiError(0, 'network_error', 'Failed to fetch')
        server.uploads += 1
        const refusal = server.refuse.get(blob.size)
        if (refusal) throw refusal
        const p = photoView(100 + server.photos.length, blob.size)
        server.photos.push(p)
        if (server.dropAnswer) throw new ApiError(0, 'network_error', 'connection reset')
        return p
      },
      existing: async () => server.photos,
    }
    const queue = new ReportQueue(memoryStorage(), 'q', now, sender)
    queue.add(body('key-00000001'), refs)
    return { store, refs, server, queue }
  }

  it('uploads the photos once the case exists and then forgets report and blobs', async () => {
    const { store, server, queue } = await setUp([300, 200])
    const sent = await queue.send('key-00000001', async () => reported(41))
    expect(sent.photos).toEqual({ sent: 2, pending: 0, refused: [], sessionLost: false })
    expect(server.photos.map((p) => p.bytes)).toEqual([300, 200])
    expect(queue.list()).toEqual([])
    expect(store.data.size).toBe(0)
  })

  it('keeps the report queued, with its case, while photos wait; the next round sends only the photos', async () => {
    const { store, server, queue } = await setUp([300, 200])
    let reports = 0
    const send = async () => {
      reports += 1
      return reported(41)
    }
    server.online = false
    const first = await queue.send('key-00000001', send)
    expect(first.reported.case.id).toBe(41)
    expect(first.photos).toMatchObject({ sent: 0, pending: 2 })
    const [waiting] = queue.list()
    expect(waiting?.status).toBe('pending')
    expect(waiting?.error).toBe('network_error')
    expect(waiting?.reported?.case.id).toBe(41)
    expect(queue.pendingCount).toBe(1)
    server.online = true
    const round = await queue.flush(send)
    expect(reports).toBe(1)
    expect(round.sent[0]?.photos).toMatchObject({ sent: 2, pending: 0 })
    expect(queue.list()).toEqual([])
    expect(store.data.size).toBe(0)
  })

  it('does not upload a photo twice when only its answer was lost', async () => {
    const { server, queue } = await setUp([300, 200])
    server.dropAnswer = true
    await queue.send('key-00000001', async () => reported(41))
    expect(server.photos.length).toBe(1)
    server.dropAnswer = false
    const round = await queue.flush(async () => reported(41, false))
    expect(round.sent[0]?.photos).toMatchObject({ sent: 2, pending: 0 })
    expect(server.photos.map((p) => p.bytes)).toEqual([300, 200])
    expect(server.uploads).toBe(2)
  })

  it('gives up on photos the server refuses and sends the rest', async () => {
    const { store, server, queue } = await setUp([300, 200, 100])
    server.refuse.set(200, new ApiError(415, 'unsupported_media_type', 'no'))
    const sent = await queue.send('key-00000001', async () => reported(41))
    expect(sent.photos).toEqual({ sent: 2, pending: 0, refused: ['unsupported_media_type'], sessionLost: false })
    expect(queue.list()).toEqual([])
    expect(store.data.size).toBe(0)
  })

  it('a refused report keeps its photos for the form; removing it deletes them', async () => {
    const { store, queue } = await setUp([300])
    await expect(queue.send('key-00000001', async () => Promise.reject(new ApiError(422, 'outside_district', '')))).rejects.toThrow()
    expect(queue.list()[0]?.status).toBe('failed')
    const back = queue.takeBack('key-00000001')
    expect(back?.photos?.map((p) => p.ref)).toEqual(['7/key-00000001/0'])
    expect(store.data.size).toBe(1)
    queue.add(body('key-00000001'), back?.photos ?? [])
    queue.remove('key-00000001')
    await Promise.resolve()
    expect(store.data.size).toBe(0)
  })

  it('counts the bytes waiting on the phone', async () => {
    const { queue } = await setUp([300, 200])
    expect(queuedPhotoBytes(queue.list(), [{ ref: 'd', type: 'image/jpeg', bytes: 50 }])).toBe(550)
  })

  it('drafts keep their photos', () => {
    const storage = memoryStorage()
    const draft = { ...emptyDraft('key-00000009'), photos: [{ ref: '7/key-00000009/a', type: 'image/jpeg', bytes: 12 }] }
    saveDraft(storage, 'd', draft)
    expect(loadDraft(storage, 'd')?.photos).toEqual(draft.photos)
    storage.setItem('d', JSON.stringify({ key: 'key-00000009', photos: [{ nope: 1 }] }))
    expect(loadDraft(storage, 'd')?.photos).toEqual([])
  })
})
