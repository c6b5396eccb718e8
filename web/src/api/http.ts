import type { ApiErrorBody, FieldError } from './types'

/** Query values the API accepts; arrays are joined with commas (e.g. a bbox). */
export type QueryValue = string | number | boolean | null | undefined | readonly number[]
export type Query = Record<string, QueryValue>

/**
 * An API failure. `code` is the server's stable snake_case error code (translated by the UI),
 * or `network_error` / `bad_response` when no usable error body came back.
 */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: FieldError[]
  /** Seconds to wait before trying again (429 `too_many_attempts`), when the server said so. */
  readonly retryAfter: number | null

  constructor(status: number, code: string, message: string, fields: FieldError[] = [], retryAfter: number | null = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
    this.retryAfter = retryAfter
  }
}

// Commas are legal in a query (RFC 3986 sub-delims); keeping them literal makes
// `bbox=116.93,36.66,117.1,36.86` readable in logs and matches the API docs.
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ',')
}

function formatValue(value: Exclude<QueryValue, null | undefined>): string {
  if (Array.isArray(value)) return value.map((v) => String(v)).join(',')
  return String(value)
}

/** Builds `path?k=v&...`, leaving out null, undefined and empty-string values. */
export function buildUrl(path: string, query: Query = {}): string {
  const parts: string[] = []
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue
    parts.push(`${encodeURIComponent(key)}=${encodeValue(formatValue(value))}`)
  }
  return parts.length ? `${path}?${parts.join('&')}` : path
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false
  const error = (body as { error: unknown }).error
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
}

/**
 * The wait a 429 asks for, in whole seconds: the `Retry-After` header (seconds or an HTTP date)
 * if the server sent one, else the number in its message ("try again in 42 s"); null if neither.
 */
export function retryAfterSeconds(header: string | null, message: string, now: number = Date.now()): number | null {
  const value = header?.trim()
  if (value) {
    if (/^\d+$/.test(value)) return Number(value)
    const date = Date.parse(value)
    if (!Number.isNaN(date)) return Math.max(1, Math.ceil((date - now) / 1000))
  }
  const match = /(\d+)\s*(?:s|sec|secs|seconds?)\b/i.exec(message)
  return match ? Number(match[1]) : null
}

/**
 * Called with every 401 of a request that does not opt out (`ignoreUnauthorized`): the session is
 * missing, invalid or expired, so the app sends the user to the login page. Installed at start-up.
 */
type UnauthorizedHandler = (error: ApiError) => void
let unauthorizedHandler: UnauthorizedHandler | null = null

/** Sets (or with null removes) the handler for 401 answers; returns the previous one. */
export function onUnauthorized(handler: UnauthorizedHandler | null): UnauthorizedHandler | null {
  const previous = unauthorizedHandler
  unauthorizedHandler = handler
  return previous
}

/**
 * True for a 401: the session is gone and the app is already on its way to the login page, so a
 * page need not report the failure itself.
 */
export function isSessionLost(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  query?: Query
  /** Sent as JSON. */
  body?: unknown
  /** Sent as it is (a photo), with its own `Content-Type` (the blob's type unless `contentType` says). */
  rawBody?: Blob
  contentType?: string
  signal?: AbortSignal
  /**
   * Do not report a 401 to the `onUnauthorized` handler: the caller handles it (the login form,
   * whose 401 means a wrong password, and the start-up "who am I" probe).
   */
  ignoreUnauthorized?: boolean
}

/**
 * Sends one request to the API and returns the parsed JSON body, or undefined for 204 No Content.
 * Throws ApiError for transport failures and non-2xx answers. The session cookie goes along
 * (same-origin credentials, the fetch default), and unsafe methods are same-origin fetches, which is
 * what the server's CSRF check wants.
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', query = {}, body, rawBody, contentType, signal, ignoreUnauthorized = false } = options
  const headers: Record<string, string> = { Accept: 'application/json' }
  const init: RequestInit = { method, headers, signal, credentials: 'same-origin' }
  if (rawBody !== undefined) {
    headers['Content-Type'] = contentType ?? (rawBody.type || 'application/octet-stream')
    init.body = rawBody
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let response: Response
  try {
    response = await fetch(buildUrl(path, query), init)
  } catch (e) {
    // Aborts are the caller's decision (a newer request replaced this one): let them through untouched.
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e))
  }
  if (response.ok && response.status === 204) return undefined as T
  let parsed: unknown = null
  try {
    parsed = await response.json()
  } catch {
    parsed = null
  }
  if (!response.ok) throw failure(response, parsed, ignoreUnauthorized)
  if (parsed === null) throw new ApiError(response.status, 'bad_response', 'response is not JSON')
  return parsed as T
}

/** The ApiError of a non-2xx answer (its parsed JSON body, or null), reported to the 401 handler unless ignored. */
function failure(response: Response, parsed: unknown, ignoreUnauthorized: boolean): ApiError {
  let error: ApiError
  if (isErrorBody(parsed)) {
    const { code, message, fields } = parsed.error
    const retryAfter = response.status === 429 ? retryAfterSeconds(response.headers.get('Retry-After'), message) : null
    error = new ApiError(response.status, code, message, fields ?? [], retryAfter)
  } else {
    error = new ApiError(response.status, 'bad_response', `HTTP ${response.status}`)
  }
  if (response.status === 401 && !ignoreUnauthorized) unauthorizedHandler?.(error)
  return error
}

