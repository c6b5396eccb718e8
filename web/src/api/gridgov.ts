// The gridgov API v1 endpoints used by the console. One function per endpoint.
import { deleteJson, fetchFile, getJson, postBlob, postJson, putJson, type FetchedFile } from './http'
import type { paths } from './schema'
import type {
  AuditPage,
  CaseActionBody,
  CaseDetail,
  CasePage,
  CaseQuery,
  CaseView,
  Category,
  CreateCategory,
  KpiPanel,
  KpiQuery,
  PhotoView,
  OtpLogin,
  HistoryEntry,
  ImportQuery,
  ImportReport,
  PeopleExportQuery,
  PeopleQuery,
  PeopleSearchBody,
  PersonEdit,
  PersonInput,
  PersonPage,
  PersonView,
  Revealed,
  RevealField,
  Reported,
  ReportCase,
  AuditQuery,
  BBox,
  BuildingEdit,
  BuildingInput,
  BuildingPage,
  BuildingQuery,
  BuildingView,
  CollectBody,
  HouseEdit,
  HouseholdDetail,
  HouseholdPage,
  HouseholdQuery,
  HouseInput,
  HousePage,
  HouseQuery,
  HouseView,
  ChangePassword,
  Created,
  Department,
  CreateRole,
  CreateUser,
  GridDetail,
  GridFeatureCollection,
  LocateResult,
  LoginRequest,
  Me,
  Meta,
  Region,
  RegionLevel,
  RegionList,
  ResetPassword,
  RoleList,
  ScopeList,
  SetDisabled,
  SetRoles,
  UpdateCategory,
  UpdateRole,
  UpdateUser,
  UserPage,
  UserView,
} from './types'
import type { FacilityEdit, FacilityInput, FacilityPage, FacilityQuery, FacilityView, OrgEdit, OrgInput, OrgPage, OrgQuery, OrgView, RegistryCounts } from './types'
import type { CareEdit, CareJoin, CarePage, CareQuery, CareView, VisitInput, VisitPage, VisitRecorded } from './types'
import type { AttachmentView, BallotInput, MeetingCommand, MeetingDetail, MeetingEdit, MeetingInput, MeetingPage, MeetingQuery, MeetingView, ParticipantInput, ParticipantView, ProposalInput, ProposalView } from './types'
import type { DeliberationSettings, DeliberationSettingsEdit, HomeView, NotificationPage, TopicCommand, TopicDetail, TopicInput, TopicPage, TopicPhotoView, TopicQuery, TopicView } from './types'
import type { ImplementInput, PublishInput, ResolutionDetail, ResolutionPage, ResolutionQuery, TaskEdit } from './types'

/** Path templates of the GET endpoints in the OpenAPI document, e.g. `/api/v1/grids/{code}`. */
export type GetPath = { [P in keyof paths]: paths[P] extends { get: object } ? P : never }[keyof paths]

/** Path templates of the PUT endpoints in the OpenAPI document, e.g. `/api/v1/users/{id}/disabled`. */
export type PutPath = { [P in keyof paths]: paths[P] extends { put: object } ? P : never }[keyof paths]

/** Path templates of the POST endpoints in the OpenAPI document, e.g. `/api/v1/auth/login`. */
export type PostPath = { [P in keyof paths]: paths[P] extends { post: object } ? P : never }[keyof paths]

/** Path templates of the DELETE endpoints in the OpenAPI document, e.g. `/api/v1/photos/{id}`. */
export type DeletePath = { [P in keyof paths]: paths[P] extends { delete: object } ? P : never }[keyof paths]

/** The `{name}` placeholders of a path template. */
type Placeholders<S extends string> = S extends `${string}{${infer N}}${infer Rest}` ? N | Placeholders<Rest> : never

/** The values for a template's placeholders, if it has any (distributive, so errors name the template). */
type PathArgs<P extends string> = P extends unknown
  ? [Placeholders<P>] extends [never]
    ? []
    : [params: Record<Placeholders<P>, string>]
  : never

/**
 * The URL path of a documented endpoint, its `{name}` segments filled in and percent-encoded.
 * Naming an endpoint the document lacks, or leaving out a placeholder, does not compile.
 */
export function apiPath<P extends GetPath | PostPath | PutPath | DeletePath>(template: P, ...params: PathArgs<P>): string {
  const values: Record<string, string> = params[0] ?? {}
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''))
}

// Query parameters are mostly typed here rather than taken from schema.d.ts: the document lists
// them as required *path* parameters, which is how it renders most of the server's query structs.
// GET /api/v1/audit documents real query parameters, so its query type comes from the document.

export function fetchMeta(signal?: AbortSignal): Promise<Meta> {
  return getJson<Meta>(apiPath('/api/v1/meta'), {}, signal)
}

/** The districts when `parent` is omitted, otherwise the children of `parent`. */
export async function fetchRegions(parent?: string, signal?: AbortSignal): Promise<Region[]> {
  const list = await getJson<RegionList>(apiPath('/api/v1/regions'), { parent }, signal)
  return list.items
}

/** Boundaries of the regions of one level (grid by default) that intersect `bbox`. */
export function fetchGrids(bbox: BBox, level?: RegionLevel, signal?: AbortSignal): Promise<GridFeatureCollection> {
  return getJson<GridFeatureCollection>(apiPath('/api/v1/grids'), { bbox, level }, signal)
}

