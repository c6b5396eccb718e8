// Types of the gridgov HTTP API (v1) as the web console reads them.
//
// The shapes come from the OpenAPI document: schema.d.ts is generated from /openapi.json by
// `npm run gen:api` (a unit test fails when it is stale), and every response type here is an
// alias of a generated schema. Where the document is looser than what the server sends (region
// levels, kinds and roles are enums on the server but plain strings in the document; a bbox is
// exactly four numbers), `Narrow` replaces a field's type by a narrower one. It accepts nothing
// else: a field the schema lacks, or a type that does not fit the generated one, fails to
// compile, so a change to the document shows up here instead of at run time.
//
// Hand-written, because the document says only "an object": the GeoJSON of GET /api/v1/grids and
// of a region's `geometry`. They are kept to what the server actually emits.
//
// Coordinates are WGS84, GeoJSON order [lon, lat]; a bbox is [minLon, minLat, maxLon, maxLat].
import type { components, operations } from './schema'

type Schemas = components['schemas']

/**
 * `T` with the properties named in `R` narrowed to `R`'s types; optional properties stay optional.
 * Each `R[K]` must be assignable to `T[K]`, so this can only tighten the generated type.
 */
type Narrow<T, R extends { [K in keyof R]: K extends keyof T ? T[K] : never }> = {
  [K in keyof T]: K extends keyof R ? R[K] : T[K]
}

export type BBox = [number, number, number, number]

// The server's enums (crates/domain), which the document shows as `string`.
export type RegionLevel = 'district' | 'street' | 'community' | 'grid' | 'subgrid'
export type GridKind = 'unit' | 'exclusive' | 'neighbourhood'
export type ExclusiveType = 'school' | 'hospital' | 'market' | 'enterprise' | 'industrial_park' | 'government'
export type TeamRole = 'leader' | 'lead_worker' | 'helper'
export type Employment = 'full_time' | 'part_time'
export type ForceSource =
  | 'grid_worker'
  | 'department'
  | 'street_cadre'
  | 'dual_report_member'
  | 'village_cadre'
  | 'party_member'
  | 'volunteer'

/** A district in GET /api/v1/meta; `bbox` is absent or null while it has no boundary. */
export type DistrictSummary = Narrow<Schemas['DistrictInfo'], { bbox: BBox | null }>

/** GET /api/v1/meta */
export type Meta = Narrow<Schemas['Meta'], { districts: DistrictSummary[] }>

/** A node of the region tree (GET /api/v1/regions). */
export type Region = Narrow<
  Schemas['RegionNode'],
  { level: RegionLevel; kind: GridKind | null; exclusive_type: ExclusiveType | null; bbox: BBox | null }
>

/** GET /api/v1/regions */
export type RegionList = Narrow<Schemas['RegionList'], { items: Region[] }>

export type RegionRef = Schemas['Place']

export type Ancestor = Narrow<Schemas['RegionRefView'], { level: RegionLevel }>

export type TeamMember = Narrow<
  Schemas['TeamMemberView'],
  { role: TeamRole; employment: Employment; force_source: ForceSource }
>

/** The grid service management centre in charge of a region. */
export type Centre = Schemas['CentreView']

/**
 * GET /api/v1/grids/{code} (and /regions/{code}).
 *
 * `geometry` is hand-written: the document calls it a non-null object, but the server sends null
 * for a region whose boundary has not been drawn yet, and a Polygon or MultiPolygon otherwise.
 */
export type GridDetail = Narrow<
  Omit<Schemas['RegionDetail'], 'geometry'>,
  {
    level: RegionLevel
    kind: GridKind | null
    exclusive_type: ExclusiveType | null
    bbox: BBox | null
    ancestors: Ancestor[]
    team: TeamMember[]
  }
> & { geometry: MultiPolygon | Polygon | null }

/** GET /api/v1/locate: the regions containing the point, null below the deepest drawn level. */
export type LocateResult = Schemas['LocateResult']

