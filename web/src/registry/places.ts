// 房屋信息 (no components): buildings (楼栋) and houses (房屋). The labels of a house's use, ownership
// and occupancy, the building and house forms' checks (the server's, made first), their bodies, where
// the server's field errors go, and how a house is named ("3号楼 2单元 201").
//
// The forms keep what the inputs hold (text for coordinates, numbers or null for counts) and turn
// into the API's records only when sent, so a half-typed coordinate is never lost or rounded.
import { ApiError } from '../api/http'
import type {
  BuildingEdit,
  BuildingInput,
  BuildingQuery,
  BuildingView,
  HouseEdit,
  HouseInput,
  HouseOwnership,
  HouseQuery,
  HouseUse,
  HouseView,
  Occupancy,
} from '../api/types'
import type { Translator } from '../i18n/errors'
import { charCount, isGridCode } from './people'

// --- Labels -----------------------------------------------------------------------------------------

/** The kinds in the order the server lists them (and the drop-downs offer them). */
export const HOUSE_USES: readonly HouseUse[] = ['residential', 'commercial', 'mixed', 'office', 'industrial', 'other']
export const OWNERSHIPS: readonly HouseOwnership[] = ['private', 'public', 'unit', 'collective', 'other']
export const OCCUPANCIES: readonly Occupancy[] = ['owner_occupied', 'rented', 'vacant', 'other']

/** `prefix.code` translated; a code a newer server adds shows as it is. */
function label(prefix: string, code: string | null | undefined, i18n: Translator): string {
  if (!code) return '—'
  const key = `${prefix}.${code}`
  return i18n.te(key) ? i18n.t(key) : code
}

/** 住宅 for `residential`. */
export const useLabel = (code: string | null | undefined, i18n: Translator) => label('houses.uses', code, i18n)
/** 私产 for `private`. */
export const ownershipLabel = (code: string | null | undefined, i18n: Translator) => label('houses.ownerships', code, i18n)
/** 自住 for `owner_occupied`. */
export const occupancyLabel = (code: string | null | undefined, i18n: Translator) => label('houses.occupancies', code, i18n)

/** A house as people say it: `3号楼 2单元 201` (the building's name when known, else its number). */
export function houseLabel(house: Pick<HouseView, 'building_id' | 'unit' | 'room'>, buildingName: string | null | undefined, i18n: Translator): string {
  const building = buildingName || i18n.t('houses.buildingNo', { id: house.building_id })
  return i18n.t('houses.label', { building, unit: house.unit, room: house.room })
}

// --- Limits (the server's) ------------------------------------------------------------------------

export const BUILDING_LIMITS = { name: 64, address: 200, note: 500, floors: 200, units: 50 } as const
export const HOUSE_LIMITS = { room: 16, note: 500, area: 100_000 } as const

/** Whole numbers from 1 to `max`. */
function inRange(n: number | null | undefined, max: number): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max
}

/**
 * The first code per field of a refusal's `fields[]` (400 `validation_failed`, or a 422 read the
 * same way), for the fields a form shows.
 */
export function fieldCodes<F extends string>(error: unknown, fields: readonly F[]): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {}
  if (!(error instanceof ApiError) || (error.status !== 400 && error.status !== 422)) return out
  for (const f of error.fields) {
    const field = fields.find((name) => name === f.field)
    if (field && f.code && !out[field]) out[field] = f.code
  }
  return out
}

/**
 * A field error's text: `<scope>.fieldErrors.<field>.<code>` when the form words it its own way,
 * else `<scope>.errors.<code>`, else the app's `errors.<code>`, else the code. `{n}` is the
 * field's limit when it has one.
 */
export function placeFieldMessage(scope: string, field: string, code: string | undefined, i18n: Translator, limits: Record<string, number> = {}): string {
  if (!code) return ''
  const n = limits[field] ?? ''
  for (const key of [`${scope}.fieldErrors.${field}.${code}`, `${scope}.errors.${code}`, `errors.${code}`]) {
    if (i18n.te(key)) return i18n.t(key, { n })
  }
  return code
}

