import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, buildUrl, getJson, isSessionLost, onUnauthorized, postJson, retryAfterSeconds } from './http'
import {
  apiPath,
  changePassword,
  deletePhoto,
  exportPeople,
  fetchAudit,
  fetchGrid,
  fetchGrids,
  fetchImportErrors,
  fetchImportTemplate,
  fetchMe,
  fetchRegions,
  importPeople,
  locate,
  login,
  logout,
  resetPassword,
  updateUser,
} from './gridgov'

function respond(status: number, body: unknown, raw = false) {
  const text = raw ? String(body) : JSON.stringify(body)
  return vi.fn(async (_url: string) => new Response(text, { status, headers: { 'content-type': 'application/json' } }))
}

afterEach(() => {
  vi.unstubAllGlobals()
  onUnauthorized(null)
})

describe('buildUrl', () => {
  it('returns the bare path without parameters', () => {
    expect(buildUrl('/api/v1/meta')).toBe('/api/v1/meta')
    expect(buildUrl('/api/v1/regions', { parent: undefined })).toBe('/api/v1/regions')
  })

  it('joins a bbox with literal commas', () => {
    expect(buildUrl('/api/v1/grids', { bbox: [116.93, 36.66, 117.1, 36.86], level: 'street' })).toBe(
      '/api/v1/grids?bbox=116.93,36.66,117.1,36.86&level=street',
    )
  })

  it('leaves out null, undefined and empty values but keeps zero and false', () => {
    expect(buildUrl('/x', { a: null, b: undefined, c: '', d: 0, e: false })).toBe('/x?d=0&e=false')
  })

  it('percent-encodes reserved and non-ASCII characters', () => {
    expect(buildUrl('/x', { q: '天桥 a&b=c', 'k y': '1' })).toBe(
      '/x?q=%E5%A4%A9%E6%A1%A5%20a%26b%3Dc&k%20y=1',
    )
  })
})

describe('endpoints', () => {
  it('asks for the children of a region', async () => {
    const fetchMock = respond(200, { items: [] })
    vi.stubGlobal('fetch', fetchMock)
    await fetchRegions('370105001008')
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/v1/regions?parent=370105001008')
  })

  it('asks for grids in a bbox with a level', async () => {
    const fetchMock = respond(200, { type: 'FeatureCollection', features: [] })
    vi.stubGlobal('fetch', fetchMock)
    await fetchGrids([116.9, 36.6, 117.2, 36.9], 'community')
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/v1/grids?bbox=116.9,36.6,117.2,36.9&level=community')
  })

  it('fills and percent-encodes path placeholders', async () => {
    expect(apiPath('/api/v1/meta')).toBe('/api/v1/meta')
    expect(apiPath('/api/v1/grids/{code}', { code: '370105/1 2' })).toBe('/api/v1/grids/370105%2F1%202')
    const fetchMock = respond(200, {})
    vi.stubGlobal('fetch', fetchMock)
    await fetchGrid('370105001008001')
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/v1/grids/370105001008001')
  })

  it('locates a point, rounding to 7 decimals', async () => {
    const fetchMock = respond(200, {})
    vi.stubGlobal('fetch', fetchMock)
    await locate(116.987654321, 36.6712345678)
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/v1/locate?lon=116.9876543&lat=36.6712346&crs=wgs84')
  })
})

