import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import zhCN from '../locales/zh-CN'
import {
  actionBody,
  actionNeeds,
  areaLabel,
  checkDraft,
  draftBody,
  homeAreas,
  inArea,
  stateLabel,
  stateTagType,
  supportBlock,
  supportProgress,
  tabStates,
  topicErrorMessage,
  triageButtons,
  TOPIC_STATES,
  TOPIC_CATEGORIES,
} from './topics'

type Tree = { [key: string]: string | Tree }
/** A translator over the zh-CN messages (no interpolation needed here). */
const zh = {
  t: (key: string) => String(key.split('.').reduce<string | Tree | undefined>((n, k) => (typeof n === 'object' ? n[k] : undefined), zhCN as unknown as Tree)),
  te: (key: string) => typeof key.split('.').reduce<string | Tree | undefined>((n, k) => (typeof n === 'object' ? n[k] : undefined), zhCN as unknown as Tree) === 'string',
}

const facts = { state: 'open', area: '370105001001001', supportedByMe: false, canSupport: true, home: '370105001001001' }

describe('topic states', () => {
  it('labels every state and category in Chinese', () => {
    for (const s of TOPIC_STATES) expect(zh.te(`delib.state.${s}`), s).toBe(true)
    for (const c of TOPIC_CATEGORIES) expect(zh.te(`delib.category.${c}`), c).toBe(true)
    expect(stateLabel('open', zh)).toBe('征集中')
    expect(stateLabel('ready', zh)).toBe('待上会')
    expect(stateLabel('someday', zh)).toBe('someday')
  })

  it('colours states by what they mean', () => {
    expect(stateTagType('open')).toBe('primary')
    expect(stateTagType('ready')).toBe('warning')
    expect(stateTagType('completed')).toBe('success')
    expect(stateTagType('declined')).toBe('danger')
    expect(stateTagType('merged')).toBe('info')
  })

  it('asks the server for the states of each tab', () => {
    expect(tabStates('open')).toEqual(['open'])
    expect(tabStates('meeting')).toContain('ready')
    expect(tabStates('meeting')).not.toContain('open')
    expect(tabStates('meeting')).not.toContain('declined')
    expect(tabStates('all')).toEqual([])
  })
})

describe('supportProgress', () => {
  it('is the share of the threshold, capped at 100', () => {
    expect(supportProgress(0, 5)).toEqual({ percent: 0, reached: false })
    expect(supportProgress(2, 5)).toEqual({ percent: 40, reached: false })
    expect(supportProgress(1, 3)).toEqual({ percent: 33, reached: false })
    expect(supportProgress(5, 5)).toEqual({ percent: 100, reached: true })
    expect(supportProgress(12, 5)).toEqual({ percent: 100, reached: true })
  })
  it('treats a missing threshold as reached', () => {
    expect(supportProgress(0, 0).reached).toBe(true)
  })
})

describe('supportBlock', () => {
  it('lets a resident of the area support an open topic once', () => {
    expect(supportBlock(facts)).toBeNull()
    expect(supportBlock({ ...facts, supportedByMe: true })).toBe('already_supported')
  })
  it('refuses closed topics, other areas, no home and no permission', () => {
    expect(supportBlock({ ...facts, state: 'ready' })).toBeNull()
    expect(supportBlock({ ...facts, state: 'scheduled' })).toBe('topic_not_open')
    expect(supportBlock({ ...facts, state: 'declined', supportedByMe: false })).toBe('topic_not_open')
    expect(supportBlock({ ...facts, home: '370105001001002' })).toBe('outside_area')
    expect(supportBlock({ ...facts, home: null })).toBe('home_required')
    expect(supportBlock({ ...facts, canSupport: false })).toBe('cannot_support')
  })
  it('accepts a home inside a community or street topic', () => {
    expect(supportBlock({ ...facts, area: '370105001001' })).toBeNull()
    expect(supportBlock({ ...facts, area: '370105001000' })).toBeNull()
    expect(supportBlock({ ...facts, area: '370105002000' })).toBe('outside_area')
  })
})

describe('areas', () => {
  it('knows the subtree of grids, communities and streets', () => {
    expect(inArea('370105001001001', '370105001001001')).toBe(true)
    expect(inArea('37010500100100101', '370105001001001')).toBe(true)
    expect(inArea('370105001001001', '370105001001')).toBe(true)
    expect(inArea('370105001002001', '370105001001')).toBe(false)
    expect(inArea('370105001002001', '370105001000')).toBe(true)
    expect(inArea('370105002001001', '370105001000')).toBe(false)
    expect(inArea('', '370105001000')).toBe(false)
  })
  it('offers the home grid, its community and its street', () => {
    expect(homeAreas('370105001001001')).toEqual([
      { level: 'grid', code: '370105001001001' },
      { level: 'community', code: '370105001001' },
      { level: 'street', code: '370105001000' },
    ])
    expect(homeAreas('37010500100100102')[0]).toEqual({ level: 'grid', code: '370105001001001' })
    expect(homeAreas(null)).toEqual([])
    expect(homeAreas('370105001001')).toEqual([])
  })
})

