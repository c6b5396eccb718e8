import type { PathOptions } from 'leaflet'
import type { GridKind, RegionLevel } from '../api/types'

/**
 * Colours of the map, shared by the layers and the legend so they cannot drift apart.
 * Unit grids blue, exclusive grids orange, neighbourhood sub-grids green; streets in party red.
 */
export const COLORS = {
  unit: '#409eff',
  exclusive: '#e6a23c',
  neighbourhood: '#67c23a',
  community: '#5a5e66',
  street: '#c0392b',
  selected: '#f56c6c',
} as const

export type LegendKey = keyof Omit<typeof COLORS, 'selected'>

interface StyleState {
  hover?: boolean
  selected?: boolean
}

/** Fill style of a grid or sub-grid polygon. */
export function gridStyle(kind: GridKind | null, level: RegionLevel, state: StyleState = {}): PathOptions {
  const colorKey: LegendKey = level === 'subgrid' || kind === 'neighbourhood' ? 'neighbourhood' : kind === 'exclusive' ? 'exclusive' : 'unit'
  const color = COLORS[colorKey]
  const base: PathOptions = {
    color,
    weight: 1,
    opacity: 0.9,
    fillColor: color,
    // Sub-grids tile their grid and are drawn over it: a faint fill keeps them clickable
    // without hiding the grid's colour.
    fillOpacity: colorKey === 'exclusive' ? 0.32 : colorKey === 'neighbourhood' ? 0.04 : 0.14,
    dashArray: colorKey === 'neighbourhood' ? '4 3' : undefined,
  }
  // Only the fill changes here; the emphasised outline is an overlay (see emphasisStyle).
  if (state.selected) return { ...base, fillColor: COLORS.selected, fillOpacity: 0.3 }
  if (state.hover) return { ...base, fillOpacity: (base.fillOpacity ?? 0) + 0.2 }
  return base
}

/** The outline drawn over everything for the hovered and the selected region. */
export function emphasisStyle(kind: 'hover' | 'selected'): PathOptions {
  return kind === 'selected'
    ? { color: COLORS.selected, weight: 3, opacity: 1, fill: false }
    : { color: '#303133', weight: 2, opacity: 0.9, fill: false }
}

/** Outline style of a street or community boundary (no fill, drawn above grids). */
export function outlineStyle(level: 'street' | 'community'): PathOptions {
  const street = level === 'street'
  return {
    color: COLORS[level],
    weight: street ? 3 : 1.8,
    opacity: street ? 0.9 : 0.75,
    fill: false,
    dashArray: street ? undefined : '6 4',
  }
}
