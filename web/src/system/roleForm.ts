// The custom-role form and the "assign roles" form: their models, the requests they become, where
// server errors go.
import { ApiError } from '../api/http'
import type { Assignment, CreateRole, RoleView, SetRoles, UpdateRole } from '../api/types'
import { scopeSpec } from './scope'
import type { RoleRow } from './userForm'

export interface RoleForm {
  key: string
  name: string
  permissions: string[]
}

export type RoleFormField = 'key' | 'name' | 'permissions'

/** The form's rules for a key, as the server checks it: 2 to 32 of a-z and _. */
export const ROLE_KEY_PATTERN = /^[a-z_]{2,32}$/

export function emptyRoleForm(): RoleForm {
  return { key: '', name: '', permissions: [] }
}

/** The form to edit an existing role. */
export function roleFormOf(role: RoleView): RoleForm {
  return { key: role.key, name: role.name, permissions: [...role.permissions] }
}

/** Permissions in the catalogue's order, without duplicates or ones the catalogue lacks. */
export function orderedPermissions(chosen: readonly string[], catalogue: readonly string[]): string[] {
  return catalogue.filter((p) => chosen.includes(p))
}

/** The body of POST /api/v1/roles: trimmed key and name, permissions in the catalogue's order. */
export function buildCreateRole(form: RoleForm, catalogue: readonly string[]): CreateRole {
  return { key: form.key.trim(), name: form.name.trim(), permissions: orderedPermissions(form.permissions, catalogue) }
}

/** The body of PUT /api/v1/roles/{id} (the key cannot change). */
export function buildUpdateRole(form: RoleForm, catalogue: readonly string[], version: number): UpdateRole {
  return { name: form.name.trim(), permissions: orderedPermissions(form.permissions, catalogue), version }
}

const ROLE_FIELDS: readonly RoleFormField[] = ['key', 'name', 'permissions']

/**
 * The error codes of a failed save by form field (`validation_failed` with `fields`, and the 409
 * `role_exists`, which belongs to the key). The first code per field wins.
 */
export function roleFieldErrors(error: unknown): Partial<Record<RoleFormField, string>> {
  const out: Partial<Record<RoleFormField, string>> = {}
  if (!(error instanceof ApiError)) return out
  if (error.code === 'role_exists') return { key: error.code }
  for (const f of error.fields) {
    const field = f.field as RoleFormField
    if (ROLE_FIELDS.includes(field) && !(field in out)) out[field] = f.code
  }
  return out
}

/**
 * The i18n key of a field error on the role form. `invalid_name` is shared with accounts, whose
 * message speaks of a person's name, so the role form has its own.
 */
export function roleFieldMessageKey(code: string): string {
  return code === 'invalid_name' ? 'roles.invalidName' : `errors.${code}`
}

/** A role row of the form for each current assignment of an account. */
export function assignmentRows(assignments: readonly Assignment[]): RoleRow[] {
  return assignments.map((a) => ({
    role: a.role,
    scopeKind: a.scope.kind,
    regions: a.scope.kind === 'subtrees' ? [...a.scope.regions] : [],
  }))
}

/** The body of PUT /api/v1/users/{id}/roles: one assignment per row that names a role. */
export function buildSetRoles(rows: readonly RoleRow[], version: number): SetRoles {
  return {
    roles: rows.filter((r) => r.role !== '').map((r) => ({ role: r.role, scope: scopeSpec(r.scopeKind, r.regions) })),
    version,
  }
}
