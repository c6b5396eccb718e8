import { describe, expect, it } from 'vitest'
import type { CaseChange } from '../api/types'
import { backoffDelay, CaseEventHub, ChangeBatcher, DEFAULT_BACKOFF, parseCaseChange, type EventSourceLike, type HubDeps, type LiveMessage } from './caseEvents'
import { batchAffectsCase, batchAffectsList, listAffected, shownVersions, type ListView } from './relevance'

const change = (id: number, version: number, extra: Partial<CaseChange> = {}): CaseChange => ({
  id,
  state: 'accepted',
  version,
  holder_kind: 'centre',
  holder_unit: '370105001001',
  holder_department_id: null,
  updated_at: '2026-11-25T02:00:00Z',
  ...extra,
})

/** Timers run by hand, in order of their due time. */
function manualTimers() {
  let now = 0
  let seq = 0
  const pending = new Map<number, { at: number; fn: () => void }>()
  return {
    setTimeout: (fn: () => void, ms: number) => {
      seq += 1
      pending.set(seq, { at: now + ms, fn })
      return seq
    },
    clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    /** Moves the clock on, running what falls due. */
    advance(ms: number) {
      const until = now + ms
      for (;;) {
        const next = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0]
        if (!next || next[1].at > until) break
        pending.delete(next[0])
        now = next[1].at
        next[1].fn()
      }
      now = until
    },
    get count() {
      return pending.size
    },
  }
}

class FakeSource implements EventSourceLike {
  listeners = new Map<string, ((e: MessageEvent | Event) => void)[]>()
  closed = false
  addEventListener(type: string, fn: (e: MessageEvent | Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn])
  }
  close() {
    this.closed = true
  }
  fire(type: string, data?: string) {
    for (const fn of this.listeners.get(type) ?? []) fn({ data } as MessageEvent)
  }
}

function setUp() {
  const timers = manualTimers()
  const sources: FakeSource[] = []
  const deps: HubDeps = {
    ...timers,
    random: () => 0.5,
    create: () => {
      const s = new FakeSource()
      sources.push(s)
      return s
    },
  }
  const hub = new CaseEventHub('/api/v1/cases/events', deps, { idleCloseMs: 5_000, backoff: DEFAULT_BACKOFF })
  return { timers, sources, hub }
}

describe('backoffDelay', () => {
  it('doubles from one second up to thirty, with part of each wait random', () => {
    const none = { ...DEFAULT_BACKOFF, jitter: 0 }
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, none))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000])
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0)).toBe(700)
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 1)).toBe(1000)
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(6800)
    expect(backoffDelay(-3, none)).toBe(1000)
    expect(backoffDelay(1e9, none)).toBe(30000)
  })
})

describe('parseCaseChange', () => {
  it('reads a change and refuses anything else', () => {
    expect(parseCaseChange(JSON.stringify(change(3, 2)))).toEqual(change(3, 2))
    expect(parseCaseChange('{}')).toBeNull()
    expect(parseCaseChange('not json')).toBeNull()
    expect(parseCaseChange('null')).toBeNull()
  })
})

describe('CaseEventHub', () => {
  it('shares one stream between pages and passes changes and reloads on', () => {
    const { sources, hub } = setUp()
    const a: LiveMessage[] = []
    const b: LiveMessage[] = []
    hub.subscribe((m) => a.push(m))
    hub.subscribe((m) => b.push(m))
    expect(sources.length).toBe(1)
    sources[0]?.fire('open')
    sources[0]?.fire('case', JSON.stringify(change(7, 3)))
    sources[0]?.fire('case', 'garbage')
    sources[0]?.fire('reload', '{}')
    expect(a).toEqual([{ kind: 'case', change: change(7, 3) }, { kind: 'reload' }])
    expect(b).toEqual(a)
    expect(hub.state).toBe('open')
  })

  it('reconnects with a growing wait, and asks for a reload once back', () => {
    const { sources, hub, timers } = setUp()
    const heard: LiveMessage[] = []
    hub.subscribe((m) => heard.push(m))
    sources[0]?.fire('open')
    sources[0]?.fire('error')
    expect(sources[0]?.closed).toBe(true)
    expect(hub.state).toBe('waiting')
    timers.advance(849)
    expect(sources.length).toBe(1)
    timers.advance(1)
    expect(sources.length).toBe(2)
    sources[1]?.fire('error')
    timers.advance(1699)
    expect(sources.length).toBe(2)
    timers.advance(1)
    expect(sources.length).toBe(3)
    sources[2]?.fire('error')
    timers.advance(3400)
    expect(sources.length).toBe(4)
    sources[3]?.fire('open')
    expect(heard).toEqual([{ kind: 'reload' }])
    // Open again: the next drop starts from the shortest wait.
    sources[3]?.fire('error')
    timers.advance(850)
    expect(sources.length).toBe(5)
  })

  it('closes a while after the last page left, and stays open if one comes back', () => {
    const { sources, hub, timers } = setUp()
    const stop = hub.subscribe(() => {})
    sources[0]?.fire('open')
    stop()
    timers.advance(4_000)
    const again = hub.subscribe(() => {})
    timers.advance(10_000)
    expect(sources[0]?.closed).toBe(false)
    expect(sources.length).toBe(1)
    again()
    timers.advance(5_000)
    expect(sources[0]?.closed).toBe(true)
    expect(hub.state).toBe('idle')
    hub.subscribe(() => {})
    expect(sources.length).toBe(2)
  })

  it('stops without reconnecting when the server says the session ended', () => {
    const { sources, hub, timers } = setUp()
    const heard: LiveMessage[] = []
    hub.subscribe((m) => heard.push(m))
    sources[0]?.fire('open')
    sources[0]?.fire('logout', '{}')
    expect(heard).toEqual([{ kind: 'reload' }])
    expect(sources[0]?.closed).toBe(true)
    expect(hub.state).toBe('idle')
    sources[0]?.fire('error')
    timers.advance(60_000)
    expect(sources.length).toBe(1)
  })

  it('stops at once on logout and ignores the old stream', () => {
    const { sources, hub, timers } = setUp()
    const heard: LiveMessage[] = []
    hub.subscribe((m) => heard.push(m))
    sources[0]?.fire('error')
    hub.stop()
    expect(timers.count).toBe(0)
    sources[0]?.fire('case', JSON.stringify(change(1, 1)))
    expect(heard).toEqual([])
    expect(hub.state).toBe('idle')
    hub.resume()
    expect(sources.length).toBe(2)
  })
})

