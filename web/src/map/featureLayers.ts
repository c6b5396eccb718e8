import type { LeafletMouseEvent, PathOptions, Polygon, Renderer, Map as LeafletMap, LayerGroup } from 'leaflet'
import L from './leaflet'
import type { GridFeature, GridProperties } from '../api/types'
import { toLatLngs } from './geometry'

export interface FeatureStyleState {
  hover: boolean
  selected: boolean
}

export interface FeatureLayerSetOptions {
  pane: string
  renderer: Renderer
  /** Interactive layers get hover, tooltip and click; outlines are not (clicks fall through). */
  interactive: boolean
  style: (props: GridProperties, state: FeatureStyleState) => PathOptions
  onClick?: (props: GridProperties, event: LeafletMouseEvent) => void
  /** Called with the hovered feature's outline, or null when the pointer leaves it. */
  onHover?: (outline: LatLngs | null) => void
}

/** A polygon's rings as Leaflet holds them. */
export type LatLngs = ReturnType<Polygon['getLatLngs']>

interface Entry {
  layer: Polygon
  props: GridProperties
}

/**
 * One kind of boundary on the map (grids, sub-grids, community or street outlines), keyed by code.
 * `replace` diffs against what is drawn so that panning only adds and removes the polygons that
 * entered or left the view, instead of redrawing the 1,000+ paths each time.
 */
export class FeatureLayerSet {
  private readonly entries = new Map<string, Entry>()
  private readonly group: LayerGroup
  private hovered: string | null = null
  private selected: string | null = null

  constructor(
    private readonly map: LeafletMap,
    private readonly options: FeatureLayerSetOptions,
  ) {
    this.group = L.layerGroup().addTo(map)
  }

  get size(): number {
    return this.entries.size
  }

  replace(features: readonly GridFeature[]): void {
    const wanted = new Set<string>()
    for (const feature of features) {
      const code = feature.properties.code
      wanted.add(code)
      if (!this.entries.has(code) && !this.add(feature)) wanted.delete(code)
    }
    for (const [code, entry] of this.entries) {
      if (!wanted.has(code)) {
        this.group.removeLayer(entry.layer)
        this.entries.delete(code)
        if (this.hovered === code) this.hover(null)
      }
    }
  }

  setVisible(visible: boolean): void {
    if (visible && !this.map.hasLayer(this.group)) this.group.addTo(this.map)
    if (!visible && this.map.hasLayer(this.group)) this.group.remove()
  }

  setSelected(code: string | null): void {
    const previous = this.selected
    this.selected = code
    if (previous) this.restyle(previous)
    if (code) this.restyle(code)
  }

  /** The outline of a drawn feature, or null when it is not loaded. */
  outline(code: string): LatLngs | null {
    return this.entries.get(code)?.layer.getLatLngs() ?? null
  }

  /** Draws a feature; false when it has no drawable boundary. */
  private add(feature: GridFeature): boolean {
    const latLngs = toLatLngs(feature.geometry)
    if (!latLngs) return false
    const props = feature.properties
    const { interactive, pane, renderer } = this.options
    const layer = L.polygon(latLngs, {
      ...this.options.style(props, this.state(props.code)),
      pane,
      renderer,
      interactive,
      // Clicks on a polygon must not also reach the map, where an empty-area click means "locate".
      bubblingMouseEvents: false,
    })
    if (interactive) {
      layer.bindTooltip(props.name, { sticky: true, direction: 'top', offset: [0, -8], className: 'grid-tooltip' })
      layer.on('mouseover', () => this.hover(props.code))
      layer.on('mouseout', () => this.hover(null))
      layer.on('click', (event: LeafletMouseEvent) => this.options.onClick?.(props, event))
    }
    this.entries.set(props.code, { layer, props })
    this.group.addLayer(layer)
    return true
  }

  // Emphasis is drawn by the owner on an overlay instead of bringToFront(): moving the hovered
  // <path> in the DOM makes Chromium drop the following click, which then never reaches the grid.
  private hover(code: string | null): void {
    const previous = this.hovered
    this.hovered = code
    if (previous) this.restyle(previous)
    if (code) this.restyle(code)
    this.options.onHover?.(code ? this.outline(code) : null)
  }

  private restyle(code: string): void {
    const entry = this.entries.get(code)
    if (entry) entry.layer.setStyle(this.options.style(entry.props, this.state(code)))
  }

  private state(code: string): FeatureStyleState {
    return { hover: code === this.hovered, selected: code === this.selected }
  }
}