export function fetchGrid(code: string, signal?: AbortSignal): Promise<GridDetail> {
  return getJson<GridDetail>(apiPath('/api/v1/grids/{code}', { code }), {}, signal)
}

/** One region of any level (the same shape as a grid's detail); 404 outside the caller's scope. */
export function fetchRegion(code: string, signal?: AbortSignal): Promise<GridDetail> {
  return getJson<GridDetail>(apiPath('/api/v1/regions/{code}', { code }), {}, signal)
}

export type Crs = 'wgs84' | 'gcj02'

/** Which district / street / community / grid / sub-grid contains the point. */
export function locate(lon: number, lat: number, crs: Crs = 'wgs84', signal?: AbortSignal): Promise<LocateResult> {
  // 7 decimals is ~1 cm: more digits only lengthen the URL.
  const round = (v: number) => Math.round(v * 1e7) / 1e7
  return getJson<LocateResult>(apiPath('/api/v1/locate'), { lon: round(lon), lat: round(lat), crs }, signal)
}

// --- Sessions -------------------------------------------------------------------------------------

/**
 * Logs in; the server sets the HttpOnly session cookie. A 401 here is `invalid_credentials` (a wrong
 * password, not an expired session), so it is not reported to the session-expired handler.
 */
export function login(username: string, password: string): Promise<Me> {
  const body: LoginRequest = { username, password }
  return postJson<Me>(apiPath('/api/v1/auth/login'), body, { ignoreUnauthorized: true })
}

/**
 * The signed-in account. `quiet` (the start-up probe) leaves a 401 to the caller instead of
 * sending the app to the login page.
 */
export function fetchMe(options: { quiet?: boolean; signal?: AbortSignal } = {}): Promise<Me> {
  return getJson<Me>(apiPath('/api/v1/auth/me'), {}, options.signal, options.quiet)
}

/** Sends a one-time sign-in code to a resident's phone (204). */
export async function requestOtp(phone: string): Promise<void> {
  await postJson<unknown>(apiPath('/api/v1/auth/otp'), { phone }, { ignoreUnauthorized: true })
}

/**
 * Signs a resident in with the code sent to their phone; `display_name` is needed the first time a
 * number signs in. A 401 here is `otp_invalid`, not an expired session.
 */
export function otpLogin(body: OtpLogin): Promise<Me> {
  return postJson<Me>(apiPath('/api/v1/auth/otp-login'), body, { ignoreUnauthorized: true })
}

/** Ends this session (the server clears the cookie). */
export function logout(): Promise<void> {
  return postJson<void>(apiPath('/api/v1/auth/logout'), undefined, { ignoreUnauthorized: true })
}

/** Ends every session of this account, on every device. */
export function logoutEverywhere(): Promise<void> {
  return postJson<void>(apiPath('/api/v1/auth/logout-everywhere'), undefined, { ignoreUnauthorized: true })
}

/**
 * Changes the signed-in user's own password (204). The account's other sessions end; this one
 * stays. A wrong current password is a 400 field error, not a 401.
 */
export async function changePassword(body: ChangePassword): Promise<void> {
  await postJson<unknown>(apiPath('/api/v1/auth/password'), body)
}

// --- Administration -------------------------------------------------------------------------------

/** Accounts the caller may see, one page (1-based) at a time; `q` searches username and name. */
export function fetchUsers(query: { q?: string; page?: number; page_size?: number }, signal?: AbortSignal): Promise<UserPage> {
  return getJson<UserPage>(apiPath('/api/v1/users'), query, signal)
}

/** Creates an account; resolves with its id. */
export function createUser(body: CreateUser): Promise<Created> {
  return postJson<Created>(apiPath('/api/v1/users'), body)
}

/** Renames an account or moves it to another unit; `version` is the one the editor saw. Resolves with the account. */
export function updateUser(id: number, body: UpdateUser): Promise<UserView> {
  return putJson<UserView>(apiPath('/api/v1/users/{id}', { id: String(id) }), body)
}

/** Sets another account's password (204): its sessions end and a login lock-out lifts. */
export async function resetPassword(id: number, body: ResetPassword): Promise<void> {
  await putJson<unknown>(apiPath('/api/v1/users/{id}/password', { id: String(id) }), body)
}

/** Disables (ending its sessions) or re-enables an account; `version` is the one the editor saw. */
export function setUserDisabled(id: number, body: SetDisabled): Promise<UserView> {
  return putJson<UserView>(apiPath('/api/v1/users/{id}/disabled', { id: String(id) }), body)
}

/** Replaces an account's roles and scopes; `version` is the one the editor saw. Resolves with the account. */
export function setUserRoles(id: number, body: SetRoles): Promise<UserView> {
  return putJson<UserView>(apiPath('/api/v1/users/{id}/roles', { id: String(id) }), body)
}

/** Creates a custom role; resolves with its id. */
export function createRole(body: CreateRole): Promise<Created> {
  return postJson<Created>(apiPath('/api/v1/roles'), body)
}

