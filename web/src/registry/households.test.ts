import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import type { HouseholdDetail, HouseholdMember } from '../api/types'
import { createAppI18n } from '../i18n'
import {
  RELATIONS,
  clearMemberError,
  collectFieldErrors,
  collectFieldMessage,
  collectFormErrors,
  collectNeedsReload,
  collectRequest,
  collectSummary,
  draftForStorage,
  draftHasContent,
  draftOf,
  emptyCollectDraft,
  emptyHouseholdSearch,
  emptyMember,
  hasCollectErrors,
  headOf,
  householdNumberProblem,
  householdQuery,
  loadCollectDraft,
  maskTyped,
  memberIsBlank,
  membersWithErrors,
  mergeLatest,
  relationLabel,
  saveCollectDraft,
  type CollectDraft,
  type MemberDraft,
} from './households'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}

const zh = translator('zh-CN')
const en = translator('en')

const GRID = '370105001001001'
const NOW = new Date('2026-03-01T04:00:00Z')

/** A valid number with the check character worked out by hand (MOD 11-2). */
function withCheck(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * (weights[i] ?? 0), 0)
  return first17 + '10X98765432'.charAt(sum % 11)
}

const ID_A = withCheck('37010519800307123')
const ID_B = withCheck('37010519820511456')
/** ID_A with a wrong last character. */
const ID_BAD = ID_A.slice(0, 17) + (ID_A.endsWith('0') ? '1' : '0')

const member = (over: Partial<MemberDraft> = {}): MemberDraft => ({ ...emptyMember('', over.key ?? 'k'), name: '张三', kind: 'registered', relation: 'head', ...over })

const draft = (members: MemberDraft[], over: Partial<CollectDraft['household']> = {}): CollectDraft => {
  const d = emptyCollectDraft(GRID)
  return { ...d, household: { ...d.household, ...over }, members }
}

const stored = (over: Partial<HouseholdMember> = {}): HouseholdMember => ({
  id: 11,
  name: '王芳',
  kind: 'registered',
  sex: 'female',
  birth_date: '1982-05-11',
  grid: GRID,
  community: '370105001001',
  street: '370105001000',
  id_number: '370105********4567',
  phone: '138****8000',
  address: '3号楼 2单元 501',
  note: null,
  household_id: 5,
  relation: 'head',
  version: 4,
  ...over,
})

const detail = (members: HouseholdMember[] = [stored()]): HouseholdDetail => ({
  household: { id: 5, grid: GRID, community: '370105001001', street: '370105001000', house_id: 40, number: 'HH-001', address: '3号楼 2单元 501', note: null, version: 3 },
  members,
})

const invalid = (fields: { field: string; code: string }[]) =>
  new ApiError(400, 'validation_failed', 'invalid', fields.map((f) => ({ ...f, reason: 'x' })))

describe('relations', () => {
  it('names every relation in both languages', () => {
    for (const i18n of [zh, en]) for (const r of RELATIONS) expect(i18n.te(`households.relations.${r}`), r).toBe(true)
    expect(relationLabel('head', zh)).toBe('户主')
    expect(relationLabel('child_in_law', zh)).toBe('儿媳/女婿')
    expect(relationLabel('spouse', en)).toBe('Spouse')
    expect(relationLabel(null, zh)).toBe('—')
    expect(relationLabel('cousin', zh)).toBe('cousin')
  })

  it('finds the head', () => {
    expect(headOf([stored({ id: 2, relation: 'child' }), stored({ id: 1 })])?.id).toBe(1)
    expect(headOf([stored({ relation: 'child' })])).toBeNull()
  })
})

describe('household search', () => {
  it('sends a region and a whole 户号, upper-cased', () => {
    expect(householdQuery(emptyHouseholdSearch(), 1, 20)).toEqual({ page: 1, page_size: 20 })
    expect(householdQuery({ region: GRID, number: ' hh-001 ' }, 2, 10)).toEqual({ region: GRID, number: 'HH-001', page: 2, page_size: 10 })
  })

  it('checks a 户号 as the server does', () => {
    expect(householdNumberProblem('')).toBeNull()
    expect(householdNumberProblem('HH-001')).toBeNull()
    expect(householdNumberProblem('户001')).toBe('household_number_characters')
    expect(householdNumberProblem('1'.repeat(33))).toBe('too_long')
  })
})

