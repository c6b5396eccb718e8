import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import { createAppI18n } from '../i18n'
import { importErrorText, importFailureText, importQuery } from './importWizard'
import { IMPORT_TYPES, errorReportFileName, importText, importTextKeys, rowErrorKeys, templateFileName, type ImportTypeKey } from './importTypes'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}
const zh = translator('zh-CN')
const en = translator('en')
const OTHERS: ImportTypeKey[] = ['buildings', 'houses', 'organisations', 'facilities', 'care']
const err = (field: string, code: string, reason = 'server reason') => ({ field, code, reason })

describe('import record types', () => {
  it('names each type its path, permission and merge choice (merge for people only)', () => {
    expect(Object.keys(IMPORT_TYPES).sort()).toEqual(['buildings', 'care', 'facilities', 'houses', 'organisations', 'people'])
    for (const [key, type] of Object.entries(IMPORT_TYPES)) expect(type.key).toBe(key)
    expect(IMPORT_TYPES.people.merge).toBe(true)
    for (const k of OTHERS) expect(IMPORT_TYPES[k].merge, k).toBe(false)
    expect(IMPORT_TYPES.people.permission).toBe('registry:person:write')
    expect(IMPORT_TYPES.buildings.permission).toBe('registry:house:write')
    expect(IMPORT_TYPES.houses.permission).toBe('registry:house:write')
    expect(IMPORT_TYPES.organisations.permission).toBe('registry:org:write')
    expect(IMPORT_TYPES.facilities.permission).toBe('registry:facility:write')
    expect(IMPORT_TYPES.care.permission).toBe('registry:care:write')
  })

  it('names the downloads after the type, people as before', () => {
    expect(templateFileName(IMPORT_TYPES.people)).toBe('人口信息导入模板.xlsx')
    expect(errorReportFileName(IMPORT_TYPES.people)).toBe('人口信息导入错误报告.xlsx')
    expect(templateFileName(IMPORT_TYPES.organisations)).toBe('单位组织导入模板.xlsx')
    expect(errorReportFileName(IMPORT_TYPES.facilities)).toBe('城市部件导入错误报告.xlsx')
  })

  it('leaves duplicates out of the query of a type that cannot merge', () => {
    const s = { encoding: 'auto' as const }
    expect(importQuery(s, null, false)).toEqual({ all_rows: true, encoding: 'auto' })
    expect(importQuery(s, null, true)).toEqual({ commit: true, encoding: 'auto' })
    expect(importQuery(s, 'merge', true)).toEqual({ commit: true, duplicates: 'merge', encoding: 'auto' })
  })
})

describe('wizard texts', () => {
  it("keeps people's own wording and looks elsewhere only for the other types", () => {
    expect(importTextKeys(IMPORT_TYPES.people, 'title')).toEqual(['people.import.title'])
    expect(importText(IMPORT_TYPES.people, 'title', zh)).toBe('导入人口信息')
    expect(importText(IMPORT_TYPES.organisations, 'title', zh)).toBe('导入单位组织')
    expect(importText(IMPORT_TYPES.buildings, 'button', zh)).toBe('导入楼栋')
    expect(importText(IMPORT_TYPES.houses, 'button', zh)).toBe('导入房屋')
    // Shared steps and buttons fall back to people's words.
    expect(importText(IMPORT_TYPES.facilities, 'recheck', zh)).toBe('重新校验')
    expect(importText(IMPORT_TYPES.care, 'template', zh)).toBe('下载模板')
  })

  it('has a title, a template hint and a done message for every type, in both languages', () => {
    for (const k of OTHERS) {
      for (const key of ['title', 'button', 'templateHint', 'done', 'duplicateInFileLine']) {
        expect(zh.te(`recordImport.${k}.${key}`), `${k}.${key}`).toBe(true)
        expect(en.te(`recordImport.${k}.${key}`), `${k}.${key}`).toBe(true)
      }
    }
  })

  it('says what a commit of another type wrote without people or merges', () => {
    const text = importText(IMPORT_TYPES.organisations, 'done', zh, { created: 9, merged: 0 })
    expect(text).toBe('导入完成：新增单位 9 家')
    const summary = importText(IMPORT_TYPES.facilities, 'summary', zh, { total: 12, valid: 9, created: 9, merged: 0, rejected: 3 })
    expect(summary).toBe('共 12 行，可导入 9 行；有误 3 行')
    expect(summary).not.toContain('更新')
  })
})

