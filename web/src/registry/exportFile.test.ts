import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import { createAppI18n } from '../i18n'
import { exportCommand, exportErrorMessage, exportFallbackName, offersWholeNumbers, parseExportCommand, recordExportQuery } from './exportFile'
import { orgQuery, emptyOrgSearch } from './orgs'
import { houseQuery, emptyHouseSearch } from './places'

describe('offersWholeNumbers', () => {
  it('offers whole numbers only on types with personal numbers, and only to revealers', () => {
    expect(offersWholeNumbers('people', true)).toBe(true)
    expect(offersWholeNumbers('organisations', true)).toBe(true)
    expect(offersWholeNumbers('care', true)).toBe(true)
    expect(offersWholeNumbers('facilities', true)).toBe(false)
    expect(offersWholeNumbers('buildings', true)).toBe(false)
    expect(offersWholeNumbers('houses', true)).toBe(false)
    expect(offersWholeNumbers('organisations', false)).toBe(false)
    expect(offersWholeNumbers('people', false)).toBe(false)
  })
})

describe('export commands', () => {
  it('round-trips the dropdown commands', () => {
    for (const format of ['xlsx', 'csv'] as const) {
      for (const whole of [false, true]) expect(parseExportCommand(exportCommand(format, whole))).toEqual({ format, whole })
    }
    expect(exportCommand('csv', true)).toBe('csv-whole')
    expect(exportCommand('xlsx', false)).toBe('xlsx')
  })

  it('refuses anything else', () => {
    expect(parseExportCommand('pdf')).toBeNull()
    expect(parseExportCommand('csv-half')).toBeNull()
    expect(parseExportCommand('csv-whole-x')).toBeNull()
    expect(parseExportCommand({})).toBeNull()
    expect(parseExportCommand('')).toBeNull()
  })
})

describe('recordExportQuery', () => {
  it("takes the list's filter, dropping paging and empty values", () => {
    const filter = orgQuery({ ...emptyOrgSearch(), region: ' 370105001001001 ', kind: 'shop', name: ' 幸福 ' }, 3, 50)
    expect(recordExportQuery('organisations', filter, 'csv', false)).toEqual({ region: '370105001001001', kind: 'shop', name: '幸福', format: 'csv' })
    expect(recordExportQuery('facilities', { page: 1, page_size: 20, kind: '', state: null, region: undefined }, 'xlsx', false)).toEqual({ format: 'xlsx' })
  })

  it('keeps numbers and true flags, drops false ones', () => {
    expect(recordExportQuery('houses', houseQuery({ ...emptyHouseSearch(), building_id: 7 }, 1, 20), 'xlsx', false)).toEqual({ building_id: 7, format: 'xlsx' })
    expect(recordExportQuery('care', { group: 'elderly', overdue: true, include_ended: false, page: 2 }, 'csv', false)).toEqual({ group: 'elderly', overdue: true, format: 'csv' })
    expect(recordExportQuery('houses', { building_id: Number.NaN }, 'csv', false)).toEqual({ format: 'csv' })
  })

  it('asks for whole numbers only on types that have them', () => {
    expect(recordExportQuery('organisations', {}, 'csv', true)).toEqual({ format: 'csv', whole_numbers: true })
    expect(recordExportQuery('care', {}, 'xlsx', true)).toEqual({ format: 'xlsx', whole_numbers: true })
    expect(recordExportQuery('people', { kind: 'floating', region: '' }, 'csv', true)).toEqual({ kind: 'floating', format: 'csv', whole_numbers: true })
    for (const type of ['facilities', 'buildings', 'houses'] as const) expect(recordExportQuery(type, {}, 'csv', true)).toEqual({ format: 'csv' })
  })

  it('never lets the filter set the format or whole numbers', () => {
    expect(recordExportQuery('organisations', { format: 'pdf', whole_numbers: true }, 'csv', false)).toEqual({ format: 'csv' })
  })
})

describe('exportFallbackName', () => {
  it('names the file as the server does', () => {
    expect(exportFallbackName('organisations', 'csv')).toBe('单位组织.csv')
    expect(exportFallbackName('houses', 'xlsx')).toBe('房屋信息.xlsx')
  })
})

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}

const fieldError = (field: string, code: string) => new ApiError(400, 'validation_failed', `${field}: …`, [{ field, code, reason: '…' }])

describe('exportErrorMessage', () => {
  const zh = translator('zh-CN')

  it("words the server's refusals in Chinese", () => {
    expect(exportErrorMessage(new ApiError(413, 'export_too_large', 'over 200000 rows'), false, zh)).toContain('200000')
    expect(exportErrorMessage(new ApiError(413, 'export_too_large', 'over 200000 rows'), false, zh)).toContain('区域')
    expect(exportErrorMessage(new ApiError(404, 'region_not_found', 'no region'), false, zh)).toContain('管辖范围')
    expect(exportErrorMessage(fieldError('format', 'unknown_format'), false, zh)).toContain('Excel 或 CSV')
    expect(exportErrorMessage(fieldError('whole_numbers', 'no_personal_numbers'), true, zh)).toContain('不含个人号码')
    expect(exportErrorMessage(fieldError('region', 'invalid_region_code'), false, zh)).toBe('区域编码格式有误')
    expect(exportErrorMessage(new ApiError(400, 'validation_failed', 'bad'), false, zh)).toContain('查询条件有误')
  })

  it('says whole numbers need the reveal permission only when they were asked for', () => {
    expect(exportErrorMessage(new ApiError(403, 'forbidden', 'needs registry:person:reveal'), true, zh)).toContain('完整号码')
    expect(exportErrorMessage(new ApiError(403, 'forbidden', 'no'), false, zh)).toBe('您没有执行此操作的权限')
  })

  it('has English words too', () => {
    expect(exportErrorMessage(new ApiError(413, 'export_too_large', 'x'), false, translator('en'))).toContain('smaller region')
  })
})
