import { defineStore } from 'pinia'
import { ref } from 'vue'
import { fetchCategories, fetchDepartments, fetchRegions, locate } from '../api/gridgov'
import type { Category, Department } from '../api/types'
import { parentRegionCode, type NameLookup } from '../cases/labels'

/**
 * What case pages look up and rarely changes: the category catalogue, the district's departments,
 * and region names. A case carries only codes and ids, so names come from here: a region's name is
 * learned by listing its parent's children once (light: no geometry), which also names its siblings.
 */
export const useCaseRefsStore = defineStore('caseRefs', () => {
  const categories = ref<Category[]>([])
  const departments = ref<Department[]>([])
  const regionNames = ref<Record<string, string>>({})
  let categoriesPending: Promise<Category[]> | null = null
  let departmentsOf: string | null = null
  let departmentsPending: Promise<Department[]> | null = null
  const listedParents = new Set<string>()

  /** The catalogue (loaded once; a failure is thrown and the next call tries again). */
  function loadCategories(): Promise<Category[]> {
    if (categories.value.length) return Promise.resolve(categories.value)
    categoriesPending ??= fetchCategories()
      .then((items) => (categories.value = items))
      .finally(() => {
        categoriesPending = null
      })
    return categoriesPending
  }

  /** Replaces the catalogue after an edit on this page, so that every page shows it at once. */
  function setCategories(items: Category[]): void {
    categories.value = items
  }

  /** The departments of a district (the first six digits of its code). */
  function loadDepartments(district: string): Promise<Department[]> {
    if (departmentsOf === district && departments.value.length) return Promise.resolve(departments.value)
    departmentsPending ??= fetchDepartments(district)
      .then((items) => {
        departmentsOf = district
        departments.value = items
        return items
      })
      .finally(() => {
        departmentsPending = null
      })
    return departmentsPending
  }

  /** Learns the names of these regions in the background (unknown ones keep showing their codes). */
  function learnRegions(codes: Iterable<string | null | undefined>): void {
    for (const code of codes) {
      if (!code || regionNames.value[code]) continue
      const parent = parentRegionCode(code) ?? ''
      if (listedParents.has(parent)) continue
      listedParents.add(parent)
      fetchRegions(parent || undefined)
        .then((items) => {
          const next = { ...regionNames.value }
          for (const r of items) next[r.code] = r.name
          regionNames.value = next
        })
        .catch(() => {
          // Outside the caller's scope or offline: the code stays.
        })
    }
  }

  /**
   * Names the regions of a point by locating it, for accounts that may not list regions (a
   * resident): the answer names the street, community and grid the point is in.
   */
  function learnPlace(lon: number, lat: number, codes: (string | null | undefined)[]): void {
    if (codes.every((c) => !c || regionNames.value[c])) return
    locate(lon, lat)
      .then((place) => {
        for (const r of [place.street, place.community, place.grid]) if (r) rememberRegion(r.code, r.name)
      })
      .catch(() => {})
  }

  /** Remembers a name the page learned otherwise (e.g. from a region's detail). */
  function rememberRegion(code: string, name: string): void {
    if (regionNames.value[code] !== name) regionNames.value = { ...regionNames.value, [code]: name }
  }

  const names: NameLookup = {
    region: (code) => regionNames.value[code],
    department: (id) => departments.value.find((d) => d.id === id)?.name,
  }

  return { categories, departments, regionNames, names, loadCategories, setCategories, loadDepartments, learnRegions, learnPlace, rememberRegion }
})
