// Audit log helpers (no Vue): the search form's query, action names, digests, times.
import type { AuditQuery } from '../api/types'
import type { Translator } from '../i18n/errors'

/** The actions the server records, as of this version; others show their code. */
export const AUDIT_ACTIONS = [
  'region.create',
  'region.update',
  'region.rename',
  'region.boundary',
  'user.create',
  'user.disable',
  'user.enable',
  'auth.login',
  'auth.otp_login',
  'auth.logout_everywhere',
  'demo.rebuild',
  'role.create',
  'role.update',
  'user.roles',
  'user.update',
  'user.password_reset',
  'auth.password_change',
  'role.builtin_refresh',
  'category.create_group',
  'category.create',
  'category.update',
  'category.enable',
  'category.disable',
  'person.create',
  'person.update',
  'person.import',
  'person.reveal',
  'people.import',
  'people.export',
  'building.create',
  'building.update',
  'house.create',
  'house.update',
  'household.create',
  'household.update',
  'org.create',
  'org.update',
  'care.join',
  'care.update',
  'care.visit',
  'facility.create',
  'facility.update',
  'topic.raise',
  'topic.support',
  'topic.accept',
  'topic.decline',
  'topic.merge',
  'topic.merged_in',
  'topic.refer',
  'topic.photo_upload',
  'deliberation.settings',
  'account.home',
  'topic.schedule',
  'topic.unschedule',
  'topic.pass',
  'topic.reject',
  'topic.publish',
  'topic.implement',
  'topic.complete',
  'topic.rate',
  'meeting.create',
  'meeting.update',
  'meeting.start',
  'meeting.close',
  'meeting.cancel',
  'meeting.participant_add',
  'meeting.participant_remove',
  'meeting.check_in',
  'meeting.proposal_add',
  'meeting.proposal_remove',
  'meeting.agenda_reorder',
  'meeting.attachment_upload',
  'proposal.open',
  'proposal.close',
  'ballot.cast',
  'resolution.publish',
  'resolution.implement',
  'resolution.task',
  'resolution.complete',
  'organisations.export',
  'facilities.export',
  'care.export',
  'buildings.export',
  'houses.export',
  'keys.rotate',
] as const

/** Action prefixes the search form offers: every action of one module (`user.` matches `user.create`, …). */
export const AUDIT_ACTION_PREFIXES = [
  'user.',
  'auth.',
  'role.',
  'region.',
  'category.',
  'person.',
  'people.',
  'building.',
  'house.',
  'household.',
  'org.',
  'care.',
  'facility.',
  'topic.',
  'deliberation.',
  'houses.',
  'buildings.',
  'facilities.',
  'organisations.',
  'resolution.',
  'ballot.',
  'proposal.',
  'meeting.',
  'account.',
  'demo.',
] as const

/** The entity types the search form offers. */
export const AUDIT_ENTITY_TYPES = [
  'region',
  'user',
  'role',
  'category',
  'person',
  'building',
  'house',
  'household',
  'organisation',
  'care_membership',
  'facility',
  'topic',
  'deliberation_setting',
  'import',
  'export',
  'district',
] as const

/** The audit search form. `range` holds Beijing wall-clock times, `YYYY-MM-DD HH:mm:ss`, as the picker gives them. */
export interface AuditSearch {
  entity_type: string
  entity_id: string
  /** An action or a prefix of actions, e.g. `user.` */
  action: string
  /** The actor's account id, as typed. */
  actor: string
  range: [string, string] | null
}

export function emptyAuditSearch(): AuditSearch {
  return { entity_type: '', entity_id: '', action: '', actor: '', range: null }
}

/** True when the actor field holds something that is not an account id (digits). */
export function actorInvalid(search: Pick<AuditSearch, 'actor'>): boolean {
  const actor = search.actor.trim()
  return actor !== '' && !/^\d+$/.test(actor)
}

const BEIJING_OFFSET_MS = 8 * 3600 * 1000
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/

/**
 * A Beijing wall-clock time (`2026-01-02 09:03:04`, the page's time zone whatever the browser's) as
 * an RFC 3339 instant in UTC, `plusSeconds` later; null when it is not such a time. China keeps
 * UTC+8 all year, so the offset is fixed.
 */
export function beijingToRfc3339(local: string, plusSeconds = 0): string | null {
  const m = WALL_CLOCK.exec(local.trim())
  if (!m) return null
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m.slice(1).map((v) => Number(v ?? 0))
  // The wall-clock reading as if it were UTC; Date.UTC would roll 02-30 over into March, so refuse
  // what does not read back the same.
  const wall = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
  const real =
    wall.getUTCFullYear() === year &&
    wall.getUTCMonth() === month - 1 &&
    wall.getUTCDate() === day &&
    wall.getUTCHours() === hour &&
    wall.getUTCMinutes() === minute &&
    wall.getUTCSeconds() === second
  if (!real) return null
  const instant = new Date(wall.getTime() - BEIJING_OFFSET_MS + plusSeconds * 1000)
  return instant.toISOString().replace(/\.000Z$/, 'Z')
}

/**
 * The query of GET /api/v1/audit for the form and page: trimmed filters, empty ones left out, the
 * actor only when it is an id. The picker's end is the last second shown (inclusive) and the
 * server's `until` is exclusive, so `until` is one second after it.
 */
export function auditQuery(search: AuditSearch, page: number, pageSize: number): AuditQuery {
  const query: AuditQuery = { page, page_size: pageSize }
  const entityType = search.entity_type.trim()
  const entityId = search.entity_id.trim()
  const action = search.action.trim()
  const actor = search.actor.trim()
  if (entityType) query.entity_type = entityType
  if (entityId) query.entity_id = entityId
  if (action) query.action = action
  if (actor && !actorInvalid(search)) query.actor_user_id = Number(actor)
  if (search.range) {
    const from = beijingToRfc3339(search.range[0])
    const until = beijingToRfc3339(search.range[1], 1)
    if (from) query.from = from
    if (until) query.until = until
  }
  return query
}

/** The i18n key of an action code: `user.create` → `audit.actions.user_create` (dots would nest keys). */
export function actionKey(action: string): string {
  return `audit.actions.${action.replace(/[^a-z0-9_]/gi, '_')}`
}

/** The action's name in the current language, or its code when there is no translation. */
export function actionLabel(action: string, i18n: Translator): string {
  const key = actionKey(action)
  return i18n.te(key) ? i18n.t(key) : action
}

/** A digest shortened for a table cell (`sha256:ab12…`), the whole one stays for the tooltip. */
export function shortDigest(digest: string | null | undefined, keep = 10): string {
  if (!digest) return ''
  const value = digest.replace(/^sha256:/, '')
  return value.length > keep ? `${value.slice(0, keep)}…` : value
}

/** `2026-01-02 09:03:04` in Beijing time (the district's clock), whatever the browser's zone. */
export function formatShanghai(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`
}

/** The i18n key of a permission: `system:user:read` → `permission.system_user_read`. */
export function permissionKey(permission: string): string {
  return `permission.${permission.replace(/[^a-z0-9_]/gi, '_')}`
}

/** A permission's name: its translation, else the server's description, else the code. */
export function permissionLabel(permission: string, i18n: Translator, description?: string): string {
  const key = permissionKey(permission)
  if (i18n.te(key)) return i18n.t(key)
  return description || permission
}

/** A role key's name: the translation of the built-in role, else the server's name, else the key. */
export function roleLabel(key: string, i18n: Translator, name?: string): string {
  const k = `userRole.${key}`
  if (i18n.te(k)) return i18n.t(k)
  return name || key
}
