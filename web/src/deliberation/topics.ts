// 三级议事 › 议题: what the phone and console pages show and check, without Vue, so that it can be
// tested: states and their tags, the support progress, why 支持 is disabled, the raise form's checks,
// the triage buttons a topic offers, the areas a resident may raise in, and the messages of the
// server's error codes.
import { ApiError } from '../api/http'
import type { Translator } from '../i18n/errors'

export const TOPIC_LEVELS = ['grid', 'community', 'street'] as const
export type TopicLevel = (typeof TOPIC_LEVELS)[number]

export const TOPIC_CATEGORIES = ['facilities', 'sanitation', 'parking', 'property', 'safety', 'neighbours', 'activities', 'other'] as const
export type TopicCategory = (typeof TOPIC_CATEGORIES)[number]

export const TOPIC_STATES = [
  'open',
  'ready',
  'scheduled',
  'passed',
  'rejected',
  'publicised',
  'implementing',
  'completed',
  'declined',
  'merged',
] as const
export type TopicState = (typeof TOPIC_STATES)[number]

/** The triage actions of the console, in the order of their buttons. */
export const TRIAGE_ACTIONS = ['accept', 'decline', 'merge', 'refer'] as const
export type TriageAction = (typeof TRIAGE_ACTIONS)[number]

/** The phone list's tabs: 征集中 (collecting support), 已上会 (on its way to or past a meeting), 全部. */
export type TopicTab = 'open' | 'meeting' | 'all'

/** The states a phone tab asks the server for (none: every state). */
export function tabStates(tab: TopicTab): TopicState[] {
  if (tab === 'open') return ['open']
  if (tab === 'meeting') return ['ready', 'scheduled', 'passed', 'rejected', 'publicised', 'implementing', 'completed']
  return []
}

export type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

/** The colour of a state's tag: collecting blue, moving on orange, done green, refused red, gone grey. */
export function stateTagType(state: string): TagType {
  switch (state) {
    case 'open':
      return 'primary'
    case 'ready':
    case 'scheduled':
    case 'publicised':
    case 'implementing':
      return 'warning'
    case 'passed':
    case 'completed':
      return 'success'
    case 'rejected':
    case 'declined':
      return 'danger'
    default:
      return 'info'
  }
}

const labelOf = (group: string, code: string, i18n: Translator) => (i18n.te(`delib.${group}.${code}`) ? i18n.t(`delib.${group}.${code}`) : code)

export const stateLabel = (state: string, i18n: Translator) => labelOf('state', state, i18n)
export const categoryLabel = (category: string, i18n: Translator) => labelOf('category', category, i18n)
export const levelLabel = (level: string, i18n: Translator) => labelOf('level', level, i18n)
export const actionLabel = (action: string, i18n: Translator) => labelOf('action', action, i18n)
/** A timeline step or a notification's action (`raised`, `ready`, `accept`, …). */
export const eventLabel = (action: string, i18n: Translator) => labelOf('event', action, i18n)

/** The support progress: a percentage (0–100, whole) and whether the threshold is reached. */
export function supportProgress(supports: number, threshold: number): { percent: number; reached: boolean } {
  const s = Math.max(0, Number.isFinite(supports) ? supports : 0)
  if (!(threshold > 0)) return { percent: 100, reached: true }
  return { percent: Math.min(100, Math.floor((s * 100) / threshold)), reached: s >= threshold }
}

/** Whether residents may still support a topic (the server's `takes_support`): until it is on an agenda. */
export function takesSupport(state: string): boolean {
  return state === 'open' || state === 'ready'
}

/** What the 支持 button needs to know of the topic and the reader. */
export interface SupportFacts {
  state: string
  area: string
  supportedByMe: boolean
  /** The reader may support topics at all (deliberation:topic:support). */
  canSupport: boolean
  /** The reader's home grid ('' or null: none declared). */
  home: string | null | undefined
}

export type SupportBlock = 'cannot_support' | 'already_supported' | 'topic_not_open' | 'home_required' | 'outside_area'

/**
 * Why 支持 is disabled, or null when it may be pressed: the same checks as the server's, in its
 * order (closed, outside the area, supported already), after the reader's own (no permission, no home).
 */
export function supportBlock(f: SupportFacts): SupportBlock | null {
  if (!f.canSupport) return 'cannot_support'
  if (f.supportedByMe) return 'already_supported'
  if (!takesSupport(f.state)) return 'topic_not_open'
  if (!f.home) return 'home_required'
  if (!inArea(f.home, f.area)) return 'outside_area'
  return null
}

/**
 * True when region `code` lies in the subtree of `area` (a grid, community or street code). Codes
 * are hierarchical: a street `370105001000` holds `370105001xxx…`, a community `370105001001` its
 * grids `370105001001xxx`, a grid its sub-grids (17 digits).
 */
