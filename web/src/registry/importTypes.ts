// The record types the import wizard (RecordImportDialog) serves, and what differs between them.
//
// Every type imports the same way (`/api/v1/{type}/import`, `/import/template`, `/import/errors`,
// see the README's "Every registry record type imports the same way"); a type differs only in its
// path, its write permission, whether `duplicates=merge` is offered (people only: the others answer
// 400 `merge_not_supported`) and its wording. People keep their own wording (`people.import.*`);
// another type's texts are looked up in `recordImport.<type>.*`, then `recordImport.common.*`, then
// people's (the steps, buttons and file-level failures are the same words for every type).
import type { Translator } from '../i18n/errors'
import { CARE_LIMITS } from './care'
import { FACILITY_LIMITS } from './facilities'
import { ORG_LIMITS } from './orgs'
import { PERSON_LIMITS } from './people'
import { BUILDING_LIMITS, HOUSE_LIMITS } from './places'

export type ImportTypeKey = 'people' | 'buildings' | 'houses' | 'organisations' | 'facilities' | 'care'

export interface ImportRecordType {
  /** The path segment: `/api/v1/<key>/import`. */
  key: ImportTypeKey
  /** The permission the import needs (the toolbar shows 导入 only with it). */
  permission: string
  /** Whether the wizard offers `duplicates=merge` (and sends `duplicates` at all). */
  merge: boolean
  /** Where the wizard's own wording for the type lives: `<texts>.title`, `<texts>.codes.<code>`. */
  texts: string
  /** The locale scope of the record's forms, whose `fieldErrors.<field>.<code>` and `errors.<code>` word a row's errors. */
  scope: string
  /** `{n}` of a `too_long` (and the like) per column. */
  limits: Readonly<Record<string, number>>
  /** The start of the downloaded files' names (`<stem>导入模板.xlsx`, `<stem>导入错误报告.xlsx`), Chinese as the templates' headers. */
  fileStem: string
}

export const IMPORT_TYPES: Readonly<Record<ImportTypeKey, ImportRecordType>> = {
  people: { key: 'people', permission: 'registry:person:write', merge: true, texts: 'people.import', scope: 'people', limits: PERSON_LIMITS, fileStem: '人口信息' },
  buildings: { key: 'buildings', permission: 'registry:house:write', merge: false, texts: 'recordImport.buildings', scope: 'buildings', limits: BUILDING_LIMITS, fileStem: '楼栋信息' },
  houses: { key: 'houses', permission: 'registry:house:write', merge: false, texts: 'recordImport.houses', scope: 'houses', limits: HOUSE_LIMITS, fileStem: '房屋信息' },
  organisations: { key: 'organisations', permission: 'registry:org:write', merge: false, texts: 'recordImport.organisations', scope: 'orgs', limits: ORG_LIMITS, fileStem: '单位组织' },
  facilities: { key: 'facilities', permission: 'registry:facility:write', merge: false, texts: 'recordImport.facilities', scope: 'facilities', limits: FACILITY_LIMITS, fileStem: '城市部件' },
  care: {
    key: 'care',
    permission: 'registry:care:write',
    merge: false,
    texts: 'recordImport.care',
    scope: 'care',
    limits: { note: CARE_LIMITS.note, visit_days: CARE_LIMITS.maxDays },
    fileStem: '关爱对象',
  },
}

/** The keys where a wizard text of `type` is looked for, in order. */
export function importTextKeys(type: ImportRecordType, key: string): string[] {
  if (type.texts === 'people.import') return [`people.import.${key}`]
  return [`${type.texts}.${key}`, `recordImport.common.${key}`, `people.import.${key}`]
}

/** The first of `importTextKeys` the locale has, else the last (so a missing text shows its key, as vue-i18n does). */
export function importTextKey(type: ImportRecordType, key: string, i18n: Pick<Translator, 'te'>): string {
  const keys = importTextKeys(type, key)
  return keys.find((k) => i18n.te(k)) ?? keys[keys.length - 1] ?? key
}

/** A wizard text of `type` in the user's language. */
export function importText(type: ImportRecordType, key: string, i18n: Translator, params: Record<string, unknown> = {}): string {
  return i18n.t(importTextKey(type, key, i18n), params)
}

/**
 * Where a row error `code` about `field` is worded, in order: the type's wizard wording, then (for
 * types other than people) the record form's own message for that field, the wizard's shared
 * wording, people's (a care row's ID number fails as a person's does), the form's refusals; last
 * the app's `errors.<code>`.
 */
export function rowErrorKeys(type: ImportRecordType, field: string, code: string): string[] {
  const f = field.replace(/[^a-z0-9_]/gi, '_')
  if (type.texts === 'people.import') return [`people.import.codes.${code}`, `errors.${code}`]
  return [
    `${type.texts}.codes.${code}`,
    `${type.scope}.fieldErrors.${f}.${code}`,
    `recordImport.common.codes.${code}`,
    `people.import.codes.${code}`,
    `${type.scope}.errors.${code}`,
    `errors.${code}`,
  ]
}

/** Where a file-level failure `code` is worded (`people.import.failures` for people). */
export function failureKeys(type: ImportRecordType, code: string): string[] {
  if (type.texts === 'people.import') return [`people.import.failures.${code}`]
  return [`${type.texts}.failures.${code}`, `recordImport.common.failures.${code}`, `people.import.failures.${code}`]
}

/** The name a downloaded template is saved under. */
export const templateFileName = (type: ImportRecordType) => `${type.fileStem}导入模板.xlsx`

/** The name a downloaded error report is saved under. */
export const errorReportFileName = (type: ImportRecordType) => `${type.fileStem}导入错误报告.xlsx`
