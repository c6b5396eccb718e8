//! The API routers, one module per area.

pub mod admin;
pub mod auth;
pub mod buildings;
pub mod care;
pub mod cases;
pub mod deliberation;
pub mod facilities;
pub mod health;
pub mod households;
pub mod houses;
pub mod meetings;
pub mod orgs;
pub mod people;
pub mod people_files;
pub mod record_files;
pub mod regions;
pub mod registry_counts;
pub mod resolutions;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use gridgov_app::App;

/// Routes that take a large upload and may work on it for long: their own body limit and a
/// longer timeout than the rest (see `crate::router`).
pub fn uploads() -> Router<App> {
    let limit = DefaultBodyLimit::max(gridgov_app::sheet::MAX_UPLOAD_BYTES);
    Router::new()
        .route("/api/v1/people/import", post(people_files::import_people))
        .route("/api/v1/people/import/errors", post(people_files::import_errors))
        .route("/api/v1/organisations/import", post(record_files::orgs::import))
        .route(
            "/api/v1/organisations/import/errors",
            post(record_files::orgs::import_errors),
        )
        .route(
            "/api/v1/facilities/import",
            post(record_files::facilities::import),
        )
        .route(
            "/api/v1/facilities/import/errors",
            post(record_files::facilities::import_errors),
        )
        .route("/api/v1/care/import", post(record_files::care::import))
        .route(
            "/api/v1/care/import/errors",
            post(record_files::care::import_errors),
        )
        .route("/api/v1/buildings/import", post(record_files::buildings::import))
        .route(
            "/api/v1/buildings/import/errors",
            post(record_files::buildings::import_errors),
        )
        .route("/api/v1/houses/import", post(record_files::houses::import))
        .route(
            "/api/v1/houses/import/errors",
            post(record_files::houses::import_errors),
        )
        .layer(limit)
}

