// Where a map of the registry starts: the part of the region tree the signed-in user sees (the
// district for district staff, their community for a community operator), found once per account.
import { fetchRegions } from '../api/gridgov'
import type { BBox } from '../api/types'
import { findVisibleExtent } from '../map/extent'

let cached: { account: number | null; extent: Promise<BBox | null> } | null = null

/** The extent of the user's reach; null when nothing visible has a boundary. Failures are not kept. */
export function reachBBox(account: number | null | undefined): Promise<BBox | null> {
  const key = account ?? null
  if (cached && cached.account === key) return cached.extent
  const extent = findVisibleExtent((parent) => fetchRegions(parent)).then((e) => e.bbox)
  cached = { account: key, extent }
  extent.catch(() => {
    if (cached?.extent === extent) cached = null
  })
  return extent
}