/** Renames a custom role and replaces its permissions (204, no body). */
export async function updateRole(id: number, body: UpdateRole): Promise<void> {
  await putJson<unknown>(apiPath('/api/v1/roles/{id}', { id: String(id) }), body)
}

/** What an account reaches, per permission it holds. */
export async function fetchUserScope(id: number, signal?: AbortSignal): Promise<ScopeList> {
  return getJson<ScopeList>(apiPath('/api/v1/users/{id}/scope', { id: String(id) }), {}, signal)
}

/** The district's roles and the permission catalogue. */
export function fetchRoles(signal?: AbortSignal): Promise<RoleList> {
  return getJson<RoleList>(apiPath('/api/v1/roles'), {}, signal)
}

/** Audit records within the caller's scope that match the filters, newest first, one page (1-based) and the total. */
export function fetchAudit(query: AuditQuery, signal?: AbortSignal): Promise<AuditPage> {
  return getJson<AuditPage>(apiPath('/api/v1/audit'), query, signal)
}

/** The departments of a district (for department accounts). */
export async function fetchDepartments(district: string, signal?: AbortSignal): Promise<Department[]> {
  const list = await getJson<{ items: Department[] }>(apiPath('/api/v1/districts/{code}/departments', { code: district }), {}, signal)
  return list.items
}

// --- Cases ----------------------------------------------------------------------------------------

/** The category tree, flat: groups (`parent_code` null) and their categories. */
export async function fetchCategories(signal?: AbortSignal): Promise<Category[]> {
  const list = await getJson<{ items: Category[] }>(apiPath('/api/v1/case-categories'), {}, signal)
  return list.items
}

/** Creates a group or (with `parent_code`) a category; resolves with it as listed. */
export function createCategory(body: CreateCategory): Promise<Category> {
  return postJson<Category>(apiPath('/api/v1/case-categories'), body)
}

/** Edits a group or category with the version the editor saw; resolves with it as it is now. */
export function updateCategory(id: number, body: UpdateCategory): Promise<Category> {
  return putJson<Category>(apiPath('/api/v1/case-categories/{id}', { id: String(id) }), body)
}

/**
 * Reports a case. 201 with `created: true` and the duplicates nearby; a retry with the same
 * `idempotency_key` answers 200 with the first case and `created: false`.
 */
export function reportCase(body: ReportCase, signal?: AbortSignal): Promise<Reported> {
  return postJson<Reported>(apiPath('/api/v1/cases'), body, { signal })
}

/** One page of the cases in the caller's scope that match the query, and how many match in all. */
export function fetchCases(query: CaseQuery, signal?: AbortSignal): Promise<CasePage> {
  return getJson<CasePage>(apiPath('/api/v1/cases'), query, signal)
}

/** A case, its timeline and the actions the caller may take now; 404 also outside the caller's scope. */
export function fetchCase(id: number, signal?: AbortSignal): Promise<CaseDetail> {
  return getJson<CaseDetail>(apiPath('/api/v1/cases/{id}', { id: String(id) }), {}, signal)
}

/** Takes an action on a case with the version the caller saw; resolves with the case afterwards. */
export function actOnCase(id: number, body: CaseActionBody): Promise<CaseView> {
  return postJson<CaseView>(apiPath('/api/v1/cases/{id}/actions', { id: String(id) }), body)
}

/**
 * Adds a photo to a case: the body is the image itself (JPEG, PNG or WebP, at most 10 MB, 9 per
 * case). Cite it afterwards in an action's `photo_ids`. A retry (the same bytes from the same
 * person, not cited yet) answers 200 with the photo stored before, so two identical picks share
 * one id.
 */
export function uploadPhoto(caseId: number, photo: Blob, signal?: AbortSignal): Promise<PhotoView> {
  return postBlob<PhotoView>(apiPath('/api/v1/cases/{id}/photos', { id: String(caseId) }), photo, { signal })
}

/**
 * Deletes a photo uploaded by mistake (204): only its uploader (403 `not_your_photo`), only while
 * no action cites it (409 `photo_cited`); 404 `photo_not_found` when it is gone already.
 */
export async function deletePhoto(id: number): Promise<void> {
  await deleteJson<unknown>(apiPath('/api/v1/photos/{id}', { id: String(id) }))
}

/** The URL of a photo (same origin: the session cookie goes along with an <img>). */
export function photoUrl(id: number): string {
  return apiPath('/api/v1/photos/{id}', { id: String(id) })
}

/** The URL of a photo's thumbnail (a JPEG of at most 320 px). */
export function photoThumbUrl(id: number): string {
  return apiPath('/api/v1/photos/{id}/thumb', { id: String(id) })
}

/** The URL of the live stream of case changes (server-sent events). */
export const CASE_EVENTS_URL = apiPath('/api/v1/cases/events')

/** The case indicators of a region subtree (the caller's reach without `region`) over a month or a window. */
export function fetchKpis(query: KpiQuery, signal?: AbortSignal): Promise<KpiPanel> {
  return getJson<KpiPanel>(apiPath('/api/v1/kpis'), query, signal)
}

// --- The one net of basic information: people -----------------------------------------------------

/**
 * People in the caller's scope, newest first, numbers masked, filtered by kind and region only. A
 * search by name or number goes through `searchPeople`, so that personal data never reaches a URL.
 */
