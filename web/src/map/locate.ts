import type { LocateResult } from '../api/types'

/** What the locate popup shows: a pending query, its answer, or a translated error. */
export type LocateState =
  | { status: 'loading'; lon: number; lat: number }
  | { status: 'done'; result: LocateResult }
  | { status: 'error'; lon: number; lat: number; message: string; code: string }
