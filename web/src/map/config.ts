/** Neighbourhood sub-grids are small; below this zoom they would be noise, so they are not fetched. */
export const SUBGRID_MIN_ZOOM = 15

/** What the map reports to the page for its status line. */
export interface MapStatus {
  loading: boolean
  gridCount: number
  zoom: number
}
