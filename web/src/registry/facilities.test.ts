import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import type { FacilityView } from '../api/types'
import { createAppI18n } from '../i18n'
import {
  FACILITY_KINDS,
  FACILITY_STATES,
  MAP_LIMIT,
  emptyFacilityForm,
  emptyFacilitySearch,
  facilitiesBBox,
  facilityEdit,
  facilityFieldErrors,
  facilityFormErrors,
  facilityFormOf,
  facilityInput,
  facilityKindLabel,
  facilityQuery,
  facilityStateLabel,
  formPoint,
  formatPoint,
  mapPages,
  pointText,
  stateColor,
  stateTagType,
  type FacilityForm,
} from './facilities'
import { placeFieldMessage } from './places'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}

const lamp: FacilityView = {
  id: 5,
  grid: '370105001001001',
  community: '370105001001',
  street: '370105001000',
  kind: 'street_lamp',
  code: 'LD-7',
  lon: 116.99171,
  lat: 36.67072,
  state: 'damaged',
  owner_department: '城管局',
  note: null,
  version: 2,
}

const filled = (over: Partial<FacilityForm> = {}): FacilityForm => ({ ...emptyFacilityForm('street_lamp'), lon: '116.99', lat: '36.67', ...over })

describe('facility labels and colours', () => {
  it('names every kind and state in both languages', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const i18n = translator(locale)
      for (const k of FACILITY_KINDS) expect(facilityKindLabel(k, i18n)).not.toBe(k)
      for (const s of FACILITY_STATES) expect(facilityStateLabel(s, i18n)).not.toBe(s)
    }
    expect(facilityKindLabel('street_lamp', translator('zh-CN'))).toBe('路灯')
    expect(facilityStateLabel('damaged', translator('zh-CN'))).toBe('损坏')
    expect(facilityStateLabel('melted', translator('zh-CN'))).toBe('melted')
    expect(facilityStateLabel(null, translator('zh-CN'))).toBe('—')
  })

  it('gives each state its own colour and tag', () => {
    const colours = FACILITY_STATES.map(stateColor)
    expect(new Set(colours).size).toBe(FACILITY_STATES.length)
    expect(stateColor('damaged')).toBe('#f56c6c')
    expect(stateColor('unknown')).toBe('#409eff')
    expect(FACILITY_STATES.map(stateTagType)).toEqual(['success', 'danger', 'warning', 'info'])
  })

  it('writes points with five decimals', () => {
    expect(formatPoint(116.991714, 36.6707)).toBe('116.99171, 36.67070')
    expect(formatPoint(null, 36)).toBe('—')
  })
})

describe('the facility search and the map', () => {
  it('sends only the filters chosen', () => {
    expect(facilityQuery(emptyFacilitySearch(), 1, 20)).toEqual({ page: 1, page_size: 20 })
    expect(facilityQuery({ region: ' 370105001001 ', kind: 'street_lamp', state: 'damaged' }, 2, 10)).toEqual({
      page: 2,
      page_size: 10,
      region: '370105001001',
      kind: 'street_lamp',
      state: 'damaged',
    })
  })

  it('reads as many pages as the map shows', () => {
    expect(mapPages(0)).toBe(1)
    expect(mapPages(100)).toBe(1)
    expect(mapPages(101)).toBe(2)
    expect(mapPages(100_000)).toBe(MAP_LIMIT / 100)
  })

  it('frames the facilities, with a margin around a single one', () => {
    expect(facilitiesBBox([])).toBeNull()
    const single = facilitiesBBox([{ lon: 117, lat: 36.6 }])!
    ;[116.998, 36.598, 117.002, 36.602].forEach((v, i) => expect(single[i]).toBeCloseTo(v, 9))
    expect(facilitiesBBox([
      { lon: 116.9, lat: 36.7 },
      { lon: 117.0, lat: 36.6 },
    ])).toEqual([116.9, 36.6, 117.0, 36.7])
  })
})

