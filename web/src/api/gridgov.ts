// The gridgov API v1 endpoints used by the console. One function per endpoint.
import { getJson } from './http'
import type {
  BBox,
  GridDetail,
  GridFeatureCollection,
  LocateResult,
  Meta,
  Region,
  RegionLevel,
  RegionList,
} from './types'

const BASE = '/api/v1'

export function fetchMeta(signal?: AbortSignal): Promise<Meta> {
  return getJson<Meta>(`${BASE}/meta`, {}, signal)
}

/** The districts when `parent` is omitted, otherwise the children of `parent`. */
export async function fetchRegions(parent?: string, signal?: AbortSignal): Promise<Region[]> {
  const list = await getJson<RegionList>(`${BASE}/regions`, { parent }, signal)
  return list.items
}

/** Boundaries of the regions of one level (grid by default) that intersect `bbox`. */
export function fetchGrids(bbox: BBox, level?: RegionLevel, signal?: AbortSignal): Promise<GridFeatureCollection> {
  return getJson<GridFeatureCollection>(`${BASE}/grids`, { bbox, level }, signal)
}

export function fetchGrid(code: string, signal?: AbortSignal): Promise<GridDetail> {
  return getJson<GridDetail>(`${BASE}/grids/${encodeURIComponent(code)}`, {}, signal)
}

export type Crs = 'wgs84' | 'gcj02'

/** Which district / street / community / grid / sub-grid contains the point. */
export function locate(lon: number, lat: number, crs: Crs = 'wgs84', signal?: AbortSignal): Promise<LocateResult> {
  // 7 decimals is ~1 cm: more digits only lengthen the URL.
  const round = (v: number) => Math.round(v * 1e7) / 1e7
  return getJson<LocateResult>(`${BASE}/locate`, { lon: round(lon), lat: round(lat), crs }, signal)
}
