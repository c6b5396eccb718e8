import type { BBox } from '../api/types'

/** Grows a bbox by `ratio` of its width/height on every side (0.25 → 1.5× as wide). */
export function padBBox([w, s, e, n]: BBox, ratio: number): BBox {
  const dx = (e - w) * ratio
  const dy = (n - s) * ratio
  return [w - dx, s - dy, e + dx, n + dy]
}

/** True when `inner` lies completely inside `outer`. */
export function containsBBox(outer: BBox, inner: BBox): boolean {
  return inner[0] >= outer[0] && inner[1] >= outer[1] && inner[2] <= outer[2] && inner[3] <= outer[3]
}

/**
 * Rounds outward to `digits` decimals so that the URL stays short and small pans
 * produce the same request (≈1 m at 5 digits).
 */
export function roundBBox([w, s, e, n]: BBox, digits = 5): BBox {
  const f = 10 ** digits
  return [Math.floor(w * f) / f, Math.floor(s * f) / f, Math.ceil(e * f) / f, Math.ceil(n * f) / f]
}
