import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import {
  buildCreateUser,
  buildUpdateUser,
  conflictField,
  emptyUserForm,
  fieldErrorCodes,
  userEditFieldErrors,
  userEditFormOf,
  userEditMessageKey,
  userEditUnchanged,
} from './userForm'

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

describe('edit account form', () => {
  const user = { display_name: '王网格', unit_code: '370105001001001' }

  it('starts from the account, an empty unit for none', () => {
    expect(userEditFormOf(user)).toEqual({ display_name: '王网格', unit_code: '370105001001001' })
    expect(userEditFormOf({ display_name: '管理员', unit_code: null })).toEqual({ display_name: '管理员', unit_code: '' })
    expect(userEditFormOf({ display_name: '管理员' } as { display_name: string; unit_code?: string | null })).toEqual({
      display_name: '管理员',
      unit_code: '',
    })
  })

  it('builds the request: trimmed name, null for no unit, the version seen', () => {
    expect(buildUpdateUser({ display_name: ' 王网格（已改名） ', unit_code: '370105001001' }, 4)).toEqual({
      display_name: '王网格（已改名）',
      unit_code: '370105001001',
      version: 4,
    })
    expect(buildUpdateUser({ display_name: '王网格', unit_code: ' ' }, 1)).toEqual({ display_name: '王网格', unit_code: null, version: 1 })
  })

  it('knows when nothing changed', () => {
    expect(userEditUnchanged({ display_name: ' 王网格 ', unit_code: '370105001001001' }, user)).toBe(true)
    expect(userEditUnchanged({ display_name: '王网格', unit_code: '' }, user)).toBe(false)
    expect(userEditUnchanged({ display_name: '王', unit_code: '370105001001001' }, user)).toBe(false)
    expect(userEditUnchanged({ display_name: '管理员', unit_code: '' }, { display_name: '管理员', unit_code: null })).toBe(true)
  })

  it('puts the server field errors on the name and the unit', () => {
    const error = new ApiError(400, 'validation_failed', 'invalid', [
      { field: 'display_name', code: 'invalid_name', reason: '' },
      { field: 'unit_code', code: 'region_not_found', reason: '' },
      { field: 'version', code: 'whatever', reason: '' },
    ])
    expect(userEditFieldErrors(error)).toEqual({ display_name: 'invalid_name', unit_code: 'region_not_found' })
    const legacy = new ApiError(400, 'validation_failed', 'invalid', [{ field: 'unit', code: 'invalid_region_code', reason: '' }])
    expect(userEditFieldErrors(legacy)).toEqual({ unit_code: 'invalid_region_code' })
    expect(userEditFieldErrors(new ApiError(409, 'stale_version', 'stale'))).toEqual({})
  })

  it("explains a refused move with the edit's own message", () => {
    expect(userEditMessageKey('cannot_grant_scope')).toBe('errors.scope_too_wide')
    expect(userEditMessageKey('cannot_grant_permission')).toBe('errors.scope_too_wide')
    expect(userEditMessageKey('unit_out_of_scope')).toBe('errors.unit_out_of_scope')
    expect(userEditMessageKey('stale_version')).toBe('errors.stale_version')
  })
})
