// Names of the case lifecycle's states, actions, seats and ratings, and who holds a case (no Vue):
// the console and the phone pages share them. Codes a newer server adds show as they are.
import type { CaseAction, CaseHolderKind, CaseRating, CaseState, CaseView } from '../api/types'
import type { Translator } from '../i18n/errors'

export const CASE_STATES: readonly CaseState[] = [
  'reported',
  'accepted',
  'handling',
  'whistled',
  'handled',
  'closed',
  'rejected',
  'merged',
]

/** States in which work goes on (queues, SLA clocks). */
export const OPEN_STATES: readonly CaseState[] = ['reported', 'accepted', 'handling', 'whistled', 'handled']

export const CASE_ACTIONS: readonly CaseAction[] = [
  'accept',
  'reject',
  'merge',
  'handle_on_spot',
  'dispatch',
  'escalate',
  'whistle',
  'acknowledge',
  'return',
  'report_result',
  'verify',
  'rework',
  'extend',
  'rate',
  'reopen',
]

/** Timeline entries that are not actions a person takes: the report itself and the SLA ticker's marks. */
export const SYSTEM_EVENTS = ['report', 'sla_warning', 'sla_overdue', 'auto_escalate'] as const

/** The actor's relation to the case on the timeline (`system` for the SLA ticker). */
export const SEATS = ['holding_centre', 'holding_grid', 'holding_department', 'owning_centre', 'case_grid', 'reporter', 'system'] as const

export const RATINGS: readonly CaseRating[] = ['satisfied', 'basically', 'not_satisfied']

export const CASE_SOURCES = ['patrol', 'resident', 'hotline', 'department', 'deliberation'] as const

function label(prefix: string, code: string | null | undefined, i18n: Translator): string {
  if (!code) return ''
  const key = `${prefix}.${code}`
  return i18n.te(key) ? i18n.t(key) : code
}

export const stateLabel = (state: string, i18n: Translator) => label('cases.state', state, i18n)
/** An action's name as a button says it (受理, 吹哨, …) and as the timeline shows it (also `report`, `sla_overdue`). */
export const actionLabel = (action: string, i18n: Translator) => label('cases.action', action, i18n)
export const seatLabel = (seat: string, i18n: Translator) => label('cases.seat', seat, i18n)
export const ratingLabel = (rating: string | null | undefined, i18n: Translator) => label('cases.rating', rating, i18n)
export const sourceLabel = (source: string, i18n: Translator) => label('cases.source', source, i18n)
export const stageLabel = (stage: string | null | undefined, i18n: Translator) => label('cases.stage', stage, i18n)
export const resolutionLabel = (level: string | null | undefined, i18n: Translator) => label('cases.resolution', level, i18n)

/** Element Plus tag types (and Vant's, which share the names but for `info`/`default`). */
export type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

/** The colour of a state's tag: waiting is amber, in hand blue, waiting for verification purple-ish (primary), done green, refused grey. */
export function stateTagType(state: string): TagType {
  switch (state) {
    case 'reported':
      return 'warning'
    case 'accepted':
    case 'handling':
    case 'whistled':
      return 'primary'
    case 'handled':
      return 'warning'
    case 'closed':
      return 'success'
    default:
      return 'info'
  }
}

/** The actions whose buttons warn (they send the case back or refuse it). */
export function isNegativeAction(action: string): boolean {
  return action === 'reject' || action === 'return' || action === 'rework'
}

/** Who holds a case: a centre or grid by region code, or a department by id. */
export type Holder =
  | { kind: 'centre'; unit: string }
  | { kind: 'grid'; unit: string }
  | { kind: 'department'; id: number }

/** A timeline's `holder_after` (`grid:370105001001001`, `department:3`, `centre:370105001001`); null for anything else. */
export function parseHolder(value: string | null | undefined): Holder | null {
  if (!value) return null
  const m = /^(centre|grid|department):(.+)$/.exec(value.trim())
  if (!m) return null
  const [, kind, rest = ''] = m
  if (kind === 'department') {
    const id = Number(rest)
    return Number.isInteger(id) && id > 0 ? { kind, id } : null
  }
  return { kind: kind as 'centre' | 'grid', unit: rest }
}

/** The case's current holder. */
export function holderOf(c: Pick<CaseView, 'holder_kind' | 'holder_unit' | 'holder_department_id'>): Holder | null {
  const kind: CaseHolderKind = c.holder_kind
  if (kind === 'department') return c.holder_department_id ? { kind, id: c.holder_department_id } : null
  return c.holder_unit ? { kind, unit: c.holder_unit } : null
}

/** Looks up names the case does not carry (CaseView has codes and ids only). */
export interface NameLookup {
  region(code: string): string | undefined
  department(id: number): string | undefined
}

/**
 * A holder as people say it: the department's name, the grid's name, or the centre of a region
 * (幸福社区 → 幸福社区中心); the code or id while the name is not known.
 */
export function holderLabel(holder: Holder | null, names: NameLookup, i18n: Translator): string {
  if (!holder) return ''
  if (holder.kind === 'department') {
    return names.department(holder.id) ?? i18n.t('cases.holder.departmentId', { id: holder.id })
  }
  const name = names.region(holder.unit) ?? holder.unit
  return holder.kind === 'grid' ? name : i18n.t('cases.holder.centre', { name })
}

/**
 * The parent of a region code: a sub-grid (17 digits) → its grid, a grid (15) → its community, a
 * community → its street, a street → its district (12-digit statistical codes, three digits a level);
 * null for a district or anything else.
 */
export function parentRegionCode(code: string): string | null {
  if (/^\d{17}$/.test(code)) return code.slice(0, 15)
  if (/^\d{15}$/.test(code)) return code.slice(0, 12)
  if (!/^\d{12}$/.test(code)) return null
  if (code.slice(9) !== '000') return `${code.slice(0, 9)}000`
  if (code.slice(6, 9) !== '000') return `${code.slice(0, 6)}000000`
  return null
}

/** The district code the departments endpoint takes: the first six digits of a region code. */
export function districtOf(code: string | null | undefined): string | null {
  return code && /^\d{6}/.test(code) ? code.slice(0, 6) : null
}