describe('ChangeBatcher', () => {
  it('hands over a burst once, the newest version of each case', () => {
    const timers = manualTimers()
    const batches: { changes: CaseChange[]; reload: boolean }[] = []
    const batcher = new ChangeBatcher((b) => batches.push(b), 400, timers)
    batcher.push({ kind: 'case', change: change(1, 2) })
    timers.advance(300)
    batcher.push({ kind: 'case', change: change(1, 3) })
    batcher.push({ kind: 'case', change: change(1, 2) })
    batcher.push({ kind: 'case', change: change(2, 1) })
    timers.advance(100)
    expect(batches).toEqual([{ changes: [change(1, 3), change(2, 1)], reload: false }])
    batcher.push({ kind: 'reload' })
    timers.advance(400)
    expect(batches[1]).toEqual({ changes: [], reload: true })
    batcher.push({ kind: 'reload' })
    batcher.cancel()
    timers.advance(1000)
    expect(batches.length).toBe(2)
  })
})

describe('relevance', () => {
  const view = (extra: Partial<ListView> = {}): ListView => ({
    shown: shownVersions([{ id: 1, version: 3 }]),
    inbox: 'all',
    states: [],
    unit: '370105001001',
    departmentId: 4,
    ...extra,
  })

  it('reloads for a case on screen only when it moved on', () => {
    expect(listAffected(change(1, 3), view())).toBe(false)
    expect(listAffected(change(1, 4), view())).toBe(true)
    expect(listAffected(change(1, 4, { state: 'closed' }), view({ states: ['accepted'] }))).toBe(true)
  })

  it('for other cases, asks whether they now belong in the list', () => {
    expect(listAffected(change(9, 2, { state: 'closed' }), view({ states: ['accepted', 'handling'] }))).toBe(false)
    expect(listAffected(change(9, 2), view({ states: ['accepted'] }))).toBe(true)
    expect(listAffected(change(9, 2), view({ inbox: 'mine' }))).toBe(true)
    expect(listAffected(change(9, 2, { holder_unit: '370105001002' }), view({ inbox: 'mine' }))).toBe(false)
    expect(listAffected(change(9, 2, { holder_kind: 'department', holder_unit: '370105000000', holder_department_id: 4 }), view({ inbox: 'department' }))).toBe(true)
    expect(listAffected(change(9, 2, { holder_kind: 'department', holder_department_id: 5 }), view({ inbox: 'department' }))).toBe(false)
    expect(listAffected(change(9, 1, { state: 'reported' }), view({ inbox: 'reported' }))).toBe(true)
    expect(listAffected(change(9, 4), view({ inbox: 'reported' }))).toBe(false)
  })

  it('judges batches', () => {
    expect(batchAffectsList({ changes: [], reload: true }, view())).toBe(true)
    expect(batchAffectsList({ changes: [change(1, 3)], reload: false }, view())).toBe(false)
    expect(batchAffectsCase({ changes: [change(1, 4)], reload: false }, 1, 3)).toBe(true)
    expect(batchAffectsCase({ changes: [change(1, 3), change(2, 9)], reload: false }, 1, 3)).toBe(false)
    expect(batchAffectsCase({ changes: [], reload: true }, 1, 3)).toBe(true)
    expect(batchAffectsCase({ changes: [], reload: true }, null, null)).toBe(false)
  })
})
