import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import type { BuildingView, HouseView } from '../api/types'
import { createAppI18n } from '../i18n'
import {
  HOUSE_USES,
  OCCUPANCIES,
  OWNERSHIPS,
  buildingEdit,
  buildingFieldErrors,
  buildingFormErrors,
  buildingFormOf,
  buildingInput,
  buildingQuery,
  emptyBuildingForm,
  emptyBuildingSearch,
  emptyHouseForm,
  emptyHouseSearch,
  houseEdit,
  houseFieldErrors,
  houseFormErrors,
  houseFormOf,
  houseInput,
  houseLabel,
  houseQuery,
  isStale,
  occupancyLabel,
  ownershipLabel,
  placeErrorMessage,
  placeFieldMessage,
  buildingRegionOf,
  sortHouses,
  useLabel,
  type BuildingForm,
  type HouseForm,
} from './places'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}

const zh = translator('zh-CN')
const en = translator('en')

const GRID = '370105001001001'

const building: BuildingView = {
  id: 7,
  grid: GRID,
  community: '370105001001',
  street: '370105001000',
  name: '3号楼',
  address: '无影山路 12 号',
  floors: 6,
  units: 3,
  lon: 116.99,
  lat: 36.67,
  note: null,
  version: 2,
}

const house: HouseView = {
  id: 40,
  building_id: 7,
  grid: GRID,
  community: '370105001001',
  street: '370105001000',
  unit: 2,
  floor: 5,
  room: '501',
  use: 'residential',
  ownership: 'private',
  occupancy: 'rented',
  area: 86.5,
  note: null,
  version: 1,
}

const bform = (over: Partial<BuildingForm> = {}): BuildingForm => ({ ...emptyBuildingForm(GRID), name: '3号楼', floors: 6, units: 2, ...over })
const hform = (over: Partial<HouseForm> = {}): HouseForm => ({ ...emptyHouseForm(building), unit: 1, floor: 2, room: '201', ownership: 'private', occupancy: 'owner_occupied', ...over })

const invalid = (fields: { field: string; code: string }[]) =>
  new ApiError(400, 'validation_failed', 'invalid', fields.map((f) => ({ ...f, reason: 'x' })))

describe('labels', () => {
  it('names every use, ownership and occupancy in both languages', () => {
    for (const i18n of [zh, en]) {
      for (const u of HOUSE_USES) expect(i18n.te(`houses.uses.${u}`), u).toBe(true)
      for (const o of OWNERSHIPS) expect(i18n.te(`houses.ownerships.${o}`), o).toBe(true)
      for (const o of OCCUPANCIES) expect(i18n.te(`houses.occupancies.${o}`), o).toBe(true)
    }
    expect(useLabel('residential', zh)).toBe('住宅')
    expect(ownershipLabel('unit', zh)).toBe('单位产')
    expect(occupancyLabel('rented', zh)).toBe('出租')
    expect(occupancyLabel('vacant', en)).toBe('Vacant')
  })

  it('shows a code a newer server adds, and a dash for none', () => {
    expect(useLabel('garage', zh)).toBe('garage')
    expect(occupancyLabel(null, zh)).toBe('—')
  })

  it('names a house by its building, unit and room', () => {
    expect(houseLabel(house, '3号楼', zh)).toBe('3号楼 2单元 501')
    expect(houseLabel(house, null, zh)).toBe('7号楼栋 2单元 501')
    expect(houseLabel(house, 'Block 3', en)).toBe('Block 3, unit 2, room 501')
  })
})

describe('building search', () => {
  it('leaves out what is empty and trims the rest', () => {
    expect(buildingQuery(emptyBuildingSearch(), 1, 20)).toEqual({ page: 1, page_size: 20 })
    expect(buildingQuery({ region: ` ${GRID} `, name: ' 3号 ' }, 2, 50)).toEqual({ region: GRID, name: '3号', page: 2, page_size: 50 })
  })
})

