import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import type { CareView, VisitInput, VisitRecorded, VisitView } from '../api/types'
import type { VisitBody } from '../registry/care'
import { VisitOutbox, isQueuedVisit, isRetryableVisitError, loadVisitDraft, saveVisitDraft, type QueuedVisit } from './visitOutbox'

class MemoryStorage {
  data = new Map<string, string>()
  failWrites = false
  getItem(k: string) {
    return this.data.get(k) ?? null
  }
  setItem(k: string, v: string) {
    if (this.failWrites) throw new Error('QuotaExceededError')
    this.data.set(k, v)
  }
  removeItem(k: string) {
    this.data.delete(k)
  }
}

const ACCOUNT = 6
const KEY = 'gridgov.m.visits.6'
const NOW = new Date('2026-11-30T02:00:00Z')

function body(findings = '身体良好，冰箱有菜'): VisitBody {
  return { visited_on: '2026-11-30', way: 'home', findings, follow_up: false }
}

function membership(id: number): CareView {
  return {
    id,
    person_id: 1,
    person_name: '张桂兰',
    grid: '370105001001001',
    community: '370105001001',
    street: '370105001000',
    group: 'elderly_alone',
    visit_days: 7,
    joined_on: '2026-11-01',
    ended_on: null,
    last_visit_on: '2026-11-30',
    next_visit_due: '2026-12-07',
    overdue: false,
    note: null,
    version: 1,
  }
}

function recorded(id: number, b: VisitInput): VisitRecorded {
  return { visit: visit({ membership_id: id, way: b.way, findings: b.findings }), membership: membership(id) }
}

function visit(over: Partial<VisitView> = {}): VisitView {
  return {
    id: 1,
    membership_id: 3,
    visited_on: '2026-11-30',
    visitor_id: ACCOUNT,
    visitor_name: '李网格',
    way: 'home',
    findings: '身体良好，冰箱有菜',
    follow_up: false,
    recorded_at: '2026-11-30T02:00:05Z',
    ...over,
  }
}

const noAnswer = () => new ApiError(0, 'network_error', 'Failed to fetch')

function outbox(storage = new MemoryStorage()) {
  return { storage, box: new VisitOutbox(storage, KEY, ACCOUNT, () => NOW) }
}

