// 人口信息 › 导入 (no components): what the import wizard decides without a browser.
//
// The wizard checks the chosen file with a dry run that lists every row (`all_rows=true`), shows
// only the rejected rows (a file of 100,000 good rows must not become a table), lets them be edited
// or removed, and checks again. A file that was edited is sent again as a CSV the wizard builds
// from every row it holds (UTF-8, every field quoted, the server's headers); the server's answer
// for that CSV names its own line numbers, which `RebuiltCsv.lines` maps back to the lines of the
// file the user chose, so every message keeps naming the line the user can find in their file.
// Committing sends exactly the file the last check passed (nothing rejected, nothing edited since).
import { ApiError } from '../api/http'
import type { Duplicates, FieldError, ImportEncoding, ImportReport } from '../api/types'
import type { Translator } from '../i18n/errors'
import { IMPORT_TYPES, failureKeys, importTextKey, rowErrorKeys, type ImportRecordType } from './importTypes'

/** The server refuses larger uploads (413 `import_too_large`); the wizard refuses them before sending. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024

/** The kinds of file the server reads (by name; the server looks at the bytes). */
export const IMPORT_EXTENSIONS = ['.xlsx', '.csv'] as const

/** The file picker's `accept`. */
export const IMPORT_ACCEPT = IMPORT_EXTENSIONS.join(',')

export const IMPORT_ENCODINGS: readonly ImportEncoding[] = ['auto', 'utf-8', 'gbk']
export const DUPLICATE_CHOICES: readonly Duplicates[] = ['refuse', 'merge']

/** The name the rebuilt file is sent under. */
export const FIXED_CSV_NAME = 'fixed.csv'

/** Why a chosen file is refused before it is sent. */
export type FileProblem = 'unsupported_extension' | 'too_large' | 'empty'

/** What is wrong with a chosen file, null when it may be sent: .xlsx or .csv, not empty, at most 64 MiB. */
export function importFileProblem(file: { name: string; size: number }): FileProblem | null {
  const name = file.name.trim().toLowerCase()
  if (!IMPORT_EXTENSIONS.some((ext) => name.endsWith(ext))) return 'unsupported_extension'
  if (file.size <= 0) return 'empty'
  if (file.size > MAX_IMPORT_BYTES) return 'too_large'
  return null
}

/** `12.3 MB` for a size in bytes (binary units, as the 64 MiB limit). */
export function fileSizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

// --- Rows ----------------------------------------------------------------------------------------

/** One row of the file as the wizard holds it. */
export interface WizardRow {
  /** Its line in the file the user chose (the header is line 1), whichever file was checked last. */
  line: number
  /** The cells in the report's `columns` order, as edited. */
  cells: string[]
  /** What the last check found wrong with it; empty for a good row. */
  errors: FieldError[]
  /** Left out of the file (删除此行). */
  removed: boolean
  /** Changed since the last check. */
  edited: boolean
}

/**
 * The rows of a dry run (`all_rows=true`), with their lines in the user's file: a report of a
 * rebuilt CSV names the CSV's lines, which `lines` maps back (a line it lacks is kept as it is).
 */
export function wizardRows(report: Pick<ImportReport, 'rows'>, lines?: ReadonlyMap<number, number> | null): WizardRow[] {
  return report.rows.map((r) => ({
    line: lines?.get(r.line) ?? r.line,
    cells: [...r.cells],
    errors: r.errors.map((e) => ({ ...e })),
    removed: false,
    edited: false,
  }))
}

/** The rows to show (and edit): rejected by the last check and not removed. Good rows are never listed. */
export function rejectedRows<R extends Pick<WizardRow, 'errors' | 'removed'>>(rows: readonly R[]): R[] {
  return rows.filter((r) => r.errors.length > 0 && !r.removed)
}

/** A row's errors about one column (`field` is the column key). */
export function cellErrors(row: Pick<WizardRow, 'errors'>, column: string): FieldError[] {
  return row.errors.filter((e) => e.field === column)
}

/** A row's errors about no column of the report (none are expected; shown with the row). */
export function rowErrors(row: Pick<WizardRow, 'errors'>, columns: readonly string[]): FieldError[] {
  return row.errors.filter((e) => !columns.includes(e.field))
}

/** True when a row has nothing in it: the server skips blank rows, so the wizard leaves it out. */
export function isBlankRow(row: Pick<WizardRow, 'cells'>): boolean {
  return row.cells.every((c) => c.trim() === '')
}

// --- The rebuilt CSV -----------------------------------------------------------------------------

