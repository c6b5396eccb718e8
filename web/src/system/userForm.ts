// The account forms (new account, 编辑): their models, the requests they become, and where server
// errors go.
import { ApiError } from '../api/http'
import type { AccountKind, CreateUser, ScopeKind, UpdateUser, UserView } from '../api/types'
import { scopeSpec } from './scope'

export interface RoleRow {
  role: string
  scopeKind: ScopeKind
  /** The subtree roots when `scopeKind` is `subtrees`. */
  regions: string[]
}

export interface UserForm {
  username: string
  display_name: string
  password: string
  kind: AccountKind
  unit_code: string
  /** The department of a department account. */
  department_id: number | null
  roles: RoleRow[]
}

export type UserFormField = 'username' | 'display_name' | 'password' | 'kind' | 'unit_code' | 'department_id' | 'roles'

export function emptyUserForm(): UserForm {
  return {
    username: '',
    display_name: '',
    password: '',
    kind: 'staff',
    unit_code: '',
    department_id: null,
    roles: [{ role: '', scopeKind: 'own_unit_and_below', regions: [] }],
  }
}

/**
 * The body of POST /api/v1/users: trimmed texts, no unit or department when not given, the
 * department only for department accounts, one assignment per role row that names a role.
 */
export function buildCreateUser(form: UserForm): CreateUser {
  const body: CreateUser = {
    username: form.username.trim(),
    display_name: form.display_name.trim(),
    password: form.password,
    kind: form.kind,
    roles: form.roles
      .filter((r) => r.role !== '')
      .map((r) => ({ role: r.role, scope: scopeSpec(r.scopeKind, r.regions) })),
  }
  const unit = form.unit_code.trim()
  if (unit) body.unit_code = unit
  if (form.kind === 'department' && form.department_id !== null) body.department_id = form.department_id
  return body
}

/** Field names of the server that differ from the form's. */
const SERVER_FIELDS: Record<string, UserFormField> = { unit: 'unit_code' }

const FORM_FIELDS: readonly UserFormField[] = ['username', 'display_name', 'password', 'kind', 'unit_code', 'department_id', 'roles']

/**
 * The error codes of a failed request by form field (`validation_failed` with `fields`), so that a
 * form can show each next to its input. `aliases` renames server fields to the form's; fields the
 * form does not have are left out; the first code per field wins.
 */
export function formFieldErrors<F extends string>(
  error: unknown,
  fields: readonly F[],
  aliases: Readonly<Record<string, F>> = {},
): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {}
  if (!(error instanceof ApiError)) return out
  for (const f of error.fields) {
    const field = aliases[f.field] ?? (f.field as F)
    if (fields.includes(field) && !(field in out)) out[field] = f.code
  }
  return out
}

/** The error codes of a failed create, by form field. */
export function fieldErrorCodes(error: unknown): Partial<Record<UserFormField, string>> {
  return formFieldErrors(error, FORM_FIELDS, SERVER_FIELDS)
}

/** Errors that belong to one field although they come without `fields` (a 409 on the username). */
export function conflictField(error: unknown): { field: UserFormField; code: string } | null {
  if (error instanceof ApiError && error.code === 'username_taken') return { field: 'username', code: error.code }
  return null
}

// --- 编辑: an account's name and unit ----------------------------------------------------------

export interface UserEditForm {
  display_name: string
  /** A region code, or '' for none (district-wide). */
  unit_code: string
}

export type UserEditField = keyof UserEditForm

const EDIT_FIELDS: readonly UserEditField[] = ['display_name', 'unit_code']

/** The edit form filled with the account as listed. */
export function userEditFormOf(user: Pick<UserView, 'display_name' | 'unit_code'>): UserEditForm {
  return { display_name: user.display_name, unit_code: user.unit_code ?? '' }
}

/** The body of PUT /api/v1/users/{id}: the trimmed name, the unit or null, the version the editor saw. */
export function buildUpdateUser(form: UserEditForm, version: number): UpdateUser {
  const unit = form.unit_code.trim()
  return { display_name: form.display_name.trim(), unit_code: unit || null, version }
}

/** True when saving the form would change nothing. */
export function userEditUnchanged(form: UserEditForm, user: Pick<UserView, 'display_name' | 'unit_code'>): boolean {
  return form.display_name.trim() === user.display_name && (form.unit_code.trim() || null) === (user.unit_code ?? null)
}

/** The error codes of a failed edit by field (`invalid_name`, `invalid_region_code`, `region_not_found`). */
export function userEditFieldErrors(error: unknown): Partial<Record<UserEditField, string>> {
  return formFieldErrors(error, EDIT_FIELDS, { unit: 'unit_code' })
}

/**
 * The i18n key for an error of the edit that has no field. Moving an account is refused when one of
 * its roles could not be given at the new unit by the editor; the server answers
 * `cannot_grant_scope` / `cannot_grant_permission` (the codes of assigning roles), whose messages
 * speak of granting, so both get the edit's own message.
 */
export function userEditMessageKey(code: string): string {
  if (code === 'cannot_grant_scope' || code === 'cannot_grant_permission') return 'errors.scope_too_wide'
  return `errors.${code}`
}
