// Audit log display helpers (no Vue): action names, digests, times.
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
] as const

/** The entity types the search form offers. */
export const AUDIT_ENTITY_TYPES = ['region', 'user', 'role', 'district'] as const

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