describe('account and audit endpoints', () => {
  const noContent = () => vi.fn(async (_url: string, _init?: RequestInit) => new Response(null, { status: 204 }))
  const call = (mock: ReturnType<typeof vi.fn>) => mock.mock.calls[0] as unknown as [string, RequestInit]

  it('edits an account with PUT and resolves with it', async () => {
    const user = { id: 7, username: 'e2e.worker', display_name: '新名字', kind: 'staff', disabled: false, version: 3, roles: [] }
    const fetchMock = respond(200, user)
    vi.stubGlobal('fetch', fetchMock)
    await expect(updateUser(7, { display_name: '新名字', unit_code: null, version: 2 })).resolves.toEqual(user)
    const [url, init] = call(fetchMock)
    expect(url).toBe('/api/v1/users/7')
    expect(init.method).toBe('PUT')
    expect(JSON.parse(String(init.body))).toEqual({ display_name: '新名字', unit_code: null, version: 2 })
  })

  it('resets and changes passwords, reading the 204', async () => {
    const reset = noContent()
    vi.stubGlobal('fetch', reset)
    await expect(resetPassword(9, { password: 'Grid-Worker#2027' })).resolves.toBeUndefined()
    expect(call(reset)[0]).toBe('/api/v1/users/9/password')
    expect(call(reset)[1].method).toBe('PUT')
    const change = noContent()
    vi.stubGlobal('fetch', change)
    await expect(changePassword({ current_password: 'a', new_password: 'b' })).resolves.toBeUndefined()
    expect(call(change)[0]).toBe('/api/v1/auth/password')
    expect(call(change)[1].method).toBe('POST')
    expect(JSON.parse(String(call(change)[1].body))).toEqual({ current_password: 'a', new_password: 'b' })
  })

  it('deletes a photo with DELETE, reading the 204, and reports its conflict', async () => {
    const gone = noContent()
    vi.stubGlobal('fetch', gone)
    await expect(deletePhoto(41)).resolves.toBeUndefined()
    expect(call(gone)[0]).toBe('/api/v1/photos/41')
    expect(call(gone)[1].method).toBe('DELETE')
    expect(call(gone)[1].body).toBeUndefined()
    vi.stubGlobal('fetch', respond(409, { error: { code: 'photo_cited', message: 'cited' } }))
    await expect(deletePhoto(41)).rejects.toMatchObject({ status: 409, code: 'photo_cited' })
  })

  it('a wrong current password is a field error, not a lost session', async () => {
    const handler = vi.fn()
    onUnauthorized(handler)
    const body = { error: { code: 'validation_failed', message: 'invalid', fields: [{ field: 'current_password', code: 'wrong_password', reason: '' }] } }
    vi.stubGlobal('fetch', respond(400, body))
    await expect(changePassword({ current_password: 'x', new_password: 'y' })).rejects.toMatchObject({ status: 400 })
    expect(handler).not.toHaveBeenCalled()
  })

  it('searches the audit log and returns the page with its total', async () => {
    const fetchMock = respond(200, { items: [], total: 42 })
    vi.stubGlobal('fetch', fetchMock)
    const page = await fetchAudit({ action: 'user.', from: '2026-01-01T16:00:00Z', page: 2, page_size: 20 })
    expect(page).toEqual({ items: [], total: 42 })
    expect(call(fetchMock)[0]).toBe('/api/v1/audit?action=user.&from=2026-01-01T16%3A00%3A00Z&page=2&page_size=20')
  })
})

describe('getJson', () => {
  it('returns the parsed body', async () => {
    vi.stubGlobal('fetch', respond(200, { name: 'gridgov' }))
    await expect(getJson('/api/v1/meta')).resolves.toEqual({ name: 'gridgov' })
  })

  it('turns an error body into an ApiError with its code, status and fields', async () => {
    const body = { error: { code: 'invalid_bbox', message: 'bad bbox', fields: [{ field: 'bbox', reason: 'four numbers' }] } }
    vi.stubGlobal('fetch', respond(400, body))
    const error = await getJson('/api/v1/grids').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 400, code: 'invalid_bbox', message: 'bad bbox' })
    expect((error as ApiError).fields).toEqual([{ field: 'bbox', reason: 'four numbers' }])
  })

  it('reports a non-JSON failure as bad_response', async () => {
    vi.stubGlobal('fetch', respond(502, '<html>Bad Gateway</html>', true))
    await expect(getJson('/api/v1/meta')).rejects.toMatchObject({ status: 502, code: 'bad_response' })
  })

  it('reports a transport failure as network_error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    await expect(getJson('/api/v1/meta')).rejects.toMatchObject({ status: 0, code: 'network_error' })
  })

  it('lets an abort through unchanged', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new DOMException('aborted', 'AbortError'))))
    await expect(getJson('/api/v1/meta')).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('sessions', () => {
  it('logs in with a same-origin JSON POST', async () => {
    const me = { id: 1, username: 'admin', display_name: '管理员', kind: 'staff', roles: [], permissions: [] }
    const fetchMock = respond(200, me)
    vi.stubGlobal('fetch', fetchMock)
    await expect(login('admin', 'Tianqiao#2026')).resolves.toEqual(me)
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/api/v1/auth/login')
    expect(init.method).toBe('POST')
    expect(init.credentials).toBe('same-origin')
    expect(JSON.parse(String(init.body))).toEqual({ username: 'admin', password: 'Tianqiao#2026' })
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json')
  })

  it('reads a 204 as no content', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })))
    await expect(logout()).resolves.toBeUndefined()
    await expect(postJson('/api/v1/auth/logout-everywhere')).resolves.toBeUndefined()
  })

  it('reports a 401 to the session handler, unless the caller handles it', async () => {
    const handler = vi.fn()
    onUnauthorized(handler)
    vi.stubGlobal('fetch', respond(401, { error: { code: 'not_logged_in', message: 'please log in' } }))
    await expect(fetchRegions()).rejects.toMatchObject({ status: 401, code: 'not_logged_in' })
    expect(handler).toHaveBeenCalledTimes(1)
    expect(handler.mock.calls[0]?.[0]).toMatchObject({ code: 'not_logged_in' })
    // The start-up probe and the login form handle their own 401.
    await expect(fetchMe({ quiet: true })).rejects.toMatchObject({ status: 401 })
    vi.stubGlobal('fetch', respond(401, { error: { code: 'invalid_credentials', message: 'wrong' } }))
    await expect(login('admin', 'nope')).rejects.toMatchObject({ code: 'invalid_credentials' })
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('does not report a 403 as a lost session', async () => {
    const handler = vi.fn()
    onUnauthorized(handler)
    vi.stubGlobal('fetch', respond(403, { error: { code: 'forbidden', message: 'missing region:region:read' } }))
    await expect(fetchRegions()).rejects.toMatchObject({ status: 403, code: 'forbidden' })
    expect(handler).not.toHaveBeenCalled()
    expect(isSessionLost(new ApiError(403, 'forbidden', ''))).toBe(false)
    expect(isSessionLost(new ApiError(401, 'session_expired', ''))).toBe(true)
  })

  it('reads the wait of a 429 from the message or the Retry-After header', async () => {
    vi.stubGlobal('fetch', respond(429, { error: { code: 'too_many_attempts', message: 'try again in 57 s' } }))
    await expect(login('admin', 'x')).rejects.toMatchObject({ status: 429, code: 'too_many_attempts', retryAfter: 57 })
    expect(retryAfterSeconds('120', 'try again in 57 s')).toBe(120)
    expect(retryAfterSeconds(null, 'slow down')).toBeNull()
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:01:30 GMT', '', now)).toBe(90)
  })
})

