import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import { createAppI18n } from '../i18n'
import {
  buildChangePassword,
  buildResetPassword,
  changePasswordFieldErrors,
  changePasswordMessage,
  emptyChangePasswordForm,
  mayResetPassword,
  resetPasswordFieldErrors,
} from './password'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}

const field = (name: string, code: string) => ({ field: name, code, reason: '' })

describe('password forms', () => {
  it('offers 重置密码 for other staff and department accounts only', () => {
    expect(mayResetPassword({ id: 2, kind: 'staff' }, 1)).toBe(true)
    expect(mayResetPassword({ id: 3, kind: 'department' }, 1)).toBe(true)
    expect(mayResetPassword({ id: 1, kind: 'staff' }, 1)).toBe(false)
    expect(mayResetPassword({ id: 4, kind: 'resident' }, 1)).toBe(false)
  })

  it('sends passwords exactly as typed, without the confirmation', () => {
    expect(buildResetPassword({ password: ' Grid#Worker 2027 ', confirm: 'x' })).toEqual({ password: ' Grid#Worker 2027 ' })
    const form = { ...emptyChangePasswordForm(), current_password: 'Tianqiao#2026 ', new_password: 'Tianqiao#2027', confirm: 'Tianqiao#2027' }
    expect(buildChangePassword(form)).toEqual({ current_password: 'Tianqiao#2026 ', new_password: 'Tianqiao#2027' })
  })

  it('puts policy codes on the password of a reset', () => {
    const error = new ApiError(400, 'validation_failed', 'invalid', [field('password', 'password_too_short')])
    expect(resetPasswordFieldErrors(error)).toEqual({ password: 'password_too_short' })
    expect(resetPasswordFieldErrors(new ApiError(409, 'no_password_login', 'resident'))).toEqual({})
  })

  it('puts a wrong current password and the new password’s codes on their fields', () => {
    const wrong = new ApiError(400, 'validation_failed', 'invalid', [field('current_password', 'wrong_password')])
    expect(changePasswordFieldErrors(wrong)).toEqual({ current_password: 'wrong_password' })
    const same = new ApiError(400, 'validation_failed', 'invalid', [field('new_password', 'password_unchanged')])
    expect(changePasswordFieldErrors(same)).toEqual({ new_password: 'password_unchanged' })
  })

  it('speaks of attempts, not logins, when a change is throttled', () => {
    const zh = translator('zh-CN')
    const en = translator('en')
    expect(changePasswordMessage(new ApiError(429, 'too_many_attempts', 'try again in 42 s', [], 42), zh)).toBe('尝试次数过多，请 42 秒后再试')
    expect(changePasswordMessage(new ApiError(429, 'too_many_attempts', 'x', [], 600), en)).toBe('Too many attempts: try again in 10 minutes')
    expect(changePasswordMessage(new ApiError(429, 'too_many_attempts', 'slow down'), zh)).toBe('尝试次数过多，请稍后再试')
    expect(changePasswordMessage(new ApiError(0, 'network_error', 'Failed to fetch'), zh)).toBe('无法连接服务器，请检查网络')
  })

  it('translates the codes of the password endpoints', () => {
    const zh = translator('zh-CN')
    const codes = ['wrong_password', 'password_unchanged', 'use_password_change', 'no_password_login', 'password_too_short']
    for (const code of codes) {
      const message = changePasswordMessage(new ApiError(400, code, 'english'), zh)
      expect(message, code).not.toBe('english')
      expect(message, code).toMatch(/[\u4e00-\u9fff]/)
    }
  })
})
