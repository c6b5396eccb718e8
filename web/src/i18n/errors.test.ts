import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import { createAppI18n } from '.'
import { errorMessage, waitIn } from './errors'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}

describe('errorMessage', () => {
  it('translates a known error code', () => {
    const error = new ApiError(404, 'outside_district', 'the point is outside every district')
    expect(errorMessage(error, translator('zh-CN'))).toBe('该位置不在辖区内')
    expect(errorMessage(error, translator('en'))).toBe('This location is outside the district')
  })

  it("falls back to the server's message for an unknown code", () => {
    const error = new ApiError(409, 'case_already_closed', 'the case is already closed')
    expect(errorMessage(error, translator('zh-CN'))).toBe('the case is already closed')
  })

  it('names the code when there is no message either', () => {
    expect(errorMessage(new ApiError(418, 'teapot', ''), translator('zh-CN'))).toBe('请求失败（teapot）')
    expect(errorMessage(new ApiError(418, 'teapot', ''), translator('en'))).toBe('Request failed (teapot)')
  })

  it('prefers translated field error codes over a generic validation_failed', () => {
    const error = new ApiError(400, 'validation_failed', 'invalid input', [
      { field: 'lon,lat', code: 'invalid_coordinate', reason: 'lon and lat must be numbers' },
    ])
    expect(errorMessage(error, translator('zh-CN'))).toBe('坐标无效')
    const untranslated = new ApiError(400, 'validation_failed', 'invalid input', [
      { field: 'x', code: 'something_new', reason: 'new rule' },
    ])
    expect(errorMessage(untranslated, translator('en'))).toBe('Some input is not valid')
  })

  it('translates transport failures', () => {
    expect(errorMessage(new ApiError(0, 'network_error', 'Failed to fetch'), translator('zh-CN'))).toBe(
      '无法连接服务器，请检查网络',
    )
  })

  it('shows the message of other errors', () => {
    expect(errorMessage(new Error('boom'), translator('en'))).toBe('boom')
  })

  it('translates the login and session error codes', () => {
    const zh = translator('zh-CN')
    const en = translator('en')
    expect(errorMessage(new ApiError(401, 'invalid_credentials', 'wrong username or password'), zh)).toBe('用户名或密码错误')
    expect(errorMessage(new ApiError(401, 'invalid_credentials', 'wrong username or password'), en)).toBe(
      'Wrong username or password',
    )
    expect(errorMessage(new ApiError(401, 'session_expired', 'expired'), zh)).toBe('登录已过期，请重新登录')
    expect(errorMessage(new ApiError(401, 'session_invalid', 'invalid'), zh)).toBe('登录状态已失效，请重新登录')
    expect(errorMessage(new ApiError(401, 'not_logged_in', 'please log in'), zh)).toBe('请先登录')
    expect(errorMessage(new ApiError(403, 'forbidden', 'missing permission'), zh)).toBe('您没有执行此操作的权限')
    expect(errorMessage(new ApiError(400, 'invalid_json', 'expected value'), en)).toBe('Malformed request')
  })

  it('names the wait of too_many_attempts, in seconds or minutes', () => {
    const zh = translator('zh-CN')
    const en = translator('en')
    const inSeconds = new ApiError(429, 'too_many_attempts', 'try again in 42 s', [], 42)
    expect(errorMessage(inSeconds, zh)).toBe('登录尝试过于频繁，请 42 秒后再试')
    expect(errorMessage(inSeconds, en)).toBe('Too many login attempts: try again in 42 seconds')
    const inMinutes = new ApiError(429, 'too_many_attempts', 'try again in 241 s', [], 241)
    expect(errorMessage(inMinutes, zh)).toBe('登录尝试过于频繁，请 5 分钟后再试')
    expect(errorMessage(inMinutes, en)).toBe('Too many login attempts: try again in 5 minutes')
    const unknownWait = new ApiError(429, 'too_many_attempts', 'slow down')
    expect(errorMessage(unknownWait, zh)).toBe('登录尝试过于频繁，请稍后再试')
  })
})

describe('waitIn', () => {
  it('says seconds under two minutes and whole minutes (rounded up) beyond', () => {
    expect(waitIn(42)).toEqual({ unit: 'seconds', n: 42 })
    expect(waitIn(0.2)).toEqual({ unit: 'seconds', n: 1 })
    expect(waitIn(119)).toEqual({ unit: 'seconds', n: 119 })
    expect(waitIn(120)).toEqual({ unit: 'minutes', n: 2 })
    expect(waitIn(241)).toEqual({ unit: 'minutes', n: 5 })
    expect(waitIn(null)).toBeNull()
    expect(waitIn(-1)).toBeNull()
    expect(waitIn(Number.NaN)).toBeNull()
  })
})

describe('errors of account editing and passwords', () => {
  it('translates the 403 and 409 codes', () => {
    const zh = translator('zh-CN')
    expect(errorMessage(new ApiError(403, 'unit_out_of_scope', 'outside'), zh)).toBe('不能将账号调整到您的数据范围以外的区域')
    expect(errorMessage(new ApiError(409, 'use_password_change', 'own'), zh)).toBe('不能在此重置自己的密码，请通过右上角的“修改密码”修改')
    expect(errorMessage(new ApiError(409, 'no_password_login', 'resident'), translator('en'))).toBe(
      'Residents sign in with a code sent to their phone and have no password',
    )
  })

  it('translates the field codes of a password change', () => {
    const zh = translator('zh-CN')
    const wrong = new ApiError(400, 'validation_failed', 'invalid', [{ field: 'current_password', code: 'wrong_password', reason: '' }])
    expect(errorMessage(wrong, zh)).toBe('当前密码不正确')
    const same = new ApiError(400, 'validation_failed', 'invalid', [{ field: 'new_password', code: 'password_unchanged', reason: '' }])
    expect(errorMessage(same, zh)).toBe('新密码不能与当前密码相同')
  })
})
