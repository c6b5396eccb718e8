import { describe, expect, it } from 'vitest'
import type { ReachedScope } from '../api/types'
import { ancestors, isReached, isWithin, parentCode, pathToReach, reachesNoRegion, reachOf, scopeSpec, subtreePrefix, unionScopes } from './scope'

const none: ReachedScope = { all: false, subtrees: [], units: [], own_records_of: null }
const DISTRICT = '370105000000'
const STREET = '370105001000'
const COMMUNITY = '370105001001'
const GRID = '370105001001001'
const SUBGRID = '37010500100100101'

describe('region codes', () => {
  it('knows the significant digits of each level', () => {
    expect(subtreePrefix(DISTRICT)).toBe('370105')
    expect(subtreePrefix(STREET)).toBe('370105001')
    expect(subtreePrefix(COMMUNITY)).toBe(COMMUNITY)
    expect(subtreePrefix(GRID)).toBe(GRID)
    expect(subtreePrefix(SUBGRID)).toBe(SUBGRID)
  })

  it('walks up to the district', () => {
    expect(parentCode(DISTRICT)).toBeNull()
    expect(parentCode(STREET)).toBe(DISTRICT)
    expect(parentCode(COMMUNITY)).toBe(STREET)
    expect(parentCode(GRID)).toBe(COMMUNITY)
    expect(parentCode(SUBGRID)).toBe(GRID)
    expect(ancestors(SUBGRID)).toEqual([DISTRICT, STREET, COMMUNITY, GRID])
  })

  it('tells what lies within a region', () => {
    expect(isWithin(GRID, STREET)).toBe(true)
    expect(isWithin(STREET, STREET)).toBe(true)
    expect(isWithin(DISTRICT, STREET)).toBe(false)
    expect(isWithin('370105002001', STREET)).toBe(false)
  })
})

describe('scope on the tree', () => {
  it('reaches everything with a district-wide scope', () => {
    expect(reachOf({ ...none, all: true }, GRID)).toBe('all')
    expect(pathToReach({ ...none, all: true })).toEqual([])
  })

  it('highlights a subtree and shows the path above it normally', () => {
    const s = { ...none, subtrees: [COMMUNITY] }
    expect(reachOf(s, COMMUNITY)).toBe('subtree')
    expect(reachOf(s, GRID)).toBe('subtree')
    expect(reachOf(s, STREET)).toBe('path')
    expect(reachOf(s, DISTRICT)).toBe('path')
    expect(reachOf(s, '370105001002')).toBe('none')
    expect(isReached(reachOf(s, GRID))).toBe(true)
    expect(isReached(reachOf(s, STREET))).toBe(false)
    expect(pathToReach(s)).toEqual([DISTRICT, STREET])
  })

  it('reaches a unit itself but not what lies below', () => {
    const s = { ...none, units: [COMMUNITY] }
    expect(reachOf(s, COMMUNITY)).toBe('unit')
    expect(reachOf(s, GRID)).toBe('none')
    expect(reachOf(s, STREET)).toBe('path')
  })

  it('unites the scopes of several permissions, dropping what a wider root covers', () => {
    const u = unionScopes([
      { ...none, subtrees: [STREET], units: [GRID] },
      { ...none, subtrees: [COMMUNITY], units: ['370105002001'], own_records_of: 7 },
    ])
    expect(u).toEqual({ all: false, subtrees: [STREET], units: ['370105002001'], own_records_of: 7 })
    expect(unionScopes([none, { ...none, all: true, subtrees: [STREET] }])).toEqual({ all: true, subtrees: [], units: [], own_records_of: null })
  })

  it('notices a scope without any region', () => {
    expect(reachesNoRegion({ ...none, own_records_of: 3 })).toBe(true)
    expect(reachesNoRegion({ ...none, units: [GRID] })).toBe(false)
  })

  it('builds scope specs', () => {
    expect(scopeSpec('own_unit_and_below', [STREET])).toEqual({ kind: 'own_unit_and_below' })
    expect(scopeSpec('subtrees', [STREET])).toEqual({ kind: 'subtrees', regions: [STREET] })
  })
})
