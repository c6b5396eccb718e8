import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import {
  ROLE_KEY_PATTERN,
  assignmentRows,
  buildCreateRole,
  buildSetRoles,
  buildUpdateRole,
  emptyRoleForm,
  roleFieldErrors,
  roleFieldMessageKey,
  roleFormOf,
} from './roleForm'

const CATALOGUE = ['region:region:read', 'region:region:write', 'system:user:read']

describe('custom role form', () => {
  it('builds the create request: trimmed, permissions in catalogue order, unknown ones dropped', () => {
    const form = { key: ' e2e_inspector ', name: ' 巡查员 ', permissions: ['system:user:read', 'region:region:read', 'nope'] }
    expect(buildCreateRole(form, CATALOGUE)).toEqual({
      key: 'e2e_inspector',
      name: '巡查员',
      permissions: ['region:region:read', 'system:user:read'],
    })
  })

  it('builds the update request with the version and without the key', () => {
    const form = roleFormOf({ id: 9, key: 'x_role', name: '旧名', permissions: ['region:region:write'], builtin: false, version: 3 })
    form.name = '新名'
    expect(buildUpdateRole(form, CATALOGUE, 3)).toEqual({ name: '新名', permissions: ['region:region:write'], version: 3 })
  })

  it('edits a copy of the role, starts empty for a new one', () => {
    const role = { id: 1, key: 'k', name: 'n', permissions: ['a'], builtin: false, version: 1 }
    roleFormOf(role).permissions.push('b')
    expect(role.permissions).toEqual(['a'])
    expect(emptyRoleForm()).toEqual({ key: '', name: '', permissions: [] })
  })

  it('checks keys as the server does', () => {
    expect(ROLE_KEY_PATTERN.test('e2e_inspector')).toBe(false) // digits are not allowed
    expect(ROLE_KEY_PATTERN.test('inspector_x')).toBe(true)
    expect(ROLE_KEY_PATTERN.test('a')).toBe(false)
    expect(ROLE_KEY_PATTERN.test('Upper')).toBe(false)
  })

  it('puts server errors on their fields', () => {
    const invalid = new ApiError(400, 'validation_failed', 'bad', [
      { field: 'key', code: 'invalid_role_key', reason: '' },
      { field: 'name', code: 'invalid_name', reason: '' },
      { field: 'name', code: 'second', reason: '' },
      { field: 'other', code: 'x', reason: '' },
    ])
    expect(roleFieldErrors(invalid)).toEqual({ key: 'invalid_role_key', name: 'invalid_name' })
    expect(roleFieldErrors(new ApiError(409, 'role_exists', 'exists'))).toEqual({ key: 'role_exists' })
    expect(roleFieldErrors(new ApiError(403, 'cannot_grant_permission', 'no'))).toEqual({})
    expect(roleFieldErrors(new Error('x'))).toEqual({})
  })

  it('has its own message for a bad role name', () => {
    expect(roleFieldMessageKey('invalid_name')).toBe('roles.invalidName')
    expect(roleFieldMessageKey('invalid_role_key')).toBe('errors.invalid_role_key')
  })
})

describe('assigning roles to an account', () => {
  it('turns assignments into form rows and back', () => {
    const rows = assignmentRows([
      { role: 'grid_worker', scope: { kind: 'own_unit_and_below' } },
      { role: 'inspector', scope: { kind: 'subtrees', regions: ['370105001000'] } },
    ])
    expect(rows).toEqual([
      { role: 'grid_worker', scopeKind: 'own_unit_and_below', regions: [] },
      { role: 'inspector', scopeKind: 'subtrees', regions: ['370105001000'] },
    ])
    rows.push({ role: '', scopeKind: 'all', regions: [] })
    expect(buildSetRoles(rows, 4)).toEqual({
      roles: [
        { role: 'grid_worker', scope: { kind: 'own_unit_and_below' } },
        { role: 'inspector', scope: { kind: 'subtrees', regions: ['370105001000'] } },
      ],
      version: 4,
    })
  })

  it('may remove every role', () => {
    expect(buildSetRoles([], 2)).toEqual({ roles: [], version: 2 })
  })
})
