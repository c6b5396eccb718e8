import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../api/http'
import { createAppI18n } from '../i18n'
import {
  PERSON_KINDS,
  REVEAL_MS,
  charCount,
  createTimedReveals,
  emptyPeopleSearch,
  emptyPersonForm,
  fieldErrorMessage,
  idCheckChar,
  idNumberProblem,
  isGridCode,
  kindLabel,
  loadPeople,
  needsReload,
  noClears,
  normalizeIdNumber,
  numberEdit,
  peopleRequest,
  personFieldErrors,
  personEdit,
  personFormErrors,
  personFormOf,
  personInput,
  revealKey,
  searchFieldErrors,
  searchFormErrors,
  sexLabel,
  shownNumber,
  type PeopleSearch,
  type PersonForm,
} from './people'
import type { PersonView } from '../api/types'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}

const zh = translator('zh-CN')
const en = translator('en')

/** 2026-03-01 17:00 UTC: already 2026-03-02 in Beijing. */
const NOW = new Date('2026-03-01T17:00:00Z')

/** A valid number with the check character computed independently of `idCheckChar` (MOD 11-2 by hand). */
function withCheck(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * (weights[i] ?? 0), 0)
  return first17 + '10X98765432'.charAt(sum % 11)
}

const search = (over: Partial<PeopleSearch> = {}): PeopleSearch => ({ ...emptyPeopleSearch(), ...over })
const form = (over: Partial<PersonForm> = {}): PersonForm => ({
  ...emptyPersonForm(),
  name: '张三',
  kind: 'registered',
  grid: '370105001001001',
  ...over,
})

describe('ID numbers (GB 11643)', () => {
  it('computes the check character of the standard examples', () => {
    // The examples printed in GB 11643-1999.
    expect(idCheckChar('11010519491231002')).toBe('X')
    expect(idCheckChar('44052418800101001')).toBe('4')
    expect(idCheckChar('37010519900307123')).toBe('7')
  })

  it('agrees with MOD 11-2 worked out by hand for every possible check character', () => {
    const seen = new Set<string>()
    for (let serial = 0; serial < 300; serial += 1) {
      const body = `37010519900307${String(serial).padStart(3, '0')}`
      const expected = withCheck(body).charAt(17)
      expect(idCheckChar(body), body).toBe(expected)
      expect(idNumberProblem(body + expected, NOW), body).toBeNull()
      seen.add(expected)
    }
    expect([...seen].sort().join('')).toBe('0123456789X')
  })

  it('has no check character for anything but 17 digits', () => {
    for (const bad of ['', '1101051949123100', '110105194912310021', '1101051949123100X', '１1010519491231002']) {
      expect(idCheckChar(bad), bad).toBeNull()
    }
  })

  it('accepts valid 18-character numbers, spaces and a lower-case x included', () => {
    expect(idNumberProblem('11010519491231002X', NOW)).toBeNull()
    expect(idNumberProblem('11010519491231002x', NOW)).toBeNull()
    expect(idNumberProblem(' 110105 19491231 002X ', NOW)).toBeNull()
    expect(idNumberProblem(withCheck('37010520000229004'), NOW)).toBeNull()
    expect(idNumberProblem(withCheck('83000019900101123'), NOW)).toBeNull()
  })

  it('refuses every other check character', () => {
    const good = '11010519491231002X'
    for (const c of '0123456789X') {
      if (c === 'X') continue
      expect(idNumberProblem(good.slice(0, 17) + c, NOW), c).toBe('id_check_digit')
    }
    const other = withCheck('37010519850101010')
    for (const c of '0123456789X') {
      if (c === other[17]) continue
      expect(idNumberProblem(other.slice(0, 17) + c, NOW), c).toBe('id_check_digit')
    }
  })

  it('accepts legacy 15-digit numbers (no check character, a year of the 1900s)', () => {
    expect(idNumberProblem('110105491231002', NOW)).toBeNull()
    expect(idNumberProblem('370105850230001', NOW)).toBe('id_birth_date')
  })

  it('refuses the wrong length first', () => {
    for (const bad of ['1', '11010519491231002', '11010519491231002X1', '1101054912310']) {
      expect(idNumberProblem(bad, NOW), bad).toBe('id_length')
    }
  })

  it('refuses letters, an X not at the end, full-width digits', () => {
    expect(idNumberProblem('1101051949123100XX', NOW)).toBe('id_characters')
    expect(idNumberProblem('11010519491231A02X', NOW)).toBe('id_characters')
    expect(idNumberProblem('11010549123100X', NOW)).toBe('id_characters')
    expect(idNumberProblem('１１0105194912310021'.slice(0, 18), NOW)).toBe('id_characters')
  })

  it('refuses an unknown province', () => {
    expect(idNumberProblem(withCheck('99010519491231002'), NOW)).toBe('id_region')
    expect(idNumberProblem(withCheck('00010519491231002'), NOW)).toBe('id_region')
    expect(idNumberProblem(withCheck('16010519491231002'), NOW)).toBe('id_region')
  })

  it('refuses birth dates that are not real, before 1900 or after today in Beijing', () => {
    expect(idNumberProblem(withCheck('37010519490230002'), NOW)).toBe('id_birth_date')
    expect(idNumberProblem(withCheck('37010519001301002'), NOW)).toBe('id_birth_date')
    expect(idNumberProblem(withCheck('37010520010229002'), NOW)).toBe('id_birth_date')
    // The GB 11643 example of 1880 is a well-formed number, but not of anyone registered now.
    expect(idNumberProblem('440524188001010014', NOW)).toBe('id_birth_date')
    expect(idNumberProblem(withCheck('37010519000101002'), NOW)).toBeNull()
    // Beijing's today is 2026-03-02 although UTC is still on 03-01.
    expect(idNumberProblem(withCheck('37010520260302002'), NOW)).toBeNull()
    expect(idNumberProblem(withCheck('37010520260303002'), NOW)).toBe('id_birth_date')
  })

  it('normalizes as the server does', () => {
    expect(normalizeIdNumber(' 110105 1949\t1231 002x ')).toBe('11010519491231002X')
  })
})

