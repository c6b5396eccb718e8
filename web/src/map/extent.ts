import type { BBox, Region } from '../api/types'

/** The smallest bbox around all given ones (missing ones are skipped); null when there are none. */
export function unionBBox(boxes: readonly (BBox | null | undefined)[]): BBox | null {
  let out: BBox | null = null
  for (const b of boxes) {
    if (!b) continue
    out = out ? [Math.min(out[0], b[0]), Math.min(out[1], b[1]), Math.max(out[2], b[2]), Math.max(out[3], b[3])] : [b[0], b[1], b[2], b[3]]
  }
  return out
}

/** What part of the region tree a user sees, and where the map should start. */
export interface VisibleExtent {
  /**
   * The chain of regions that are each the only visible one of their level, from the top down
   * (district → street → community for a community operator): the tree opens these.
   */
  path: Region[]
  /** The deepest of them, which the view is about; null when several districts are visible. */
  home: Region | null
  /** The regions below `home` (or the districts) that are visible: several, or none. */
  spread: Region[]
  /** Where the map starts: around `spread` when there are several, else `home`'s own extent. */
  bbox: BBox | null
}

/** Deeper than sub-grids there is nothing; a bound in case the data ever loops. */
const MAX_DEPTH = 6

/**
 * Walks down the region tree as the user sees it (lists are filtered to the user's data scope):
 * while a level holds a single visible region, go into it. Stops at the first level with several
 * regions (the view frames them all) or at a region with nothing visible below (the view frames
 * it). An admin stops at the district's streets; a community operator at their community's grids.
 *
 * `children(undefined)` lists the districts. The server's `child_count` counts every child, not
 * only the visible ones, so it is used only to skip asking a leaf for children.
 */
export async function findVisibleExtent(children: (parent?: string) => Promise<Region[]>): Promise<VisibleExtent> {
  const path: Region[] = []
  let items = await children(undefined)
  while (items.length === 1 && path.length < MAX_DEPTH) {
    const only = items[0]!
    path.push(only)
    items = only.child_count > 0 ? await children(only.code) : []
  }
  const home = path.at(-1) ?? null
  const spread = items.length > 1 ? items : []
  const bbox = unionBBox(spread.map((r) => r.bbox)) ?? home?.bbox ?? deepestBBox(path)
  return { path, home, spread, bbox }
}

/** The extent of the deepest region of `path` that has one (a region may not be drawn yet). */
function deepestBBox(path: readonly Region[]): BBox | null {
  for (let i = path.length - 1; i >= 0; i--) {
    const b = path[i]!.bbox
    if (b) return b
  }
  return null
}
