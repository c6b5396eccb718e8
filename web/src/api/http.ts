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

  constructor(status: number, code: string, message: string, fields: FieldError[] = []) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
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

/** GETs JSON from the API; throws ApiError for transport failures and non-2xx answers. */
export async function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  let response: Response
  try {
    response = await fetch(buildUrl(path, query), { headers: { Accept: 'application/json' }, signal })
  } catch (e) {
    // Aborts are the caller's decision (a newer request replaced this one): let them through untouched.
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e))
  }
  let body: unknown = null
  try {
    body = await response.json()
  } catch {
    body = null
  }
  if (!response.ok) {
    if (isErrorBody(body)) {
      const { code, message, fields } = body.error
      throw new ApiError(response.status, code, message, fields ?? [])
    }
    throw new ApiError(response.status, 'bad_response', `HTTP ${response.status}`)
  }
  if (body === null) throw new ApiError(response.status, 'bad_response', 'response is not JSON')
  return body as T
}