/** A refusal's message: `<scope>.errors.<code>` when the page words it, else the app's. */
export function placeErrorMessage(scope: string, error: unknown, i18n: Translator, fallback: (error: unknown) => string): string {
  if (error instanceof ApiError) {
    const own = `${scope}.errors.${error.code}`
    if (i18n.te(own)) return i18n.t(own)
  }
  return fallback(error)
}

/**
 * True when an edit was refused because the record changed meanwhile (409 `stale_version`) or is
 * gone (404 `<what>_not_found`): the page reloads it before another try.
 */
export function isStale(error: unknown, notFound: string): boolean {
  return error instanceof ApiError && ((error.status === 409 && error.code === 'stale_version') || (error.status === 404 && error.code === notFound))
}

// --- Buildings (楼栋) ------------------------------------------------------------------------------

/** The list's search form: a region subtree and the start of a name. */
export interface BuildingSearch {
  region: string
  name: string
}

export function emptyBuildingSearch(): BuildingSearch {
  return { region: '', name: '' }
}

export function buildingQuery(search: BuildingSearch, page: number, pageSize: number): BuildingQuery {
  const query: BuildingQuery = { page, page_size: pageSize }
  const region = search.region.trim()
  const name = search.name.trim()
  if (region) query.region = region
  if (name) query.name = name
  return query
}

/** The inputs of the building dialog, named as the server names them in `fields[]`. */
export type BuildingField = 'grid' | 'name' | 'address' | 'floors' | 'units' | 'lon' | 'lat' | 'crs' | 'note'
export const BUILDING_FIELDS: readonly BuildingField[] = ['grid', 'name', 'address', 'floors', 'units', 'lon', 'lat', 'crs', 'note']

export type Crs = 'wgs84' | 'gcj02'

export interface BuildingForm {
  grid: string
  name: string
  address: string
  floors: number | null
  units: number | null
  /** As typed (decimal degrees); both or neither. */
  lon: string
  lat: string
  /** What the typed point is in: GPS / 天地图 (WGS84) or Amap / Tencent (GCJ-02). */
  crs: Crs
  note: string
}

export function emptyBuildingForm(grid = ''): BuildingForm {
  return { grid, name: '', address: '', floors: null, units: 1, lon: '', lat: '', crs: 'wgs84', note: '' }
}

/** The edit form of a stored building (its point as stored: WGS84). */
export function buildingFormOf(b: BuildingView): BuildingForm {
  return {
    grid: b.grid,
    name: b.name,
    address: b.address ?? '',
    floors: b.floors,
    units: b.units,
    lon: b.lon === null || b.lon === undefined ? '' : String(b.lon),
    lat: b.lat === null || b.lat === undefined ? '' : String(b.lat),
    crs: 'wgs84',
    note: b.note ?? '',
  }
}

/** A typed coordinate as a number, null when empty, NaN when it is not a number. */
function coordinate(raw: string): number | null {
  const s = raw.trim()
  if (!s) return null
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s) ? Number(s) : Number.NaN
}

/** The building form's problems before anything is sent, as the server's codes. */
export function buildingFormErrors(form: BuildingForm): Partial<Record<BuildingField, string>> {
  const errors: Partial<Record<BuildingField, string>> = {}
  const name = form.name.trim()
  if (!name) errors.name = 'required'
  else if (charCount(name) > BUILDING_LIMITS.name) errors.name = 'too_long'
  const grid = form.grid.trim()
  if (!grid) errors.grid = 'required'
  else if (!isGridCode(grid)) errors.grid = 'not_a_grid'
  if (form.floors === null || form.floors === undefined) errors.floors = 'required'
  else if (!inRange(form.floors, BUILDING_LIMITS.floors)) errors.floors = 'floors_out_of_range'
  if (form.units === null || form.units === undefined) errors.units = 'required'
  else if (!inRange(form.units, BUILDING_LIMITS.units)) errors.units = 'units_out_of_range'
  const lon = coordinate(form.lon)
  const lat = coordinate(form.lat)
  if (lon === null && lat !== null) errors.lon = 'required'
  if (lat === null && lon !== null) errors.lat = 'required'
  if (lon !== null && !(lon >= -180 && lon <= 180)) errors.lon = 'invalid_coordinate'
  if (lat !== null && !(lat >= -90 && lat <= 90)) errors.lat = 'invalid_coordinate'
  if (charCount(form.address.trim()) > BUILDING_LIMITS.address) errors.address = 'too_long'
  if (charCount(form.note.trim()) > BUILDING_LIMITS.note) errors.note = 'too_long'
  return errors
}