describe('the facility form', () => {
  it('needs a kind and a point; the code and grid are optional but checked', () => {
    expect(facilityFormErrors(filled())).toEqual({})
    expect(facilityFormErrors(emptyFacilityForm())).toEqual({ kind: 'required', lon: 'required', lat: 'required' })
    expect(facilityFormErrors(filled({ lon: '200', lat: 'abc' }))).toEqual({ lon: 'invalid_coordinate', lat: 'invalid_coordinate' })
    expect(facilityFormErrors(filled({ code: '路灯7' }))).toEqual({ code: 'facility_code_characters' })
    expect(facilityFormErrors(filled({ code: '1'.repeat(33) }))).toEqual({ code: 'too_long' })
    expect(facilityFormErrors(filled({ code: 'ld-7' }))).toEqual({})
    expect(facilityFormErrors(filled({ grid: '370105001001' }))).toEqual({ grid: 'not_a_grid' })
    expect(facilityFormErrors(filled({ owner_department: '局'.repeat(101), note: '注'.repeat(501) }))).toEqual({ owner_department: 'too_long', note: 'too_long' })
  })

  it('takes a clicked point with six decimals, wrapping the longitude', () => {
    expect(pointText(116.9917123456, 36.67071234)).toEqual({ lon: '116.991712', lat: '36.670712' })
    expect(pointText(116.99 + 360, 36.67).lon).toBe('116.990000')
    expect(formPoint({ lon: '116.99', lat: '36.67' })).toEqual({ lon: 116.99, lat: 36.67 })
    expect(formPoint({ lon: '116.99', lat: '' })).toBeNull()
    expect(formPoint({ lon: '190', lat: '36' })).toBeNull()
  })

  it('sends the whole record: the code upper-cased, an empty grid null, the system only when not WGS84', () => {
    expect(facilityInput(filled({ code: ' ld-7 ', owner_department: ' 城管局 ' }))).toEqual({
      kind: 'street_lamp',
      code: 'LD-7',
      lon: 116.99,
      lat: 36.67,
      grid: null,
      state: 'normal',
      owner_department: '城管局',
      note: null,
    })
    expect(facilityInput(filled({ crs: 'gcj02' })).crs).toBe('gcj02')
    expect(() => facilityInput(emptyFacilityForm('street_lamp'))).toThrow()
  })

  it('edits the stored facility with its version', () => {
    const form = facilityFormOf(lamp)
    expect(form).toMatchObject({ kind: 'street_lamp', code: 'LD-7', lon: '116.99171', lat: '36.67072', grid: '370105001001001', state: 'damaged' })
    expect(facilityEdit({ ...form, state: 'normal' }, lamp.version)).toMatchObject({ state: 'normal', version: 2, grid: '370105001001001', lon: 116.99171 })
  })

  it('puts the server refusals under their inputs, a point outside the district under both coordinates', () => {
    const outside = new ApiError(400, 'validation_failed', 'bad', [{ field: 'lon,lat', code: 'outside_district', reason: '' }])
    expect(facilityFieldErrors(outside)).toEqual({ lon: 'outside_district', lat: 'outside_district' })
    const noGrid = new ApiError(400, 'validation_failed', 'bad', [{ field: 'grid', code: 'no_grid_at_point', reason: '' }])
    expect(facilityFieldErrors(noGrid)).toEqual({ grid: 'no_grid_at_point' })
    expect(facilityFieldErrors(new ApiError(409, 'duplicate_facility_code', 'dup'))).toEqual({ code: 'duplicate_facility_code' })
    expect(facilityFieldErrors(new ApiError(404, 'region_not_found', 'no'))).toEqual({ grid: 'region_not_found' })
    expect(facilityFieldErrors(new ApiError(409, 'stale_version', 'stale'))).toEqual({})
  })

  it('words the codes the form shows in both languages', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const i18n = translator(locale)
      for (const [field, code] of [['lon', 'outside_district'], ['grid', 'no_grid_at_point'], ['code', 'facility_code_characters'], ['code', 'duplicate_facility_code'], ['kind', 'required']] as const) {
        expect(placeFieldMessage('facilities', field, code, i18n), `${locale} ${field} ${code}`).not.toBe(code)
      }
    }
    expect(placeFieldMessage('facilities', 'lat', 'outside_district', translator('zh-CN'))).toBe('该位置不在辖区内')
  })
})
