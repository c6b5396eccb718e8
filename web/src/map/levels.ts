import type { RegionLevel } from '../api/types'

/** Element Plus tag type per region level, so each level reads the same everywhere. */
export const LEVEL_TAG_TYPE: Record<RegionLevel, 'danger' | 'warning' | 'success' | 'primary' | 'info'> = {
  district: 'danger',
  street: 'warning',
  community: 'success',
  grid: 'primary',
  subgrid: 'info',
}
