// Data scopes on the region tree, as pure functions (no Vue): which regions a scope reaches, and which
// lie on the way down to them. Region codes follow GB/T 10114 plus the grid extensions:
// district 12 digits (`370105000000`), street 12 (`370105001000`), community 12 (`370105001001`),
// grid 15, sub-grid 17; every code in a region's subtree starts with its significant digits.
import type { ReachedScope, ScopeKind, ScopeSpec } from '../api/types'

/** The digits every code in the region's subtree starts with (district 6, street 9, community 12, grid 15, sub-grid 17). */
export function subtreePrefix(code: string): string {
  if (code.length === 15 || code.length === 17) return code
  if (code.endsWith('000000')) return code.slice(0, 6)
  if (code.endsWith('000')) return code.slice(0, 9)
  return code.slice(0, 12)
}

/** True when `code` is `root` or lies below it. */
export function isWithin(code: string, root: string): boolean {
  return code.startsWith(subtreePrefix(root))
}

/** The parent's code, or null for a district. */
export function parentCode(code: string): string | null {
  if (code.length === 17) return code.slice(0, 15)
  if (code.length === 15) return code.slice(0, 12)
  if (code.endsWith('000000')) return null
  if (code.endsWith('000')) return `${code.slice(0, 6)}000000`
  return `${code.slice(0, 9)}000`
}

/** Ancestors from the district down to the parent. */
export function ancestors(code: string): string[] {
  const out: string[] = []
  for (let c = parentCode(code); c !== null; c = parentCode(c)) out.unshift(c)
  return out
}

/**
 * How a scope meets a region on the tree:
 * - `all`: the scope is district-wide;
 * - `subtree`: the region is inside a reached subtree;
 * - `unit`: the region itself is reached (not what lies below);
 * - `path`: the region is above something reached (shown to find the way, not reached);
 * - `none`: outside.
 */
export type Reach = 'all' | 'subtree' | 'unit' | 'path' | 'none'

export function reachOf(scope: ReachedScope, code: string): Reach {
  if (scope.all) return 'all'
  if (scope.subtrees.some((root) => isWithin(code, root))) return 'subtree'
  if (scope.units.includes(code)) return 'unit'
  if ([...scope.subtrees, ...scope.units].some((c) => c !== code && isWithin(c, code))) return 'path'
  return 'none'
}

/** True when the region counts as reached (drawn highlighted and checked). */
export function isReached(reach: Reach): boolean {
  return reach === 'all' || reach === 'subtree' || reach === 'unit'
}

/** The union of several permissions' scopes (to draw "everything this account reaches"). */
export function unionScopes(scopes: readonly ReachedScope[]): ReachedScope {
  const all = scopes.some((s) => s.all)
  const subtrees = [...new Set(scopes.flatMap((s) => s.subtrees))].sort()
  // A root inside another one adds nothing.
  const roots = subtrees.filter((c) => !subtrees.some((o) => o !== c && isWithin(c, o)))
  const units = [...new Set(scopes.flatMap((s) => s.units))].filter((u) => !roots.some((r) => isWithin(u, r))).sort()
  const own = scopes.find((s) => s.own_records_of !== null && s.own_records_of !== undefined)?.own_records_of ?? null
  return { all, subtrees: all ? [] : roots, units: all ? [] : units, own_records_of: own }
}

/** Tree nodes to open so that every reached root shows: the ancestors of the subtree roots and units. */
export function pathToReach(scope: ReachedScope): string[] {
  if (scope.all) return []
  return [...new Set([...scope.subtrees, ...scope.units].flatMap(ancestors))].sort()
}

/** True when the scope reaches nothing by region (perhaps only the account's own records). */
export function reachesNoRegion(scope: ReachedScope): boolean {
  return !scope.all && scope.subtrees.length === 0 && scope.units.length === 0
}

/** The scope kinds a role assignment can carry, in the order the form offers them. */
export const SCOPE_KINDS: readonly ScopeKind[] = ['all', 'own_unit_and_below', 'own_unit', 'own_records', 'subtrees']

/** A scope spec from the form's choice; `regions` only matters for `subtrees`. */
export function scopeSpec(kind: ScopeKind, regions: readonly string[] = []): ScopeSpec {
  return kind === 'subtrees' ? { kind, regions: [...regions] } : { kind }
}
