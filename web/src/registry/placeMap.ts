// What the registry's small map (views/registry/PlaceMap.vue) draws besides boundaries.

/** A marker: a point in WGS84, its fill colour, its tooltip. */
export interface PlaceMarker {
  id: number
  lon: number
  lat: number
  color: string
  /** The tooltip. */
  title: string
  /** Extra classes of the marker's path (tests find markers by them). */
  className?: string
}