/** The kind of account: staff of the grid system, a district department, or a resident. */
export type AccountKind = 'staff' | 'department' | 'resident'

/**
 * GET /api/v1/auth/me (and the answer to a login): the account, its role keys and every permission
 * it holds, as `module:entity:action` strings such as `region:region:read`.
 */
export type Me = Narrow<Schemas['Me'], { kind: AccountKind }>

/** POST /api/v1/auth/login */
export type LoginRequest = Schemas['LoginRequest']

/** One invalid input: `code` is a stable snake_case code like the error's, `reason` English text. */
export type FieldError = Schemas['FieldError']

/** The body of every error response: `{"error": {"code", "message", "fields"}}`. */
export type ApiErrorBody = Schemas['ErrorBody']

// --- GeoJSON, hand-written (the document has `object`) ------------------------------------------

export interface MultiPolygon {
  type: 'MultiPolygon'
  coordinates: number[][][][]
}

export interface Polygon {
  type: 'Polygon'
  coordinates: number[][][]
}

/** `properties` of a feature of GET /api/v1/grids. */
export interface GridProperties {
  code: string
  name: string
  level: RegionLevel
  kind: GridKind | null
  exclusive_type: ExclusiveType | null
  parent_code: string | null
  area_m2: number | null
}

export interface GridFeature {
  type: 'Feature'
  id: string
  /** Null for a region whose boundary has not been drawn yet. */
  geometry: MultiPolygon | Polygon | null
  properties: GridProperties
}

/** GET /api/v1/grids (`application/geo+json`). */
export interface GridFeatureCollection {
  type: 'FeatureCollection'
  features: GridFeature[]
}

// --- Administration (accounts, roles, audit) --------------------------------------------------------

/**
 * A role assignment's data scope as the server accepts and shows it (the document has `object`):
 * everything, the account's own unit (with or without what lies below), its own records, or named subtrees.
 */
export type ScopeSpec =
  | { kind: 'all' }
  | { kind: 'own_unit' }
  | { kind: 'own_unit_and_below' }
  | { kind: 'own_records' }
  | { kind: 'subtrees'; regions: string[] }

export type ScopeKind = ScopeSpec['kind']

/** One role of an account, with the scope it carries. */
export type Assignment = Narrow<Schemas['AssignmentView'], { scope: ScopeSpec }>

/** An account as GET /api/v1/users lists it. */
export type UserView = Narrow<Schemas['UserView'], { kind: AccountKind; roles: Assignment[] }>

/** GET /api/v1/users */
export type UserPage = Narrow<Schemas['UserPage'], { items: UserView[] }>

/** POST /api/v1/users */
export type CreateUser = Narrow<
  Schemas['CreateUser'],
  { kind: AccountKind; roles: Narrow<Schemas['RoleAssignment'], { scope: ScopeSpec }>[] }
>

/** One role of an account with its scope, as the console sends it. */
export type AssignmentSpec = Narrow<Schemas['RoleAssignment'], { scope: ScopeSpec }>

/** PUT /api/v1/users/{id}/roles: the account's new roles (replacing all) and the version the editor saw. */
export type SetRoles = Narrow<Schemas['SetRoles'], { roles: AssignmentSpec[] }>

/** POST /api/v1/roles */
export type CreateRole = Schemas['CreateRole']

/** PUT /api/v1/roles/{id} */
export type UpdateRole = Schemas['UpdateRole']

/** PUT /api/v1/users/{id}/disabled */
export type SetDisabled = Schemas['SetDisabled']

/** PUT /api/v1/users/{id}: the new name and unit (null for none), and the version the editor saw. */
export type UpdateUser = Schemas['UpdateUser']

/** PUT /api/v1/users/{id}/password: an administrator sets another account's password. */
export type ResetPassword = Schemas['ResetPassword']

/** POST /api/v1/auth/password: the signed-in user changes their own password. */
export type ChangePassword = Schemas['ChangePassword']

/** The answer to POST /api/v1/users. */
export type Created = Schemas['Created']