export function fetchPeople(query: PeopleQuery, signal?: AbortSignal): Promise<PersonPage> {
  return getJson<PersonPage>(apiPath('/api/v1/people'), query, signal)
}

/** People matching the start of a name and/or a whole ID or phone number (in the body, never in the URL). */
export function searchPeople(body: PeopleSearchBody, signal?: AbortSignal): Promise<PersonPage> {
  return postJson<PersonPage>(apiPath('/api/v1/people/search'), body, { signal })
}

/** Registers a person in a grid; resolves with the person as listed (numbers masked). */
export function createPerson(body: PersonInput): Promise<PersonView> {
  return postJson<PersonView>(apiPath('/api/v1/people'), body)
}

/**
 * Edits a person with the version the editor read; resolves with the person as listed (numbers
 * masked). 409 `stale_version` when someone changed it meanwhile, `duplicate_id_number`; 400 field
 * errors as for registering; 404 `person_not_found`, `region_not_found` (the new grid).
 */
export function updatePerson(id: number, body: PersonEdit): Promise<PersonView> {
  return putJson<PersonView>(apiPath('/api/v1/people/{id}', { id: String(id) }), body)
}

/** A person, numbers masked; 404 `person_not_found` also outside the caller's scope. */
export function fetchPerson(id: number, signal?: AbortSignal): Promise<PersonView> {
  return getJson<PersonView>(apiPath('/api/v1/people/{id}', { id: String(id) }), {}, signal)
}

/**
 * One of a person's numbers whole; the server records each call in the audit log. 403 without
 * registry:person:reveal, 404 `no_such_number` when the person has none. Keep the answer in
 * component state only: never in a store, a URL, storage or a log.
 */
export function revealNumber(id: number, field: RevealField): Promise<Revealed> {
  return postJson<Revealed>(apiPath('/api/v1/people/{id}/reveal', { id: String(id) }), { field })
}

/** A person's change history, newest first (create, update, import, reveal); 404 `person_not_found` also outside the caller's scope. */
export function fetchPersonHistory(id: number, signal?: AbortSignal): Promise<HistoryEntry[]> {
  return getJson<HistoryEntry[]>(apiPath('/api/v1/people/{id}/history', { id: String(id) }), {}, signal)
}

/** The .xlsx template for importing people (needs registry:person:write). */
export function fetchImportTemplate(signal?: AbortSignal): Promise<FetchedFile> {
  return fetchFile(apiPath('/api/v1/people/import/template'), { signal })
}

/**
 * Checks (or with `commit`, imports: every row in one transaction, or nothing) an .xlsx workbook or
 * CSV file sent as the body. 400 for an unreadable file, 413 too large, 415 a legacy or protected
 * workbook, 422 `import_rejected` (a commit with rejected rows), 409 a race during the commit.
 */
export function importPeople(file: Blob, query: ImportQuery, signal?: AbortSignal): Promise<ImportReport> {
  return postBlob<ImportReport>(apiPath('/api/v1/people/import'), file, { query, signal, contentType: 'application/octet-stream' })
}

/** The rejected rows of a file as an .xlsx workbook, with a last column 错误原因. */
export function fetchImportErrors(file: Blob, query: Pick<ImportQuery, 'duplicates' | 'encoding'>, signal?: AbortSignal): Promise<FetchedFile> {
  return fetchFile(apiPath('/api/v1/people/import/errors'), { method: 'POST', query, rawBody: file, contentType: 'application/octet-stream', signal })
}

/** The record types with an import of their own (people's are above): the path segment of `/api/v1/{type}/import`. */
export type RecordImportType = 'buildings' | 'houses' | 'organisations' | 'facilities' | 'care'

const RECORD_IMPORT_PATHS = {
  buildings: ['/api/v1/buildings/import/template', '/api/v1/buildings/import', '/api/v1/buildings/import/errors'],
  houses: ['/api/v1/houses/import/template', '/api/v1/houses/import', '/api/v1/houses/import/errors'],
  organisations: ['/api/v1/organisations/import/template', '/api/v1/organisations/import', '/api/v1/organisations/import/errors'],
  facilities: ['/api/v1/facilities/import/template', '/api/v1/facilities/import', '/api/v1/facilities/import/errors'],
  care: ['/api/v1/care/import/template', '/api/v1/care/import', '/api/v1/care/import/errors'],
} as const

/** The .xlsx template of a record type's import (needs its write permission). */
export function fetchRecordImportTemplate(type: RecordImportType, signal?: AbortSignal): Promise<FetchedFile> {
  return fetchFile(apiPath(RECORD_IMPORT_PATHS[type][0]), { signal })
}

/** As `importPeople`, for another record type (no `duplicates=merge`: 400 `merge_not_supported`). */
export function importRecords(type: RecordImportType, file: Blob, query: ImportQuery, signal?: AbortSignal): Promise<ImportReport> {
  return postBlob<ImportReport>(apiPath(RECORD_IMPORT_PATHS[type][1]), file, { query, signal, contentType: 'application/octet-stream' })
}

/** As `fetchImportErrors`, for another record type. */
export function fetchRecordImportErrors(type: RecordImportType, file: Blob, query: Pick<ImportQuery, 'duplicates' | 'encoding'>, signal?: AbortSignal): Promise<FetchedFile> {
  return fetchFile(apiPath(RECORD_IMPORT_PATHS[type][2]), { method: 'POST', query, rawBody: file, contentType: 'application/octet-stream', signal })
}