describe('the people search', () => {
  it('lists with GET when the form holds no name or number', () => {
    expect(peopleRequest(search(), 1, 20)).toEqual({ method: 'GET', query: { page: 1, page_size: 20 } })
    expect(peopleRequest(search({ kind: 'floating', region: ' 370105001001 ', name: '  ' }), 3, 50)).toEqual({
      method: 'GET',
      query: { kind: 'floating', region: '370105001001', page: 3, page_size: 50 },
    })
  })

  it('searches with POST as soon as a name or a number is given, everything in the body', () => {
    expect(peopleRequest(search({ name: ' 张 ' }), 1, 20)).toEqual({ method: 'POST', body: { name: '张', page: 1, page_size: 20 } })
    expect(peopleRequest(search({ id_number: '110105 19491231 002x', kind: 'registered', region: '370105' }), 2, 10)).toEqual({
      method: 'POST',
      body: { id_number: '11010519491231002X', kind: 'registered', region: '370105', page: 2, page_size: 10 },
    })
    expect(peopleRequest(search({ phone: ' 13800138000 ' }), 1, 20)).toEqual({ method: 'POST', body: { phone: '13800138000', page: 1, page_size: 20 } })
  })

  describe('on the wire', () => {
    const page = { items: [], total: 0 }
    let fetchMock: ReturnType<typeof vi.fn>

    beforeEach(() => {
      fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => new Response(JSON.stringify(page), { status: 200, headers: { 'content-type': 'application/json' } }))
      vi.stubGlobal('fetch', fetchMock)
    })

    afterEach(() => vi.unstubAllGlobals())

    it('never puts a name or number in the URL', async () => {
      const terms = { name: '王小', id_number: '11010519491231002X', phone: '13800138000' }
      await loadPeople(peopleRequest(search({ ...terms, kind: 'overseas', region: '370105001001' }), 1, 20))
      const [url, init] = fetchMock.mock.calls[0] ?? []
      expect(url).toBe('/api/v1/people/search')
      expect(init?.method).toBe('POST')
      expect(JSON.parse(String(init?.body))).toEqual({ ...terms, kind: 'overseas', region: '370105001001', page: 1, page_size: 20 })
      for (const term of Object.values(terms)) expect(String(url)).not.toContain(encodeURIComponent(term))
    })

    it('lists by kind and region with a GET query', async () => {
      await loadPeople(peopleRequest(search({ kind: 'floating', region: '370105001001' }), 2, 20))
      const [url, init] = fetchMock.mock.calls[0] ?? []
      expect(url).toBe('/api/v1/people?page=2&page_size=20&kind=floating&region=370105001001')
      expect(init?.method).toBe('GET')
    })
  })

  it('checks a typed ID number before searching', () => {
    expect(searchFormErrors(search({ id_number: '11010519491231002X' }), NOW)).toEqual({})
    expect(searchFormErrors(search({ id_number: '110105194912310021' }), NOW)).toEqual({ id_number: 'id_check_digit' })
    expect(searchFormErrors(search({ name: '张' }), NOW)).toEqual({})
  })

  it('places the server refusals of a search under the search inputs', () => {
    const error = new ApiError(400, 'validation_failed', 'bad', [
      { field: 'phone', code: 'invalid_phone', reason: 'x' },
      { field: 'region', code: 'invalid_region_code', reason: 'x' },
      { field: 'page', code: 'whatever', reason: 'x' },
    ])
    expect(searchFieldErrors(error)).toEqual({ phone: 'invalid_phone', region: 'invalid_region_code' })
    expect(searchFieldErrors(new ApiError(403, 'forbidden', 'no'))).toEqual({})
  })
})

