// Case photos without Vue: the server's limits, how far a photo is scaled down before it is sent,
// which photos belong to which step, what removing a picked photo does, and (the one browser-only
// part) the canvas that scales them.
import { ApiError } from '../api/http'
import type { PhotoView } from '../api/types'

/** The server keeps at most this many photos per case. */
export const MAX_PHOTOS = 9
/** The server refuses larger bodies (413 `photo_too_large`). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024
/** What the server reads (anything else is 415 `unsupported_media_type`). */
export const ACCEPTED_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp']
/** The longest side after scaling down: enough to read a sign or see damage, ~200–500 KB as JPEG. */
export const MAX_SIDE = 1600
/** A photo within MAX_SIDE, of a type the server reads and at most this big, is sent as it is. */
export const KEEP_BYTES = 1024 * 1024
export const JPEG_QUALITY = 0.82

/** The actions whose step may show photos (the result, or what the verifier saw). */
export const PHOTO_ACTIONS: readonly string[] = ['handle_on_spot', 'report_result', 'verify', 'rework']

export function takesPhotos(action: string | null | undefined): boolean {
  return !!action && PHOTO_ACTIONS.includes(action)
}

/**
 * The size of a `width`×`height` image scaled to fit `max` on its longest side, keeping the
 * aspect ratio (whole pixels, at least 1). Smaller images keep their size.
 */
export function scaledSize(width: number, height: number, max: number = MAX_SIDE): { width: number; height: number } {
  if (!(width > 0) || !(height > 0)) return { width: 0, height: 0 }
  const longest = Math.max(width, height)
  if (longest <= max) return { width: Math.round(width), height: Math.round(height) }
  const ratio = max / longest
  return {
    width: Math.max(1, Math.min(max, Math.round(width * ratio))),
    height: Math.max(1, Math.min(max, Math.round(height * ratio))),
  }
}

/** What to do with a picked photo before it is sent: keep it, or redraw it as a JPEG of this size. */
export type ResizePlan = { keep: true } | { keep: false; width: number; height: number }

/**
 * Keeps a photo that is small already (within MAX_SIDE, at most KEEP_BYTES, a type the server reads);
 * anything else is redrawn as a JPEG within MAX_SIDE. A phone camera's 4000×3000, 4 MB photo
 * becomes 1600×1200 and a few hundred KB, which a slow network sends in seconds.
 */
export function resizePlan(width: number, height: number, bytes: number, type: string, max: number = MAX_SIDE, keepBytes: number = KEEP_BYTES): ResizePlan {
  const fits = Math.max(width, height) <= max
  if (fits && bytes <= keepBytes && ACCEPTED_TYPES.includes(type)) return { keep: true }
  return { keep: false, ...scaledSize(width, height, max) }
}

/** How many more photos a case takes (`existing` already uploaded, `picked` waiting). */
export function photoSlots(existing: number, picked: number = 0): number {
  return Math.max(0, MAX_PHOTOS - existing - picked)
}

/** A photo's size as people read it: 830 KB, 1.4 MB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/**
 * The case's photos by the timeline entry that cited them; `null` holds those no step cited (sent
 * with the report, or uploaded for a step that was not taken). Upload order is kept.
 */
export function photosByEvent(photos: readonly PhotoView[]): Map<number | null, PhotoView[]> {
  const out = new Map<number | null, PhotoView[]>()
  for (const p of [...photos].sort((a, b) => a.id - b.id)) {
    const key = p.event_id ?? null
    const list = out.get(key)
    if (list) list.push(p)
    else out.set(key, [p])
  }
  return out
}

/**
 * Which of the case's photos a lost upload answer already stored: for each photo we tried to send
 * (`bytes` and type known) the first photo of the case with the same size and type that is not one
 * of ours already. The API takes no idempotency key for photos, so size and type are the evidence
 * (two different JPEGs of exactly the same byte count are rare enough).
 */
