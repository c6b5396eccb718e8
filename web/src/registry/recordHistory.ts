// A registry record's change history (no components), for the history drawer of organisations and
// facilities: actions named as the audit log names them (新增单位, 修改部件), changed fields named in
// the record's own words (`<scope>.fields.<field>`), tag colours by what happened.
import type { Translator } from '../i18n/errors'
import { actionLabel } from '../system/audit'

/** An action's name (the audit log's: `org.create` → 新增单位); its code when it has none. */
export function recordActionLabel(action: string, i18n: Translator): string {
  return actionLabel(action, i18n)
}

/** A changed field's name in the record's words (`orgs.fields.uscc` → 统一社会信用代码); its code when it has none. */
export function recordFieldLabel(scope: string, field: string, i18n: Translator): string {
  const key = `${scope}.fields.${field.replace(/[^a-z0-9_]/gi, '_')}`
  return i18n.te(key) ? i18n.t(key) : field
}

/**
 * The fields of an entry in words, `、`-separated, `—` for none. The community and street follow
 * the grid (the server lists them when the grid changes), so they are named once, as the grid.
 */
export function recordFieldsText(scope: string, fields: readonly string[], i18n: Translator): string {
  const shown = fields.includes('grid') ? fields.filter((f) => f !== 'community' && f !== 'street') : fields
  return shown.length ? shown.map((f) => recordFieldLabel(scope, f, i18n)).join('、') : '—'
}

/** The tag type of an action: recorded blue, edited orange, a reveal red, anything else grey. */
export function recordActionType(action: string): 'primary' | 'warning' | 'danger' | 'success' | 'info' {
  if (action.endsWith('.create')) return 'primary'
  if (action.endsWith('.update')) return 'warning'
  if (action.endsWith('.reveal')) return 'danger'
  if (action.endsWith('.import')) return 'success'
  return 'info'
}