describe('the registration form', () => {
  it('asks for name, kind and grid', () => {
    expect(personFormErrors(emptyPersonForm(), NOW)).toEqual({ name: 'required', kind: 'required', grid: 'required' })
    expect(personFormErrors(form({ name: '   ' }), NOW)).toEqual({ name: 'required' })
    expect(personFormErrors(form(), NOW)).toEqual({})
  })

  it('counts a name in characters as the server does', () => {
    expect(personFormErrors(form({ name: '张'.repeat(64) }), NOW)).toEqual({})
    expect(personFormErrors(form({ name: '张'.repeat(65) }), NOW)).toEqual({ name: 'too_long' })
    // 64 characters outside the BMP are 128 UTF-16 units, and still a good name.
    expect(charCount('𠇔'.repeat(64))).toBe(64)
    expect(personFormErrors(form({ name: '𠇔'.repeat(64) }), NOW)).toEqual({})
    expect(personFormErrors(form({ address: 'x'.repeat(201), note: 'y'.repeat(501) }), NOW)).toEqual({ address: 'too_long', note: 'too_long' })
  })

  it('takes grids and sub-grids only', () => {
    expect(isGridCode('370105001001001')).toBe(true)
    expect(isGridCode('37010500100100101')).toBe(true)
    for (const bad of ['370105001001', '3701050010010011', '37010500100100A', '']) expect(isGridCode(bad), bad).toBe(false)
    expect(personFormErrors(form({ grid: '370105001001' }), NOW)).toEqual({ grid: 'not_a_grid' })
  })

  it('checks an ID number when one is given, and leaves the phone to the server', () => {
    expect(personFormErrors(form({ id_number: '110105194912310021' }), NOW)).toEqual({ id_number: 'id_check_digit' })
    expect(personFormErrors(form({ id_number: '1101051949' }), NOW)).toEqual({ id_number: 'id_length' })
    expect(personFormErrors(form({ id_number: '110105 19491231 002x', phone: '0531-85950000转12' }), NOW)).toEqual({})
  })

  it('sends trimmed values and leaves out empty ones', () => {
    expect(personInput(form({ name: ' 张三 ', grid: ' 370105001001001 ', address: '  ', note: '' }))).toEqual({
      name: '张三',
      kind: 'registered',
      grid: '370105001001001',
    })
    expect(personInput(form({ id_number: '110105 19491231 002x', phone: ' 13800138000 ', address: ' 经十路 1 号 ', note: '独居' }))).toEqual({
      name: '张三',
      kind: 'registered',
      grid: '370105001001001',
      id_number: '11010519491231002X',
      phone: '13800138000',
      address: '经十路 1 号',
      note: '独居',
    })
    expect(() => personInput(form({ kind: '' }))).toThrow()
  })

  it('places the server refusals under their inputs', () => {
    const invalid = new ApiError(400, 'validation_failed', 'bad', [
      { field: 'id_number', code: 'id_region', reason: 'x' },
      { field: 'phone', code: 'invalid_phone', reason: 'x' },
      { field: 'phone', code: 'later', reason: 'x' },
      { field: 'version', code: 'ignored', reason: 'x' },
    ])
    expect(personFieldErrors(invalid)).toEqual({ id_number: 'id_region', phone: 'invalid_phone' })
    expect(personFieldErrors(new ApiError(409, 'duplicate_id_number', 'taken'))).toEqual({ id_number: 'duplicate_id_number' })
    expect(personFieldErrors(new ApiError(404, 'region_not_found', 'no grid'))).toEqual({ grid: 'region_not_found' })
    expect(personFieldErrors(new ApiError(409, 'stale_version', 'x'))).toEqual({})
    expect(personFieldErrors(new ApiError(403, 'forbidden', 'x'))).toEqual({})
    expect(personFieldErrors(new Error('offline'))).toEqual({})
  })

  it('words field errors for the field, else as the error, else as the code', () => {
    expect(fieldErrorMessage('name', 'required', zh)).toBe('请填写姓名')
    expect(fieldErrorMessage('name', 'too_long', zh)).toContain('64')
    expect(fieldErrorMessage('note', 'too_long', en)).toContain('500')
    expect(fieldErrorMessage('id_number', 'id_check_digit', zh)).toBe(zh.t('errors.id_check_digit'))
    expect(fieldErrorMessage('id_number', 'duplicate_id_number', zh)).toBe('辖区内已登记过该身份证号')
    expect(fieldErrorMessage('grid', 'region_not_found', zh)).toBe('该网格不存在，或不在您的权限范围内')
    expect(fieldErrorMessage('phone', 'some_new_code', zh)).toBe('some_new_code')
    expect(fieldErrorMessage('phone', undefined, zh)).toBe('')
  })

  it('translates every code the form can show, in both languages', () => {
    const codes = ['required', 'too_long', 'unknown_kind', 'not_a_grid', 'id_length', 'id_characters', 'id_region', 'id_birth_date', 'id_check_digit', 'invalid_phone', 'duplicate_id_number', 'region_not_found', 'no_such_number', 'person_not_found']
    for (const i18n of [zh, en]) for (const code of codes) expect(i18n.te(`errors.${code}`), code).toBe(true)
  })
})