/**
 * The people in the caller's scope (of a region and kind) as a file, numbers masked unless
 * `whole_numbers` (needs registry:person:reveal; audited). 404 for a region outside the scope.
 */
export function exportPeople(query: PeopleExportQuery, signal?: AbortSignal): Promise<FetchedFile> {
  return fetchFile(apiPath('/api/v1/people/export'), { query, signal })
}

/** The record types with an export (`GET /api/v1/{type}/export`), people's included. */
export type RecordExportType = 'people' | 'organisations' | 'facilities' | 'care' | 'buildings' | 'houses'

const RECORD_EXPORT_PATHS = {
  people: '/api/v1/people/export',
  organisations: '/api/v1/organisations/export',
  facilities: '/api/v1/facilities/export',
  care: '/api/v1/care/export',
  buildings: '/api/v1/buildings/export',
  houses: '/api/v1/houses/export',
} as const satisfies Record<RecordExportType, GetPath>

/**
 * A record type's records in the caller's scope as a file (`format` xlsx or csv, with the list's
 * filters; paging ignored), numbers masked unless `whole_numbers` (people, organisations and care
 * only; needs registry:person:reveal, else 403; the others answer 400 `no_personal_numbers`).
 * Audited. 400 `validation_failed` / `unknown_format`, 404 `region_not_found`, 413 `export_too_large`.
 */
export function exportRecords(type: RecordExportType, query: Record<string, string | number | boolean>, signal?: AbortSignal): Promise<FetchedFile> {
  return fetchFile(apiPath(RECORD_EXPORT_PATHS[type]), { query, signal })
}

// --- The one net of basic information: buildings, houses, households ------------------------------

/** Buildings in the caller's scope (registry:house:read), filtered by region subtree and the start of the name. */
export function fetchBuildings(query: BuildingQuery, signal?: AbortSignal): Promise<BuildingPage> {
  return getJson<BuildingPage>(apiPath('/api/v1/buildings'), query, signal)
}

/** A building; 404 `building_not_found` also outside the caller's scope. */
export function fetchBuilding(id: number, signal?: AbortSignal): Promise<BuildingView> {
  return getJson<BuildingView>(apiPath('/api/v1/buildings/{id}', { id: String(id) }), {}, signal)
}

/** Records a building in a grid; resolves with it as listed. */
export function createBuilding(body: BuildingInput): Promise<BuildingView> {
  return postJson<BuildingView>(apiPath('/api/v1/buildings'), body)
}

/**
 * Edits a building with the version the editor read: 409 `stale_version`, 400 `below_houses` when
 * the edit removes a floor or unit a house is on, 404 `building_not_found` / `region_not_found`.
 */
export function updateBuilding(id: number, body: BuildingEdit): Promise<BuildingView> {
  return putJson<BuildingView>(apiPath('/api/v1/buildings/{id}', { id: String(id) }), body)
}

/** Houses in the caller's scope, filtered by building, region subtree and occupancy. */
export function fetchHouses(query: HouseQuery, signal?: AbortSignal): Promise<HousePage> {
  return getJson<HousePage>(apiPath('/api/v1/houses'), query, signal)
}

/** A house; 404 `house_not_found` also outside the caller's scope. */
export function fetchHouse(id: number, signal?: AbortSignal): Promise<HouseView> {
  return getJson<HouseView>(apiPath('/api/v1/houses/{id}', { id: String(id) }), {}, signal)
}

/** Records a house in a building; 409 `duplicate_house` when its unit has the room number already. */
export function createHouse(body: HouseInput): Promise<HouseView> {
  return postJson<HouseView>(apiPath('/api/v1/houses'), body)
}

/** Edits a house with the version the editor read: 409 `stale_version` or `duplicate_house`. */
export function updateHouse(id: number, body: HouseEdit): Promise<HouseView> {
  return putJson<HouseView>(apiPath('/api/v1/houses/{id}', { id: String(id) }), body)
}

/** Households in the caller's scope (registry:person:read), newest first, by region subtree, house or whole 户号. */
export function fetchHouseholds(query: HouseholdQuery, signal?: AbortSignal): Promise<HouseholdPage> {
  return getJson<HouseholdPage>(apiPath('/api/v1/households'), query, signal)
}

/** A household with its members in the caller's scope, head first, numbers masked. */
export function fetchHousehold(id: number, signal?: AbortSignal): Promise<HouseholdDetail> {
  return getJson<HouseholdDetail>(apiPath('/api/v1/households/{id}', { id: String(id) }), {}, signal)
}

/**
 * Records a household with its members in one transaction, all or nothing (入户采集): 400 with every
 * field error by its path (`household.number`, `members[2].id_number`), 409 `stale_version`,
 * `duplicate_household_number`, `duplicate_id_number` (without a path), 404 for what is gone or
 * out of scope. Resolves with the household as stored, its members head first, numbers masked.
 */
export function collectHousehold(body: CollectBody, signal?: AbortSignal): Promise<HouseholdDetail> {
  return postJson<HouseholdDetail>(apiPath('/api/v1/households/collect'), body, { signal })
}