describe('the visit outbox', () => {
  it('writes a visit to storage before it is sent, and forgets it once the server has it', async () => {
    const { storage, box } = outbox()
    const e = box.add({ membership_id: 3, person_name: '张桂兰', group: 'elderly_alone', body: body() })
    expect(e).not.toBeNull()
    // Another outbox on the same storage (a reloaded page) sees it.
    expect(new VisitOutbox(storage, KEY, ACCOUNT).list().map((x) => x.membership_id)).toEqual([3])
    const sentBodies: VisitInput[] = []
    const outcome = await box.send(e!.key, async (id, b) => (sentBodies.push(b), recorded(id, b)), async () => [])
    expect(outcome.kind).toBe('sent')
    expect(sentBodies).toEqual([body()])
    expect(box.list()).toEqual([])
    expect(storage.data.has(KEY)).toBe(false)
  })

  it('keeps a visit that got no answer, and marks it as possibly arrived', async () => {
    const { box } = outbox()
    const e = box.add({ membership_id: 3, person_name: '张桂兰', group: 'elderly_alone', body: body() })!
    const outcome = await box.send(e.key, async () => Promise.reject(noAnswer()), async () => [])
    expect(outcome.kind).toBe('waiting')
    expect(box.list()).toMatchObject([{ key: e.key, attempts: 1, unanswered: true, refused: null }])
    expect(box.pendingCount).toBe(1)
  })

  it('does not post twice a visit the server recorded although the answer was lost', async () => {
    const { box } = outbox()
    const e = box.add({ membership_id: 3, person_name: '张桂兰', group: 'elderly_alone', body: body() })!
    await box.send(e.key, async () => Promise.reject(noAnswer()), async () => [])
    let posts = 0
    const outcome = await box.send(
      e.key,
      async (id, b) => (posts++, recorded(id, b)),
      async () => [visit()],
    )
    expect(outcome).toEqual({ kind: 'sent', recorded: null })
    expect(posts).toBe(0)
    expect(box.list()).toEqual([])
  })

  it('posts again when the lost attempt did not arrive (no such visit in the log)', async () => {
    const { box } = outbox()
    const e = box.add({ membership_id: 3, person_name: '张桂兰', group: 'elderly_alone', body: body() })!
    await box.send(e.key, async () => Promise.reject(noAnswer()), async () => [])
    let posts = 0
    const outcome = await box.send(
      e.key,
      async (id, b) => (posts++, recorded(id, b)),
      // Somebody else's visit on the same day with other findings is not this one.
      async () => [visit({ visitor_id: 99 }), visit({ findings: '不在家' })],
    )
    expect(outcome.kind).toBe('sent')
    expect(posts).toBe(1)
  })

  it('does not post while the log cannot be read either', async () => {
    const { box } = outbox()
    const e = box.add({ membership_id: 3, person_name: '张桂兰', group: 'elderly_alone', body: body() })!
    await box.send(e.key, async () => Promise.reject(noAnswer()), async () => [])
    let posts = 0
    const outcome = await box.send(
      e.key,
      async (id, b) => (posts++, recorded(id, b)),
      async () => Promise.reject(noAnswer()),
    )
    expect(outcome.kind).toBe('waiting')
    expect(posts).toBe(0)
    expect(box.list()[0]?.attempts).toBe(2)
  })

  it('keeps a refused visit, marked with the code, and leaves it out of later rounds', async () => {
    const { box } = outbox()
    const e = box.add({ membership_id: 3, person_name: '张桂兰', group: 'elderly_alone', body: body() })!
    const outcome = await box.send(e.key, async () => Promise.reject(new ApiError(409, 'membership_ended', 'left')), async () => [])
    expect(outcome.kind).toBe('refused')
    expect(box.list()[0]?.refused).toBe('membership_ended')
    expect(box.pendingCount).toBe(0)
    let posts = 0
    const round = await box.flush(async (id, b) => (posts++, recorded(id, b)), async () => [])
    expect(posts).toBe(0)
    expect(round.sent).toEqual([])
  })

  it('sends the oldest first and stops a round at the first without an answer', async () => {
    const { box } = outbox()
    const a = box.add({ membership_id: 1, person_name: '甲', group: 'disabled', body: body('甲') })!
    box.add({ membership_id: 2, person_name: '乙', group: 'disabled', body: body('乙') })
    box.add({ membership_id: 3, person_name: '丙', group: 'disabled', body: body('丙') })
    const tried: number[] = []
    const round = await box.flush(
      async (id, b) => {
        tried.push(id)
        if (id === 2) throw noAnswer()
        return recorded(id, b)
      },
      async () => [],
    )
    expect(tried).toEqual([1, 2])
    expect(round.sent.map((e) => e.key)).toEqual([a.key])
    expect(round.recorded.map((r) => r.membership.id)).toEqual([1])
    expect(round.waiting).toBe(2)
    expect(box.list().map((e) => e.membership_id)).toEqual([2, 3])
  })

  it('retries a lost session and server failures, not refusals', () => {
    expect(isRetryableVisitError(noAnswer())).toBe(true)
    expect(isRetryableVisitError(new ApiError(502, 'bad_response', 'x'))).toBe(true)
    expect(isRetryableVisitError(new ApiError(401, 'session_expired', 'x'))).toBe(true)
    expect(isRetryableVisitError(new ApiError(429, 'too_many_attempts', 'x'))).toBe(true)
    expect(isRetryableVisitError(new ApiError(400, 'validation_failed', 'x'))).toBe(false)
    expect(isRetryableVisitError(new ApiError(404, 'care_not_found', 'x'))).toBe(false)
    expect(isRetryableVisitError(new TypeError('Failed to fetch'))).toBe(true)
  })

  it('a session lost is retried but not marked as possibly arrived', async () => {
    const { box } = outbox()
    const e = box.add({ membership_id: 3, person_name: '张桂兰', group: 'elderly_alone', body: body() })!
    await box.send(e.key, async () => Promise.reject(new ApiError(401, 'session_expired', 'x')), async () => [])
    expect(box.list()[0]).toMatchObject({ attempts: 1, unanswered: false, refused: null })
  })

  it('says so when storage refuses a new visit', () => {
    const { storage, box } = outbox()
    storage.failWrites = true
    expect(box.add({ membership_id: 3, person_name: '张桂兰', group: 'elderly_alone', body: body() })).toBeNull()
  })

  it('ignores what is not an outbox in storage', () => {
    const { storage, box } = outbox()
    storage.data.set(KEY, '{"not":"a list"}')
    expect(box.list()).toEqual([])
    storage.data.set(KEY, '[{"key":"x"},7]')
    expect(box.list()).toEqual([])
    storage.data.set(KEY, 'not json')
    expect(box.list()).toEqual([])
  })
})

