// The SLA tag of a case (no Vue): which stage's clock runs, how it stands and how long is left.
import type { CaseStage, CaseView, SlaState } from '../api/types'
import type { Translator } from '../i18n/errors'
import { formatShanghai } from '../system/audit'

export interface SlaTag {
  /** `none` when no clock runs (closed, rejected, merged, or handled and waiting for verification). */
  level: SlaState | 'none'
  stage: CaseStage | null
  /** The running stage's deadline (RFC 3339), null when none. */
  due: string | null
  /** Whole minutes to the deadline, negative once past it; null when none. */
  minutesLeft: number | null
}

/**
 * The tag of a case at `now`. The server's `sla` is the truth at the time it answered; a page that
 * stays open keeps its clock, so a deadline that has passed since shows overdue without a reload.
 * The warning point is the server's (it depends on the category), so it is not guessed here.
 */
export function slaTag(c: Pick<CaseView, 'sla' | 'stage' | 'stage_due_at'>, now: number = Date.now()): SlaTag {
  const stage = c.stage ?? null
  const due = c.stage_due_at ?? null
  if (!stage || !due || !c.sla) return { level: 'none', stage, due, minutesLeft: null }
  const dueMs = Date.parse(due)
  if (Number.isNaN(dueMs)) return { level: c.sla, stage, due, minutesLeft: null }
  const minutesLeft = Math.floor((dueMs - now) / 60_000)
  const level: SlaState = c.sla === 'overdue' || dueMs <= now ? 'overdue' : c.sla
  return { level, stage, due, minutesLeft }
}

/** Element Plus / Vant tag type of an SLA level. */
export function slaTagType(level: SlaTag['level']): 'success' | 'warning' | 'danger' | 'info' {
  return level === 'overdue' ? 'danger' : level === 'warning' ? 'warning' : level === 'normal' ? 'success' : 'info'
}

/** A duration in minutes as days/hours/minutes (`2天3小时`, `5小时20分`, `12分钟`). */
export function formatDuration(minutes: number, i18n: Translator): string {
  const m = Math.max(0, Math.round(Math.abs(minutes)))
  const days = Math.floor(m / 1440)
  const hours = Math.floor((m % 1440) / 60)
  const mins = m % 60
  if (days > 0) return i18n.t('cases.duration.days', { d: days, h: hours })
  if (hours > 0) return i18n.t('cases.duration.hours', { h: hours, m: mins })
  return i18n.t('cases.duration.minutes', { m: mins })
}

/** The tag's text: 正常 / 预警 / 超时, with the time left or over (`剩余 2小时5分`, `超时 12分钟`). */
export function slaText(tag: SlaTag, i18n: Translator): string {
  if (tag.level === 'none') return i18n.t('cases.sla.none')
  const name = i18n.t(`cases.sla.${tag.level}`)
  if (tag.minutesLeft === null) return name
  const key = tag.minutesLeft < 0 ? 'cases.sla.over' : 'cases.sla.left'
  return `${name} · ${i18n.t(key, { d: formatDuration(tag.minutesLeft, i18n) })}`
}

/** The deadline in Beijing time without seconds (`2026-11-25 14:30`), or empty. */
export function formatDue(due: string | null | undefined): string {
  return due ? formatShanghai(due).slice(0, 16) : ''
}