// --- The one net of basic information: organisations, facilities, counts (单位组织, 城市部件, 统计) -----

/** Organisations in the caller's scope (registry:org:read), newest first, by region subtree, kind, the start of the name, a whole USCC. */
export function fetchOrgs(query: OrgQuery, signal?: AbortSignal): Promise<OrgPage> {
  return getJson<OrgPage>(apiPath('/api/v1/organisations'), query, signal)
}

/** An organisation, the contact phone masked; 404 `organisation_not_found` also outside the caller's scope. */
export function fetchOrg(id: number, signal?: AbortSignal): Promise<OrgView> {
  return getJson<OrgView>(apiPath('/api/v1/organisations/{id}', { id: String(id) }), {}, signal)
}

/** Records an organisation in a grid: 409 `duplicate_uscc`, 404 `region_not_found` / `building_not_found`, 400 field errors. */
export function createOrg(body: OrgInput): Promise<OrgView> {
  return postJson<OrgView>(apiPath('/api/v1/organisations'), body)
}

/** Edits an organisation with the version the editor read: 409 `stale_version` or `duplicate_uscc`, 404 for what is gone. */
export function updateOrg(id: number, body: OrgEdit): Promise<OrgView> {
  return putJson<OrgView>(apiPath('/api/v1/organisations/{id}', { id: String(id) }), body)
}

/** An organisation's change history, newest first (field names only). */
export function fetchOrgHistory(id: number, signal?: AbortSignal): Promise<HistoryEntry[]> {
  return getJson<HistoryEntry[]>(apiPath('/api/v1/organisations/{id}/history', { id: String(id) }), {}, signal)
}

/** Facilities in the caller's scope (registry:facility:read), newest first, by region subtree, kind, state and bbox. */
export function fetchFacilities(query: FacilityQuery, signal?: AbortSignal): Promise<FacilityPage> {
  return getJson<FacilityPage>(apiPath('/api/v1/facilities'), query, signal)
}

/** A facility; 404 `facility_not_found` also outside the caller's scope. */
export function fetchFacility(id: number, signal?: AbortSignal): Promise<FacilityView> {
  return getJson<FacilityView>(apiPath('/api/v1/facilities/{id}', { id: String(id) }), {}, signal)
}

/** Records a facility at a point (its grid the point's unless named): 409 `duplicate_facility_code`, 400 field errors. */
export function createFacility(body: FacilityInput): Promise<FacilityView> {
  return postJson<FacilityView>(apiPath('/api/v1/facilities'), body)
}

/** Edits a facility (its state, when a lamp breaks or is mended) with the version read: 409 `stale_version`. */
export function updateFacility(id: number, body: FacilityEdit): Promise<FacilityView> {
  return putJson<FacilityView>(apiPath('/api/v1/facilities/{id}', { id: String(id) }), body)
}

/** A facility's change history, newest first (field names only). */
export function fetchFacilityHistory(id: number, signal?: AbortSignal): Promise<HistoryEntry[]> {
  return getJson<HistoryEntry[]>(apiPath('/api/v1/facilities/{id}/history', { id: String(id) }), {}, signal)
}

/** What the registry holds in a region and each of its children; without `region`, where the caller's scope starts. Needs registry:person:read. */
export function fetchRegistryCounts(region: string | null, signal?: AbortSignal): Promise<RegistryCounts> {
  return getJson<RegistryCounts>(apiPath('/api/v1/registry/counts'), { region }, signal)
}

// --- The one net of basic information: care and key groups (关爱对象与重点人群) --------------------

/**
 * Adds a person to a care group (201 with the membership): 409 `duplicate_membership` when they are
 * in it already, 404 `person_not_found` (also outside the caller's scope), 400 field errors.
 */
export function joinCare(personId: number, body: CareJoin): Promise<CareView> {
  return postJson<CareView>(apiPath('/api/v1/people/{id}/care', { id: String(personId) }), body)
}

/** Members of care groups in the caller's scope, the most urgent (earliest due) first, one page and the total. */
export function fetchCare(query: CareQuery, signal?: AbortSignal): Promise<CarePage> {
  return getJson<CarePage>(apiPath('/api/v1/care'), query, signal)
}

/** A membership; 404 `care_not_found` also outside the caller's scope. */
export function fetchCareMember(id: number, signal?: AbortSignal): Promise<CareView> {
  return getJson<CareView>(apiPath('/api/v1/care/{id}', { id: String(id) }), {}, signal)
}

/**
 * Edits a membership's cycle, end (null: still a member) and note with the version the editor read:
 * 409 `stale_version`, 404 `care_not_found`, 400 field errors.
 */
export function updateCare(id: number, body: CareEdit): Promise<CareView> {
  return putJson<CareView>(apiPath('/api/v1/care/{id}', { id: String(id) }), body)
}

/**
 * Records a visit by the signed-in user (201 with the visit and the membership's new due day): 409
 * `membership_ended`, 404 `care_not_found`, 400 field errors. No idempotency key: a retry after a
 * lost answer records a second visit (the phone's outbox looks for the first one before retrying).
 */