describe('the draft of a stored household', () => {
  it('takes the household with its version and the members as stored, numbers left to keep', () => {
    const d = draftOf(detail([stored(), stored({ id: 12, name: '李雷', relation: 'spouse', id_number: null, phone: null, address: null, version: 1 })]))
    expect(d.household).toEqual({ id: 5, version: 3, grid: GRID, house_id: 40, number: 'HH-001', address: '3号楼 2单元 501', note: '' })
    expect(d.members.map((m) => [m.key, m.person_id, m.version, m.relation, m.id_number, m.stored_id_number])).toEqual([
      ['p11', 11, 4, 'head', '', '370105********4567'],
      ['p12', 12, 1, 'spouse', '', null],
    ])
  })

  it('after a stale save, takes the stored household and members and keeps the new members', () => {
    const d = draftOf(detail())
    d.household.number = 'CHANGED'
    d.members[0]!.name = '改过'
    const fresh = member({ key: 'new1', name: '新人', relation: 'child' })
    d.members.push(fresh)
    const latest = detail([stored({ version: 5, name: '王芳芳' })])
    latest.household.version = 4
    const merged = mergeLatest(d, latest)
    expect(merged.household).toMatchObject({ version: 4, number: 'HH-001' })
    expect(merged.members.map((m) => [m.name, m.version])).toEqual([
      ['王芳芳', 5],
      ['新人', null],
    ])
  })

  it('after a lost answer, does not keep a new member the household has now', () => {
    const d = draftOf(detail())
    d.members.push(member({ key: 'n1', name: '小明', relation: 'child' }), member({ key: 'n2', name: '小红', relation: 'child' }))
    // The first try went through: 小明 is a member now; 小红 was added by nobody.
    const latest = detail([stored({ version: 5 }), stored({ id: 30, name: '小明', relation: 'child', version: 1 })])
    const merged = mergeLatest(d, latest)
    expect(merged.members.map((m) => [m.name, m.person_id])).toEqual([
      ['王芳', 11],
      ['小明', 30],
      ['小红', null],
    ])
  })
})

describe('checks before sending', () => {
  it('accepts a household with a head and members', () => {
    const d = draft([member({ key: 'a', id_number: ID_A }), member({ key: 'b', name: '李四', relation: 'spouse', id_number: ID_B.toLowerCase() })])
    expect(hasCollectErrors(collectFormErrors(d, NOW))).toBe(false)
  })

  it('names the household’s and each member’s problems by member key', () => {
    const d = draft(
      [member({ key: 'a', name: '', kind: '', relation: '', id_number: ID_BAD }), member({ key: 'b', name: '李四', relation: 'child', id_number: '1234' })],
      { grid: '370105001001', number: '户号1' },
    )
    const e = collectFormErrors(d, NOW)
    expect(e.household).toEqual({ grid: 'not_a_grid', number: 'household_number_characters' })
    expect(e.members).toEqual({
      a: { name: 'required', kind: 'required', relation: 'required', id_number: 'id_check_digit' },
      b: { id_number: 'id_length' },
    })
    expect(membersWithErrors(e)).toBe(2)
  })

  it('refuses a second head and one ID number typed twice', () => {
    const d = draft([member({ key: 'a', id_number: ID_A }), member({ key: 'b', id_number: ` ${ID_A} ` }), member({ key: 'c', relation: 'child' })])
    expect(collectFormErrors(d, NOW).members).toEqual({ b: { relation: 'household_has_head', id_number: 'duplicate_id_number' } })
  })

  it('skips blank new rows, and counts members', () => {
    const blank = emptyMember('', 'z')
    expect(memberIsBlank(blank)).toBe(true)
    expect(memberIsBlank({ ...blank, person_id: 3 })).toBe(false)
    expect(collectFormErrors(draft([blank]), NOW)).toEqual({ household: {}, members: {}, general: [] })
    const many = Array.from({ length: 51 }, (_, i) => member({ key: `m${i}`, relation: i ? 'other' : 'head' }))
    expect(collectFormErrors(draft(many), NOW).general).toEqual(['too_many'])
  })

  it('does not check a number that the 清除 box removes', () => {
    const m = draftOf(detail()).members[0]!
    m.id_number = 'garbage'
    m.clears.id_number = true
    expect(collectFormErrors({ ...draftOf(detail()), members: [m] }, NOW).members).toEqual({})
  })
})

