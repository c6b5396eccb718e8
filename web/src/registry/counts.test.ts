import { describe, expect, it } from 'vitest'
import type { CountedRegion, RegionCounts } from '../api/types'
import { ancestorCodes, canDrill, countCards, countRow, countRows, orderedParts, sumOf, totalRow, trailFromRoot, trailTo } from './counts'

function counts(over: Partial<RegionCounts> = {}): RegionCounts {
  return {
    people: { registered: 10, floating: 3, overseas: 1 },
    people_total: 14,
    households: 5,
    buildings: 2,
    houses: 6,
    care: { elderly_alone: { members: 2, overdue: 1 } },
    care_total: { members: 2, overdue: 1 },
    organisations: { enterprise: 2, shop: 1, school: 0, hospital: 0, social_org: 0, public: 0, other: 0 },
    facilities: { normal: 4, damaged: 1, missing: 2, removed: 1 },
    ...over,
  }
}

const region = (code: string, name: string, level: CountedRegion['level'], c: RegionCounts = counts()): CountedRegion => ({ code, name, level, counts: c })

describe('counts', () => {
  it('adds up maps and orders their parts, zeros and unknown codes too', () => {
    expect(sumOf({ a: 1, b: 2 })).toBe(3)
    expect(sumOf(undefined)).toBe(0)
    expect(orderedParts({ b: 2, z: 9, a: 1 }, ['a', 'b', 'c'])).toEqual([
      { code: 'a', n: 1 },
      { code: 'b', n: 2 },
      { code: 'c', n: 0 },
      { code: 'z', n: 9 },
    ])
  })

  it('makes the summary cards with totals, parts and what needs attention', () => {
    const cards = countCards(counts())
    expect(cards.map((c) => c.key)).toEqual(['people', 'households', 'buildings', 'houses', 'care', 'organisations', 'facilities'])
    const byKey = Object.fromEntries(cards.map((c) => [c.key, c]))
    expect(byKey.people!.total).toBe(14)
    expect(byKey.people!.parts.map((p) => p.code)).toEqual(['registered', 'floating', 'overseas'])
    expect(byKey.care).toMatchObject({ total: 2, alert: 1 })
    expect(byKey.organisations).toMatchObject({ total: 3, prefix: 'orgs.kinds' })
    expect(byKey.organisations!.parts[0]).toEqual({ code: 'enterprise', n: 2 })
    expect(byKey.facilities).toMatchObject({ total: 8, alert: 3 })
  })

  it('flattens a child into a table row and sums the rows', () => {
    const row = countRow(region('370105001001', '幸福社区', 'community'))
    expect(row).toMatchObject({ code: '370105001001', people: 14, registered: 10, floating: 3, overseas: 1, care: 2, overdue: 1, organisations: 3, facilities: 8, broken: 3, drillable: true })
    const rows = countRows([region('370105001001', 'A', 'community'), region('370105001002', 'B', 'community', counts({ people_total: 1, households: 0 }))])
    expect(totalRow(rows)).toMatchObject({ people: 15, households: 5, organisations: 6, broken: 6 })
    expect(countRow(region('37010500100100101', 'S', 'subgrid')).drillable).toBe(false)
  })

  it('opens every level that has children', () => {
    expect(['district', 'street', 'community', 'grid'].every(canDrill)).toBe(true)
    expect(canDrill('subgrid')).toBe(false)
  })
})

describe('the drill-down trail', () => {
  const district = { code: '370105000000', name: '天桥区' }
  const street = { code: '370105001000', name: '无影山街道' }
  const community = { code: '370105001001', name: '幸福社区' }

  it('goes one step deeper, or back to a step on the trail', () => {
    expect(trailTo([district], street)).toEqual([district, street])
    expect(trailTo([district, street, community], street)).toEqual([district, street])
    expect(trailTo([district, street, community], district)).toEqual([district])
    expect(trailTo([district, { code: street.code, name: street.code }], street)).toEqual([district, street])
  })

  it('knows the regions above a code', () => {
    expect(ancestorCodes('370105000000')).toEqual([])
    expect(ancestorCodes('370105001000')).toEqual(['370105000000'])
    expect(ancestorCodes('370105001001')).toEqual(['370105000000', '370105001000'])
    expect(ancestorCodes('370105001001002')).toEqual(['370105000000', '370105001000', '370105001001'])
    expect(ancestorCodes('37010500100100203')).toEqual(['370105000000', '370105001000', '370105001001', '370105001001002'])
    expect(ancestorCodes('3701')).toEqual([])
  })

  it('rebuilds the trail from where the reader starts, and not from above it', () => {
    const names: Record<string, string> = { '370105001000': '无影山街道', '370105001001': '幸福社区' }
    const name = (c: string) => names[c]
    expect(trailFromRoot(district, '370105001001002', name)).toEqual([district, street, community, { code: '370105001001002', name: '370105001001002' }])
    expect(trailFromRoot(community, '370105001001002', name)).toEqual([community, { code: '370105001001002', name: '370105001001002' }])
    expect(trailFromRoot(community, community.code, name)).toEqual([community])
    // Another community, or a region above the reader's start.
    expect(trailFromRoot(community, '370105001002001', name)).toBeNull()
    expect(trailFromRoot(community, '370105001000', name)).toBeNull()
  })
})
