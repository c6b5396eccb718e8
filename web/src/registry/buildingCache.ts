// The buildings a page has seen, by id: a house carries only its building's id (GET /api/v1/houses
// does not name the building), so the pages that list houses name them from here. Buildings listed
// or saved are remembered; an unknown one is read once (GET /api/v1/buildings/{id}), however many
// rows ask for it. Shared by the console and the phone (no UI library).
import { shallowReactive } from 'vue'
import { fetchBuilding, fetchHouses } from '../api/gridgov'
import type { BuildingView, HouseView } from '../api/types'

const known = shallowReactive(new Map<number, BuildingView>())
const pending = new Map<number, Promise<BuildingView | null>>()

/** Remembers buildings as listed or saved (a newer version replaces an older one). */
export function rememberBuildings(items: Iterable<BuildingView>): void {
  for (const b of items) {
    const had = known.get(b.id)
    if (!had || had.version <= b.version) known.set(b.id, b)
  }
}

/** A building seen before, or undefined. Reactive: a template reading it updates when it arrives. */
export function knownBuilding(id: number | null | undefined): BuildingView | undefined {
  return id === null || id === undefined ? undefined : known.get(id)
}

/** A building, read once when not seen yet; null when it is gone or outside the caller's scope. */
export function loadBuilding(id: number): Promise<BuildingView | null> {
  const had = known.get(id)
  if (had) return Promise.resolve(had)
  let p = pending.get(id)
  if (!p) {
    p = fetchBuilding(id)
      .then((b) => {
        rememberBuildings([b])
        return b
      })
      .catch(() => null)
      .finally(() => pending.delete(id))
    pending.set(id, p)
  }
  return p
}

/** Reads the buildings of these ids not seen yet, in the background. */
export function learnBuildings(ids: Iterable<number | null | undefined>): void {
  for (const id of new Set(ids)) if (id !== null && id !== undefined && !known.has(id)) void loadBuilding(id)
}

let owner: number | null = null

/** Forgets everything when another account uses the cache than the one that filled it (call on a page's start). */
export function bindBuildingCache(accountId: number | null | undefined): void {
  const id = accountId ?? null
  if (id === owner) return
  owner = id
  known.clear()
  pending.clear()
}

/** The most houses read for one building (a tower of 40 floors × 4 units × 6 doors). */
export const MAX_BUILDING_HOUSES = 1000

/** Every house of a building (page after page, up to `MAX_BUILDING_HOUSES`), as listed. */
export async function fetchBuildingHouses(buildingId: number, signal?: AbortSignal): Promise<HouseView[]> {
  const all: HouseView[] = []
  for (let page = 1; all.length < MAX_BUILDING_HOUSES; page += 1) {
    const answer = await fetchHouses({ building_id: buildingId, page, page_size: 100 }, signal)
    all.push(...answer.items)
    if (answer.items.length === 0 || all.length >= answer.total) break
  }
  return all
}