describe('the request', () => {
  it('sends a new household with new members, empty parts left out, blank rows dropped', () => {
    const d = draft([member({ key: 'a', name: ' 张三 ', id_number: ID_A.toLowerCase(), phone: ' 13800138000 ' }), emptyMember('', 'blank'), member({ key: 'b', name: '张小', relation: 'child', kind: 'floating' })], {
      number: ' hh-9 ',
      house_id: 40,
    })
    const { body, keys } = collectRequest(d)
    expect(keys).toEqual(['a', 'b'])
    expect(d.collect_key).toMatch(/^c-[A-Za-z0-9-]{8,60}$/)
    expect(body).toEqual({
      idempotency_key: d.collect_key,
      household: { grid: GRID, house_id: 40, number: 'HH-9', address: null, note: null },
      members: [
        { person: { name: '张三', kind: 'registered', id_number: ID_A, phone: '13800138000' }, relation: 'head' },
        { person: { name: '张小', kind: 'floating' }, relation: 'child' },
      ],
    })
  })

  it('sends a known household and members with their versions and whole records; numbers only when they change', () => {
    const d = draftOf(detail([stored(), stored({ id: 12, name: '李雷', relation: 'spouse', phone: null, address: null, version: 1 })]))
    d.members[1]!.phone = '0531-88881234'
    d.members[1]!.clears.id_number = true
    d.members.push(member({ key: 'n', name: '小明', relation: 'child' }))
    const { body, keys } = collectRequest(d)
    expect(keys).toEqual(['p11', 'p12', 'n'])
    expect(body.household).toEqual({ id: 5, version: 3, grid: GRID, house_id: 40, number: 'HH-001', address: '3号楼 2单元 501', note: null })
    expect(body.members).toEqual([
      { person_id: 11, version: 4, relation: 'head', person: { name: '王芳', kind: 'registered', grid: GRID, address: '3号楼 2单元 501', note: '' } },
      { person_id: 12, version: 1, relation: 'spouse', person: { name: '李雷', kind: 'registered', grid: GRID, id_number: '', phone: '0531-88881234', address: '', note: '' } },
      { relation: 'child', person: { name: '小明', kind: 'registered' } },
    ])
  })
})