/** A CSV field: always quoted, quotes doubled (commas, quotes and line breaks inside stay data). */
export function csvField(value: string): string {
  return `"${value.replace(/"/g, '""')}"`
}

/** A CSV the wizard built, and for each of its data lines the line of the user's file it came from. */
export interface RebuiltCsv {
  text: string
  /** CSV line (the header is line 1) → line in the user's file. */
  lines: Map<number, number>
  /** Data rows written. */
  rows: number
}

/** Counts `\n`: the server's CSV reader counts lines by them (a lone `\r` inside a cell is no line). */
function newlines(s: string): number {
  let n = 0
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n += 1
  return n
}

/**
 * The file to check again: a header of the server's `labels`, then every row that is not removed
 * (nor blank), its cells as held (good rows unchanged, edited ones as edited), each field quoted,
 * lines ended by `\n`. A cell with a line break spans more than one line of the CSV; the map names
 * the line each row starts on, as the server numbers them.
 */
export function buildCsv(labels: readonly string[], rows: readonly Pick<WizardRow, 'line' | 'cells' | 'removed'>[]): RebuiltCsv {
  const parts: string[] = []
  const lines = new Map<number, number>()
  const header = labels.map(csvField).join(',')
  parts.push(header, '\n')
  let line = 1 + newlines(header) + 1
  let count = 0
  for (const row of rows) {
    if (row.removed || isBlankRow(row)) continue
    const cells = labels.map((_, i) => row.cells[i] ?? '')
    const text = cells.map(csvField).join(',')
    lines.set(line, row.line)
    parts.push(text, '\n')
    line += newlines(text) + 1
    count += 1
  }
  return { text: parts.join(''), lines, rows: count }
}

// --- What is checked and what is committed -------------------------------------------------------

/** A file as the wizard sends it, with the encoding to read it in and the map of its lines (null: the user's own file). */
export interface ImportSubmission {
  file: File
  encoding: ImportEncoding
  lines: Map<number, number> | null
}

/** True when any row was edited or removed since the user's file was read. */
export function hasChanges(rows: readonly Pick<WizardRow, 'edited' | 'removed'>[], changedBefore: boolean): boolean {
  return changedBefore || rows.some((r) => r.edited || r.removed)
}

/**
 * What the next check sends: the user's own file (in the encoding they chose) while nothing was
 * changed, else a CSV rebuilt from the rows (`fixed.csv`, UTF-8).
 */
export function nextSubmission(
  original: File,
  encoding: ImportEncoding,
  labels: readonly string[],
  rows: readonly Pick<WizardRow, 'line' | 'cells' | 'removed' | 'edited'>[],
  changedBefore: boolean,
): ImportSubmission {
  if (!hasChanges(rows, changedBefore)) return { file: original, encoding, lines: null }
  const csv = buildCsv(labels, rows)
  return { file: new File([csv.text], FIXED_CSV_NAME, { type: 'text/csv' }), encoding: 'utf-8', lines: csv.lines }
}

/**
 * What 提交 sends: the file the last check passed, when it found rows to import and rejected none
 * and nothing was edited or removed since; null (the button stays disabled) otherwise.
 */
export function commitSubmission(
  checked: ImportSubmission | null,
  report: Pick<ImportReport, 'valid' | 'rejected'> | null,
  rows: readonly Pick<WizardRow, 'edited' | 'removed'>[],
): ImportSubmission | null {
  if (!checked || !report) return null
  if (report.rejected > 0 || report.valid <= 0) return null
  if (rows.some((r) => r.edited || r.removed)) return null
  return checked
}

/**
 * The query of a check (a dry run listing every row) or of a commit. `duplicates` null leaves it out
 * (the record types that cannot merge: the server's default is `refuse`).
 */
export function importQuery(submission: Pick<ImportSubmission, 'encoding'>, duplicates: Duplicates | null, commit: boolean) {
  const query: { commit?: boolean; all_rows?: boolean; duplicates?: Duplicates; encoding: ImportEncoding } = commit
    ? { commit: true, encoding: submission.encoding }
    : { all_rows: true, encoding: submission.encoding }
  if (duplicates) query.duplicates = duplicates
  return query
}

// --- Messages ------------------------------------------------------------------------------------

/**
 * A row error in the user's language: for people `people.import.codes.<code>` (the wizard's wording,
 * e.g. 校验码错误), else the general `errors.<code>`; for another record type also the record form's
 * own messages (see `rowErrorKeys`); else the server's own reason, else the code. `{n}` is the
 * column's limit. `duplicate_in_file` names the line the key is on first (the server says it in its
 * reason, as a line of the file it read: `lines` maps it back to the user's file).
 */