describe('files', () => {
  it('fetches a file with the name of its Content-Disposition, posting a body as octet-stream', async () => {
    const fetchMock = vi.fn(
      async (_url: string, _init?: RequestInit) =>
        new Response(new Uint8Array([0x50, 0x4b, 3, 4]), {
          status: 200,
          headers: {
            'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            'content-disposition': "attachment; filename=\"people.xlsx\"; filename*=UTF-8''%E9%94%99%E8%AF%AF.xlsx",
          },
        }),
    )
    vi.stubGlobal('fetch', fetchMock)
    const file = await fetchImportErrors(new Blob(['a,b']), { duplicates: 'merge', encoding: 'gbk' })
    expect(file.filename).toBe('错误.xlsx')
    expect(new Uint8Array(await file.blob.arrayBuffer())).toEqual(new Uint8Array([0x50, 0x4b, 3, 4]))
    const [url, init] = fetchMock.mock.calls[0]!
    expect(url).toBe('/api/v1/people/import/errors?duplicates=merge&encoding=gbk')
    expect(init?.method).toBe('POST')
    expect(init?.credentials).toBe('same-origin')
    expect((init?.headers as Record<string, string>)['Content-Type']).toBe('application/octet-stream')
  })

  it('throws the JSON error of a failed download, and reports a 401', async () => {
    const handler = vi.fn()
    onUnauthorized(handler)
    vi.stubGlobal('fetch', respond(403, { error: { code: 'forbidden', message: 'needs registry:person:reveal' } }))
    await expect(exportPeople({ format: 'csv', whole_numbers: true })).rejects.toMatchObject({ status: 403, code: 'forbidden' })
    vi.stubGlobal('fetch', respond(401, { error: { code: 'session_expired', message: '' } }))
    await expect(fetchImportTemplate()).rejects.toMatchObject({ status: 401 })
    expect(handler).toHaveBeenCalledTimes(1)
    vi.stubGlobal('fetch', respond(502, '<html>bad gateway</html>', true))
    await expect(exportPeople({ format: 'xlsx' })).rejects.toMatchObject({ status: 502, code: 'bad_response' })
  })

  it('sends an import as octet-stream with its query', async () => {
    const fetchMock = respond(200, { columns: [], labels: [], total: 0, valid: 0, created: 0, merged: 0, rejected: 0, rows: [], committed: false })
    vi.stubGlobal('fetch', fetchMock)
    await importPeople(new File(['x'], 'fixed.csv', { type: 'text/csv' }), { all_rows: true, duplicates: 'refuse', encoding: 'utf-8' })
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/api/v1/people/import?all_rows=true&duplicates=refuse&encoding=utf-8')
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/octet-stream')
  })
})