describe('the edit form', () => {
  const stored: PersonView = {
    id: 7,
    name: '李四',
    kind: 'floating',
    sex: 'male',
    birth_date: '1949-12-31',
    grid: '370105001001001',
    community: '370105001001',
    street: '370105001',
    id_number: '110105********0021',
    phone: '138****8000',
    address: '经十路 1 号',
    note: null,
    version: 3,
  }

  it('is filled with the person as stored, the numbers empty (only their masked form is known)', () => {
    expect(personFormOf(stored)).toEqual({
      name: '李四',
      kind: 'floating',
      grid: '370105001001001',
      id_number: '',
      phone: '',
      address: '经十路 1 号',
      note: '',
    })
    expect(personFormErrors(personFormOf(stored), NOW)).toEqual({})
  })

  it('keeps a number left empty, removes a cleared one, replaces one typed', () => {
    expect(numberEdit('id_number', '', false)).toBeUndefined()
    expect(numberEdit('phone', '   ', false)).toBeUndefined()
    expect(numberEdit('id_number', '', true)).toBe('')
    expect(numberEdit('phone', '', true)).toBe('')
    expect(numberEdit('id_number', '110105 19491231 002x', false)).toBe('11010519491231002X')
    expect(numberEdit('phone', ' 0531-85950000 ', false)).toBe('0531-85950000')
    // The box wins: the form empties and locks the input while it is ticked.
    expect(numberEdit('phone', '13800138000', true)).toBe('')
  })

  it('sends the whole record and the version, leaving out the numbers it keeps', () => {
    const body = personEdit(personFormOf(stored), noClears(), 3)
    expect(body).toEqual({
      name: '李四',
      kind: 'floating',
      grid: '370105001001001',
      address: '经十路 1 号',
      note: '',
      version: 3,
    })
    // Left out, not null or empty: the server keeps both numbers.
    expect('id_number' in body).toBe(false)
    expect('phone' in body).toBe(false)
  })

  it('sends an empty string for a cleared number and the new value for a replaced one', () => {
    const f = { ...personFormOf(stored), phone: ' 13900139000 ' }
    expect(personEdit(f, { id_number: true, phone: false }, 4)).toEqual({
      name: '李四',
      kind: 'floating',
      grid: '370105001001001',
      id_number: '',
      phone: '13900139000',
      address: '经十路 1 号',
      note: '',
      version: 4,
    })
    const both = personEdit({ ...personFormOf(stored), id_number: '110105194912310021' }, { id_number: false, phone: true }, 4)
    expect([both.id_number, both.phone]).toEqual(['110105194912310021', ''])
  })

  it('trims the text and sends an emptied address or note empty (the server removes it)', () => {
    const f = { ...personFormOf(stored), name: ' 李四 ', grid: ' 37010500100100101 ', address: '  ', note: ' 独居 ', kind: 'registered' as const }
    expect(personEdit(f, noClears(), 3)).toEqual({
      name: '李四',
      kind: 'registered',
      grid: '37010500100100101',
      address: '',
      note: '独居',
      version: 3,
    })
    expect(() => personEdit({ ...f, kind: '' }, noClears(), 3)).toThrow()
  })

  it('places field errors of an edit under their inputs, and asks for a reload when stale or gone', () => {
    expect(personFieldErrors(new ApiError(409, 'duplicate_id_number', 'taken'))).toEqual({ id_number: 'duplicate_id_number' })
    const unprocessable = new ApiError(422, 'validation_failed', 'bad', [{ field: 'phone', code: 'invalid_phone', reason: 'x' }])
    expect(personFieldErrors(unprocessable)).toEqual({ phone: 'invalid_phone' })
    expect(personFieldErrors(new ApiError(409, 'stale_version', 'x'))).toEqual({})
    expect(needsReload(new ApiError(409, 'stale_version', 'x'))).toBe(true)
    expect(needsReload(new ApiError(404, 'person_not_found', 'x'))).toBe(true)
    expect(needsReload(new ApiError(409, 'duplicate_id_number', 'x'))).toBe(false)
    expect(needsReload(new ApiError(404, 'region_not_found', 'x'))).toBe(false)
    expect(needsReload(new Error('offline'))).toBe(false)
  })

  it('has its words in both languages', () => {
    expect(zh.t('people.edit.title')).toBe('编辑人员信息')
    expect(zh.t('people.edit.keepHint')).toBe('留空则不修改')
    expect(zh.t('people.edit.stale')).toBe('数据已被他人修改，请刷新后重试')
    for (const key of ['title', 'keepHint', 'clear', 'willClear', 'submit', 'saved', 'stale', 'reload']) expect(en.te(`people.edit.${key}`), key).toBe(true)
  })
})