/**
 * The file name a `Content-Disposition` header gives: the RFC 5987 `filename*=UTF-8''…` (a Chinese
 * name, percent-encoded) when there is one, else the plain `filename="…"`; null when neither.
 */
export function dispositionFilename(header: string | null | undefined): string | null {
  if (!header) return null
  const extended = /filename\*\s*=\s*([^;]+)/i.exec(header)
  if (extended?.[1]) {
    const value = extended[1].trim().replace(/^"(.*)"$/, '$1')
    const quote = value.indexOf("''")
    const encoded = quote >= 0 ? value.slice(quote + 2) : value
    try {
      const name = decodeURIComponent(encoded)
      if (name) return name
    } catch {
      // A broken encoding: the plain name below will do.
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]*)/i.exec(header)
  const name = (plain?.[2] ?? plain?.[1] ?? '').trim()
  return name || null
}

/** A file the API answered: its bytes and the name the server gave it (null when it gave none). */
export interface FetchedFile {
  blob: Blob
  filename: string | null
}

/**
 * Fetches a file from the API (a template, an export, an error report): the body as a Blob and the
 * server's file name. A JSON error answer throws ApiError as `request` does. Same-origin, so the
 * session cookie goes along and a POST passes the CSRF check.
 */
export async function fetchFile(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<FetchedFile> {
  const { method = 'GET', query = {}, rawBody, contentType, signal, ignoreUnauthorized = false } = options
  const headers: Record<string, string> = {}
  const init: RequestInit = { method, headers, signal, credentials: 'same-origin' }
  if (rawBody !== undefined) {
    headers['Content-Type'] = contentType ?? (rawBody.type || 'application/octet-stream')
    init.body = rawBody
  }
  let response: Response
  try {
    response = await fetch(buildUrl(path, query), init)
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e))
  }
  if (!response.ok) {
    let parsed: unknown = null
    try {
      parsed = await response.json()
    } catch {
      parsed = null
    }
    throw failure(response, parsed, ignoreUnauthorized)
  }
  let blob: Blob
  try {
    blob = await response.blob()
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e))
  }
  return { blob, filename: dispositionFilename(response.headers.get('Content-Disposition')) }
}

/** Hands a fetched file to the browser as a download (an `<a download>` on an object URL). */
export function saveFile(file: FetchedFile, fallbackName: string): void {
  const url = URL.createObjectURL(file.blob)
  const a = document.createElement('a')
  a.href = url
  a.download = file.filename ?? fallbackName
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // The click has started the download; the URL may go once the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** GETs JSON from the API; throws ApiError for transport failures and non-2xx answers. */
export function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal, ignoreUnauthorized = false): Promise<T> {
  return request<T>(path, { query, signal, ignoreUnauthorized })
}

/** POSTs `body` (if any) as JSON; resolves with the JSON answer, or undefined for 204. */
export function postJson<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
  return request<T>(path, { ...options, method: 'POST', body })
}

/** POSTs a blob as the request body (a photo), typed by `contentType` or the blob's own type. */
export function postBlob<T>(path: string, blob: Blob, options: Omit<RequestOptions, 'method' | 'body' | 'rawBody'> = {}): Promise<T> {
  return request<T>(path, { ...options, method: 'POST', rawBody: blob })
}

/** PUTs `body` as JSON; resolves with the JSON answer, or undefined for 204. */
export function putJson<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
  return request<T>(path, { ...options, method: 'PUT', body })
}

/** DELETEs a resource; resolves with the JSON answer, or undefined for 204. */
export function deleteJson<T>(path: string, options: Omit<RequestOptions, 'method' | 'body' | 'rawBody'> = {}): Promise<T> {
  return request<T>(path, { ...options, method: 'DELETE' })
}
