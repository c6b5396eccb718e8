import { describe, expect, it } from 'vitest'
import zhCN from './zh-CN'
import en from './en'

type Tree = { [key: string]: string | Tree }

/** `{a: {b: 'x'}}` → `[['a.b', 'x']]` */
function flatten(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : flatten(value, `${prefix}${key}.`),
  )
}

const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('locales', () => {
  const zh = new Map(flatten(zhCN))
  const english = new Map(flatten(en))

  it('zh-CN and en have the same set of keys', () => {
    expect([...english.keys()].sort()).toEqual([...zh.keys()].sort())
  })

  it('has no empty message', () => {
    for (const [key, message] of [...zh, ...english]) expect(message.trim(), key).not.toBe('')
  })

  it('uses the same placeholders in both languages', () => {
    for (const [key, message] of zh) expect(placeholders(english.get(key) ?? ''), key).toEqual(placeholders(message))
  })

  it('avoids vue-i18n syntax characters that would need escaping', () => {
    // "@" starts a linked message and "|" separates plural forms in vue-i18n.
    for (const [key, message] of [...zh, ...english]) expect(message, key).not.toMatch(/[@|]/)
  })

  it('translates every API error code the map page can receive', () => {
    for (const code of ['outside_district', 'region_not_found', 'invalid_bbox', 'invalid_coordinate']) {
      expect(zh.has(`errors.${code}`), code).toBe(true)
    }
    expect(zh.get('errors.outside_district')).toBe('该位置不在辖区内')
  })
})