describe('the server’s refusals', () => {
  const d = draft([member({ key: 'a', id_number: ID_A }), member({ key: 'b', name: '李四', relation: 'child' }), member({ key: 'c', name: '王五', relation: 'parent', id_number: ID_B })])
  const sent = collectRequest(d)

  it('puts every field error by its path under the right member, whatever the member’s index', () => {
    const e = collectFieldErrors(
      invalid([
        { field: 'household.number', code: 'household_number_characters' },
        { field: 'household.house_id', code: 'house_in_other_grid' },
        { field: 'members[2].id_number', code: 'id_check_digit' },
        { field: 'members[0].relation', code: 'household_has_head' },
        { field: 'members[1].grid', code: 'household_in_other_grid' },
        { field: 'members', code: 'too_many' },
        { field: 'members[9].name', code: 'required' },
      ]),
      sent,
    )
    expect(e.household).toEqual({ number: 'household_number_characters', house_id: 'house_in_other_grid' })
    expect(e.members).toEqual({ c: { id_number: 'id_check_digit' }, a: { relation: 'household_has_head' }, b: { grid: 'household_in_other_grid' } })
    expect(e.general).toEqual(['too_many', 'required'])
  })

  it('keeps a 400 without usable fields as a general error', () => {
    expect(collectFieldErrors(new ApiError(400, 'invalid_json', 'bad'), sent).general).toEqual(['invalid_json'])
  })

  it('puts conflicts and missing places where they belong', () => {
    expect(collectFieldErrors(new ApiError(409, 'duplicate_household_number', 'x'), sent).household).toEqual({ number: 'duplicate_household_number' })
    expect(collectFieldErrors(new ApiError(404, 'house_not_found', 'x'), sent).household).toEqual({ house_id: 'house_not_found' })
    expect(collectFieldErrors(new ApiError(404, 'region_not_found', 'x'), sent).household).toEqual({ grid: 'region_not_found' })
    expect(collectFieldErrors(new ApiError(409, 'stale_version', 'x'), sent).general).toEqual(['stale_version'])
  })

  it('puts a duplicate ID number under the member only when one member sent a number', () => {
    // Two members sent numbers: the server does not say which is the duplicate.
    expect(collectFieldErrors(new ApiError(409, 'duplicate_id_number', 'x'), sent)).toEqual({ household: {}, members: {}, general: ['duplicate_id_number'] })
    const one = collectRequest(draft([member({ key: 'a' }), member({ key: 'b', relation: 'child', id_number: ID_B })]))
    expect(collectFieldErrors(new ApiError(409, 'duplicate_id_number', 'x'), one).members).toEqual({ b: { id_number: 'duplicate_id_number' } })
  })

  it('leaves failures without an answer to the retry', () => {
    expect(hasCollectErrors(collectFieldErrors(new ApiError(0, 'network_error', 'offline'), sent))).toBe(false)
    expect(hasCollectErrors(collectFieldErrors(new TypeError('x'), sent))).toBe(false)
  })

  it('knows when the household must be reloaded', () => {
    expect(collectNeedsReload(new ApiError(409, 'stale_version', 'x'))).toBe(true)
    expect(collectNeedsReload(new ApiError(404, 'person_not_found', 'x'))).toBe(true)
    expect(collectNeedsReload(new ApiError(404, 'household_not_found', 'x'))).toBe(true)
    expect(collectNeedsReload(new ApiError(409, 'duplicate_id_number', 'x'))).toBe(false)
    expect(collectNeedsReload(new ApiError(404, 'house_not_found', 'x'))).toBe(false)
  })

  it('drops a member input’s error once it changes', () => {
    const e = collectFieldErrors(invalid([{ field: 'members[0].name', code: 'required' }, { field: 'members[0].kind', code: 'unknown_kind' }]), sent)
    const next = clearMemberError(e, 'a', 'name')
    expect(next.members.a).toEqual({ kind: 'unknown_kind' })
    expect(e.members.a).toEqual({ name: 'required', kind: 'unknown_kind' })
    expect(clearMemberError(next, 'a', 'name')).toBe(next)
  })

  it('words the errors', () => {
    expect(collectFieldMessage('relation', 'household_has_head', zh)).toBe('一户只能有一位户主')
    expect(collectFieldMessage('number', 'duplicate_household_number', zh)).toBe('辖区内已有该户号')
    expect(collectFieldMessage('name', 'required', zh)).toBe('请填写姓名')
    expect(collectFieldMessage('id_number', 'id_check_digit', zh)).toBe('身份证号校验码不符，请核对')
    expect(collectFieldMessage('note', 'too_long', zh)).toBe('备注不能超过 500 个字')
    expect(collectFieldMessage('name', undefined, zh)).toBe('')
  })
})