export function importErrorText(
  error: Pick<FieldError, 'field' | 'code' | 'reason'>,
  i18n: Translator,
  lines?: ReadonlyMap<number, number> | null,
  type: ImportRecordType = IMPORT_TYPES.people,
): string {
  if (error.code === 'duplicate_in_file') {
    const m = /line\s+(\d+)/.exec(error.reason)
    if (m) {
      const first = Number(m[1])
      return i18n.t(importTextKey(type, 'duplicateInFileLine', i18n), { line: lines?.get(first) ?? first })
    }
  }
  const key = rowErrorKeys(type, error.field, error.code).find((k) => i18n.te(k))
  if (key) return i18n.t(key, { n: type.limits[error.field] ?? '' })
  return error.reason || error.code
}

/** The lines of a 422 `import_rejected` (its fields are `row N: column`), mapped to the user's file, in order. */
export function rejectedLinesOf(error: unknown, lines?: ReadonlyMap<number, number> | null): number[] {
  if (!(error instanceof ApiError) || error.code !== 'import_rejected') return []
  const out = new Set<number>()
  for (const f of error.fields) {
    const m = /^row\s+(\d+)\s*:/.exec(f.field)
    if (!m) continue
    const line = Number(m[1])
    out.add(lines?.get(line) ?? line)
  }
  return [...out].sort((a, b) => a - b)
}

/** `2、5、9` (at most `max` of them, then `…`). */
export function lineList(lines: readonly number[], max = 10): string {
  const shown = lines.slice(0, max).join('、')
  return lines.length > max ? `${shown}…` : shown
}

/** The codes of a failed import or check that the wizard words itself (`people.import.failures.<code>`). */
export const IMPORT_FAILURES = [
  'invalid_xlsx',
  'invalid_csv',
  'bad_encoding',
  'macros_not_allowed',
  'missing_columns',
  'duplicate_column',
  'import_too_large',
  'unpacked_too_large',
  'too_many_rows',
  'unsupported_format',
  'import_rejected',
  'duplicate_id_number',
  'stale_version',
  'unknown_encoding',
  'merge_not_supported',
] as const

/**
 * A failed check, commit or error report in the user's language. The wizard's wording for the
 * file-level codes (a 400 `missing_columns` adds the server's list of the columns it missed, a 422
 * names the rejected lines in the user's file); anything else as every page words errors.
 */
export function importFailureText(
  error: unknown,
  i18n: Translator,
  fallback: (error: unknown) => string,
  lines?: ReadonlyMap<number, number> | null,
  type: ImportRecordType = IMPORT_TYPES.people,
): string {
  if (!(error instanceof ApiError)) return fallback(error)
  const code = error.code === 'validation_failed' && error.fields.some((f) => f.code === 'unknown_encoding') ? 'unknown_encoding' : error.code
  const key = failureKeys(type, code).find((k) => i18n.te(k))
  if (!(IMPORT_FAILURES as readonly string[]).includes(code) || !key) return fallback(error)
  if (code === 'import_rejected') {
    const rejected = rejectedLinesOf(error, lines)
    return i18n.t(key, { n: rejected.length, lines: lineList(rejected) })
  }
  if (code === 'missing_columns') {
    // The server names what is missing after "missing: " (Chinese headers).
    const m = /missing:\s*([^(（]+)/.exec(error.message)
    return i18n.t(key, { columns: m?.[1]?.trim() ?? '' })
  }
  return i18n.t(key)
}

// --- History -------------------------------------------------------------------------------------

/** The actions a person's history names in words (`people.history.actions.<action with _>`); others show their code. */
export function historyActionLabel(action: string, i18n: Translator): string {
  const key = `people.history.actions.${action.replace(/[^a-z0-9_]/gi, '_')}`
  return i18n.te(key) ? i18n.t(key) : action
}

/** A changed field's name (`people.history.fields.<field>`), its key when it has none. */
export function historyFieldLabel(field: string, i18n: Translator): string {
  const key = `people.history.fields.${field.replace(/[^a-z0-9_]/gi, '_')}`
  return i18n.te(key) ? i18n.t(key) : field
}

/** The fields of an entry in words, `、`-separated; `—` for none. */
export function historyFieldsText(fields: readonly string[], i18n: Translator): string {
  return fields.length ? fields.map((f) => historyFieldLabel(f, i18n)).join('、') : '—'
}