export function matchUploaded(
  tried: readonly { ref: string; bytes: number; type: string }[],
  onCase: readonly PhotoView[],
  ours: ReadonlySet<number>,
): Map<string, number> {
  const taken = new Set(ours)
  const out = new Map<string, number>()
  for (const t of tried) {
    const hit = onCase.find((p) => !taken.has(p.id) && p.event_id == null && p.bytes === t.bytes && p.mime === t.type)
    if (hit) {
      taken.add(hit.id)
      out.set(t.ref, hit.id)
    }
  }
  return out
}

/** A photo picked for an action's step, as the pickers' parents hold it: the server's id once uploaded. */
export interface PickedUpload {
  uploaded: number | null
}

/**
 * What becomes of a picked photo the user removes from the selection:
 * - `removed`: out of the selection: deleted on the server, gone already (404), or never uploaded.
 * - `cited`: out of the selection, but the server keeps it (409 `photo_cited`): an action cites it,
 *   so it is part of the case record and this step could not cite it again anyway. The page says so.
 * - `kept`: still selected, and the page shows `error` (403, network, 5xx...). Dropping it would
 *   leave the pending photo on the server with nothing left to delete it; kept, the user can try
 *   again or send it after all.
 */
export type PhotoRemoval = { kind: 'removed' } | { kind: 'cited' } | { kind: 'kept'; error: unknown }

/**
 * The id to delete on the server when `photo` leaves `selection`, or null: not uploaded (never, or
 * not yet: it is just dropped), or another picked photo is the same upload (identical bytes share one
 * id, the upload being idempotent) and still needs it.
 */
export function photoToDelete<P extends PickedUpload>(photo: P, selection: readonly P[]): number | null {
  const id = photo.uploaded
  if (id === null) return null
  return selection.some((p) => p !== photo && p.uploaded === id) ? null : id
}

/** What the error of a photo's DELETE means for the selection (see PhotoRemoval). */
export function removalAfter(error: unknown): PhotoRemoval {
  if (error instanceof ApiError && error.status === 404 && error.code === 'photo_not_found') return { kind: 'removed' }
  if (error instanceof ApiError && error.status === 409 && error.code === 'photo_cited') return { kind: 'cited' }
  return { kind: 'kept', error }
}

/**
 * Removes a picked photo: deletes its upload on the server when one is due (photoToDelete), then
 * says what becomes of it. Never throws; the caller takes it out of the selection unless `kept`.
 */
export async function removePickedPhoto<P extends PickedUpload>(
  photo: P,
  selection: readonly P[],
  deletePhoto: (id: number) => Promise<void>,
): Promise<PhotoRemoval> {
  const id = photoToDelete(photo, selection)
  if (id === null) return { kind: 'removed' }
  try {
    await deletePhoto(id)
    return { kind: 'removed' }
  } catch (error) {
    return removalAfter(error)
  }
}

// --- Browser only ----------------------------------------------------------------------------------

/**
 * Scales a picked photo down before it is sent (see resizePlan): decoded with its EXIF orientation
 * applied, drawn on a canvas, encoded as JPEG. A photo the browser cannot decode (HEIC on some
 * browsers) is returned as it is: the server then says whether it takes it.
 */
export async function downscalePhoto(file: Blob, max: number = MAX_SIDE): Promise<Blob> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch {
    return file
  }
  try {
    const plan = resizePlan(bitmap.width, bitmap.height, file.size, file.type, max)
    if (plan.keep) return file
    const canvas = document.createElement('canvas')
    canvas.width = plan.width
    canvas.height = plan.height
    const context = canvas.getContext('2d')
    if (!context) return file
    // JPEG has no transparency: a PNG's clear parts become white, not black.
    context.fillStyle = '#fff'
    context.fillRect(0, 0, plan.width, plan.height)
    context.imageSmoothingQuality = 'high'
    context.drawImage(bitmap, 0, 0, plan.width, plan.height)
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY))
    if (!blob) return file
    // Redrawn only for its weight (it fit already): keep the original if that is lighter after all
    // (a PNG screenshot can be) and the server reads it.
    const fitted = Math.max(bitmap.width, bitmap.height) <= max
    const originalWins = fitted && blob.size >= file.size && ACCEPTED_TYPES.includes(file.type) && file.size <= MAX_PHOTO_BYTES
    return originalWins ? file : blob
  } finally {
    bitmap.close()
  }
}