/**
 * What one permission reaches (hand-written: the document has `object`): the whole district, whole
 * subtrees, single regions, and/or the records of one account.
 */
export type ReachedScope = {
  all: boolean
  subtrees: string[]
  units: string[]
  own_records_of: number | null
}

export type EffectiveScope = Narrow<Schemas['EffectiveScope'], { scope: ReachedScope }>

/** GET /api/v1/users/{id}/scope */
export type ScopeList = Narrow<Schemas['ScopeList'], { items: EffectiveScope[] }>

export type RoleView = Schemas['RoleView']
export type PermissionInfo = Schemas['PermissionInfo']

/** GET /api/v1/roles */
export type RoleList = Schemas['RoleList']

/** One audit record (GET /api/v1/audit). */
export type AuditEntry = Schemas['AuditView']

/** GET /api/v1/audit: one page of records and how many match in all. */
export type AuditPage = Schemas['AuditPage']

/**
 * The query of GET /api/v1/audit, as the document has it (these are real query parameters there):
 * filters (`action` is a prefix such as `user.`; `from` inclusive and `until` exclusive, RFC 3339)
 * and the 1-based page.
 */
export type AuditQuery = NonNullable<operations['audit']['parameters']['query']>

/** A district department that answers whistles. */
export type Department = Schemas['DepartmentView']

// --- Cases (采集上报 → 受理处置 → 反馈考核) ---------------------------------------------------------

/** Where a case stands (the server's `CaseState`). */
export type CaseState = 'reported' | 'accepted' | 'handling' | 'whistled' | 'handled' | 'closed' | 'rejected' | 'merged'

/** What someone does to a case (the server's `CaseAction`). */
export type CaseAction =
  | 'accept'
  | 'reject'
  | 'merge'
  | 'handle_on_spot'
  | 'dispatch'
  | 'escalate'
  | 'whistle'
  | 'acknowledge'
  | 'return'
  | 'report_result'
  | 'verify'
  | 'rework'
  | 'extend'
  | 'rate'
  | 'reopen'

export type CaseHolderKind = 'centre' | 'grid' | 'department'
export type CaseStage = 'accept' | 'ack' | 'handle'
export type SlaState = 'normal' | 'warning' | 'overdue'
export type CaseRating = 'satisfied' | 'basically' | 'not_satisfied'
export type TimeMode = 'natural' | 'working'
export type OwnerLevel = 'community' | 'street' | 'district'

/** A case category or (with `parent_code` null) a group of categories (GET /api/v1/case-categories). */
export type Category = Narrow<Schemas['CategoryView'], { owner_level: OwnerLevel; time_mode: TimeMode }>

/**
 * POST /api/v1/case-categories: a group (code, name, enabled; no `parent_code`) or a category under
 * the group `parent_code` with its settings. The document has the enums as strings.
 */
export type CreateCategory = Narrow<Schemas['CreateCategory'], { owner_level?: OwnerLevel | null; time_mode?: TimeMode | null }>

/** PUT /api/v1/case-categories/{id}: everything a group or category sets, with the version the editor saw. */
export type UpdateCategory = Narrow<Schemas['UpdateCategory'], { owner_level?: OwnerLevel | null; time_mode?: TimeMode | null }>

/**
 * A case as lists and the detail show it. `state`, `holder_kind`, `stage`, `sla` and `rating` are
 * enums on the server and plain strings in the document. An action a newer server adds shows its code.
 */
export type CaseView = Narrow<
  Schemas['CaseView'],
  {
    state: CaseState
    holder_kind: CaseHolderKind
    stage?: CaseStage | null
    sla?: SlaState | null
    rating?: CaseRating | null
  }
>

/** One entry of a case's timeline; `action` also names the server's own entries (`report`, `sla_warning`, …). */
export type CaseEvent = Schemas['EventView']

