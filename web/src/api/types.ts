// Types of the gridgov HTTP API (v1) as used by the web console.
// Coordinates are WGS84, GeoJSON order [lon, lat]; a bbox is [minLon, minLat, maxLon, maxLat].

export type BBox = [number, number, number, number]

export type RegionLevel = 'district' | 'street' | 'community' | 'grid' | 'subgrid'
export type GridKind = 'unit' | 'exclusive' | 'neighbourhood'
export type ExclusiveType = 'school' | 'hospital' | 'market' | 'enterprise' | 'industrial_park' | 'government'
export type TeamRole = 'leader' | 'lead_worker' | 'helper'
export type Employment = 'full_time' | 'part_time'
export type ForceSource =
  | 'grid_worker'
  | 'department'
  | 'street_cadre'
  | 'dual_report_member'
  | 'village_cadre'
  | 'party_member'
  | 'volunteer'

export interface DistrictSummary {
  code: string
  name: string
  bbox: BBox
}

export interface Meta {
  name: string
  version: string
  tile_url: string | null
  tile_attribution: string | null
  districts: DistrictSummary[]
}

export interface Region {
  code: string
  name: string
  level: RegionLevel
  kind: GridKind | null
  exclusive_type: ExclusiveType | null
  parent_code: string | null
  child_count: number
  bbox: BBox | null
}

export interface RegionList {
  items: Region[]
}

export interface MultiPolygon {
  type: 'MultiPolygon'
  coordinates: number[][][][]
}

export interface GridProperties {
  code: string
  name: string
  level: RegionLevel
  kind: GridKind | null
  exclusive_type: ExclusiveType | null
  parent_code: string | null
}

export interface Polygon {
  type: 'Polygon'
  coordinates: number[][][]
}

export interface GridFeature {
  type: 'Feature'
  id: string
  /** Null for a region whose boundary has not been drawn yet. */
  geometry: MultiPolygon | Polygon | null
  properties: GridProperties
}

export interface GridFeatureCollection {
  type: 'FeatureCollection'
  features: GridFeature[]
}

export interface RegionRef {
  code: string
  name: string
}

export interface Ancestor extends RegionRef {
  level: RegionLevel
}

export interface TeamMember {
  staff_id: number
  staff_no?: string
  name: string
  role: TeamRole
  employment: Employment
  force_source: ForceSource
  /** The helper's own unit (a department, an employer), when known. */
  unit?: string | null
}

/** The grid service management centre in charge of a region. */
export interface Centre {
  name: string
  duty_phone: string | null
  address: string | null
}

export interface GridDetail extends GridProperties {
  area_m2: number | null
  bbox: BBox | null
  geometry: MultiPolygon | null
  version?: number
  ancestors: Ancestor[]
  team: TeamMember[]
  centre: Centre | null
}

export interface LocateResult {
  point: { lon: number; lat: number }
  district: RegionRef | null
  street: RegionRef | null
  community: RegionRef | null
  grid: RegionRef | null
  subgrid: RegionRef | null
}

/** One invalid input: `code` is a stable snake_case code like the error's, `reason` English text. */
export interface FieldError {
  field: string
  code?: string
  reason: string
}

/** The body of every error response: `{"error": {...}}`. */
export interface ApiErrorBody {
  error: {
    code: string
    message: string
    fields?: FieldError[]
  }
}
