// 城市部件 (no components): facilities' kinds and states with their labels and map colours, the
// search form's query, the record form's checks and bodies (a point is required; the grid is the
// point's unless one is named), where the server's field errors go, and the map's extent.
//
// Like the building form, the form keeps the coordinates as typed (text), so a half-typed one is
// never lost or rounded; a click on the map writes them with six decimals (about 0.1 m).
import { ApiError } from '../api/http'
import type { BBox, FacilityEdit, FacilityInput, FacilityKind, FacilityQuery, FacilityState, FacilityView } from '../api/types'
import type { Translator } from '../i18n/errors'
import { charCount, isGridCode } from './people'
import { fieldCodes, shortCodeProblem, type Crs } from './places'

/** The kinds and states in the order the server lists them. */
export const FACILITY_KINDS: readonly FacilityKind[] = ['street_lamp', 'manhole_cover', 'fire_hydrant', 'trash_bin', 'camera', 'traffic_sign', 'bus_shelter', 'other']
export const FACILITY_STATES: readonly FacilityState[] = ['normal', 'damaged', 'missing', 'removed']

function label(prefix: string, code: string | null | undefined, i18n: Translator): string {
  if (!code) return '—'
  const key = `${prefix}.${code}`
  return i18n.te(key) ? i18n.t(key) : code
}

/** 路灯 for `street_lamp`. */
export const facilityKindLabel = (code: string | null | undefined, i18n: Translator) => label('facilities.kinds', code, i18n)
/** 损坏 for `damaged`. */
export const facilityStateLabel = (code: string | null | undefined, i18n: Translator) => label('facilities.states', code, i18n)

/** A state's colour on the map and in the legend: intact green, damaged red, missing orange, removed grey. */
export const STATE_COLORS: Record<FacilityState, string> = {
  normal: '#67c23a',
  damaged: '#f56c6c',
  missing: '#e6a23c',
  removed: '#909399',
}
const UNKNOWN_COLOR = '#409eff'

export function stateColor(state: string | null | undefined): string {
  return (state && STATE_COLORS[state as FacilityState]) || UNKNOWN_COLOR
}

/** The Element Plus tag type of a state. */
export function stateTagType(state: string | null | undefined): 'success' | 'danger' | 'warning' | 'info' | 'primary' {
  return state === 'normal' ? 'success' : state === 'damaged' ? 'danger' : state === 'missing' ? 'warning' : state === 'removed' ? 'info' : 'primary'
}

/** A point as a table cell shows it: `116.99170, 36.67070`. */
export function formatPoint(lon: number | null | undefined, lat: number | null | undefined): string {
  if (lon === null || lon === undefined || lat === null || lat === undefined) return '—'
  return `${lon.toFixed(5)}, ${lat.toFixed(5)}`
}

// --- The list -----------------------------------------------------------------------------------

export interface FacilitySearch {
  region: string
  kind: FacilityKind | ''
  state: FacilityState | ''
}

export function emptyFacilitySearch(): FacilitySearch {
  return { region: '', kind: '', state: '' }
}

export function facilityQuery(search: FacilitySearch, page: number, pageSize: number): FacilityQuery {
  const query: FacilityQuery = { page, page_size: pageSize }
  const region = search.region.trim()
  if (region) query.region = region
  if (search.kind) query.kind = search.kind
  if (search.state) query.state = search.state
  return query
}

/** The most facilities the map view shows of one result (the server's pages hold at most 100). */
export const MAP_LIMIT = 500
export const MAP_PAGE_SIZE = 100

/** The pages to read for the map: enough for `total`, at most MAP_LIMIT facilities. */
export function mapPages(total: number): number {
  return Math.max(1, Math.ceil(Math.min(total, MAP_LIMIT) / MAP_PAGE_SIZE))
}

/**
 * The extent around facilities, for framing them on the map; a single point (or several at one
 * place) gets a margin of `pad` degrees (about 200 m) so the map does not zoom in to the last tile.
 */
export function facilitiesBBox(items: readonly Pick<FacilityView, 'lon' | 'lat'>[], pad = 0.002): BBox | null {
  if (!items.length) return null
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const { lon, lat } of items) {
    w = Math.min(w, lon)
    e = Math.max(e, lon)
    s = Math.min(s, lat)
    n = Math.max(n, lat)
  }
  if (e - w < pad) [w, e] = [w - pad, e + pad]
  if (n - s < pad) [s, n] = [s - pad, n + pad]
  return [w, s, e, n]
}

// --- The record form ----------------------------------------------------------------------------

export const FACILITY_LIMITS = { code: 32, owner_department: 100, note: 500 } as const

export type FacilityField = 'kind' | 'code' | 'lon' | 'lat' | 'crs' | 'grid' | 'state' | 'owner_department' | 'note'
export const FACILITY_FIELDS: readonly FacilityField[] = ['kind', 'code', 'lon', 'lat', 'crs', 'grid', 'state', 'owner_department', 'note']

export interface FacilityForm {
  kind: FacilityKind | ''
  /** 部件编码, as typed. */
  code: string
  /** Decimal degrees as typed; both are required. */
  lon: string
  lat: string
  crs: Crs
  /** Empty: the grid the point lies in (the server finds it). */
  grid: string
  state: FacilityState
  owner_department: string
  note: string
}

