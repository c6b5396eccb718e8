// Live case updates without Vue: one EventSource per tab on GET /api/v1/cases/events, shared by
// every page that shows cases, reconnected with a growing, jittered back-off when it drops, and
// closed a few seconds after the last page stopped listening (or at once on logout). Pages get the
// changes in batches (ChangeBatcher) and decide what is theirs (relevance.ts).
import type { CaseChange } from '../api/types'

/** What a page hears: a case changed, or "reload everything" (the server dropped messages, or we reconnected). */
export type LiveMessage = { kind: 'case'; change: CaseChange } | { kind: 'reload' }
export type LiveListener = (message: LiveMessage) => void

export interface BackoffOptions {
  /** The first wait. */
  baseMs: number
  /** No wait is longer. */
  maxMs: number
  factor: number
  /** The share of each wait that is random (0: none, 1: anything from 0 to the wait), so that many tabs do not reconnect at once. */
  jitter: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000, factor: 2, jitter: 0.3 }

/**
 * The wait before reconnect number `attempt` (0 for the first after a drop): base × factor^attempt,
 * capped at maxMs, of which the `jitter` share is random.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const n = Math.max(0, Math.floor(attempt))
  const full = Math.min(options.maxMs, options.baseMs * options.factor ** Math.min(n, 30))
  const jitter = Math.min(1, Math.max(0, options.jitter))
  return Math.round(full * (1 - jitter) + full * jitter * random())
}

/** Parses one `event: case` message; null for anything that is not a case change. */
export function parseCaseChange(data: string): CaseChange | null {
  try {
    const value: unknown = JSON.parse(data)
    if (typeof value !== 'object' || value === null) return null
    const c = value as Partial<CaseChange>
    if (typeof c.id !== 'number' || typeof c.version !== 'number' || typeof c.state !== 'string') return null
    return value as CaseChange
  } catch {
    return null
  }
}

/** The part of EventSource the hub uses (a fake in tests). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent | Event) => void): void
  close(): void
}

export interface HubDeps {
  create(url: string): EventSourceLike
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  random?: () => number
}

export type HubState = 'idle' | 'connecting' | 'open' | 'waiting'

/** One shared stream of case changes. */
export class CaseEventHub {
  private source: EventSourceLike | null = null
  private readonly listeners = new Set<LiveListener>()
  private retryTimer: unknown = null
  private idleTimer: unknown = null
  private attempt = 0
  private openedBefore = false
  private generation = 0
  state: HubState = 'idle'

  constructor(
    private readonly url: string,
    private readonly deps: HubDeps,
    private readonly options: { idleCloseMs: number; backoff: BackoffOptions } = { idleCloseMs: 5_000, backoff: DEFAULT_BACKOFF },
  ) {}

  get listenerCount(): number {
    return this.listeners.size
  }

  /** Starts listening (connecting if needed); returns the function that stops it. */
  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener)
    this.cancelIdleClose()
    if (this.state === 'idle') this.connect()
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) this.scheduleIdleClose()
    }
  }

  /** Connects again after stop() if pages still listen (another account signed in meanwhile). */
  resume(): void {
    if (this.state === 'idle' && this.listeners.size > 0) this.connect()
  }

  /** Closes the stream now (logout); the next subscribe opens a new one. */
  stop(): void {
    this.generation += 1
    this.cancelIdleClose()
    if (this.retryTimer !== null) this.deps.clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.source?.close()
    this.source = null
    this.state = 'idle'
    this.attempt = 0
    this.openedBefore = false
  }

  private emit(message: LiveMessage): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(message)
      } catch {
        // One page's failure must not stop the others' updates.
      }
    }
  }

  private connect(): void {
    const generation = this.generation
    this.state = 'connecting'
    let source: EventSourceLike
    try {
      source = this.deps.create(this.url)
    } catch {
      this.retry()
      return
    }
    this.source = source
    const current = () => this.generation === generation && this.source === source
    source.addEventListener('open', () => {
      if (!current()) return
      this.state = 'open'
      this.attempt = 0
      // Changes made while we were away were not heard: everyone reloads once.
      if (this.openedBefore) this.emit({ kind: 'reload' })
      this.openedBefore = true
    })
    source.addEventListener('case', (event) => {
      if (!current()) return
      const change = parseCaseChange(String((event as MessageEvent).data ?? ''))
      if (change) this.emit({ kind: 'case', change })
    })
    source.addEventListener('reload', () => {
      if (current()) this.emit({ kind: 'reload' })
    })
    // The server ended the stream because the session ended (logged out elsewhere, expired,
    // rights revoked): no reconnecting. Pages reload once, and their requests' 401 leads the
    // user to the login page.
    source.addEventListener('logout', () => {
      if (!current()) return
      this.stop()
      this.emit({ kind: 'reload' })
    })
    source.addEventListener('error', () => {
      if (!current()) return
      // EventSource would retry on its own every few seconds, and give up for good on an HTTP
      // error; we close it and retry with a growing wait either way.
      source.close()
      this.source = null
      this.retry()
    })
  }

  private retry(): void {
    if (this.listeners.size === 0) {
      this.state = 'idle'
      return
    }
    this.state = 'waiting'
    const delay = backoffDelay(this.attempt, this.options.backoff, this.deps.random)
    this.attempt += 1
    const generation = this.generation
    this.retryTimer = this.deps.setTimeout(() => {
      this.retryTimer = null
      if (generation === this.generation && this.state === 'waiting') this.connect()
    }, delay)
  }

  private scheduleIdleClose(): void {
    this.cancelIdleClose()
    this.idleTimer = this.deps.setTimeout(() => {
      this.idleTimer = null
      if (this.listeners.size === 0) this.stop()
    }, this.options.idleCloseMs)
  }

  private cancelIdleClose(): void {
    if (this.idleTimer !== null) this.deps.clearTimeout(this.idleTimer)
    this.idleTimer = null
  }
}

/** What a page gets after a quiet moment: the latest change of each case, or "reload everything". */
export interface LiveBatch {
  changes: CaseChange[]
  reload: boolean
}

/**
 * Collects messages and hands them over `delayMs` after the first of a burst (not later however
 * many follow), so that ten changes in a second cost a page one reload.
 */
export class ChangeBatcher {
  private changes = new Map<number, CaseChange>()
  private reload = false
  private timer: unknown = null

  constructor(
    private readonly deliver: (batch: LiveBatch) => void,
    private readonly delayMs: number,
    private readonly timers: Pick<HubDeps, 'setTimeout' | 'clearTimeout'>,
  ) {}

  push(message: LiveMessage): void {
    if (message.kind === 'reload') this.reload = true
    else {
      const known = this.changes.get(message.change.id)
      if (!known || known.version <= message.change.version) this.changes.set(message.change.id, message.change)
    }
    this.timer ??= this.timers.setTimeout(() => this.flush(), this.delayMs)
  }

  flush(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
    if (!this.reload && this.changes.size === 0) return
    const batch: LiveBatch = { changes: [...this.changes.values()], reload: this.reload }
    this.changes = new Map()
    this.reload = false
    this.deliver(batch)
  }

  cancel(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
    this.changes = new Map()
    this.reload = false
  }
}