describe('recognising the queued visit in the log', () => {
  const entry: QueuedVisit = {
    key: 'k',
    membership_id: 3,
    person_name: '张桂兰',
    group: 'elderly_alone',
    body: body(),
    queued_at: '2026-11-30T02:00:00Z',
    attempts: 1,
    unanswered: true,
    refused: null,
  }

  it('is by this account, on that day, that way, with those findings, recorded since it was queued', () => {
    expect(isQueuedVisit(visit(), entry, ACCOUNT)).toBe(true)
    expect(isQueuedVisit(visit({ visitor_id: 7 }), entry, ACCOUNT)).toBe(false)
    expect(isQueuedVisit(visit({ visited_on: '2026-11-29' }), entry, ACCOUNT)).toBe(false)
    expect(isQueuedVisit(visit({ way: 'phone' }), entry, ACCOUNT)).toBe(false)
    expect(isQueuedVisit(visit({ findings: '其他' }), entry, ACCOUNT)).toBe(false)
    // An identical visit recorded an hour before this one was queued is an earlier visit.
    expect(isQueuedVisit(visit({ recorded_at: '2026-11-30T01:00:00Z' }), entry, ACCOUNT)).toBe(false)
    // A few minutes early is the server's clock behind the phone's.
    expect(isQueuedVisit(visit({ recorded_at: '2026-11-30T01:55:00Z' }), entry, ACCOUNT)).toBe(true)
  })
})

describe('the form being typed', () => {
  it('is kept while something is typed, and removed when empty', () => {
    const s = new MemoryStorage()
    const d = { membership_id: 3, person_name: '张桂兰', group: 'elderly_alone', joined_on: '2026-11-01', entry_key: null, form: { visited_on: '2026-11-30', way: 'phone' as const, findings: '电话无人接听', follow_up: true } }
    saveVisitDraft(s, 'draft', d)
    expect(loadVisitDraft(s, 'draft')).toEqual(d)
    saveVisitDraft(s, 'draft', { ...d, form: { ...d.form, findings: '  ', follow_up: false } })
    expect(loadVisitDraft(s, 'draft')).toBeNull()
    saveVisitDraft(s, 'draft', d)
    saveVisitDraft(s, 'draft', null)
    expect(s.data.size).toBe(0)
  })

  it('reads nothing from a broken entry', () => {
    const s = new MemoryStorage()
    s.data.set('draft', '{"membership_id":"3"}')
    expect(loadVisitDraft(s, 'draft')).toBeNull()
    s.data.set('draft', '}')
    expect(loadVisitDraft(s, 'draft')).toBeNull()
  })
})
