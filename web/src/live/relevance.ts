// Which live case changes concern what a page shows (no Vue). The server sends only cases the user
// may see, but a list shows one inbox, some states, one page: a change elsewhere need not reload it.
import type { CaseChange, CaseInbox } from '../api/types'
import type { LiveBatch } from './caseEvents'

/** What a case list shows and whose it is. */
export interface ListView {
  /** The cases on screen and the versions shown. */
  shown: ReadonlyMap<number, number>
  inbox: CaseInbox
  /** The state filter (empty: any state). */
  states: readonly string[]
  /** The account's unit (centre or grid) and department, for `mine` and `department`. */
  unit: string | null
  departmentId: number | null
}

/**
 * True when the change may alter the list: a case on screen moved on (a newer version), or a case
 * not on screen may now belong in it (its state passes the filter and its holder is the inbox's).
 * Cases reported meanwhile are version 1: a `reported` list (my reports) may gain one.
 */
export function listAffected(change: CaseChange, view: ListView): boolean {
  const shownVersion = view.shown.get(change.id)
  if (shownVersion !== undefined) return change.version > shownVersion
  if (view.states.length && !view.states.includes(change.state)) return false
  switch (view.inbox) {
    case 'mine':
      return change.holder_kind !== 'department' && change.holder_unit === view.unit
    case 'department':
      return change.holder_kind === 'department' && change.holder_department_id !== null && change.holder_department_id === view.departmentId
    case 'reported':
      return change.version === 1
    default:
      return true
  }
}

/** True when a batch concerns a list (a reload always does). */
export function batchAffectsList(batch: LiveBatch, view: ListView): boolean {
  return batch.reload || batch.changes.some((c) => listAffected(c, view))
}

/** True when a batch concerns the case shown at `version` (a reload always does). */
export function batchAffectsCase(batch: LiveBatch, id: number | null, version: number | null): boolean {
  if (id === null) return false
  if (batch.reload) return true
  return batch.changes.some((c) => c.id === id && (version === null || c.version > version))
}

/** The versions a list shows, for ListView.shown. */
export function shownVersions(rows: readonly { id: number; version: number }[]): Map<number, number> {
  return new Map(rows.map((r) => [r.id, r.version]))
}