pub fn api() -> Router<App> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/api/openapi.json", get(health::openapi))
        .route("/api/v1/meta", get(health::meta))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/auth/logout-everywhere", post(auth::logout_everywhere))
        .route("/api/v1/auth/me", get(auth::whoami))
        .route("/api/v1/auth/me/home", put(deliberation::set_home))
        .route(
            "/api/v1/topics",
            get(deliberation::list_topics).post(deliberation::raise_topic),
        )
        .route("/api/v1/topics/{id}", get(deliberation::get_topic))
        .route("/api/v1/topics/{id}/support", post(deliberation::support_topic))
        .route("/api/v1/topics/{id}/actions", post(deliberation::act_on_topic))
        .route(
            "/api/v1/topics/{id}/photos",
            post(deliberation::upload_topic_photo),
        )
        .route("/api/v1/topic-photos/{id}", get(deliberation::topic_photo))
        .route(
            "/api/v1/topic-photos/{id}/thumb",
            get(deliberation::topic_photo_thumb),
        )
        .route(
            "/api/v1/deliberation/settings",
            get(deliberation::get_settings).put(deliberation::put_settings),
        )
        .route(
            "/api/v1/meetings",
            get(meetings::list_meetings).post(meetings::create_meeting),
        )
        .route(
            "/api/v1/meetings/{id}",
            get(meetings::get_meeting).put(meetings::edit_meeting),
        )
        .route("/api/v1/meetings/{id}/actions", post(meetings::act_on_meeting))
        .route(
            "/api/v1/meetings/{id}/participants",
            post(meetings::add_participant),
        )
        .route(
            "/api/v1/meetings/{id}/participants/{participant_id}",
            axum::routing::delete(meetings::remove_participant),
        )
        .route("/api/v1/meetings/{id}/check-ins", post(meetings::check_in))
        .route("/api/v1/meetings/{id}/proposals", post(meetings::add_proposal))
        .route(
            "/api/v1/meetings/{id}/proposals/{proposal_id}",
            axum::routing::delete(meetings::remove_proposal),
        )
        .route("/api/v1/meetings/{id}/agenda", put(meetings::reorder_agenda))
        .route(
            "/api/v1/meetings/{id}/attachments",
            post(meetings::upload_attachment),
        )
        .route(
            "/api/v1/meeting-attachments/{id}",
            get(meetings::meeting_attachment),
        )
        .route("/api/v1/proposals/{id}/open", post(meetings::open_voting))
        .route("/api/v1/proposals/{id}/ballots", post(meetings::cast_ballot))
        .route("/api/v1/proposals/{id}/close", post(meetings::close_voting))
        .route(
            "/api/v1/resolutions",
            get(resolutions::list_resolutions).post(resolutions::publish_resolution),
        )
        .route("/api/v1/resolutions/{id}", get(resolutions::get_resolution))
        .route(
            "/api/v1/resolutions/{id}/implement",
            post(resolutions::implement_resolution),
        )
        .route(
            "/api/v1/resolution-tasks/{id}",
            put(resolutions::edit_resolution_task),
        )
        .route("/api/v1/topics/{id}/ratings", post(resolutions::rate_topic))
        .route("/api/v1/notifications", get(deliberation::list_notifications))
        .route(
            "/api/v1/notifications/read",
            post(deliberation::read_notifications),
        )
        .route("/api/v1/auth/password", post(auth::change_password))
        .route("/api/v1/auth/otp", post(auth::otp))
        .route("/api/v1/auth/otp-login", post(auth::otp_login))
        .route("/api/v1/users", get(admin::list_users).post(admin::create_user))
        .route("/api/v1/users/{id}", get(admin::get_user).put(admin::update_user))
        .route("/api/v1/users/{id}/password", put(admin::reset_password))
        .route("/api/v1/users/{id}/disabled", put(admin::set_disabled))
        .route("/api/v1/users/{id}/scope", get(admin::user_scope))
        .route("/api/v1/users/{id}/roles", put(admin::set_roles))
        .route("/api/v1/roles", get(admin::roles).post(admin::create_role))
        .route("/api/v1/roles/{id}", put(admin::update_role))
        .route("/api/v1/audit", get(admin::audit))
        .route(
            "/api/v1/case-categories",
            get(cases::case_categories).post(cases::create_case_category),
        )
        .route("/api/v1/case-categories/{id}", put(cases::update_case_category))
        .route("/api/v1/cases", get(cases::list_cases).post(cases::report_case))
        .route("/api/v1/cases/events", get(cases::case_events))
        .route("/api/v1/cases/{id}", get(cases::case_detail))
        .route("/api/v1/cases/{id}/actions", post(cases::act_on_case))
        .route("/api/v1/cases/{id}/photos", post(cases::upload_photo))
        .route(
            "/api/v1/photos/{id}",
            get(cases::photo).delete(cases::delete_photo),
        )
        .route("/api/v1/photos/{id}/thumb", get(cases::photo_thumb))
        .route("/api/v1/kpis", get(cases::kpis))
        .route(
            "/api/v1/people",
            get(people::list_people).post(people::create_person),
        )
        .route("/api/v1/people/search", post(people::search_people))
        .route(
            "/api/v1/people/import/template",
            get(people_files::import_template),
        )
        .route("/api/v1/people/export", get(people_files::export_people))
        .route("/api/v1/organisations/export", get(record_files::orgs::export))
        .route("/api/v1/facilities/export", get(record_files::facilities::export))
        .route("/api/v1/care/export", get(record_files::care::export))
        .route("/api/v1/buildings/export", get(record_files::buildings::export))
        .route("/api/v1/houses/export", get(record_files::houses::export))
        .route(
            "/api/v1/people/{id}",
            get(people::get_person).put(people::update_person),
        )
        .route("/api/v1/people/{id}/reveal", post(people::reveal_number))
        .route("/api/v1/people/{id}/history", get(people::person_history))
        .route("/api/v1/people/{id}/care", post(care::join_care))
        .route("/api/v1/care", get(care::list_care))
        .route(
            "/api/v1/care/import/template",
            get(record_files::care::import_template),
        )
        .route("/api/v1/care/{id}", get(care::get_care).put(care::update_care))
        .route(
            "/api/v1/care/{id}/visits",
            get(care::list_visits).post(care::record_visit),
        )
        .route("/api/v1/care/{id}/history", get(care::care_history))
        .route(
            "/api/v1/organisations",
            get(orgs::list_orgs).post(orgs::create_org),
        )
        .route(
            "/api/v1/organisations/import/template",
            get(record_files::orgs::import_template),
        )
        .route(
            "/api/v1/organisations/{id}",
            get(orgs::get_org).put(orgs::update_org),
        )
        .route("/api/v1/organisations/{id}/history", get(orgs::org_history))
        .route(
            "/api/v1/facilities",
            get(facilities::list_facilities).post(facilities::create_facility),
        )
        .route(
            "/api/v1/facilities/import/template",
            get(record_files::facilities::import_template),
        )
        .route(
            "/api/v1/facilities/{id}",
            get(facilities::get_facility).put(facilities::update_facility),
        )
        .route(
            "/api/v1/facilities/{id}/history",
            get(facilities::facility_history),
        )
        .route("/api/v1/registry/counts", get(registry_counts::registry_counts))
        .route(
            "/api/v1/buildings",
            get(buildings::list_buildings).post(buildings::create_building),
        )
        .route(
            "/api/v1/buildings/import/template",
            get(record_files::buildings::import_template),
        )
        .route(
            "/api/v1/buildings/{id}",
            get(buildings::get_building).put(buildings::update_building),
        )
        .route("/api/v1/buildings/{id}/history", get(buildings::building_history))
        .route(
            "/api/v1/houses",
            get(houses::list_houses).post(houses::create_house),
        )
        .route(
            "/api/v1/houses/import/template",
            get(record_files::houses::import_template),
        )
        .route(
            "/api/v1/houses/{id}",
            get(houses::get_house).put(houses::update_house),
        )
        .route("/api/v1/houses/{id}/history", get(houses::house_history))
        .route(
            "/api/v1/households",
            get(households::list_households).post(households::create_household),
        )
        .route("/api/v1/households/collect", post(households::collect_household))
        .route(
            "/api/v1/households/{id}",
            get(households::get_household).put(households::update_household),
        )
        .route(
            "/api/v1/households/{id}/history",
            get(households::household_history),
        )
        .route("/api/v1/regions", get(regions::list))
        .route("/api/v1/regions/{code}", get(regions::region))
        .route("/api/v1/grids", get(regions::grids_in_bbox))
        .route("/api/v1/grids/{code}", get(regions::grid))
        .route("/api/v1/locate", get(regions::locate))
        .route("/api/v1/districts/{code}/departments", get(regions::departments))
}
