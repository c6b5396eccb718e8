import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useAuthStore } from './auth'

const ME = {
  id: 3,
  username: 'street',
  display_name: '街道操作员',
  kind: 'staff',
  district_code: '370105',
  unit_code: '370105001',
  department_id: null,
  roles: ['street_operator'],
  permissions: ['region:region:read', 'region:team:read'],
}

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('auth store', () => {
  it('loads the account once', async () => {
    const fetchMock = vi.fn(async () => json(200, ME))
    vi.stubGlobal('fetch', fetchMock)
    const auth = useAuthStore()
    const [a, b] = await Promise.all([auth.ensureLoaded(), auth.ensureLoaded()])
    expect(a).toEqual(ME)
    expect(b).toEqual(ME)
    await auth.ensureLoaded()
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(auth.loggedIn).toBe(true)
    expect(auth.can('region:team:read')).toBe(true)
    expect(auth.can('system:user:write')).toBe(false)
  })

  it('treats a 401 at start as "not logged in", and other failures as an error to show', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(401, { error: { code: 'not_logged_in', message: 'please log in' } })))
    const auth = useAuthStore()
    expect(await auth.ensureLoaded()).toBeNull()
    expect(auth.probeError).toBeNull()

    setActivePinia(createPinia())
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    const offline = useAuthStore()
    expect(await offline.ensureLoaded()).toBeNull()
    expect(offline.probeError).toMatchObject({ code: 'network_error' })
  })

  it('logs in and out', async () => {
    const fetchMock = vi.fn(async (url: string) => (url.endsWith('/login') ? json(200, ME) : new Response(null, { status: 204 })))
    vi.stubGlobal('fetch', fetchMock)
    const auth = useAuthStore()
    auth.clear('session_expired')
    await auth.login('street', 'Tianqiao#2026')
    expect(auth.me?.username).toBe('street')
    expect(auth.endedBecause).toBeNull()
    await auth.logout()
    expect(auth.me).toBeNull()
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual(['/api/v1/auth/login', '/api/v1/auth/logout'])
  })

  it('counts a 401 on logout as logged out, but stays signed in when the server cannot be told', async () => {
    const auth = useAuthStore()
    vi.stubGlobal('fetch', vi.fn(async () => json(200, ME)))
    await auth.login('street', 'x')
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    await expect(auth.logout(true)).rejects.toMatchObject({ code: 'network_error' })
    expect(auth.loggedIn).toBe(true)
    vi.stubGlobal('fetch', vi.fn(async () => json(401, { error: { code: 'session_expired', message: 'expired' } })))
    await auth.logout()
    expect(auth.loggedIn).toBe(false)
  })
})