describe('row errors of the other types', () => {
  it('words the per-type codes in Chinese', () => {
    const cases: [ImportTypeKey, string, string, string][] = [
      ['buildings', 'name', 'duplicate_building', '该网格已登记同名楼栋'],
      ['houses', 'room', 'duplicate_house', '该单元已登记这个房号'],
      ['houses', 'building', 'ambiguous_building', '有多个同名楼栋，请从下拉列表中选择，或填写所属网格'],
      ['organisations', 'uscc', 'duplicate_uscc', '辖区内已登记过该统一社会信用代码'],
      ['facilities', 'code', 'duplicate_facility_code', '辖区内已登记过该部件编码'],
      ['care', 'group', 'duplicate_membership', '该人员已在此关爱类别中'],
      ['care', 'name', 'name_mismatch', '姓名与该证件号码登记的姓名不符'],
      ['care', 'id_number', 'person_not_found', '未找到该证件号码的人员，或不在您的管辖范围（请先在人口信息中登记）'],
    ]
    for (const [k, field, code, text] of cases) expect(importErrorText(err(field, code), zh, null, IMPORT_TYPES[k]), `${k} ${code}`).toBe(text)
  })

  it("takes the record form's own message for a field, with its limit", () => {
    expect(importErrorText(err('uscc', 'uscc_length'), zh, null, IMPORT_TYPES.organisations)).toBe('统一社会信用代码应为 18 位')
    expect(importErrorText(err('name', 'too_long'), zh, null, IMPORT_TYPES.organisations)).toBe('名称不能超过 100 个字')
    expect(importErrorText(err('note', 'too_long'), zh, null, IMPORT_TYPES.facilities)).toBe('备注不能超过 500 个字')
    expect(importErrorText(err('contact_phone', 'invalid_phone'), zh, null, IMPORT_TYPES.organisations)).toBe('请输入正确的手机号，或带区号的固定电话')
  })

  it("words a care row's ID number as people's wizard does, and the shared cell problems", () => {
    expect(importErrorText(err('id_number', 'id_check_digit'), zh, null, IMPORT_TYPES.care)).toBe('校验码错误')
    expect(importErrorText(err('lon', 'formula_not_allowed'), zh, null, IMPORT_TYPES.facilities)).toBe('单元格含公式，请填写值本身')
    expect(importErrorText(err('floors', 'invalid_number'), zh, null, IMPORT_TYPES.buildings)).toBe('应填写数字')
    expect(importErrorText(err('joined_on', 'invalid_date'), zh, null, IMPORT_TYPES.care)).toBe('日期格式应为 2026-03-08、2026/3/8 或 20260308')
  })

  it('names the first line of a repeated key in the words of the type, mapped to the user file', () => {
    const e = err('uscc', 'duplicate_in_file', 'the same unified social credit code as line 4')
    expect(importErrorText(e, zh, new Map([[4, 7]]), IMPORT_TYPES.organisations)).toBe('文件中重复（与第 7 行的统一社会信用代码相同）')
    expect(importErrorText(e, zh, null, IMPORT_TYPES.people)).toBe('文件中重复（与第 4 行的证件号码相同）')
  })

  it("never words another type's error as people's merge advice", () => {
    // people.import.codes.duplicate_id_number tells to choose 合并更新: no other type offers it.
    expect(rowErrorKeys(IMPORT_TYPES.organisations, 'uscc', 'duplicate_uscc')[0]).toBe('recordImport.organisations.codes.duplicate_uscc')
    for (const k of OTHERS) expect(zh.t(rowErrorKeys(IMPORT_TYPES[k], 'x', 'merge_not_supported').find((key) => zh.te(key)) ?? '')).not.toContain('合并更新”')
  })

  it('falls back to the server reason for an unknown code', () => {
    expect(importErrorText(err('x', 'brand_new_code', '原因'), zh, null, IMPORT_TYPES.houses)).toBe('原因')
  })
})

describe('failures of the other types', () => {
  it('words merge_not_supported and a race without naming people', () => {
    const fallback = () => 'fallback'
    const merge = new ApiError(400, 'merge_not_supported', 'merge is for people only', [])
    expect(importFailureText(merge, zh, fallback, null, IMPORT_TYPES.care)).toContain('不支持合并更新')
    const stale = new ApiError(409, 'stale_version', 'stale', [])
    expect(importFailureText(stale, zh, fallback, null, IMPORT_TYPES.houses)).toBe('提交时有人修改了相关记录，未导入任何数据，请重新校验')
    expect(importFailureText(stale, zh, fallback, null, IMPORT_TYPES.people)).toContain('人员')
    const rejected = new ApiError(422, 'import_rejected', 'rejected', [{ field: 'row 3: uscc', code: 'duplicate_uscc', reason: '' }])
    expect(importFailureText(rejected, zh, fallback, null, IMPORT_TYPES.organisations)).toContain('第 3 行')
  })
})

describe('coordinates of an import', () => {
  it('says a longitude that is no number must be a number, not only its range', () => {
    for (const k of ['facilities', 'buildings'] as const) {
      expect(importErrorText(err('lon', 'invalid_coordinate'), zh, null, IMPORT_TYPES[k]), k).toContain('应为数字')
    }
  })
})
