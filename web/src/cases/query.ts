// The case search (no Vue): the inboxes an account has, the form, the query of GET /api/v1/cases,
// and the category tree for pickers.
import type { CaseInbox, CaseQuery, CaseState, Category, Me } from '../api/types'

/**
 * The inboxes an account can open, its 待办 first: a centre's or grid's staff have `mine`, a
 * department's staff `department` (the server refuses it to anyone else); everyone with read access
 * has `all`; everyone has `reported`. A resident only has their own reports.
 */
export function inboxesFor(me: Pick<Me, 'kind' | 'permissions'> | null): CaseInbox[] {
  if (!me) return []
  if (me.kind === 'resident') return ['reported']
  const todo: CaseInbox[] = me.kind === 'department' ? ['department'] : me.permissions.includes('case:case:handle') ? ['mine'] : []
  return [...todo, 'all', 'reported']
}

/** The search form of the case list. */
export interface CaseSearch {
  inbox: CaseInbox
  states: CaseState[]
  /** A category id (not a group). */
  category: number | null
  /** A region code: only cases in its subtree. */
  region: string
  overdue: boolean
  q: string
}

export function emptyCaseSearch(inbox: CaseInbox = 'all'): CaseSearch {
  return { inbox, states: [], category: null, region: '', overdue: false, q: '' }
}

/** The query for the form and page: empty filters left out, states joined with commas, `overdue` only when on. */
export function caseQuery(search: CaseSearch, page: number, pageSize: number): CaseQuery {
  const query: CaseQuery = { inbox: search.inbox, page, page_size: pageSize }
  if (search.states.length) query.state = [...new Set(search.states)].join(',')
  if (search.category !== null) query.category_id = search.category
  const region = search.region.trim()
  if (region) query.region = region
  if (search.overdue) query.overdue = true
  const q = search.q.trim()
  if (q) query.q = q
  return query
}

/** A group of categories with the (enabled) categories under it, for cascaders and pickers. */
export interface CategoryGroup {
  group: Category
  categories: Category[]
}

/** The catalogue as groups in the server's order; disabled categories and empty groups left out. */
export function categoryGroups(items: readonly Category[]): CategoryGroup[] {
  const groups = items.filter((c) => !c.parent_code)
  return groups
    .map((group) => ({ group, categories: items.filter((c) => c.parent_code === group.code && c.enabled) }))
    .filter((g) => g.group.enabled && g.categories.length > 0)
}

/** Cascader options: a group, then its categories (the value of a category is its id). */
export type CategoryOption = {
  value: string | number
  label: string
  children?: CategoryOption[]
}

export function categoryOptions(items: readonly Category[]): CategoryOption[] {
  return categoryGroups(items).map(({ group, categories }) => ({
    value: group.code,
    label: group.name,
    children: categories.map((c) => ({ value: c.id, label: c.name })),
  }))
}

/** The cascader's path of a category id ([group code, id]), or [] when it is unknown. */
export function categoryPath(items: readonly Category[], id: number | null): (string | number)[] {
  if (id === null) return []
  const category = items.find((c) => c.id === id)
  return category?.parent_code ? [category.parent_code, category.id] : []
}

/** `环境卫生 / 垃圾堆放` for a category id, or its bare name. */
export function categoryFullName(items: readonly Category[], id: number, fallback = ''): string {
  const category = items.find((c) => c.id === id)
  if (!category) return fallback
  const group = items.find((c) => c.code === category.parent_code)
  return group ? `${group.name} / ${category.name}` : category.name
}
