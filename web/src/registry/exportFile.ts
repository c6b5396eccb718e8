// 导出: what every registry record type's export has in common (RecordExportButton uses it).
//
// Every type exports the same way (`GET /api/v1/{type}/export?format=xlsx|csv&<the list's filters>`):
// the list's filter with its paging dropped, masked personal numbers unless `whole_numbers=true`,
// which only people, organisations and care accept (and only from readers allowed to reveal:
// registry:person:reveal); the others answer it 400 `no_personal_numbers`, so it is never sent there.
// The server names the file (`Content-Disposition`); the fallback name below is for an answer without.
import { ApiError } from '../api/http'
import { errorMessage, type Translator } from '../i18n/errors'

export type ExportFormat = 'xlsx' | 'csv'
export const EXPORT_FORMATS: readonly ExportFormat[] = ['xlsx', 'csv']

/** The path segment of `/api/v1/<type>/export`, and the `data-type` of the button. */
export type ExportType = 'people' | 'organisations' | 'facilities' | 'care' | 'buildings' | 'houses'

/** The permission whole numbers in an export need. */
export const REVEAL_PERMISSION = 'registry:person:reveal'

/** The types whose records hold personal numbers, so whose export may have them whole. */
export const WHOLE_NUMBER_TYPES: readonly ExportType[] = ['people', 'organisations', 'care']

/** The start of the fallback file name, as the server names its files. */
export const EXPORT_FILE_STEMS: Readonly<Record<ExportType, string>> = {
  people: '人口信息',
  organisations: '单位组织',
  facilities: '城市部件',
  care: '关爱对象',
  buildings: '楼栋信息',
  houses: '房屋信息',
}

/** Whether the export of `type` offers whole numbers to a reader (who may reveal, or not). */
export function offersWholeNumbers(type: ExportType, canReveal: boolean): boolean {
  return canReveal && WHOLE_NUMBER_TYPES.includes(type)
}

/** A dropdown command of 导出: `xlsx`, `csv`, or either with `-whole` for whole numbers. */
export function exportCommand(format: ExportFormat, whole: boolean): string {
  return whole ? `${format}-whole` : format
}

/** The format and whole-numbers choice of a dropdown command; null for anything else. */
export function parseExportCommand(command: unknown): { format: ExportFormat; whole: boolean } | null {
  const [format, whole, ...rest] = String(command).split('-')
  if (rest.length || !EXPORT_FORMATS.includes(format as ExportFormat)) return null
  if (whole !== undefined && whole !== 'whole') return null
  return { format: format as ExportFormat, whole: whole === 'whole' }
}

/** A query value the list sent (the export takes the same). */
export type FilterValue = string | number | boolean | null | undefined

/**
 * The query of an export of a list's filter (as the page's list query builds it): its paging and
 * empty values dropped, `format` added, and `whole_numbers=true` only when asked for on a type that
 * has personal numbers.
 */
export function recordExportQuery(
  type: ExportType,
  filter: Readonly<Record<string, FilterValue>>,
  format: ExportFormat,
  whole: boolean,
): Record<string, string | number | boolean> {
  const query: Record<string, string | number | boolean> = {}
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'page' || key === 'page_size' || key === 'format' || key === 'whole_numbers') continue
    if (value === null || value === undefined || value === false) continue
    if (typeof value === 'string') {
      const trimmed = value.trim()
      if (trimmed) query[key] = trimmed
    } else if (typeof value === 'number') {
      if (Number.isFinite(value)) query[key] = value
    } else {
      query[key] = value
    }
  }
  query.format = format
  if (whole && WHOLE_NUMBER_TYPES.includes(type)) query.whole_numbers = true
  return query
}

/** The name to save a file under when the server gave none. */
export function exportFallbackName(type: ExportType, format: ExportFormat): string {
  return `${EXPORT_FILE_STEMS[type]}.${format}`
}

/**
 * Words for a failed export. The server words most refusals as 400 `validation_failed` with a
 * field's code (`unknown_format`, `no_personal_numbers`, `invalid_region_code`): those are said in
 * the export's own words (`recordExport.errors.<code>`), else the app's (`errors.<code>`); then the
 * answer's own code (413 `export_too_large`, 404 `region_not_found`, 403 `forbidden` of whole
 * numbers); else the app's message for the error.
 */
export function exportErrorMessage(error: unknown, whole: boolean, i18n: Translator): string {
  if (error instanceof ApiError) {
    const fieldKeys = error.fields
      .map((f) => [`recordExport.errors.${f.code ?? ''}`, `errors.${f.code ?? ''}`].find((key) => i18n.te(key)))
      .filter((key): key is string => key !== undefined)
    if (fieldKeys.length) return [...new Set(fieldKeys)].map((key) => i18n.t(key)).join('；')
    const key = `recordExport.errors.${error.code}`
    if ((error.code !== 'forbidden' || whole) && i18n.te(key)) return i18n.t(key)
  }
  return errorMessage(error, i18n)
}
