import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../api/http'
import type { PhotoView } from '../api/types'
import {
  formatBytes,
  matchUploaded,
  MAX_PHOTOS,
  photoSlots,
  photosByEvent,
  photoToDelete,
  removalAfter,
  removePickedPhoto,
  resizePlan,
  scaledSize,
  takesPhotos,
} from './photos'

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

describe('removing a picked photo', () => {
  const picked = (uploaded: number | null) => ({ uploaded })
  /** A DELETE that succeeds (204), or fails with `error`. */
  const deleter = (error?: unknown) => vi.fn(async (_id: number) => (error === undefined ? undefined : Promise.reject(error)))

  it('deletes an uploaded photo and drops it when the server answers 204', async () => {
    const photo = picked(41)
    const remove = deleter()
    await expect(removePickedPhoto(photo, [picked(40), photo], remove)).resolves.toEqual({ kind: 'removed' })
    expect(remove.mock.calls).toEqual([[41]])
  })

  it('drops it when it is gone already (404 photo_not_found)', async () => {
    const remove = deleter(new ApiError(404, 'photo_not_found', 'no such photo'))
    await expect(removePickedPhoto(picked(41), [], remove)).resolves.toEqual({ kind: 'removed' })
    expect(remove).toHaveBeenCalledOnce()
  })

  it('drops it but says so when an action cites it (409 photo_cited)', async () => {
    const remove = deleter(new ApiError(409, 'photo_cited', 'cited'))
    await expect(removePickedPhoto(picked(41), [], remove)).resolves.toEqual({ kind: 'cited' })
    expect(remove).toHaveBeenCalledOnce()
  })

  it('keeps it, with the error to show, when the delete fails otherwise', async () => {
    const offline = new ApiError(0, 'network_error', 'Failed to fetch')
    await expect(removePickedPhoto(picked(41), [], deleter(offline))).resolves.toEqual({ kind: 'kept', error: offline })
    const notMine = new ApiError(403, 'not_your_photo', 'not yours')
    await expect(removePickedPhoto(picked(41), [], deleter(notMine))).resolves.toEqual({ kind: 'kept', error: notMine })
    const broken = new ApiError(500, 'internal', 'oops')
    await expect(removePickedPhoto(picked(41), [], deleter(broken))).resolves.toEqual({ kind: 'kept', error: broken })
    const thrown = new TypeError('boom')
    await expect(removePickedPhoto(picked(41), [], deleter(thrown))).resolves.toEqual({ kind: 'kept', error: thrown })
  })

  it('only trusts the documented codes: another 404 or 409 keeps the photo', () => {
    // A proxy's 404 page (no error body) says nothing about the photo.
    expect(removalAfter(new ApiError(404, 'bad_response', 'HTTP 404')).kind).toBe('kept')
    expect(removalAfter(new ApiError(409, 'stale_version', 'stale')).kind).toBe('kept')
    expect(removalAfter(new ApiError(404, 'photo_not_found', '')).kind).toBe('removed')
    expect(removalAfter(new ApiError(409, 'photo_cited', '')).kind).toBe('cited')
  })

  it('drops a photo with no id (not uploaded, or still uploading) without asking the server', async () => {
    const photo = picked(null)
    const remove = deleter()
    await expect(removePickedPhoto(photo, [photo, picked(7)], remove)).resolves.toEqual({ kind: 'removed' })
    expect(remove).not.toHaveBeenCalled()
    expect(photoToDelete(photo, [photo])).toBeNull()
  })

  it('does not delete an upload another picked photo shares (identical bytes, one id)', async () => {
    const photo = picked(41)
    const twin = picked(41)
    const remove = deleter()
    await expect(removePickedPhoto(photo, [photo, twin], remove)).resolves.toEqual({ kind: 'removed' })
    expect(remove).not.toHaveBeenCalled()
    // The last of the two deletes it; the photo itself in the selection does not count as a twin.
    expect(photoToDelete(twin, [twin])).toBe(41)
    expect(photoToDelete(photo, [picked(40), photo])).toBe(41)
  })
})
