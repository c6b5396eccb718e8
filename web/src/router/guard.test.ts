import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent } from 'vue'
import { createMemoryHistory, createRouter, type RouteRecordRaw } from 'vue-router'
import { ApiError, getJson, onUnauthorized } from '../api/http'
import type { Me } from '../api/types'
import { installAuthGuard } from './guard'

const Page = defineComponent({ render: () => null })

// The app's route shapes, with empty components: the guard only reads names, paths and meta.
const testRoutes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: Page, meta: { public: true } },
  {
    path: '/',
    component: Page,
    redirect: '/map',
    children: [
      { path: 'map', name: 'grid-map', component: Page, meta: { permission: 'region:region:read' } },
      { path: 'about', name: 'about', component: Page },
      { path: 'no-access', name: 'no-access', component: Page },
    ],
  },
]

function me(permissions: string[]): Me {
  return {
    id: 7,
    username: 'community',
    display_name: '社区操作员',
    kind: 'staff',
    district_code: '370105',
    unit_code: '370105001001',
    department_id: null,
    roles: ['community_operator'],
    permissions,
  }
}

/** A router with the guard installed and an auth store stand-in whose account `setMe` changes. */
function setup(initial: Me | null) {
  let account = initial
  const auth = {
    ensureLoaded: vi.fn(async () => account),
    clear: vi.fn((_reason?: string | null) => {
      account = null
    }),
  }
  const router = createRouter({ history: createMemoryHistory(), routes: testRoutes })
  installAuthGuard(router, auth)
  return { router, auth, setMe: (m: Me | null) => (account = m) }
}

afterEach(() => {
  onUnauthorized(null)
  vi.unstubAllGlobals()
})

describe('the router guard', () => {
  it('sends an unauthenticated visitor to login with the page to come back to', async () => {
    const { router } = setup(null)
    await router.push('/about')
    expect(router.currentRoute.value.fullPath).toBe('/login?redirect=/about')
  })

  it('opens the map (the start page) for a user with region:region:read', async () => {
    const { router } = setup(me(['region:region:read', 'region:team:read']))
    await router.push('/')
    expect(router.currentRoute.value.name).toBe('grid-map')
  })

  it('shows a resident the no-access page instead of the map', async () => {
    const { router } = setup(me([]))
    await router.push('/')
    expect(router.currentRoute.value.name).toBe('no-access')
    await router.push('/about')
    expect(router.currentRoute.value.name).toBe('about')
  })

  it('sends a signed-in user from the login page to the redirect target', async () => {
    const { router } = setup(me(['region:region:read']))
    await router.push('/login?redirect=/about')
    expect(router.currentRoute.value.name).toBe('about')
  })

  it('goes to login, keeping the current page, when any API call answers 401', async () => {
    const { router, auth } = setup(me(['region:region:read']))
    await router.push('/about?tab=2')
    const body = { error: { code: 'session_expired', message: 'session expired' } }
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { status: 401 })))
    await expect(getJson('/api/v1/regions')).rejects.toBeInstanceOf(ApiError)
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'))
    expect(router.currentRoute.value.query).toEqual({ redirect: '/about?tab=2' })
    expect(auth.clear).toHaveBeenCalledWith('session_expired')
  })

  it('does not react to a 401 the caller handles itself (a wrong password)', async () => {
    const { router, auth } = setup(me(['region:region:read']))
    await router.push('/about')
    const body = { error: { code: 'invalid_credentials', message: 'wrong username or password' } }
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { status: 401 })))
    await expect(getJson('/api/v1/auth/login', {}, undefined, true)).rejects.toMatchObject({ code: 'invalid_credentials' })
    expect(auth.clear).not.toHaveBeenCalled()
    expect(router.currentRoute.value.name).toBe('about')
  })
})
