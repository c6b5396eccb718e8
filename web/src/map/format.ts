/** The message key and number for an area: m² below 1 km², km² from there on. */
export function formatArea(m2: number, locale: string): { key: 'gridDetail.areaM2' | 'gridDetail.areaKm2'; n: string } {
  if (m2 >= 1_000_000) {
    return { key: 'gridDetail.areaKm2', n: (m2 / 1_000_000).toLocaleString(locale, { maximumFractionDigits: 2 }) }
  }
  return { key: 'gridDetail.areaM2', n: Math.round(m2).toLocaleString(locale) }
}

/** A coordinate for display: 6 decimals is about 0.1 m. */
export function formatCoordinate(value: number): string {
  return value.toFixed(6)
}