/**
 * The body of POST /api/v1/buildings (and, with a version, of PUT): the whole record, trimmed;
 * an empty address, note or point is sent as null (the server removes it on an edit). The point's
 * system goes along only when it is not the default. Call once `buildingFormErrors` found nothing.
 */
export function buildingInput(form: BuildingForm): BuildingInput {
  if (form.floors === null || form.units === null) throw new Error('buildingInput: the form has no floors or units')
  const lon = coordinate(form.lon)
  const lat = coordinate(form.lat)
  const body: BuildingInput = {
    grid: form.grid.trim(),
    name: form.name.trim(),
    address: form.address.trim() || null,
    floors: form.floors,
    units: form.units,
    lon,
    lat,
    note: form.note.trim() || null,
  }
  if (lon !== null && lat !== null && form.crs !== 'wgs84') body.crs = form.crs
  return body
}

export function buildingEdit(form: BuildingForm, version: number): BuildingEdit {
  return { ...buildingInput(form), version }
}

/**
 * Where a refused building goes: 400 field codes under their inputs (`below_houses` under floors or
 * units), 404 `region_not_found` (no such grid, or not the caller's) under the grid.
 */
export function buildingFieldErrors(error: unknown): Partial<Record<BuildingField, string>> {
  if (error instanceof ApiError && error.status === 404 && error.code === 'region_not_found') return { grid: error.code }
  return fieldCodes(error, BUILDING_FIELDS)
}

// --- Houses (房屋) ---------------------------------------------------------------------------------

/** The list's filters: a building, a region subtree, an occupancy. */
export interface HouseSearch {
  building_id: number | null
  region: string
  occupancy: Occupancy | ''
}

export function emptyHouseSearch(): HouseSearch {
  return { building_id: null, region: '', occupancy: '' }
}

export function houseQuery(search: HouseSearch, page: number, pageSize: number): HouseQuery {
  const query: HouseQuery = { page, page_size: pageSize }
  if (search.building_id !== null) query.building_id = search.building_id
  const region = search.region.trim()
  if (region) query.region = region
  if (search.occupancy) query.occupancy = search.occupancy
  return query
}

export type HouseField = 'building_id' | 'unit' | 'floor' | 'room' | 'use' | 'ownership' | 'occupancy' | 'area' | 'note'
export const HOUSE_FIELDS: readonly HouseField[] = ['building_id', 'unit', 'floor', 'room', 'use', 'ownership', 'occupancy', 'area', 'note']

export interface HouseForm {
  building_id: number | null
  unit: number | null
  floor: number | null
  /** The number on the door: `201`, `B-1203`. */
  room: string
  use: HouseUse | ''
  ownership: HouseOwnership | ''
  occupancy: Occupancy | ''
  /** m², as typed. */
  area: string
  note: string
}

/**
 * A new house: in `building` when one is chosen (its only unit when it has one), a home; ownership
 * and occupancy are left for the person who knows them to choose.
 */
export function emptyHouseForm(building: Pick<BuildingView, 'id' | 'units'> | null = null): HouseForm {
  return {
    building_id: building?.id ?? null,
    unit: building && building.units === 1 ? 1 : null,
    floor: null,
    room: '',
    use: 'residential',
    ownership: '',
    occupancy: '',
    area: '',
    note: '',
  }
}

export function houseFormOf(h: HouseView): HouseForm {
  return {
    building_id: h.building_id,
    unit: h.unit,
    floor: h.floor,
    room: h.room,
    use: h.use,
    ownership: h.ownership,
    occupancy: h.occupancy,
    area: h.area === null || h.area === undefined ? '' : String(h.area),
    note: h.note ?? '',
  }
}

