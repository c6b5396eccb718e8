import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import type { OrgView } from '../api/types'
import { createAppI18n } from '../i18n'
import {
  ORG_KINDS,
  emptyOrgForm,
  emptyOrgSearch,
  kindNeedsUscc,
  normalizeUscc,
  orgEdit,
  orgFieldErrors,
  orgFormErrors,
  orgFormOf,
  orgInput,
  orgKindLabel,
  orgQuery,
  orgSearchErrors,
  usccCheckChar,
  usccProblem,
  type OrgForm,
} from './orgs'
import { placeFieldMessage } from './places'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}

const VALID = '91350100M000100Y43'
const VALID2 = '914403001922038216'

const stored: OrgView = {
  id: 7,
  grid: '370105001001001',
  community: '370105001001',
  street: '370105001000',
  name: '幸福超市',
  kind: 'enterprise',
  uscc: VALID,
  address: '无影山路 12 号',
  contact_name: '王芳',
  contact_phone: '138****8000',
  building_id: 3,
  employees: 12,
  note: null,
  version: 4,
}

const filled = (over: Partial<OrgForm> = {}): OrgForm => ({ ...emptyOrgForm('370105001001001'), name: '幸福超市', kind: 'enterprise', uscc: VALID, ...over })

describe('unified social credit codes', () => {
  it('accepts published examples, in any letter case and with spaces around', () => {
    expect(usccProblem(VALID)).toBeNull()
    expect(usccProblem(VALID2)).toBeNull()
    expect(usccProblem('  91350100m000100y43 ')).toBeNull()
    expect(normalizeUscc(' 91350100m000100y43 ')).toBe(VALID)
  })

  it('says what is wrong, as the server does', () => {
    expect(usccProblem('9135010')).toBe('uscc_length')
    expect(usccProblem(`${VALID}1`)).toBe('uscc_length')
    // I, O, Z, S, V are not used; positions 3 to 8 are digits.
    expect(usccProblem('91350100M000100I43')).toBe('uscc_characters')
    expect(usccProblem('91A50100M000100Y43')).toBe('uscc_characters')
    expect(usccProblem('91350100M000100Y4统')).toBe('uscc_characters')
    // A typo in the last character, or two swapped digits.
    expect(usccProblem('91350100M000100Y44')).toBe('uscc_check')
    expect(usccProblem('914403001922038261')).toBe('uscc_check')
    expect(usccProblem('91110000100000589B')).toBe('uscc_check')
  })

  it('checks the organisation code inside once the outer check passes', () => {
    // Change the organisation code's check character (position 17) and recompute the outer one.
    const first17 = `${VALID.slice(0, 16)}5`
    const code = `${first17}${usccCheckChar(first17)}`
    expect(usccProblem(code)).toBe('uscc_org_check')
  })

  it('computes the check character like GB 32100', () => {
    expect(usccCheckChar('00000000000000000')).toBe('0')
    expect(usccCheckChar('10000000000000000')).toBe('Y')
    expect(usccCheckChar('01000000000000000')).toBe('W')
    expect(usccCheckChar('0100000000000000I')).toBeNull()
  })
})

describe('organisation kinds', () => {
  it('labels every kind in both languages and shows unknown codes as they are', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const i18n = translator(locale)
      for (const k of ORG_KINDS) expect(orgKindLabel(k, i18n)).not.toBe(k)
    }
    expect(orgKindLabel('shop', translator('zh-CN'))).toBe('个体工商户')
    expect(orgKindLabel('cooperative', translator('zh-CN'))).toBe('cooperative')
  })

  it('needs a code except for sole traders and other', () => {
    expect(ORG_KINDS.filter((k) => !kindNeedsUscc(k))).toEqual(['shop', 'other'])
  })
})

describe('the organisation search', () => {
  it('sends only what is filled in, the code upper-cased', () => {
    expect(orgQuery(emptyOrgSearch(), 1, 20)).toEqual({ page: 1, page_size: 20 })
    expect(orgQuery({ region: ' 370105001001 ', kind: 'school', name: ' 幸福 ', uscc: ' 91350100m000100y43' }, 3, 50)).toEqual({
      page: 3,
      page_size: 50,
      region: '370105001001',
      kind: 'school',
      name: '幸福',
      uscc: VALID,
    })
  })

  it('checks a code before searching by it', () => {
    expect(orgSearchErrors({ ...emptyOrgSearch(), uscc: '' })).toEqual({})
    expect(orgSearchErrors({ ...emptyOrgSearch(), uscc: VALID })).toEqual({})
    expect(orgSearchErrors({ ...emptyOrgSearch(), uscc: '123' })).toEqual({ uscc: 'uscc_length' })
  })
})