describe('building form', () => {
  it('accepts a complete form', () => {
    expect(buildingFormErrors(bform())).toEqual({})
    expect(buildingFormErrors(bform({ lon: '116.99', lat: '36.67' }))).toEqual({})
  })

  it('refuses what the server refuses, with its codes', () => {
    expect(buildingFormErrors(bform({ name: ' ', grid: '', floors: null, units: null }))).toEqual({
      name: 'required',
      grid: 'required',
      floors: 'required',
      units: 'required',
    })
    expect(buildingFormErrors(bform({ name: '楼'.repeat(65), grid: '370105001001', floors: 201, units: 51 }))).toEqual({
      name: 'too_long',
      grid: 'not_a_grid',
      floors: 'floors_out_of_range',
      units: 'units_out_of_range',
    })
    expect(buildingFormErrors(bform({ floors: 0, units: 1.5 }))).toEqual({ floors: 'floors_out_of_range', units: 'units_out_of_range' })
    expect(buildingFormErrors(bform({ address: '路'.repeat(201), note: '注'.repeat(501) }))).toEqual({ address: 'too_long', note: 'too_long' })
  })

  it('wants both coordinates or neither, each in range and a number', () => {
    expect(buildingFormErrors(bform({ lon: '116.9' }))).toEqual({ lat: 'required' })
    expect(buildingFormErrors(bform({ lat: '36.6' }))).toEqual({ lon: 'required' })
    expect(buildingFormErrors(bform({ lon: '190', lat: '-91' }))).toEqual({ lon: 'invalid_coordinate', lat: 'invalid_coordinate' })
    expect(buildingFormErrors(bform({ lon: '116,9', lat: '36.6' }))).toEqual({ lon: 'invalid_coordinate' })
  })

  it('sends the whole record, empty parts as null, the system only when it is GCJ-02', () => {
    expect(buildingInput(bform({ name: ' 3号楼 ', address: ' ', note: '' }))).toEqual({
      grid: GRID,
      name: '3号楼',
      address: null,
      floors: 6,
      units: 2,
      lon: null,
      lat: null,
      note: null,
    })
    expect(buildingInput(bform({ lon: '116.99', lat: '36.67', crs: 'gcj02' }))).toMatchObject({ lon: 116.99, lat: 36.67, crs: 'gcj02' })
    expect(buildingInput(bform({ lon: '116.99', lat: '36.67', crs: 'wgs84' }))).not.toHaveProperty('crs')
    expect(buildingEdit(bform(), 3)).toMatchObject({ version: 3, name: '3号楼' })
  })

  it('fills the edit form from a stored building and sends it back unchanged', () => {
    const form = buildingFormOf(building)
    expect(form).toMatchObject({ grid: GRID, name: '3号楼', floors: 6, units: 3, lon: '116.99', lat: '36.67', crs: 'wgs84', note: '' })
    expect(buildingEdit(form, building.version)).toEqual({
      grid: GRID,
      name: '3号楼',
      address: '无影山路 12 号',
      floors: 6,
      units: 3,
      lon: 116.99,
      lat: 36.67,
      note: null,
      version: 2,
    })
  })

  it('puts the server’s refusals under their inputs', () => {
    expect(buildingFieldErrors(invalid([{ field: 'floors', code: 'below_houses' }, { field: 'name', code: 'too_long' }, { field: 'other', code: 'x' }]))).toEqual({
      floors: 'below_houses',
      name: 'too_long',
    })
    expect(buildingFieldErrors(new ApiError(404, 'region_not_found', 'no'))).toEqual({ grid: 'region_not_found' })
    expect(buildingFieldErrors(new ApiError(409, 'stale_version', 'stale'))).toEqual({})
    expect(buildingFieldErrors(new Error('x'))).toEqual({})
  })

  it('knows a stale edit', () => {
    expect(isStale(new ApiError(409, 'stale_version', 'x'), 'building_not_found')).toBe(true)
    expect(isStale(new ApiError(404, 'building_not_found', 'x'), 'building_not_found')).toBe(true)
    expect(isStale(new ApiError(404, 'region_not_found', 'x'), 'building_not_found')).toBe(false)
    expect(isStale(new ApiError(409, 'duplicate_house', 'x'), 'house_not_found')).toBe(false)
  })
})

describe('house filters', () => {
  it('sends the building, region and occupancy chosen', () => {
    expect(houseQuery(emptyHouseSearch(), 1, 20)).toEqual({ page: 1, page_size: 20 })
    expect(houseQuery({ building_id: 7, region: GRID, occupancy: 'rented' }, 3, 10)).toEqual({ building_id: 7, region: GRID, occupancy: 'rented', page: 3, page_size: 10 })
  })
})

