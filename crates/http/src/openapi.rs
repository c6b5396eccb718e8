//! The OpenAPI document, generated from the handlers' annotations. It is also committed as
//! `openapi.json` at the repository root (the web client is typed from it); a test keeps the two
//! identical.

use crate::routes::{
    admin, auth, buildings, cases, health, households, houses, people, people_files, regions,
};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "gridgov API", description = "Party-building-led grid governance (党建引领网格化治理)."),
    paths(
        health::healthz,
        health::readyz,
        health::meta,
        auth::login,
        auth::whoami,
        auth::logout,
        auth::logout_everywhere,
        auth::change_password,
        auth::otp,
        auth::otp_login,
        admin::list_users,
        admin::create_user,
        admin::get_user,
        admin::update_user,
        admin::reset_password,
        admin::set_disabled,
        admin::user_scope,
        admin::set_roles,
        admin::roles,
        admin::create_role,
        admin::update_role,
        admin::audit,
        cases::case_categories,
        cases::create_case_category,
        cases::update_case_category,
        cases::report_case,
        cases::list_cases,
        cases::case_detail,
        cases::act_on_case,
        cases::kpis,
        cases::upload_photo,
        cases::photo,
        cases::delete_photo,
        cases::photo_thumb,
        cases::case_events,
        people::create_person,
        people::list_people,
        people::search_people,
        people::get_person,
        people::update_person,
        people::reveal_number,
        people::person_history,
        people_files::import_template,
        people_files::import_people,
        people_files::import_errors,
        people_files::export_people,
        buildings::create_building,
        buildings::list_buildings,
        buildings::get_building,
        buildings::update_building,
        houses::create_house,
        houses::list_houses,
        houses::get_house,
        houses::update_house,
        households::create_household,
        households::list_households,
        households::get_household,
        households::update_household,
        households::collect_household,
        regions::list,
        regions::region,
        regions::grid,
        regions::grids_in_bbox,
        regions::locate,
        regions::departments,
    ),
    // Types only named by query parameters are not collected on their own.
    components(schemas(gridgov_app::people_import::Duplicates)),
    tags(
        (name = "cases", description = "The case lifecycle: report, accept, dispatch, whistle, handle, verify, rate"),
        (name = "regions", description = "The region tree, grid map and locator"),
        (name = "registry", description = "The one net of basic information: people (numbers encrypted, masked, revealed with an audit record), households, buildings and houses"),
        (name = "auth", description = "Sessions"),
        (name = "admin", description = "Accounts, roles, scopes, audit"),
        (name = "meta", description = "Front-end bootstrap"),
        (name = "ops", description = "Health probes"),
    )
)]
pub struct ApiDoc;

/// The document as pretty JSON with a trailing newline (the committed file's exact form).
pub fn json() -> String {
    let mut s = ApiDoc::openapi().to_pretty_json().unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