describe('areaLabel', () => {
  it('names an area, or says it is the reader’s own, or shows its code', () => {
    expect(areaLabel('370105001001001', 'grid', '幸福社区第1网格', zh, '370105001001001')).toBe('幸福社区第1网格')
    expect(areaLabel('370105001001001', 'grid', undefined, zh, '370105001001001')).toBe('我的网格')
    expect(areaLabel('370105001001', 'community', undefined, zh, '370105001001001')).toBe('我的社区')
    expect(areaLabel('370105001000', 'street', undefined, zh, '370105001001001')).toBe('我的街道')
    expect(areaLabel('370105002000', 'street', undefined, zh, '370105001001001')).toBe('街道 370105002000')
    expect(areaLabel('370105001001001', 'grid', undefined, zh)).toBe('网格 370105001001001')
  })
})

describe('the raise form', () => {
  const draft = { title: ' 楼道照明灯损坏 ', category: 'facilities', description: '3 号楼 2 单元的楼道灯坏了', area: '' }
  it('passes a complete draft and trims it into the body', () => {
    expect(checkDraft(draft, false)).toEqual([])
    expect(draftBody(draft)).toEqual({ title: '楼道照明灯损坏', category: 'facilities', description: '3 号楼 2 单元的楼道灯坏了' })
    expect(draftBody({ ...draft, area: '370105001001' }, { lon: 117, lat: 36.6 })).toMatchObject({ area: '370105001001', lon: 117, lat: 36.6 })
  })
  it('names what is missing or too long', () => {
    expect(checkDraft({ title: '  ', category: '', description: '', area: '' })).toEqual(['title_required', 'category_required', 'description_required', 'area_required'])
    expect(checkDraft({ ...draft, title: '灯'.repeat(101) }, false)).toEqual(['title_too_long'])
    expect(checkDraft({ ...draft, title: '灯'.repeat(100) }, false)).toEqual([])
    expect(checkDraft({ ...draft, description: 'x'.repeat(2001) }, false)).toEqual(['description_too_long'])
    expect(checkDraft({ ...draft, category: 'weather' }, false)).toEqual(['category_required'])
  })
})

describe('triage', () => {
  it('shows the offered actions in a fixed order and nothing else', () => {
    expect(triageButtons(['refer', 'accept', 'schedule', 'decline'])).toEqual(['accept', 'decline', 'refer'])
    expect(triageButtons([])).toEqual([])
  })
  it('needs a reason to decline and a target to merge', () => {
    expect(actionNeeds('decline')).toBe('reason')
    expect(actionNeeds('merge')).toBe('target')
    expect(actionNeeds('accept')).toBe('confirm')
    expect(actionBody('decline', 3, { note: '  ', into: null })).toEqual({ problem: 'reason_required' })
    expect(actionBody('decline', 3, { note: ' 不属于议事范围 ', into: null })).toEqual({ body: { action: 'decline', version: 3, note: '不属于议事范围' } })
    expect(actionBody('merge', 3, { note: '', into: null })).toEqual({ problem: 'target_required' })
    expect(actionBody('merge', 3, { note: '', into: 7 })).toEqual({ body: { action: 'merge', version: 3, into: 7 } })
    expect(actionBody('accept', 1, { note: '', into: 7 })).toEqual({ body: { action: 'accept', version: 1 } })
  })
})

describe('topicErrorMessage', () => {
  const fallback = () => 'fallback'
  it('says the support refusals in plain Chinese', () => {
    expect(topicErrorMessage(new ApiError(409, 'already_supported', 'x'), zh, fallback)).toBe(zh.t('delib.errors.already_supported'))
    expect(topicErrorMessage(new ApiError(422, 'outside_area', 'x'), zh, fallback)).toContain('不在')
    expect(topicErrorMessage(new ApiError(422, 'home_required', 'x'), zh, fallback)).toContain('居住网格')
  })
  it('prefers the field codes and falls back for others', () => {
    const e = new ApiError(400, 'validation_failed', 'x', [{ field: 'note', code: 'reason_required', reason: '' }])
    expect(topicErrorMessage(e, zh, fallback)).toBe(zh.t('delib.errors.reason_required'))
    expect(topicErrorMessage(new ApiError(500, 'internal', 'x'), zh, fallback)).toBe('fallback')
    expect(topicErrorMessage(new Error('boom'), zh, fallback)).toBe('fallback')
  })
})
