// The 考核指标 panel without Vue: the twelve indicators of GET /api/v1/kpis in the order the page
// shows them, each rate with the counts it is made of, the formatting, and the Beijing-time month.
import type { KpiCounts, KpiPanel, Kpis } from '../api/types'

/** Beijing time is UTC+8 all year (no daylight saving). */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000

/** The month (`2026-11`) it is in Beijing at `now`. */
export function beijingMonth(now: Date = new Date()): string {
  const b = new Date(now.getTime() + BEIJING_OFFSET_MS)
  return `${b.getUTCFullYear()}-${String(b.getUTCMonth() + 1).padStart(2, '0')}`
}

/** True for a month (`2026-12`) after the current Beijing month: nothing to count yet. */
export function isFutureMonth(month: string, now: Date = new Date()): boolean {
  return /^\d{4}-\d{2}$/.test(month) && month > beijingMonth(now)
}

/** A `Date` the month picker shows as `month` (its value format is YYYY-MM); for disabling future months. */
export function monthOfPickerDate(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`
}

export type RateKey = Exclude<keyof Kpis, 'whistle_ack_mean_minutes' | 'whistle_ack_p90_minutes'>
type CountKey = Exclude<keyof KpiCounts, 'whistle_ack_minutes'>

/** A rate and the counts it is made of; `lowerIsBetter` for 返工率 and 延期率. */
export interface RateIndicator {
  key: RateKey
  numerator: CountKey
  denominator: CountKey
  lowerIsBetter: boolean
}

/** The ten rates, as the README's table has them. */
export const RATE_INDICATORS: readonly RateIndicator[] = [
  { key: 'registration_rate', numerator: 'registered_of_reported', denominator: 'reported', lowerIsBetter: false },
  { key: 'dispatch_rate', numerator: 'dispatched_of_registered', denominator: 'registered', lowerIsBetter: false },
  { key: 'on_time_handling_rate', numerator: 'handled_on_time_of_due', denominator: 'due', lowerIsBetter: false },
  { key: 'closing_rate', numerator: 'closed_of_due', denominator: 'due', lowerIsBetter: false },
  { key: 'on_time_closing_rate', numerator: 'closed_on_time_of_due', denominator: 'due', lowerIsBetter: false },
  { key: 'rework_rate', numerator: 'reworked_of_due', denominator: 'due', lowerIsBetter: true },
  { key: 'extension_rate', numerator: 'extended_of_due', denominator: 'due', lowerIsBetter: true },
  { key: 'satisfaction_rate', numerator: 'satisfied_ratings', denominator: 'ratings', lowerIsBetter: false },
  { key: 'grid_resolution_rate', numerator: 'closed_in_grid', denominator: 'closed', lowerIsBetter: false },
  { key: 'community_resolution_rate', numerator: 'closed_in_community', denominator: 'closed', lowerIsBetter: false },
]

/** A rate as a percentage with one decimal (`96.7%`, `100%`, `0%`); `—` for none (an empty denominator). */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—'
  const pct = Math.round(rate * 1000) / 10
  return `${Number.isInteger(pct) ? pct.toFixed(0) : pct.toFixed(1)}%`
}

/** Minutes with at most one decimal (`32.2`, `57`); `—` for none. */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return '—'
  const m = Math.round(minutes * 10) / 10
  return Number.isInteger(m) ? m.toFixed(0) : m.toFixed(1)
}

/** One card of the panel. */
export interface KpiCard {
  key: RateKey | 'whistle_ack_mean_minutes' | 'whistle_ack_p90_minutes'
  kind: 'rate' | 'minutes'
  /** The rate in [0, 1] or the minutes; null when there is nothing to count. */
  value: number | null
  /** What the card shows: `96.7%`, `32.2`, or `—`. */
  text: string
  /** Rates: the counts it is made of. Minutes: how many whistles were acknowledged (both the same). */
  numerator: number
  denominator: number
  lowerIsBetter: boolean
}

/** The twelve cards of a panel: the ten rates, then the whistle response's mean and 90th percentile. */
export function kpiCards(panel: Pick<KpiPanel, 'counts' | 'kpis'>): KpiCard[] {
  const { counts, kpis } = panel
  const cards: KpiCard[] = RATE_INDICATORS.map((i) => ({
    key: i.key,
    kind: 'rate',
    value: kpis[i.key] ?? null,
    text: formatRate(kpis[i.key]),
    numerator: counts[i.numerator] ?? 0,
    denominator: counts[i.denominator] ?? 0,
    lowerIsBetter: i.lowerIsBetter,
  }))
  const whistles = counts.whistle_ack_minutes?.length ?? 0
  for (const key of ['whistle_ack_mean_minutes', 'whistle_ack_p90_minutes'] as const) {
    cards.push({ key, kind: 'minutes', value: kpis[key] ?? null, text: formatMinutes(kpis[key]), numerator: whistles, denominator: whistles, lowerIsBetter: true })
  }
  return cards
}

/** How wide a rate's bar is, in percent (0–100); 0 for none. */
export function barWidth(rate: number | null): number {
  if (rate === null || !Number.isFinite(rate)) return 0
  return Math.max(0, Math.min(100, Math.round(rate * 1000) / 10))
}
