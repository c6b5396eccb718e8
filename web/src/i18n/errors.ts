import { ApiError } from '../api/http'

/** The part of vue-i18n's composer that error translation needs (easy to fake in tests). */
export interface Translator {
  t(key: string, params?: Record<string, unknown>): string
  te(key: string): boolean
}

/**
 * A user-facing message for a failed request: the translations of the field error codes
 * (they say more than a generic `validation_failed`), else of the error code, falling back
 * to the server's English message, then to a generic "request failed (code)".
 */
export function errorMessage(error: unknown, i18n: Translator): string {
  if (error instanceof ApiError) {
    const fieldKeys = error.fields.map((f) => `errors.${f.code ?? ''}`).filter((key) => i18n.te(key))
    if (fieldKeys.length) return [...new Set(fieldKeys)].map((key) => i18n.t(key)).join('；')
    const key = `errors.${error.code}`
    if (i18n.te(key)) return i18n.t(key)
    if (error.message) return error.message
    return i18n.t('errors.unknown', { code: error.code })
  }
  if (error instanceof Error && error.message) return error.message
  return i18n.t('errors.unknown', { code: String(error) })
}
