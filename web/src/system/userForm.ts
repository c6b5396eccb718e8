// The "new account" form: its model, the request it becomes, and where server errors go.
import { ApiError } from '../api/http'
import type { AccountKind, CreateUser, ScopeKind } from '../api/types'
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
 * The error codes of a failed create, by form field (`validation_failed` with `fields`), so that the
 * form can show each next to its input. Fields the form does not have are left out; the first code per field wins.
 */
export function fieldErrorCodes(error: unknown): Partial<Record<UserFormField, string>> {
  const out: Partial<Record<UserFormField, string>> = {}
  if (!(error instanceof ApiError)) return out
  for (const f of error.fields) {
    const field = SERVER_FIELDS[f.field] ?? (f.field as UserFormField)
    if (FORM_FIELDS.includes(field) && !(field in out)) out[field] = f.code
  }
  return out
}

/** Errors that belong to one field although they come without `fields` (a 409 on the username). */
export function conflictField(error: unknown): { field: UserFormField; code: string } | null {
  if (error instanceof ApiError && error.code === 'username_taken') return { field: 'username', code: error.code }
  return null
}