export function emptyFacilityForm(kind: FacilityKind | '' = ''): FacilityForm {
  return { kind, code: '', lon: '', lat: '', crs: 'wgs84', grid: '', state: 'normal', owner_department: '', note: '' }
}

/** The edit form of a stored facility: as stored (its point in WGS84, its grid named). */
export function facilityFormOf(f: FacilityView): FacilityForm {
  return {
    kind: (FACILITY_KINDS as readonly string[]).includes(f.kind) ? (f.kind as FacilityKind) : '',
    code: f.code ?? '',
    lon: String(f.lon),
    lat: String(f.lat),
    crs: 'wgs84',
    grid: f.grid,
    state: (FACILITY_STATES as readonly string[]).includes(f.state) ? (f.state as FacilityState) : 'normal',
    owner_department: f.owner_department ?? '',
    note: f.note ?? '',
  }
}

/** A clicked point as the form holds it: six decimals, longitude wrapped into [-180, 180]. */
export function pointText(lng: number, lat: number): { lon: string; lat: string } {
  const lon = ((((lng + 180) % 360) + 360) % 360) - 180
  return { lon: lon.toFixed(6), lat: lat.toFixed(6) }
}

/** A typed coordinate as a number, null when empty, NaN when it is not a number. */
export function coordinate(raw: string): number | null {
  const s = raw.trim()
  if (!s) return null
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s) ? Number(s) : Number.NaN
}

/** The form's point when both coordinates are numbers on the globe, else null. */
export function formPoint(form: Pick<FacilityForm, 'lon' | 'lat'>): { lon: number; lat: number } | null {
  const lon = coordinate(form.lon)
  const lat = coordinate(form.lat)
  if (lon === null || lat === null || !(lon >= -180 && lon <= 180) || !(lat >= -90 && lat <= 90)) return null
  return { lon, lat }
}

/** A facility code as the server keeps it: trimmed, upper-case. */
export function normalizeFacilityCode(raw: string): string {
  return raw.trim().toUpperCase()
}

/** The form's problems before anything is sent, as the server's codes. */
export function facilityFormErrors(form: FacilityForm): Partial<Record<FacilityField, string>> {
  const errors: Partial<Record<FacilityField, string>> = {}
  if (!form.kind) errors.kind = 'required'
  if (form.code.trim()) {
    const problem = shortCodeProblem(form.code, FACILITY_LIMITS.code, 'facility_code_characters')
    if (problem) errors.code = problem
  }
  const lon = coordinate(form.lon)
  const lat = coordinate(form.lat)
  if (lon === null) errors.lon = 'required'
  else if (!(lon >= -180 && lon <= 180)) errors.lon = 'invalid_coordinate'
  if (lat === null) errors.lat = 'required'
  else if (!(lat >= -90 && lat <= 90)) errors.lat = 'invalid_coordinate'
  const grid = form.grid.trim()
  if (grid && !isGridCode(grid)) errors.grid = 'not_a_grid'
  if (charCount(form.owner_department.trim()) > FACILITY_LIMITS.owner_department) errors.owner_department = 'too_long'
  if (charCount(form.note.trim()) > FACILITY_LIMITS.note) errors.note = 'too_long'
  return errors
}

/**
 * The body of POST /api/v1/facilities: the whole record, trimmed, empty parts null (an empty grid:
 * the point's); the point's system only when it is not the default. Call once `facilityFormErrors`
 * found nothing.
 */
export function facilityInput(form: FacilityForm): FacilityInput {
  const point = formPoint(form)
  if (!form.kind || !point) throw new Error('facilityInput: the form has no kind or point')
  const body: FacilityInput = {
    kind: form.kind,
    code: normalizeFacilityCode(form.code) || null,
    lon: point.lon,
    lat: point.lat,
    grid: form.grid.trim() || null,
    state: form.state,
    owner_department: form.owner_department.trim() || null,
    note: form.note.trim() || null,
  }
  if (form.crs !== 'wgs84') body.crs = form.crs
  return body
}

export function facilityEdit(form: FacilityForm, version: number): FacilityEdit {
  return { ...facilityInput(form), version }
}

/**
 * Where a refused facility's errors go: 400 field codes under their inputs (the server names a point
 * outside the district `lon,lat`: both inputs), 409 `duplicate_facility_code` under the code, 404
 * `region_not_found` under the grid.
 */
export function facilityFieldErrors(error: unknown): Partial<Record<FacilityField, string>> {
  if (error instanceof ApiError && error.status === 409 && error.code === 'duplicate_facility_code') return { code: error.code }
  if (error instanceof ApiError && error.status === 404 && error.code === 'region_not_found') return { grid: error.code }
  const out = fieldCodes(error, FACILITY_FIELDS)
  if (error instanceof ApiError && (error.status === 400 || error.status === 422)) {
    for (const f of error.fields) {
      if (!f.code || !f.field.includes(',')) continue
      for (const part of f.field.split(',').map((p) => p.trim())) {
        const field = FACILITY_FIELDS.find((name) => name === part)
        if (field && !out[field]) out[field] = f.code
      }
    }
  }
  return out
}