/**
 * A photo of a case (POST /api/v1/cases/{id}/photos answers one; the detail lists them). `event_id`
 * is the timeline entry that cited it (null until an action does: e.g. the photos sent with a report).
 */
export type PhotoView = Schemas['PhotoView']

/** GET /api/v1/cases/{id}: the case, its timeline, its photos and what the caller may do now. */
export type CaseDetail = Narrow<Schemas['CaseDetail'], { case: CaseView; timeline: CaseEvent[]; photos: PhotoView[] }>

/** GET /api/v1/cases */
export type CasePage = Narrow<Schemas['CasePage'], { items: CaseView[] }>

/** An open case that may be the same matter as a new report. */
export type CaseDuplicate = Schemas['DuplicateView']

/** The answer to POST /api/v1/cases: 201 `created`, or 200 for a retry with the same idempotency key. */
export type Reported = Narrow<Schemas['Reported'], { case: CaseView }>

/** POST /api/v1/cases */
export type ReportCase = Narrow<Schemas['ReportBody'], { crs?: 'wgs84' | 'gcj02' | null }>

/** POST /api/v1/cases/{id}/actions */
export type CaseActionBody = Narrow<Schemas['ActionBody'], { action: CaseAction; rating?: CaseRating | null }>

/** Which cases GET /api/v1/cases lists: in scope, held by me, whistled to my department, reported by me. */
export type CaseInbox = 'all' | 'mine' | 'department' | 'reported'

/** The query of GET /api/v1/cases (documented as real query parameters). */
export type CaseQuery = Narrow<NonNullable<operations['list_cases']['parameters']['query']>, { inbox?: CaseInbox }>

/** POST /api/v1/auth/otp */
export type OtpRequest = Schemas['OtpRequest']

/** POST /api/v1/auth/otp-login */
export type OtpLogin = Schemas['OtpLogin']

/**
 * One message of GET /api/v1/cases/events (`event: case`): a case the caller may see was reported
 * or changed. Hand-written: the stream is `text/event-stream`, which the document does not describe.
 */
export interface CaseChange {
  id: number
  state: CaseState
  version: number
  holder_kind: CaseHolderKind
  holder_unit: string
  holder_department_id: number | null
  updated_at: string
}

/** The counts behind the indicators (GET /api/v1/kpis). */
export type KpiCounts = Schemas['KpiCounts']

/** The indicators: rates in [0, 1], null for an empty denominator; the whistle response in minutes. */
export type Kpis = Schemas['Kpis']

/** GET /api/v1/kpis: a region subtree's indicators over [from, until). */
export type KpiPanel = Schemas['KpiPanel']

/** The window of GET /api/v1/kpis: a Beijing-time month (`2026-11`), or from/until in RFC 3339. */
export type KpiQuery = { region?: string; month?: string; from?: string; until?: string }

// --- The one net of basic information: people (基础信息 › 人口信息) --------------------------------

/** What a registered person is: 户籍人口, 流动人口, 境外人员 (the server's `PersonKind`). */
export type PersonKind = 'registered' | 'floating' | 'overseas'

/** Sex as read from the ID number (absent without one). */
export type PersonSex = 'male' | 'female'

/**
 * A person as lists and the detail show them: `id_number` and `phone` masked (`370105********1234`,
 * `138****8000`, `0531-****0000`), null when not on record. `kind` and `sex` are enums on the server
 * and plain strings in the document.
 */
export type PersonView = Narrow<Schemas['PersonView'], { kind: PersonKind; sex?: PersonSex | null }>

/** GET /api/v1/people and POST /api/v1/people/search: one page, newest first, and how many match in all. */
export type PersonPage = Narrow<Schemas['PersonPage'], { items: PersonView[] }>

/** POST /api/v1/people: a new person in a grid (or sub-grid). */
export type PersonInput = Narrow<Schemas['PersonInput'], { kind: PersonKind }>

/**
 * PUT /api/v1/people/{id}: the whole record as the edit form shows it, with the version it was read
 * at. A number left out (or null) stays as stored, an empty string removes it, a number replaces it;
 * an empty address or note removes it.
 */
