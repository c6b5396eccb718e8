import type { MultiPolygon, Polygon } from '../api/types'

/** Leaflet order [lat, lon], nested polygon → ring → vertex like the GeoJSON MultiPolygon. */
export type LatLngTuple = [number, number]

/**
 * GeoJSON (Multi)Polygon ([lon, lat]) to the nested [lat, lon] arrays L.polygon takes;
 * null when there is nothing to draw (no boundary yet, or another geometry type).
 */
export function toLatLngs(geometry: MultiPolygon | Polygon | null): LatLngTuple[][][] | null {
  if (!geometry) return null
  const polygons = geometry.type === 'MultiPolygon' ? geometry.coordinates : geometry.type === 'Polygon' ? [geometry.coordinates] : null
  if (!polygons || polygons.length === 0) return null
  return polygons.map((polygon) =>
    polygon.map((ring) => ring.map((position) => [position[1] ?? 0, position[0] ?? 0] as LatLngTuple)),
  )
}