describe('the organisation form', () => {
  it('finds what the server would refuse', () => {
    expect(orgFormErrors(filled())).toEqual({})
    expect(orgFormErrors(emptyOrgForm())).toEqual({ name: 'required', kind: 'required', grid: 'required' })
    expect(orgFormErrors(filled({ grid: '370105001001' }))).toEqual({ grid: 'not_a_grid' })
    expect(orgFormErrors(filled({ name: '超'.repeat(101) }))).toEqual({ name: 'too_long' })
    expect(orgFormErrors(filled({ uscc: '91350100M000100Y44' }))).toEqual({ uscc: 'uscc_check' })
    expect(orgFormErrors(filled({ employees: -1 }))).toEqual({ employees: 'employees_out_of_range' })
    expect(orgFormErrors(filled({ employees: 1_000_001 }))).toEqual({ employees: 'employees_out_of_range' })
    expect(orgFormErrors(filled({ employees: 0 }))).toEqual({})
    expect(orgFormErrors(filled({ contact_name: '王'.repeat(65), address: '路'.repeat(201), note: '注'.repeat(501) }))).toEqual({
      contact_name: 'too_long',
      address: 'too_long',
      note: 'too_long',
    })
  })

  it('requires the code only of the kinds that have one', () => {
    expect(orgFormErrors(filled({ uscc: '' }))).toEqual({ uscc: 'required' })
    expect(orgFormErrors(filled({ kind: 'shop', uscc: '' }))).toEqual({})
    expect(orgFormErrors(filled({ kind: 'other', uscc: '  ' }))).toEqual({})
    // A code given is checked whatever the kind.
    expect(orgFormErrors(filled({ kind: 'shop', uscc: 'X' }))).toEqual({ uscc: 'uscc_length' })
  })

  it('sends a new organisation trimmed, empty parts null, the phone only when typed', () => {
    expect(orgInput(filled({ name: ' 幸福超市 ', uscc: '91350100m000100y43', address: '  ' }))).toEqual({
      grid: '370105001001001',
      name: '幸福超市',
      kind: 'enterprise',
      uscc: VALID,
      address: null,
      contact_name: null,
      building_id: null,
      employees: null,
      note: null,
    })
    expect(orgInput(filled({ contact_phone: ' 13800138000 ' })).contact_phone).toBe('13800138000')
    expect(() => orgInput(emptyOrgForm())).toThrow()
  })

  it('edits keep, replace or remove the stored phone', () => {
    const form = orgFormOf(stored)
    expect(form.contact_phone).toBe('')
    expect(form.uscc).toBe(VALID)
    expect(form.building_id).toBe(3)
    const kept = orgEdit(form, stored.version)
    expect(kept.version).toBe(4)
    expect('contact_phone' in kept).toBe(false)
    expect(orgEdit({ ...form, contact_phone: '0531-86001234' }, 4).contact_phone).toBe('0531-86001234')
    expect(orgEdit({ ...form, contact_phone: '13800138000', clear_phone: true }, 4).contact_phone).toBe('')
  })

  it('puts the server refusals under their inputs', () => {
    const invalid = new ApiError(400, 'validation_failed', 'bad', [
      { field: 'uscc', code: 'uscc_check', reason: '' },
      { field: 'contact_phone', code: 'invalid_phone', reason: '' },
      { field: 'contact_phone', code: 'other', reason: '' },
      { field: 'building_id', code: 'building_in_other_grid', reason: '' },
    ])
    expect(orgFieldErrors(invalid)).toEqual({ uscc: 'uscc_check', contact_phone: 'invalid_phone', building_id: 'building_in_other_grid' })
    expect(orgFieldErrors(new ApiError(409, 'duplicate_uscc', 'dup'))).toEqual({ uscc: 'duplicate_uscc' })
    expect(orgFieldErrors(new ApiError(404, 'region_not_found', 'no'))).toEqual({ grid: 'region_not_found' })
    expect(orgFieldErrors(new ApiError(404, 'building_not_found', 'no'))).toEqual({ building_id: 'building_not_found' })
    expect(orgFieldErrors(new ApiError(409, 'stale_version', 'stale'))).toEqual({})
  })

  it('words every code the form can show in both languages', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const i18n = translator(locale)
      for (const code of ['uscc_length', 'uscc_characters', 'uscc_check', 'uscc_org_check', 'duplicate_uscc', 'required']) {
        const text = placeFieldMessage('orgs', 'uscc', code, i18n)
        expect(text, `${locale} ${code}`).not.toBe(code)
      }
      expect(placeFieldMessage('orgs', 'name', 'too_long', i18n, { name: 100 })).toContain('100')
    }
    expect(placeFieldMessage('orgs', 'uscc', 'uscc_check', translator('zh-CN'))).toBe('统一社会信用代码校验位不符，请核对')
  })
})
