import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import type { Reported, ReportCase } from '../api/types'
import {
  draftToBody,
  emptyDraft,
  isRetryable,
  isValidIdempotencyKey,
  loadDraft,
  newIdempotencyKey,
  ReportQueue,
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
