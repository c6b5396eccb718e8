import { describe, expect, it } from 'vitest'
import { createAppI18n } from '../i18n'
import { recordActionLabel, recordActionType, recordFieldLabel, recordFieldsText } from './recordHistory'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}

describe('record history', () => {
  const zh = translator('zh-CN')

  it('names actions as the audit log does', () => {
    expect(recordActionLabel('org.create', zh)).toBe('新增单位')
    expect(recordActionLabel('facility.update', zh)).toBe('修改部件')
    expect(recordActionLabel('facility.melt', zh)).toBe('facility.melt')
  })

  it('names fields in the record’s words, the grid once for grid, community and street', () => {
    expect(recordFieldLabel('orgs', 'uscc', zh)).toBe('统一社会信用代码')
    expect(recordFieldLabel('facilities', 'state', zh)).toBe('状态')
    expect(recordFieldLabel('facilities', 'colour', zh)).toBe('colour')
    expect(recordFieldsText('facilities', ['grid', 'community', 'street', 'lon', 'lat'], zh)).toBe('所在网格、经度、纬度')
    expect(recordFieldsText('facilities', ['community'], zh)).toBe('所在社区')
    expect(recordFieldsText('orgs', [], zh)).toBe('—')
  })

  it('names every field of both records in both languages', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const i18n = translator(locale)
      for (const f of ['grid', 'community', 'street', 'name', 'kind', 'uscc', 'address', 'contact_name', 'contact_phone', 'building_id', 'employees', 'note']) expect(i18n.te(`orgs.fields.${f}`), `${locale} orgs ${f}`).toBe(true)
      for (const f of ['grid', 'community', 'street', 'kind', 'code', 'lon', 'lat', 'state', 'owner_department', 'note']) expect(i18n.te(`facilities.fields.${f}`), `${locale} facilities ${f}`).toBe(true)
    }
    expect(recordFieldLabel('orgs', 'building_id', translator('en'))).toBe('building')
  })

  it('colours actions by what happened', () => {
    expect(recordActionType('org.create')).toBe('primary')
    expect(recordActionType('facility.update')).toBe('warning')
    expect(recordActionType('person.reveal')).toBe('danger')
    expect(recordActionType('x.y')).toBe('info')
  })
})
