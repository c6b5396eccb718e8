import { describe, expect, it } from 'vitest'
import { containsBBox, padBBox, roundBBox } from './bbox'
import { formatArea } from './format'
import { toLatLngs } from './geometry'
import { gridStyle } from './styles'

describe('bbox helpers', () => {
  it('pads on every side by a ratio of the size', () => {
    expect(padBBox([0, 0, 10, 20], 0.5)).toEqual([-5, -10, 15, 30])
  })

  it('tells whether one bbox contains another', () => {
    expect(containsBBox([0, 0, 10, 10], [1, 1, 9, 9])).toBe(true)
    expect(containsBBox([0, 0, 10, 10], [0, 0, 10, 10])).toBe(true)
    expect(containsBBox([0, 0, 10, 10], [5, 5, 11, 9])).toBe(false)
  })

  it('rounds outward so the result still covers the input', () => {
    expect(roundBBox([116.123456, 36.987654, 117.000001, 37.1], 2)).toEqual([116.12, 36.98, 117.01, 37.1])
  })
})

describe('toLatLngs', () => {
  const ring = [[116.9, 36.6], [117, 36.6], [117, 36.7], [116.9, 36.6]]
  const swapped = [[36.6, 116.9], [36.6, 117], [36.7, 117], [36.6, 116.9]]

  it('swaps GeoJSON [lon, lat] into Leaflet [lat, lon] and keeps the nesting', () => {
    expect(toLatLngs({ type: 'MultiPolygon', coordinates: [[ring]] })).toEqual([[swapped]])
  })

  it('takes a plain Polygon as a one-part MultiPolygon', () => {
    expect(toLatLngs({ type: 'Polygon', coordinates: [ring] })).toEqual([[swapped]])
  })

  it('has nothing to draw for a missing or empty geometry', () => {
    expect(toLatLngs(null)).toBeNull()
    expect(toLatLngs({ type: 'MultiPolygon', coordinates: [] })).toBeNull()
  })
})

describe('formatArea', () => {
  it('uses square metres below one square kilometre', () => {
    expect(formatArea(123456.7, 'en')).toEqual({ key: 'gridDetail.areaM2', n: '123,457' })
  })

  it('uses square kilometres from one square kilometre on', () => {
    expect(formatArea(2_345_678, 'zh-CN')).toEqual({ key: 'gridDetail.areaKm2', n: '2.35' })
  })
})

describe('gridStyle', () => {
  it('colours unit, exclusive and neighbourhood grids differently', () => {
    const colours = new Set([
      gridStyle('unit', 'grid').fillColor,
      gridStyle('exclusive', 'grid').fillColor,
      gridStyle('neighbourhood', 'subgrid').fillColor,
    ])
    expect(colours.size).toBe(3)
  })
})
