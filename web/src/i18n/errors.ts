import { ApiError } from '../api/http'

/** The part of vue-i18n's composer that error translation needs (easy to fake in tests). */
export interface Translator {
  t(key: string, params?: Record<string, unknown>): string
  te(key: string): boolean
}

/** A wait as people say it: seconds under two minutes, else whole minutes (rounded up); null for none. */
export function waitIn(seconds: number | null): { unit: 'seconds' | 'minutes'; n: number } | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null
  if (seconds >= 120) return { unit: 'minutes', n: Math.ceil(seconds / 60) }
  return { unit: 'seconds', n: Math.max(1, Math.ceil(seconds)) }
}

/**
 * The translation of an error that asks the user to wait (429 `too_many_attempts`), naming the wait:
 * `errorsWithWait.<code>.seconds` under two minutes, `.minutes` (rounded up) beyond. Null when the
 * server gave no wait or there is no such message.
 */
function waitMessage(error: ApiError, i18n: Translator): string | null {
  const wait = waitIn(error.retryAfter)
  if (!wait) return null
  const key = `errorsWithWait.${error.code}.${wait.unit}`
  if (!i18n.te(key)) return null
  return i18n.t(key, { n: wait.n })
}

/**
 * A user-facing message for a failed request: the translations of the field error codes
 * (they say more than a generic `validation_failed`), else of the error code (with the wait it
 * asks for, if any), falling back to the server's English message, then to a generic
 * "request failed (code)".
 */
export function errorMessage(error: unknown, i18n: Translator): string {
  if (error instanceof ApiError) {
    const fieldKeys = error.fields.map((f) => `errors.${f.code ?? ''}`).filter((key) => i18n.te(key))
    if (fieldKeys.length) return [...new Set(fieldKeys)].map((key) => i18n.t(key)).join('；')
    const withWait = waitMessage(error, i18n)
    if (withWait) return withWait
    const key = `errors.${error.code}`
    if (i18n.te(key)) return i18n.t(key)
    if (error.message) return error.message
    return i18n.t('errors.unknown', { code: error.code })
  }
  if (error instanceof Error && error.message) return error.message
  return i18n.t('errors.unknown', { code: String(error) })
}