export function recordVisit(id: number, body: VisitInput, signal?: AbortSignal): Promise<VisitRecorded> {
  return postJson<VisitRecorded>(apiPath('/api/v1/care/{id}/visits', { id: String(id) }), body, { signal })
}

/** A membership's visits, the latest first, one page and the total. */
export function fetchVisits(id: number, query: { page?: number; page_size?: number }, signal?: AbortSignal): Promise<VisitPage> {
  return getJson<VisitPage>(apiPath('/api/v1/care/{id}/visits', { id: String(id) }), query, signal)
}

/** A membership's change history, newest first (joining, edits, visits). */
export function fetchCareHistory(id: number, signal?: AbortSignal): Promise<HistoryEntry[]> {
  return getJson<HistoryEntry[]>(apiPath('/api/v1/care/{id}/history', { id: String(id) }), {}, signal)
}

// --- Deliberation (三级议事) -------------------------------------------------------------------------

/** A resident declares their home grid (the grid or sub-grid code): where they raise and support topics. */
export function setHome(grid: string): Promise<HomeView> {
  return putJson<HomeView>(apiPath('/api/v1/auth/me/home'), { grid })
}

/** Raises a topic (201 with it); a resident's home grid is the area when none is given. */
export function raiseTopic(body: TopicInput): Promise<TopicView> {
  return postJson<TopicView>(apiPath('/api/v1/topics'), body)
}

/** Topics the caller may read, newest first. */
export function fetchTopics(query: TopicQuery, signal?: AbortSignal): Promise<TopicPage> {
  return getJson<TopicPage>(apiPath('/api/v1/topics'), query, signal)
}

/** A topic with photos, timeline, `supported_by_me`, `raised_by_me` and the caller's triage `actions`. */
export function fetchTopic(id: number, signal?: AbortSignal): Promise<TopicDetail> {
  return getJson<TopicDetail>(apiPath('/api/v1/topics/{id}', { id: String(id) }), {}, signal)
}

/** A resident supports a topic once (409 `already_supported`, `topic_not_open`; 422 `outside_area`, `home_required`). */
export function supportTopic(id: number): Promise<TopicView> {
  return postJson<TopicView>(apiPath('/api/v1/topics/{id}/support', { id: String(id) }))
}

/** Triage with the version read: accept, decline (note), merge (into), refer; 409 `stale_version`. */
export function actOnTopic(id: number, body: TopicCommand): Promise<TopicView> {
  return postJson<TopicView>(apiPath('/api/v1/topics/{id}/actions', { id: String(id) }), body)
}

/** Adds a photo (the image itself) to a topic while it collects support. */
export function uploadTopicPhoto(id: number, photo: Blob, signal?: AbortSignal): Promise<TopicPhotoView> {
  return postBlob<TopicPhotoView>(apiPath('/api/v1/topics/{id}/photos', { id: String(id) }), photo, { signal })
}

export function topicPhotoUrl(id: number): string {
  return apiPath('/api/v1/topic-photos/{id}', { id: String(id) })
}

export function topicPhotoThumbUrl(id: number): string {
  return apiPath('/api/v1/topic-photos/{id}/thumb', { id: String(id) })
}

/** The district's support thresholds per level. */
export function fetchDeliberationSettings(signal?: AbortSignal): Promise<DeliberationSettings> {
  return getJson<DeliberationSettings>(apiPath('/api/v1/deliberation/settings'), {}, signal)
}

/** Sets the thresholds (a level left out keeps its value); 403 `district_scope_required`. */
export function putDeliberationSettings(body: DeliberationSettingsEdit): Promise<DeliberationSettings> {
  return putJson<DeliberationSettings>(apiPath('/api/v1/deliberation/settings'), body)
}

/** The signed-in account's notifications, newest first, with the unread count. */
export function fetchNotifications(query: { unread?: boolean; page?: number; page_size?: number }, signal?: AbortSignal): Promise<NotificationPage> {
  return getJson<NotificationPage>(apiPath('/api/v1/notifications'), query, signal)
}

/** Marks notifications read: these ids, or all. */
export function readNotifications(body: { ids?: number[]; all?: boolean }): Promise<{ marked: number }> {
  return postJson<{ marked: number }>(apiPath('/api/v1/notifications/read'), body)
}

// --- Deliberation: meetings (议事会) and votes --------------------------------------------------------

/** Meetings the caller may read, latest start first. */
export function fetchMeetings(query: MeetingQuery, signal?: AbortSignal): Promise<MeetingPage> {
  return getJson<MeetingPage>(apiPath('/api/v1/meetings'), query, signal)
}

/** Plans a meeting (201 with it); 400 field errors, 404 `region_not_found`. */
export function createMeeting(body: MeetingInput): Promise<MeetingView> {
  return postJson<MeetingView>(apiPath('/api/v1/meetings'), body)
}

/** A meeting with participants, agenda, attachments, the caller's `actions` and `my_participant_id`. */
export function fetchMeeting(id: number, signal?: AbortSignal): Promise<MeetingDetail> {
  return getJson<MeetingDetail>(apiPath('/api/v1/meetings/{id}', { id: String(id) }), {}, signal)
}

/** Edits a meeting (title, place, start, rule, ballot kind, minutes) with the version read; 409 `stale_version`, `meeting_closed`. */
export function editMeeting(id: number, body: MeetingEdit): Promise<MeetingView> {
  return putJson<MeetingView>(apiPath('/api/v1/meetings/{id}', { id: String(id) }), body)
}