describe('storage', () => {
  class MemoryStorage {
    data = new Map<string, string>()
    getItem = (k: string) => this.data.get(k) ?? null
    setItem = (k: string, v: string) => void this.data.set(k, v)
    removeItem = (k: string) => void this.data.delete(k)
  }

  it('never writes a typed number, and says which members lost theirs', () => {
    const d = draftOf(detail())
    d.members[0]!.phone = '13800138000'
    d.members.push(member({ key: 'n', name: '小明', relation: 'child', id_number: ID_A }), member({ key: 'q', name: '无号', relation: 'other' }))
    const kept = draftForStorage(d)
    expect(JSON.stringify(kept)).not.toContain('13800138000')
    expect(JSON.stringify(kept)).not.toContain(ID_A)
    expect(kept.members.map((m) => m.numbers_dropped)).toEqual([true, true, false])
    // The draft in memory keeps them for the retry.
    expect(d.members[1]!.id_number).toBe(ID_A)
  })

  it('keeps a new household\'s collection key across a reload, so a retry after one is still recognised', () => {
    const s = new MemoryStorage()
    const d = draft([member({ key: 'a', name: '张三' })])
    saveCollectDraft(s, 'k', d)
    expect(loadCollectDraft(s, 'k')?.collect_key).toBe(d.collect_key)
    expect(emptyCollectDraft(GRID).collect_key).not.toBe(d.collect_key)
  })

  it('reads back what it wrote, and nothing that is not a draft', () => {
    const s = new MemoryStorage()
    const d = draftOf(detail())
    d.members.push(member({ key: 'n', name: '小明', relation: 'child', kind: 'floating', id_number: ID_A }))
    saveCollectDraft(s, 'k', d)
    const back = loadCollectDraft(s, 'k')
    expect(back?.household).toEqual(d.household)
    expect(back?.members.map((m) => [m.key, m.name, m.kind, m.relation, m.id_number, m.stored_id_number, m.numbers_dropped])).toEqual([
      ['p11', '王芳', 'registered', 'head', '', '370105********4567', false],
      ['n', '小明', 'floating', 'child', '', null, true],
    ])
    saveCollectDraft(s, 'k', null)
    expect(loadCollectDraft(s, 'k')).toBeNull()
    for (const raw of ['{', '[]', '{"household":{}}', JSON.stringify({ household: d.household, members: [{ key: 1 }] })]) {
      s.setItem('x', raw)
      expect(loadCollectDraft(s, 'x'), raw).toBeNull()
    }
  })

  it('knows an untouched new draft from one worth keeping', () => {
    expect(draftHasContent(emptyCollectDraft(GRID))).toBe(false)
    expect(draftHasContent({ ...emptyCollectDraft(GRID), members: [emptyMember('head')] })).toBe(false)
    expect(draftHasContent({ ...emptyCollectDraft(GRID), members: [member()] })).toBe(true)
    expect(draftHasContent(draftOf(detail([])))).toBe(true)
  })
})

describe('the summary', () => {
  it('shows the head and every member with masked numbers only', () => {
    const s = collectSummary(detail([stored(), stored({ id: 12, name: '李雷', relation: 'spouse', id_number: null })]))
    expect(s.head).toBe('王芳')
    expect(s.members).toEqual([
      { id: 11, name: '王芳', relation: 'head', id_number: '370105********4567', phone: '138****8000' },
      { id: 12, name: '李雷', relation: 'spouse', id_number: null, phone: '138****8000' },
    ])
  })
})

describe('typed numbers in lists', () => {
  it('masks them as the server masks stored ones', () => {
    expect(maskTyped('id_number', ID_A.toLowerCase())).toBe(`370105********${ID_A.slice(-4)}`)
    expect(maskTyped('id_number', '370105800307123')).toBe('370105*****7123')
    expect(maskTyped('id_number', '1234')).toBe('****')
    expect(maskTyped('phone', '138 0013 8000')).toBe('138****8000')
    expect(maskTyped('phone', '+8613800138000')).toBe('138****8000')
    expect(maskTyped('phone', '0531-88881234')).toBe('0531-****1234')
    expect(maskTyped('phone', '88881234')).toBe('****1234')
    expect(maskTyped('phone', '')).toBe('')
  })
})