export type PersonEdit = Narrow<Schemas['EditBody'], { kind: PersonKind }>

/**
 * The query of GET /api/v1/people (documented as real query parameters). It holds no name or
 * number on purpose: those are searched with POST /api/v1/people/search, so they never reach a URL.
 */
export type PeopleQuery = Narrow<NonNullable<operations['list_people']['parameters']['query']>, { kind?: PersonKind }>

/** POST /api/v1/people/search: the start of a name, a whole ID or phone number, and the filters of the list. */
export type PeopleSearchBody = Narrow<Schemas['SearchBody'], { kind?: PersonKind | null }>

/** Which of a person's numbers POST /api/v1/people/{id}/reveal shows whole. */
export type RevealField = Schemas['RevealField']

/** The answer to POST /api/v1/people/{id}/reveal: the number whole (audited as `person.reveal`). */
export type Revealed = Schemas['Revealed']

/** What an import does with a row whose ID number is registered already: refuse the row, or update the person from it. */
export type Duplicates = Schemas['Duplicates']

/** A CSV file's encoding for POST /api/v1/people/import: `auto` (UTF-8 if valid, else GBK), `utf-8` or `gbk`. */
export type ImportEncoding = 'auto' | 'utf-8' | 'gbk'

/** The query of POST /api/v1/people/import and /import/errors. */
export type ImportQuery = NonNullable<operations['import_people']['parameters']['query']>

/** One row of an import file: its line (the header is line 1), its cells in `columns` order, what is wrong with it. */
export type ImportRow = Schemas['ImportRow']

/** POST /api/v1/people/import: what a check (or a commit) found and did. */
export type ImportReport = Schemas['ImportReport']

/** The query of GET /api/v1/people/export: `format` xlsx (the default) or csv, `region`, `kind`, `whole_numbers`. */
export type PeopleExportQuery = NonNullable<operations['export_people']['parameters']['query']>

/** One entry of GET /api/v1/people/{id}/history (newest first): when, who, the action, the fields it changed (or revealed). */
export type HistoryEntry = Schemas['HistoryEntry']

// --- The one net of basic information: buildings, houses, households (房屋信息, 住户信息) -----------

/** 房屋用途 (the server's `HouseUse`). */
export type HouseUse = 'residential' | 'commercial' | 'mixed' | 'office' | 'industrial' | 'other'

/** 产权性质 (the server's `Ownership`). */
export type HouseOwnership = 'private' | 'public' | 'unit' | 'collective' | 'other'

/** 居住状况 (the server's `Occupancy`). */
export type Occupancy = 'owner_occupied' | 'rented' | 'vacant' | 'other'

/** 与户主关系 (the server's `Relation`). */
export type Relation = 'head' | 'spouse' | 'child' | 'child_in_law' | 'grandchild' | 'parent' | 'grandparent' | 'sibling' | 'other'

/** A building as lists show it; `lon`/`lat` WGS84, null when not placed on a map. */
export type BuildingView = Schemas['BuildingView']

/** GET /api/v1/buildings: one page and how many match in all. */
export type BuildingPage = Narrow<Schemas['BuildingPage'], { items: BuildingView[] }>

/** POST /api/v1/buildings: the whole record (`crs` says what `lon`/`lat` are; WGS84 when left out). */
export type BuildingInput = Narrow<Schemas['BuildingInput'], { crs?: 'wgs84' | 'gcj02' | null }>

/** PUT /api/v1/buildings/{id}: the whole record with the version it was read at. */
export type BuildingEdit = BuildingInput & { version: Schemas['BuildingEdit']['version'] }

/** The query of GET /api/v1/buildings: region subtree, the start of the name, the page. */
export type BuildingQuery = NonNullable<operations['list_buildings']['parameters']['query']>

/** A house as lists show it; `grid`, `community` and `street` are its building's. */
export type HouseView = Narrow<Schemas['HouseView'], { use: HouseUse; ownership: HouseOwnership; occupancy: Occupancy }>