describe('labels', () => {
  it('names every kind and sex in both languages', () => {
    for (const i18n of [zh, en]) {
      for (const kind of PERSON_KINDS) expect(i18n.te(`people.kind.${kind}`), kind).toBe(true)
      for (const sex of ['male', 'female']) expect(i18n.te(`people.sexes.${sex}`), sex).toBe(true)
    }
    expect(kindLabel('floating', zh)).toBe('流动人口')
    expect(kindLabel('newcomer', zh)).toBe('newcomer')
    expect(sexLabel('female', zh)).toBe('女')
    expect(sexLabel(null, zh)).toBe('—')
  })
})

describe('revealed numbers', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  const person = { id: 7, id_number: '370105********1234', phone: '138****8000' }

  it('shows a number whole for 30 seconds, then masked again', () => {
    const reveals = createTimedReveals()
    const key = revealKey(7, 'id_number')
    reveals.show(key, '370105199003071234')
    expect(shownNumber(person, 'id_number', reveals)).toBe('370105199003071234')
    expect(shownNumber(person, 'phone', reveals)).toBe('138****8000')
    vi.advanceTimersByTime(REVEAL_MS - 1)
    expect(reveals.get(key)).toBe('370105199003071234')
    vi.advanceTimersByTime(1)
    expect(reveals.has(key)).toBe(false)
    expect(shownNumber(person, 'id_number', reveals)).toBe('370105********1234')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('starts the time anew when shown again, and masks at once on hide and clear', () => {
    const reveals = createTimedReveals(1000)
    const id = revealKey(7, 'id_number')
    const phone = revealKey(7, 'phone')
    reveals.show(id, 'a')
    vi.advanceTimersByTime(800)
    reveals.show(id, 'a')
    vi.advanceTimersByTime(800)
    expect(reveals.get(id)).toBe('a')
    reveals.show(phone, 'b')
    reveals.hide(id)
    expect(reveals.has(id)).toBe(false)
    expect(reveals.size).toBe(1)
    reveals.clear()
    expect(reveals.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('shows a dash for a number not on record, even with a stray reveal', () => {
    const reveals = createTimedReveals()
    reveals.show(revealKey(8, 'phone'), '13800138000')
    expect(shownNumber({ id: 8, id_number: null, phone: null }, 'phone', reveals)).toBe('—')
    reveals.clear()
  })
})
