// 统计 (no components): the registry's counts of a region and its children shaped for the page —
// the summary cards, one flat table row per child, the breadcrumb trail of the drill-down, and the
// ancestors of a region code (a reload rebuilds the trail from the code in the URL).
import type { CountedRegion, RegionCounts, RegionLevel } from '../api/types'

/** The orders the server lists kinds, groups and states in; codes a newer server adds follow. */
export const PERSON_KIND_ORDER = ['registered', 'floating', 'overseas'] as const
export const ORG_KIND_ORDER = ['enterprise', 'shop', 'school', 'hospital', 'social_org', 'public', 'other'] as const
export const FACILITY_STATE_ORDER = ['normal', 'damaged', 'missing', 'removed'] as const

/** The sum of a `code → count` map. */
export function sumOf(counts: Readonly<Record<string, number>> | null | undefined): number {
  let n = 0
  for (const v of Object.values(counts ?? {})) n += v
  return n
}

/** A `code → count` map as ordered parts: the known codes in `order` (zeros too), then any others by code. */
export function orderedParts(counts: Readonly<Record<string, number>> | null | undefined, order: readonly string[]): { code: string; n: number }[] {
  const c = counts ?? {}
  const known = order.map((code) => ({ code, n: c[code] ?? 0 }))
  const others = Object.keys(c)
    .filter((code) => !order.includes(code))
    .sort()
    .map((code) => ({ code, n: c[code] ?? 0 }))
  return [...known, ...others]
}

/** One summary card: a total and the parts it is made of (`prefix.code` names each part). */
export interface CountCard {
  key: 'people' | 'households' | 'buildings' | 'houses' | 'care' | 'organisations' | 'facilities'
  total: number
  /** The i18n prefix of the parts' names. */
  prefix?: string
  parts: { code: string; n: number }[]
  /** A number that needs attention (overdue visits, damaged or missing facilities), if any. */
  alert?: number
}

/** The cards of a region's counts, in the page's order. */
export function countCards(c: RegionCounts): CountCard[] {
  const facilities = orderedParts(c.facilities, FACILITY_STATE_ORDER)
  return [
    { key: 'people', total: c.people_total, prefix: 'people.kind', parts: orderedParts(c.people, PERSON_KIND_ORDER) },
    { key: 'households', total: c.households, parts: [] },
    { key: 'buildings', total: c.buildings, parts: [] },
    { key: 'houses', total: c.houses, parts: [] },
    { key: 'care', total: c.care_total.members, parts: [], alert: c.care_total.overdue },
    { key: 'organisations', total: sumOf(c.organisations), prefix: 'orgs.kinds', parts: orderedParts(c.organisations, ORG_KIND_ORDER) },
    {
      key: 'facilities',
      total: sumOf(c.facilities),
      prefix: 'facilities.states',
      parts: facilities,
      alert: facilities.filter((p) => p.code === 'damaged' || p.code === 'missing').reduce((n, p) => n + p.n, 0),
    },
  ]
}

/** One child region as a table row. */
export interface CountRow {
  code: string
  name: string
  level: RegionLevel
  people: number
  registered: number
  floating: number
  overseas: number
  households: number
  buildings: number
  houses: number
  care: number
  overdue: number
  organisations: number
  facilities: number
  /** Damaged or missing facilities. */
  broken: number
  /** Whether the row opens (a sub-grid has no children). */
  drillable: boolean
}

export function countRow(r: CountedRegion): CountRow {
  const c = r.counts
  return {
    code: r.code,
    name: r.name,
    level: r.level,
    people: c.people_total,
    registered: c.people.registered ?? 0,
    floating: c.people.floating ?? 0,
    overseas: c.people.overseas ?? 0,
    households: c.households,
    buildings: c.buildings,
    houses: c.houses,
    care: c.care_total.members,
    overdue: c.care_total.overdue,
    organisations: sumOf(c.organisations),
    facilities: sumOf(c.facilities),
    broken: (c.facilities.damaged ?? 0) + (c.facilities.missing ?? 0),
    drillable: canDrill(r.level),
  }
}

/** The children's rows as the server orders them (by code). */
export function countRows(children: readonly CountedRegion[]): CountRow[] {
  return children.map(countRow)
}

/** The sums of the children's rows, for the table's 合计 line. */
export function totalRow(rows: readonly CountRow[]): Omit<CountRow, 'code' | 'name' | 'level' | 'drillable'> {
  const keys = ['people', 'registered', 'floating', 'overseas', 'households', 'buildings', 'houses', 'care', 'overdue', 'organisations', 'facilities', 'broken'] as const
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<(typeof keys)[number], number>
  for (const row of rows) for (const k of keys) out[k] += row[k]
  return out
}

/** Whether a region of this level has children to count (a sub-grid has none). */
export function canDrill(level: string): boolean {
  return level === 'district' || level === 'street' || level === 'community' || level === 'grid'
}

/** One step of the breadcrumb. */
export interface TrailStep {
  code: string
  name: string
}

/**
 * The trail after opening `region`: back to it when it is on the trail already (a breadcrumb
 * click), else one step deeper.
 */
export function trailTo(trail: readonly TrailStep[], region: TrailStep): TrailStep[] {
  const at = trail.findIndex((s) => s.code === region.code)
  return at >= 0 ? trail.slice(0, at + 1).map((s, i) => (i === at ? { ...s, name: region.name || s.name } : s)) : [...trail, region]
}

/**
 * The regions above a code, top down (district, street, community, grid), from the statistical
 * codes: a street is its district's 6 digits and 3 of its own then `000`, a community the street's 9
 * and 3 of its own, a grid the community's 12 and 3, a sub-grid the grid's 15 and 2. Empty for a
 * malformed code.
 */
export function ancestorCodes(code: string): string[] {
  if (!/^\d{12}(\d{3}(\d{2})?)?$/.test(code)) return []
  const district = `${code.slice(0, 6)}000000`
  const street = `${code.slice(0, 9)}000`
  const community = code.slice(0, 12)
  const chain = [district, street, community]
  if (code.length === 17) chain.push(code.slice(0, 15))
  // Only the regions above: a street's own code equals its `street`, a district's its `district`.
  const own = chain.indexOf(code)
  const above = own >= 0 ? chain.slice(0, own) : chain
  // A district's streets end in 000 too (`370105000000` is no street): drop repeats.
  return above.filter((c, i) => c !== code && above.indexOf(c) === i)
}

/**
 * The trail from `root` (where the reader's scope starts) down to `code`, its names from `name`
 * (a code while unknown). Null when `code` is not `root` or below it.
 */
export function trailFromRoot(root: TrailStep, code: string, name: (code: string) => string | null | undefined): TrailStep[] | null {
  if (code === root.code) return [root]
  const chain = [...ancestorCodes(code), code]
  const at = chain.indexOf(root.code)
  if (at < 0) return null
  return [root, ...chain.slice(at + 1).map((c) => ({ code: c, name: name(c) ?? c }))]
}