/** A room number as the server takes it: letters, digits and hyphens, upper-cased. */
export function normalizeRoom(raw: string): string {
  return raw.trim().toUpperCase()
}

/** Why a room number or household number (`short code`) is refused, null when it is fine. */
export function shortCodeProblem(raw: string, max: number, bad: string): string | null {
  const s = raw.trim()
  if (!s) return 'required'
  if (charCount(s) > max) return 'too_long'
  return /^[A-Za-z0-9-]+$/.test(s) ? null : bad
}

/**
 * The house form's problems before anything is sent, as the server's codes. With the chosen
 * building (as listed), its unit and floor are checked against its units and floors.
 */
export function houseFormErrors(form: HouseForm, building: Pick<BuildingView, 'units' | 'floors'> | null = null): Partial<Record<HouseField, string>> {
  const errors: Partial<Record<HouseField, string>> = {}
  if (form.building_id === null) errors.building_id = 'required'
  if (form.unit === null || form.unit === undefined) errors.unit = 'required'
  else if (!inRange(form.unit, building?.units ?? BUILDING_LIMITS.units)) errors.unit = 'unit_out_of_range'
  if (form.floor === null || form.floor === undefined) errors.floor = 'required'
  else if (!inRange(form.floor, building?.floors ?? BUILDING_LIMITS.floors)) errors.floor = 'floor_out_of_range'
  const room = shortCodeProblem(form.room, HOUSE_LIMITS.room, 'room_characters')
  if (room) errors.room = room
  if (!form.use) errors.use = 'required'
  if (!form.ownership) errors.ownership = 'required'
  if (!form.occupancy) errors.occupancy = 'required'
  const area = form.area.trim()
  if (area) {
    const n = /^(\d+(\.\d*)?|\.\d+)$/.test(area) ? Number(area) : Number.NaN
    if (!(n > 0 && n <= HOUSE_LIMITS.area)) errors.area = 'area_out_of_range'
  }
  if (charCount(form.note.trim()) > HOUSE_LIMITS.note) errors.note = 'too_long'
  return errors
}

/** The body of POST /api/v1/houses: the whole record. Call once `houseFormErrors` found nothing. */
export function houseInput(form: HouseForm): HouseInput {
  if (form.building_id === null || !form.use || !form.ownership || !form.occupancy) throw new Error('houseInput: the form is incomplete')
  const area = form.area.trim()
  return {
    building_id: form.building_id,
    unit: form.unit,
    floor: form.floor,
    room: normalizeRoom(form.room),
    use: form.use,
    ownership: form.ownership,
    occupancy: form.occupancy,
    area: area ? Number(area) : null,
    note: form.note.trim() || null,
  }
}

export function houseEdit(form: HouseForm, version: number): HouseEdit {
  return { ...houseInput(form), version }
}

/**
 * Where a refused house goes: 400 field codes under their inputs, 409 `duplicate_house` under the
 * room, 404 `building_not_found` under the building.
 */
export function houseFieldErrors(error: unknown): Partial<Record<HouseField, string>> {
  if (error instanceof ApiError && error.status === 409 && error.code === 'duplicate_house') return { room: error.code }
  if (error instanceof ApiError && error.status === 404 && error.code === 'building_not_found') return { building_id: error.code }
  return fieldCodes(error, HOUSE_FIELDS)
}

/** Houses in the order a building is walked: unit, then floor, then room (`2` before `10`). */
export function sortHouses<H extends Pick<HouseView, 'unit' | 'floor' | 'room'>>(houses: readonly H[]): H[] {
  const collator = new Intl.Collator('en', { numeric: true })
  return [...houses].sort((a, b) => a.unit - b.unit || a.floor - b.floor || collator.compare(a.room, b.room))
}

/** The grid whose buildings a household may live in: a sub-grid's grid (its first 15 digits), or the grid itself. */
export function buildingRegionOf(grid: string): string {
  const g = grid.trim()
  return /^\d{15}(\d{2})?$/.test(g) ? g.slice(0, 15) : ''
}