/** start / close / cancel with the version read; answers the meeting's detail. */
export function actOnMeeting(id: number, body: MeetingCommand): Promise<MeetingDetail> {
  return postJson<MeetingDetail>(apiPath('/api/v1/meetings/{id}/actions', { id: String(id) }), body)
}

export function addParticipant(id: number, body: ParticipantInput): Promise<ParticipantView> {
  return postJson<ParticipantView>(apiPath('/api/v1/meetings/{id}/participants', { id: String(id) }), body)
}

/** Removes a participant before the meeting starts (409 `meeting_in_session`). */
export function removeParticipant(id: number, participantId: number): Promise<void> {
  return deleteJson<void>(apiPath('/api/v1/meetings/{id}/participants/{participant_id}', { id: String(id), participant_id: String(participantId) }))
}

/** An operator checks a participant in while the meeting is in session (409 `meeting_not_in_session`). */
export function checkIn(id: number, participantId: number): Promise<ParticipantView> {
  return postJson<ParticipantView>(apiPath('/api/v1/meetings/{id}/check-ins', { id: String(id) }), { participant_id: participantId })
}

/** Adds a proposal: a topic of the meeting's area (`topic_id`) or a free one (`title`, `text`). */
export function addProposal(id: number, body: ProposalInput): Promise<ProposalView> {
  return postJson<ProposalView>(apiPath('/api/v1/meetings/{id}/proposals', { id: String(id) }), body)
}

/** Removes a draft proposal; its topic goes back to ready. */
export function removeProposal(id: number, proposalId: number): Promise<void> {
  return deleteJson<void>(apiPath('/api/v1/meetings/{id}/proposals/{proposal_id}', { id: String(id), proposal_id: String(proposalId) }))
}

/** Reorders the agenda: every proposal id once. */
export function reorderAgenda(id: number, order: number[]): Promise<ProposalView[]> {
  return putJson<ProposalView[]>(apiPath('/api/v1/meetings/{id}/agenda', { id: String(id) }), { order })
}

/** Adds an attachment (PDF, JPEG or PNG, at most 10 MB) under its file name. */
export function uploadMeetingAttachment(id: number, file: Blob, name: string, signal?: AbortSignal): Promise<AttachmentView> {
  return postBlob<AttachmentView>(apiPath('/api/v1/meetings/{id}/attachments', { id: String(id) }), file, { query: { name }, signal })
}

export function meetingAttachmentUrl(id: number): string {
  return apiPath('/api/v1/meeting-attachments/{id}', { id: String(id) })
}

/** Downloads an attachment (the name is the server's, else the one given). */
export function fetchMeetingAttachment(id: number): Promise<FetchedFile> {
  return fetchFile(meetingAttachmentUrl(id))
}

/** Opens voting on a draft proposal while the meeting is in session. */
export function openVoting(proposalId: number): Promise<ProposalView> {
  return postJson<ProposalView>(apiPath('/api/v1/proposals/{id}/open', { id: String(proposalId) }))
}

/** Records an open ballot for a participant (`participant_id`) or casts the caller's own. */
export function castBallot(proposalId: number, body: BallotInput): Promise<ProposalView> {
  return postJson<ProposalView>(apiPath('/api/v1/proposals/{id}/ballots', { id: String(proposalId) }), body)
}

/** Closes voting and counts: the result is final. */
export function closeVoting(proposalId: number): Promise<ProposalView> {
  return postJson<ProposalView>(apiPath('/api/v1/proposals/{id}/close', { id: String(proposalId) }))
}

// --- Deliberation: resolutions (决议) -------------------------------------------------------------

/** Resolutions the caller may read, newest first (`meeting` lists a meeting's). */
export function fetchResolutions(query: ResolutionQuery, signal?: AbortSignal): Promise<ResolutionPage> {
  return getJson<ResolutionPage>(apiPath('/api/v1/resolutions'), query, signal)
}

/** A resolution with its cases, tasks, ratings, `may_implement` and the caller's `actions`. */
export function fetchResolutionDetail(id: number, signal?: AbortSignal): Promise<ResolutionDetail> {
  return getJson<ResolutionDetail>(apiPath('/api/v1/resolutions/{id}', { id: String(id) }), {}, signal)
}

/** Publishes a closed, passed proposal (201); 409 `proposal_not_passed`, `already_published`. */
export function publishResolution(body: PublishInput): Promise<ResolutionDetail> {
  return postJson<ResolutionDetail>(apiPath('/api/v1/resolutions'), body)
}

/** Turns a resolution into cases and tasks after its notice period, with the version read. */
export function implementResolution(id: number, body: ImplementInput): Promise<ResolutionDetail> {
  return postJson<ResolutionDetail>(apiPath('/api/v1/resolutions/{id}/implement', { id: String(id) }), body)
}

/** Marks a task done or not (409 `resolution_completed` once completed); answers the resolution. */
export function editResolutionTask(id: number, body: TaskEdit): Promise<ResolutionDetail> {
  return putJson<ResolutionDetail>(apiPath('/api/v1/resolution-tasks/{id}', { id: String(id) }), body)
}
