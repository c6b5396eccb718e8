import { describe, expect, it, vi } from 'vitest'
import type { BBox, Region, RegionLevel } from '../api/types'
import { findVisibleExtent, unionBBox } from './extent'

function region(code: string, level: RegionLevel, bbox: BBox | null, childCount = 3): Region {
  return { code, name: code, level, kind: null, exclusive_type: null, bbox, child_count: childCount } as Region
}

/** A fake GET /regions?parent= over a fixed tree (what the server sends for one user). */
function tree(children: Record<string, Region[]>) {
  return vi.fn(async (parent?: string) => children[parent ?? ''] ?? [])
}

const district = region('370105000000', 'district', [116.9, 36.6, 117.1, 36.8], 10)
const street1 = region('370105001000', 'street', [116.9, 36.6, 117.0, 36.7])
const street2 = region('370105002000', 'street', [117.0, 36.65, 117.1, 36.8])
const community = region('370105001001', 'community', [116.95, 36.62, 116.97, 36.64], 12)
const grid1 = region('370105001001001', 'grid', [116.95, 36.62, 116.96, 36.63])
const grid2 = region('370105001001002', 'grid', [116.96, 36.63, 116.97, 36.64])

describe('unionBBox', () => {
  it('covers every box and skips missing ones', () => {
    expect(unionBBox([[0, 0, 1, 1], null, [2, -1, 3, 0.5], undefined])).toEqual([0, -1, 3, 1])
    expect(unionBBox([])).toBeNull()
    expect(unionBBox([null])).toBeNull()
  })
})

describe('findVisibleExtent', () => {
  it('frames the streets for a district-wide user', async () => {
    const children = tree({ '': [district], '370105000000': [street1, street2] })
    const extent = await findVisibleExtent(children)
    expect(extent.path.map((r) => r.code)).toEqual(['370105000000'])
    expect(extent.home?.level).toBe('district')
    expect(extent.bbox).toEqual([116.9, 36.6, 117.1, 36.8])
    expect(children).toHaveBeenCalledTimes(2)
  })

  it('goes down to the community of a community operator and frames its grids', async () => {
    const children = tree({
      '': [district],
      '370105000000': [street1],
      '370105001000': [community],
      '370105001001': [grid1, grid2],
    })
    const extent = await findVisibleExtent(children)
    expect(extent.path.map((r) => r.level)).toEqual(['district', 'street', 'community'])
    expect(extent.home?.code).toBe('370105001001')
    expect(extent.spread).toHaveLength(2)
    expect(extent.bbox).toEqual([116.95, 36.62, 116.97, 36.64])
  })

  it("stops at a single region with nothing visible below, framing that region", async () => {
    const leaf = region('370105001001001', 'grid', [116.95, 36.62, 116.96, 36.63], 0)
    const children = tree({ '': [district], '370105000000': [street1], '370105001000': [community], '370105001001': [leaf] })
    const extent = await findVisibleExtent(children)
    expect(extent.home?.code).toBe(leaf.code)
    expect(extent.bbox).toEqual(leaf.bbox)
    // child_count 0: a leaf is not asked for children.
    expect(children).not.toHaveBeenCalledWith(leaf.code)
  })

  it('falls back to the deepest region that has a boundary', async () => {
    const undrawn = region('370105001000', 'street', null, 4)
    const extent = await findVisibleExtent(tree({ '': [district], '370105000000': [undrawn] }))
    expect(extent.home?.code).toBe('370105001000')
    expect(extent.bbox).toEqual(district.bbox)
  })

  it('frames several districts, and reports nothing for a user who sees nothing', async () => {
    const other = region('370102000000', 'district', [117.0, 36.6, 117.2, 36.7])
    const several = await findVisibleExtent(tree({ '': [district, other] }))
    expect(several.home).toBeNull()
    expect(several.bbox).toEqual([116.9, 36.6, 117.2, 36.8])
    const none = await findVisibleExtent(tree({}))
    expect(none).toEqual({ path: [], home: null, spread: [], bbox: null })
  })
})