describe('house form', () => {
  it('starts in the chosen building, on its only unit, ownership and occupancy to be chosen', () => {
    expect(emptyHouseForm({ id: 3, units: 1 })).toMatchObject({ building_id: 3, unit: 1, use: 'residential', ownership: '', occupancy: '' })
    expect(emptyHouseForm({ id: 3, units: 4 }).unit).toBeNull()
    expect(emptyHouseForm().building_id).toBeNull()
  })

  it('accepts a complete form and checks unit and floor against the building', () => {
    expect(houseFormErrors(hform(), building)).toEqual({})
    expect(houseFormErrors(hform({ unit: 4, floor: 7 }), building)).toEqual({ unit: 'unit_out_of_range', floor: 'floor_out_of_range' })
    // Without the building (not loaded yet) only the server's absolute bounds are checked.
    expect(houseFormErrors(hform({ unit: 4, floor: 7 }))).toEqual({})
  })

  it('refuses what the server refuses, with its codes', () => {
    expect(houseFormErrors(hform({ building_id: null, unit: null, floor: null, room: '', use: '', ownership: '', occupancy: '' }))).toEqual({
      building_id: 'required',
      unit: 'required',
      floor: 'required',
      room: 'required',
      use: 'required',
      ownership: 'required',
      occupancy: 'required',
    })
    expect(houseFormErrors(hform({ room: '2 01' }))).toEqual({ room: 'room_characters' })
    expect(houseFormErrors(hform({ room: '1'.repeat(17) }))).toEqual({ room: 'too_long' })
    for (const area of ['0', '-3', '100001', 'abc', '1e3']) expect(houseFormErrors(hform({ area })), area).toEqual({ area: 'area_out_of_range' })
    expect(houseFormErrors(hform({ area: '86.5' }))).toEqual({})
  })

  it('sends the whole record with the room upper-cased', () => {
    expect(houseInput(hform({ room: ' b-1203 ', area: ' 86.5 ', note: ' 南向 ' }))).toEqual({
      building_id: 7,
      unit: 1,
      floor: 2,
      room: 'B-1203',
      use: 'residential',
      ownership: 'private',
      occupancy: 'owner_occupied',
      area: 86.5,
      note: '南向',
    })
    expect(houseInput(hform()).area).toBeNull()
    expect(houseEdit(houseFormOf(house), 1)).toEqual({
      building_id: 7,
      unit: 2,
      floor: 5,
      room: '501',
      use: 'residential',
      ownership: 'private',
      occupancy: 'rented',
      area: 86.5,
      note: null,
      version: 1,
    })
  })

  it('puts a duplicate under the room and a missing building under the building', () => {
    expect(houseFieldErrors(new ApiError(409, 'duplicate_house', 'dup'))).toEqual({ room: 'duplicate_house' })
    expect(houseFieldErrors(new ApiError(404, 'building_not_found', 'gone'))).toEqual({ building_id: 'building_not_found' })
    expect(houseFieldErrors(invalid([{ field: 'floor', code: 'floor_out_of_range' }]))).toEqual({ floor: 'floor_out_of_range' })
  })
})

describe('messages', () => {
  it('words a field error the form’s way, else the page’s, else the app’s', () => {
    expect(placeFieldMessage('buildings', 'name', 'required', zh)).toBe('请填写楼栋名称')
    expect(placeFieldMessage('buildings', 'floors', 'floors_out_of_range', zh)).toBe('层数须为 1–200')
    expect(placeFieldMessage('houses', 'room', 'duplicate_house', zh)).toBe('该单元已有这个房号')
    expect(placeFieldMessage('houses', 'note', 'too_long', zh, { note: 500 })).toBe('备注不能超过 500 个字')
    expect(placeFieldMessage('houses', 'unit', 'invalid_json', zh)).toBe('请求格式有误')
    expect(placeFieldMessage('houses', 'unit', 'something_new', zh)).toBe('something_new')
    expect(placeFieldMessage('houses', 'unit', undefined, zh)).toBe('')
  })

  it('words a refusal the page’s way before the app’s', () => {
    const fallback = () => 'app'
    expect(placeErrorMessage('houses', new ApiError(409, 'duplicate_house', 'x'), zh, fallback)).toBe('该单元已有这个房号')
    expect(placeErrorMessage('houses', new ApiError(500, 'internal', 'x'), zh, fallback)).toBe('app')
  })
})

describe('walking a building', () => {
  it('sorts houses by unit, floor and room, numbers as numbers', () => {
    const h = (unit: number, floor: number, room: string) => ({ unit, floor, room })
    expect(sortHouses([h(2, 1, '101'), h(1, 10, '1001'), h(1, 2, '202'), h(1, 2, '201'), h(1, 2, 'B-10'), h(1, 2, 'B-9')]).map((x) => `${x.unit}/${x.room}`)).toEqual([
      '1/201',
      '1/202',
      '1/B-9',
      '1/B-10',
      '1/1001',
      '2/101',
    ])
  })

  it('looks for a household’s buildings in its grid (a sub-grid’s grid)', () => {
    expect(buildingRegionOf(GRID)).toBe(GRID)
    expect(buildingRegionOf(`${GRID}01`)).toBe(GRID)
    expect(buildingRegionOf('')).toBe('')
    expect(buildingRegionOf('370105001001')).toBe('')
  })
})
