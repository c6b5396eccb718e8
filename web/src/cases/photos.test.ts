import { describe, expect, it } from 'vitest'
import type { PhotoView } from '../api/types'
import { formatBytes, matchUploaded, MAX_PHOTOS, photoSlots, photosByEvent, resizePlan, scaledSize, takesPhotos } from './photos'

const photo = (id: number, event_id: number | null, bytes = 1000, mime = 'image/jpeg'): PhotoView => ({ id, event_id, mime, bytes, created_at: '2026-11-25T02:00:00Z' })

describe('scaledSize', () => {
  it('fits the longest side into the limit and keeps the aspect ratio', () => {
    expect(scaledSize(4000, 3000)).toEqual({ width: 1600, height: 1200 })
    expect(scaledSize(3000, 4000)).toEqual({ width: 1200, height: 1600 })
    expect(scaledSize(4032, 3024, 1600)).toEqual({ width: 1600, height: 1200 })
    expect(scaledSize(1600, 1600)).toEqual({ width: 1600, height: 1600 })
  })

  it('leaves small images alone and never goes below one pixel', () => {
    expect(scaledSize(800, 600)).toEqual({ width: 800, height: 600 })
    expect(scaledSize(20000, 10, 1600)).toEqual({ width: 1600, height: 1 })
    expect(scaledSize(0, 100)).toEqual({ width: 0, height: 0 })
    expect(scaledSize(Number.NaN, 100)).toEqual({ width: 0, height: 0 })
  })
})

describe('resizePlan', () => {
  it('keeps small photos of a type the server reads', () => {
    expect(resizePlan(1280, 960, 300_000, 'image/jpeg')).toEqual({ keep: true })
    expect(resizePlan(64, 64, 2_000, 'image/png')).toEqual({ keep: true })
  })

  it('redraws large, heavy or unreadable ones as JPEG within the limit', () => {
    expect(resizePlan(4000, 3000, 4_000_000, 'image/jpeg')).toEqual({ keep: false, width: 1600, height: 1200 })
    expect(resizePlan(1200, 900, 3_000_000, 'image/png')).toEqual({ keep: false, width: 1200, height: 900 })
    expect(resizePlan(1000, 800, 200_000, 'image/heic')).toEqual({ keep: false, width: 1000, height: 800 })
  })
})

describe('photo helpers', () => {
  it('counts the slots a case has left', () => {
    expect(photoSlots(0)).toBe(MAX_PHOTOS)
    expect(photoSlots(7, 1)).toBe(1)
    expect(photoSlots(9, 3)).toBe(0)
  })

  it('names the actions that take photos', () => {
    expect(['handle_on_spot', 'report_result', 'verify', 'rework'].every(takesPhotos)).toBe(true)
    expect(takesPhotos('accept')).toBe(false)
    expect(takesPhotos(null)).toBe(false)
  })

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(300 * 1024)).toBe('300 KB')
    expect(formatBytes(1.45 * 1024 * 1024)).toBe('1.4 MB')
  })

  it('groups photos by the step that cited them', () => {
    const groups = photosByEvent([photo(3, 12), photo(1, null), photo(2, 12), photo(4, 15)])
    expect([...groups.entries()].map(([k, v]) => [k, v.map((p) => p.id)])).toEqual([
      [null, [1]],
      [12, [2, 3]],
      [15, [4]],
    ])
  })

  it('finds uploads whose answer was lost by size and type, once each', () => {
    const tried = [
      { ref: 'a', bytes: 300, type: 'image/jpeg' },
      { ref: 'b', bytes: 300, type: 'image/jpeg' },
      { ref: 'c', bytes: 999, type: 'image/jpeg' },
    ]
    const onCase = [photo(1, null, 300), photo(2, 8, 300), photo(3, null, 999, 'image/png'), photo(4, null, 300)]
    expect([...matchUploaded(tried, onCase, new Set([1])).entries()]).toEqual([['a', 4]])
  })
})