/** GET /api/v1/houses */
export type HousePage = Narrow<Schemas['HousePage'], { items: HouseView[] }>

/** POST /api/v1/houses (the server also takes the labels, 住宅 …; the console sends the codes). */
export type HouseInput = Narrow<Schemas['HouseInput'], { use?: HouseUse; ownership?: HouseOwnership; occupancy?: Occupancy }>

/** PUT /api/v1/houses/{id}: the whole record with the version it was read at. */
export type HouseEdit = HouseInput & { version: Schemas['HouseEdit']['version'] }

/** The query of GET /api/v1/houses: a building, a region subtree, an occupancy, the page. */
export type HouseQuery = Narrow<NonNullable<operations['list_houses']['parameters']['query']>, { occupancy?: Occupancy }>

/** A household's own fields (its members come with the detail). */
export type HouseholdView = Schemas['HouseholdView']

/** A household in a list, with its head's name and its size (within the reader's scope). */
export type HouseholdItem = HouseholdView & { head_name?: string | null; member_count: number }

/** GET /api/v1/households */
export type HouseholdPage = Narrow<Schemas['HouseholdPage'], { items: HouseholdItem[] }>

/** A member of a household: a person as lists show them, numbers masked, with the relation to the head. */
export type HouseholdMember = Narrow<PersonView, { relation?: Relation | null }>

/** GET /api/v1/households/{id} (and the answers of the writes): the household and its members, head first. */
export type HouseholdDetail = Narrow<Schemas['HouseholdDetail'], { household: HouseholdView; members: HouseholdMember[] }>

/** The query of GET /api/v1/households: a region subtree, a house, a whole household number (户号), the page. */
export type HouseholdQuery = NonNullable<operations['list_households']['parameters']['query']>

/** A member of POST /api/v1/households/collect: a new person, or a known one with the version read. */
export type CollectMember = Narrow<Schemas['CollectMember'], { person: PersonInput; relation?: Relation }>

/**
 * POST /api/v1/households/collect: a household (new, or `id` and `version` to edit one) and its
 * members in one transaction. Members not listed stay members.
 */
export type CollectBody = Narrow<Schemas['Collect'], { members?: CollectMember[] }>

// --- The one net of basic information: organisations, facilities, counts (单位组织, 城市部件, 统计) -----

/** 单位类型 (the server's `OrgKind`). */
export type OrgKind = 'enterprise' | 'shop' | 'school' | 'hospital' | 'social_org' | 'public' | 'other'

/** An organisation as lists show it: the contact phone masked (`138****8000`). */
export type OrgView = Schemas['OrgView']

/** GET /api/v1/organisations: one page, newest first, and how many match in all. */
export type OrgPage = Narrow<Schemas['OrgPage'], { items: OrgView[] }>

/** POST /api/v1/organisations: the whole record (the console sends kind codes). */
export type OrgInput = Narrow<Schemas['OrgInput'], { kind?: OrgKind }>

/** PUT /api/v1/organisations/{id}: the whole record with the version read; the phone left out stays, empty removes it. */
export type OrgEdit = OrgInput & { version: number }

/** The query of GET /api/v1/organisations: region subtree, kind, the start of the name, a whole USCC, the page. */
export type OrgQuery = Narrow<NonNullable<operations['list_orgs']['parameters']['query']>, { kind?: OrgKind }>

/** 部件类型 (the server's `FacilityKind`). */
export type FacilityKind = 'street_lamp' | 'manhole_cover' | 'fire_hydrant' | 'trash_bin' | 'camera' | 'traffic_sign' | 'bus_shelter' | 'other'

/** 部件状态 (the server's `FacilityState`). */
export type FacilityState = 'normal' | 'damaged' | 'missing' | 'removed'

/** A facility as lists show it; `lon`/`lat` WGS84. */
export type FacilityView = Schemas['FacilityView']

