import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import { buildCreateUser, conflictField, emptyUserForm, fieldErrorCodes } from './userForm'

describe('new account form', () => {
  it('builds the request: trimmed, unit and scopes, empty role rows left out', () => {
    const form = {
      ...emptyUserForm(),
      username: ' e2e.worker ',
      display_name: ' 测试网格员 ',
      password: ' E2e-Worker#2026',
      unit_code: '370105001001001',
      roles: [
        { role: 'grid_worker', scopeKind: 'own_unit_and_below' as const, regions: ['ignored'] },
        { role: 'street_operator', scopeKind: 'subtrees' as const, regions: ['370105001000'] },
        { role: '', scopeKind: 'all' as const, regions: [] },
      ],
    }
    expect(buildCreateUser(form)).toEqual({
      username: 'e2e.worker',
      display_name: '测试网格员',
      password: ' E2e-Worker#2026',
      kind: 'staff',
      unit_code: '370105001001001',
      roles: [
        { role: 'grid_worker', scope: { kind: 'own_unit_and_below' } },
        { role: 'street_operator', scope: { kind: 'subtrees', regions: ['370105001000'] } },
      ],
    })
  })

  it('sends a department only for department accounts, and no empty unit', () => {
    const staff = buildCreateUser({ ...emptyUserForm(), department_id: 4 })
    expect(staff).not.toHaveProperty('department_id')
    expect(staff).not.toHaveProperty('unit_code')
    expect(buildCreateUser({ ...emptyUserForm(), kind: 'department', department_id: 4 }).department_id).toBe(4)
  })

  it('puts server field errors next to the form fields', () => {
    const error = new ApiError(400, 'validation_failed', 'invalid', [
      { field: 'password', code: 'password_too_short', reason: '' },
      { field: 'password', code: 'password_too_simple', reason: '' },
      { field: 'unit', code: 'region_not_found', reason: '' },
      { field: 'roles', code: 'role_not_found', reason: '' },
      { field: 'district', code: 'invalid_region_code', reason: '' },
    ])
    expect(fieldErrorCodes(error)).toEqual({ password: 'password_too_short', unit_code: 'region_not_found', roles: 'role_not_found' })
    expect(fieldErrorCodes(new Error('x'))).toEqual({})
  })

  it('puts a taken username on the username field', () => {
    expect(conflictField(new ApiError(409, 'username_taken', 'taken'))).toEqual({ field: 'username', code: 'username_taken' })
    expect(conflictField(new ApiError(403, 'cannot_grant_scope', 'no'))).toBeNull()
  })
})
