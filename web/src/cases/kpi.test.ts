import { describe, expect, it } from 'vitest'
import type { KpiCounts, Kpis } from '../api/types'
import { barWidth, beijingMonth, formatMinutes, formatRate, isFutureMonth, kpiCards, monthOfPickerDate, RATE_INDICATORS } from './kpi'

const counts: KpiCounts = {
  reported: 215,
  registered_of_reported: 208,
  registered: 209,
  dispatched_of_registered: 90,
  due: 240,
  handled_on_time_of_due: 238,
  closed_of_due: 237,
  closed_on_time_of_due: 232,
  reworked_of_due: 1,
  extended_of_due: 0,
  ratings: 0,
  satisfied_ratings: 0,
  closed: 212,
  closed_in_grid: 166,
  closed_in_community: 181,
  whistle_ack_minutes: [12, 50, 67],
}

const kpis: Kpis = {
  registration_rate: 208 / 215,
  dispatch_rate: 90 / 209,
  on_time_handling_rate: 238 / 240,
  closing_rate: 237 / 240,
  on_time_closing_rate: 232 / 240,
  rework_rate: 1 / 240,
  extension_rate: 0,
  satisfaction_rate: null,
  grid_resolution_rate: 166 / 212,
  community_resolution_rate: 181 / 212,
  whistle_ack_mean_minutes: 43,
  whistle_ack_p90_minutes: 67,
}

describe('Beijing months', () => {
  it('is the month in UTC+8', () => {
    expect(beijingMonth(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11')
    expect(beijingMonth(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12')
    expect(beijingMonth(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01')
    expect(beijingMonth(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01')
  })

  it('knows which months lie ahead', () => {
    const now = new Date('2026-11-25T03:00:00Z')
    expect(isFutureMonth('2026-12', now)).toBe(true)
    expect(isFutureMonth('2026-11', now)).toBe(false)
    expect(isFutureMonth('2025-12', now)).toBe(false)
    expect(isFutureMonth('garbage', now)).toBe(false)
    expect(monthOfPickerDate(new Date(2026, 0, 1))).toBe('2026-01')
  })
})

describe('formatting', () => {
  it('shows rates as percentages with one decimal, — for none', () => {
    expect(formatRate(208 / 215)).toBe('96.7%')
    expect(formatRate(1)).toBe('100%')
    expect(formatRate(0)).toBe('0%')
    expect(formatRate(1 / 240)).toBe('0.4%')
    expect(formatRate(0.9995)).toBe('100%')
    expect(formatRate(null)).toBe('—')
    expect(formatRate(undefined)).toBe('—')
    expect(formatRate(Number.NaN)).toBe('—')
  })

  it('shows minutes with at most one decimal', () => {
    expect(formatMinutes(32.15)).toBe('32.2')
    expect(formatMinutes(57)).toBe('57')
    expect(formatMinutes(null)).toBe('—')
  })

  it('sizes bars within 0–100', () => {
    expect(barWidth(0.967)).toBe(96.7)
    expect(barWidth(null)).toBe(0)
    expect(barWidth(1.2)).toBe(100)
  })
})

describe('kpiCards', () => {
  it('gives twelve cards: the rates with their counts, then the whistle response', () => {
    const cards = kpiCards({ counts, kpis })
    expect(cards.map((c) => c.key)).toEqual([...RATE_INDICATORS.map((i) => i.key), 'whistle_ack_mean_minutes', 'whistle_ack_p90_minutes'])
    expect(cards[0]).toEqual({ key: 'registration_rate', kind: 'rate', value: 208 / 215, text: '96.7%', numerator: 208, denominator: 215, lowerIsBetter: false })
    expect(cards.find((c) => c.key === 'satisfaction_rate')).toMatchObject({ text: '—', numerator: 0, denominator: 0 })
    expect(cards.find((c) => c.key === 'grid_resolution_rate')).toMatchObject({ text: '78.3%', numerator: 166, denominator: 212 })
    expect(cards.find((c) => c.key === 'rework_rate')?.lowerIsBetter).toBe(true)
    expect(cards.slice(10).map((c) => [c.text, c.numerator])).toEqual([
      ['43', 3],
      ['67', 3],
    ])
  })
})