/** GET /api/v1/facilities: one page, newest first, and how many match in all. */
export type FacilityPage = Narrow<Schemas['FacilityPage'], { items: FacilityView[] }>

/** POST /api/v1/facilities: the whole record; the grid is the point's unless named. */
export type FacilityInput = Narrow<Schemas['FacilityInput'], { kind?: FacilityKind; state?: FacilityState | null; crs?: 'wgs84' | 'gcj02' | null }>

/** PUT /api/v1/facilities/{id}: the whole record with the version read. */
export type FacilityEdit = FacilityInput & { version: number }

/** The query of GET /api/v1/facilities: region subtree, kind, state, a bbox (`w,s,e,n`), the page. */
export type FacilityQuery = Narrow<NonNullable<operations['list_facilities']['parameters']['query']>, { kind?: FacilityKind; state?: FacilityState }>

/** What the registry holds in one region (every kind, group and state listed, zeros too). */
export type RegionCounts = Schemas['RegionCounts']

/** A region with its counts. */
export type CountedRegion = Narrow<Schemas['CountedRegion'], { level: RegionLevel }>

/** GET /api/v1/registry/counts: a region's counts and each of its children's. */
export type RegistryCounts = CountedRegion & { children: CountedRegion[] }

// --- The one net of basic information: care and key groups (关爱对象与重点人群) --------------------

/** 关爱类别 (the server's `CareGroup`). */
export type CareGroup =
  | 'elderly_alone'
  | 'empty_nest'
  | 'disabled'
  | 'low_income'
  | 'left_behind_child'
  | 'serious_illness'
  | 'entitled_veteran'
  | 'mental_disorder'
  | 'community_correction'
  | 'drug_rehabilitation'

/** 走访方式 (the server's `VisitWay`). */
export type VisitWay = 'home' | 'phone' | 'video' | 'elsewhere'

/** A membership of a care group as lists show it: the person's name, the last visit, the next due day, overdue today (Shanghai). */
export type CareView = Schemas['CareView']

/** GET /api/v1/care: one page, the most urgent first, and how many match in all. */
export type CarePage = Narrow<Schemas['CarePage'], { items: CareView[] }>

/** The query of GET /api/v1/care: group, region subtree, one person, overdue (true/false), include_ended, page. */
export type CareQuery = NonNullable<operations['list_care']['parameters']['query']>

/** POST /api/v1/people/{id}/care: a group (code), a cycle (the group's usual when left out), the day joined, a note. */
export type CareJoin = Narrow<Schemas['JoinInput'], { group: CareGroup }>

/** PUT /api/v1/care/{id}: the cycle (required), the day the person left (null: still a member), the note, with the version read. */
export type CareEdit = Schemas['CareEdit']

/** POST /api/v1/care/{id}/visits: when (today when left out), how, what was found, whether to follow up. */
export type VisitInput = Narrow<Schemas['VisitInput'], { way: VisitWay }>

/** A recorded visit: who recorded it (the signed-in user then), when, how, what was found. */
export type VisitView = Schemas['VisitView']

/** GET /api/v1/care/{id}/visits: one page, the latest first. */
export type VisitPage = Narrow<Schemas['VisitPage'], { items: VisitView[] }>

/** The answer of POST /api/v1/care/{id}/visits: the visit and the membership with its new due day. */
export type VisitRecorded = Narrow<Schemas['VisitRecorded'], { visit: VisitView; membership: CareView }>

// --- Deliberation (三级议事): topics, thresholds, notifications, a resident's home grid -------------

/** A topic as lists show it (level, area, state, supports against its threshold, the masked raiser). */
export type TopicView = Schemas['TopicView']

/** GET /api/v1/topics: one page, newest first, and the total. */
export type TopicPage = Narrow<Schemas['TopicPage'], { items: TopicView[] }>

/** GET /api/v1/topics/{id}: the topic, its photos, its public timeline, the caller's part and triage actions. */
export type TopicDetail = Schemas['TopicDetail']