export function inArea(code: string, area: string): boolean {
  if (!code || !area) return false
  if (code === area) return true
  if (area.length === 12 && area.endsWith('000') && !area.endsWith('000000')) return code.startsWith(area.slice(0, 9))
  return code.startsWith(area) && code.length > area.length
}

/** The areas a resident may raise in from their home grid: the grid itself, its community, its street. */
export function homeAreas(home: string | null | undefined): { level: TopicLevel; code: string }[] {
  if (!home || !/^\d{15}(\d{2})?$/.test(home)) return []
  const grid = home.slice(0, 15)
  return [
    { level: 'grid', code: grid },
    { level: 'community', code: grid.slice(0, 12) },
    { level: 'street', code: `${grid.slice(0, 9)}000` },
  ]
}

/** The raise form. */
export interface TopicDraft {
  title: string
  category: string
  description: string
  area: string
}

export const TITLE_MAX = 100
export const DESCRIPTION_MAX = 2000

export type DraftProblem = 'title_required' | 'title_too_long' | 'category_required' | 'description_required' | 'description_too_long' | 'area_required'

/** What the raise form lacks, in the order of its fields (empty: it may be sent). */
export function checkDraft(d: TopicDraft, areaRequired = true): DraftProblem[] {
  const problems: DraftProblem[] = []
  const title = d.title.trim()
  const description = d.description.trim()
  if (!title) problems.push('title_required')
  else if ([...title].length > TITLE_MAX) problems.push('title_too_long')
  if (!(TOPIC_CATEGORIES as readonly string[]).includes(d.category)) problems.push('category_required')
  if (!description) problems.push('description_required')
  else if ([...description].length > DESCRIPTION_MAX) problems.push('description_too_long')
  if (areaRequired && !d.area) problems.push('area_required')
  return problems
}

/** The body of POST /api/v1/topics from a checked draft (an empty area: the home grid, the server's default). */
export function draftBody(d: TopicDraft, point?: { lon: number; lat: number } | null): {
  title: string
  category: string
  description: string
  area?: string
  lon?: number
  lat?: number
} {
  return {
    title: d.title.trim(),
    category: d.category,
    description: d.description.trim(),
    ...(d.area ? { area: d.area } : {}),
    ...(point ? { lon: point.lon, lat: point.lat } : {}),
  }
}

/** The row buttons of the console: the triage actions the server offers, in a fixed order; others are left out. */
export function triageButtons(actions: readonly string[]): TriageAction[] {
  return TRIAGE_ACTIONS.filter((a) => actions.includes(a))
}

/** Whether an action needs more than a confirmation: a reason (decline, required) or a target (merge). */
export function actionNeeds(action: TriageAction): 'reason' | 'target' | 'confirm' {
  if (action === 'decline') return 'reason'
  if (action === 'merge') return 'target'
  return 'confirm'
}

/** The body of POST /api/v1/topics/{id}/actions, or the problem with the form. */
export function actionBody(
  action: TriageAction,
  version: number,
  form: { note: string; into: number | null },
): { body: { action: TriageAction; version: number; note?: string; into?: number } } | { problem: 'reason_required' | 'target_required' } {
  const note = form.note.trim()
  if (action === 'decline' && !note) return { problem: 'reason_required' }
  if (action === 'merge' && !form.into) return { problem: 'target_required' }
  return {
    body: {
      action,
      version,
      ...(note ? { note } : {}),
      ...(action === 'merge' && form.into ? { into: form.into } : {}),
    },
  }
}

/**
 * A failed request in the words of the deliberation pages: `delib.errors.<code>` for the field
 * codes or the error code when there is one, else the app's general message.
 */
export function topicErrorMessage(error: unknown, i18n: Translator, fallback: (e: unknown) => string): string {
  if (error instanceof ApiError) {
    const fieldKeys = error.fields.map((f) => `delib.errors.${f.code}`).filter((k) => i18n.te(k))
    if (fieldKeys.length) return [...new Set(fieldKeys)].map((k) => i18n.t(k)).join('；')
    const key = `delib.errors.${error.code}`
    if (i18n.te(key)) return i18n.t(key)
  }
  return fallback(error)
}

/**
 * The label of an area: its name when known; else, for a reader with a home grid (a resident, who
 * may not list regions), 我的网格 / 我的社区 / 我的街道 when it is theirs; else its level and code.
 */
export function areaLabel(code: string, level: string, name: string | undefined, i18n: Translator, home?: string | null): string {
  if (name) return name
  if (home && inArea(home, code) && (TOPIC_LEVELS as readonly string[]).includes(level)) return i18n.t(`delib.myArea.${level}`)
  return `${levelLabel(level, i18n)} ${code}`
}
