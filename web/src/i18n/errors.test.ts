import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import { createAppI18n } from '.'
import { errorMessage } from './errors'

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
})