/** A step of a topic's public timeline. */
export type TopicEventView = Schemas['TopicEventView']

/** A photo of a topic. */
export type TopicPhotoView = Schemas['TopicPhotoView']

/** POST /api/v1/topics. */
export type TopicInput = Schemas['TopicInput']

/** POST /api/v1/topics/{id}/actions. */
export type TopicCommand = Schemas['TopicCommand']

/** The query of GET /api/v1/topics: level, region subtree, state (one or more, comma-separated), category, mine, supported, page. */
export type TopicQuery = NonNullable<operations['list_topics']['parameters']['query']>

/** GET/PUT /api/v1/deliberation/settings: the support thresholds per level. */
export type DeliberationSettings = Schemas['Settings']
export type DeliberationSettingsEdit = Schemas['SettingsEdit']

/** GET /api/v1/notifications: one page, newest first, the total and how many are unread. */
export type NotificationView = Schemas['NotificationView']
export type NotificationPage = Narrow<Schemas['NotificationPage'], { items: NotificationView[] }>

/** PUT /api/v1/auth/me/home. */
export type HomeView = Schemas['HomeView']

// --- Deliberation (三级议事): meetings (议事会), participants, agenda, votes, attachments ------------

/** A meeting as lists show it: area, title, place, start, state, vote rule, ballot kind, minutes, version. */
export type MeetingView = Schemas['MeetingView']

/** GET /api/v1/meetings: one page, latest start first, and the total. */
export type MeetingPage = Narrow<Schemas['MeetingPage'], { items: MeetingView[] }>

/** GET /api/v1/meetings/{id}: the meeting, its participants, agenda, attachments and the caller's actions. */
export type MeetingDetail = Schemas['MeetingDetail']

/** POST /api/v1/meetings. */
export type MeetingInput = Schemas['MeetingInput']

/** PUT /api/v1/meetings/{id}: a field left out stays. */
export type MeetingEdit = Schemas['MeetingEdit']

/** POST /api/v1/meetings/{id}/actions: start, close or cancel with the version read. */
export type MeetingCommand = Schemas['MeetingCommand']

export type ParticipantView = Schemas['ParticipantView']
export type ParticipantInput = Schemas['ParticipantInput']
export type ProposalView = Schemas['ProposalView']
export type ProposalInput = Schemas['ProposalInput']
export type BallotInput = Schemas['BallotInput']
export type AttachmentView = Schemas['AttachmentView']

/** The query of GET /api/v1/meetings: level, region subtree, state, start window (RFC 3339), page. */
export type MeetingQuery = NonNullable<operations['list_meetings']['parameters']['query']>

// --- Deliberation: resolutions (决议), their cases and tasks, ratings ---------------------------------

/** A resolution as lists show it: title, text, notice period, dates, derived `state`, version. */
export type ResolutionView = Schemas['ResolutionView']
/** GET /api/v1/resolutions: one page, newest first, and the total. */
export type ResolutionPage = Narrow<Schemas['ResolutionPage'], { items: ResolutionView[] }>
/** GET /api/v1/resolutions/{id}: with its cases, tasks, ratings, `may_implement` and `actions`. */
export type ResolutionDetail = Schemas['ResolutionDetail']
/** The query of GET /api/v1/resolutions: region subtree, state, topic, meeting, page. */
export type ResolutionQuery = NonNullable<operations['list_resolutions']['parameters']['query']>
/** POST /api/v1/resolutions. */
export type PublishInput = Schemas['PublishInput']
/** POST /api/v1/resolutions/{id}/implement. */
export type ImplementInput = Schemas['ImplementInput']
export type CaseOrder = Schemas['CaseOrder']
export type TaskInput = Schemas['TaskInput']
/** PUT /api/v1/resolution-tasks/{id}. */
export type TaskEdit = Schemas['TaskEdit']
export type TaskView = Schemas['TaskView']
export type LinkedCase = Schemas['LinkedCase']
export type RatingSummary = Schemas['RatingSummary']
