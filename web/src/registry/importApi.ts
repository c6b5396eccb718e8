// The import endpoints of a record type (see importTypes.ts): people's own functions, or the
// shared `/api/v1/{type}/import…` of the others. The wizard and the toolbars call only these.
import { fetchImportErrors, fetchImportTemplate, fetchRecordImportErrors, fetchRecordImportTemplate, importPeople, importRecords } from '../api/gridgov'
import type { FetchedFile } from '../api/http'
import type { ImportQuery, ImportReport } from '../api/types'
import type { ImportRecordType } from './importTypes'

export function fetchTemplateOf(type: ImportRecordType, signal?: AbortSignal): Promise<FetchedFile> {
  return type.key === 'people' ? fetchImportTemplate(signal) : fetchRecordImportTemplate(type.key, signal)
}

export function importOf(type: ImportRecordType, file: Blob, query: ImportQuery, signal?: AbortSignal): Promise<ImportReport> {
  return type.key === 'people' ? importPeople(file, query, signal) : importRecords(type.key, file, query, signal)
}

export function fetchErrorsOf(type: ImportRecordType, file: Blob, query: Pick<ImportQuery, 'duplicates' | 'encoding'>, signal?: AbortSignal): Promise<FetchedFile> {
  return type.key === 'people' ? fetchImportErrors(file, query, signal) : fetchRecordImportErrors(type.key, file, query, signal)
}
