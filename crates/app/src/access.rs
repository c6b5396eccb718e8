//! The permission catalogue, the built-in roles, and loading a user's [`Principal`].

use crate::{AppError, ErrorKind};
use gridgov_domain::RegionCode;
use gridgov_domain::access::{DataScope, Grant, Permission, Principal};
use gridgov_store::accounts;
use gridgov_store::entity::app_user;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use std::collections::{BTreeSet, HashMap};

/// Every permission the system knows, with what it allows (shown in the role editor).
pub const PERMISSIONS: [(&str, &str); 31] = [
    ("region:region:read", "see regions, boundaries and the map"),
    ("region:region:write", "create and edit regions and boundaries"),
    (
        "region:team:read",
        "see grid teams (names and roles of grid staff)",
    ),
    ("system:user:read", "see accounts and their roles"),
    ("system:user:write", "create, disable and assign accounts"),
    ("system:role:read", "see roles"),
    ("system:role:write", "create and edit roles"),
    ("audit:log:read", "search the audit log"),
    ("case:case:read", "see cases and their timelines"),
    ("case:case:report", "report cases"),
    (
        "case:case:handle",
        "act on cases held by one's own centre, grid or department",
    ),
    ("case:category:read", "see the case categories"),
    (
        "case:category:write",
        "create and edit case categories, their limits and departments (district-wide scope)",
    ),
    ("case:kpi:read", "see case indicators"),
    (
        "registry:person:read",
        "see people and households in the registry, ID and phone numbers masked",
    ),
    ("registry:person:write", "register and edit people and households"),
    (
        "registry:person:reveal",
        "see a person's ID or phone number whole (each time recorded in the audit log)",
    ),
    ("registry:house:read", "see buildings and houses in the registry"),
    ("registry:house:write", "record and edit buildings and houses"),
    (
        "registry:org:read",
        "see organisations in the registry, contact phones masked",
    ),
    ("registry:org:write", "record and edit organisations"),
    (
        "registry:care:read",
        "see the members of care groups and their visits",
    ),
    (
        "registry:care:write",
        "add people to care groups, edit memberships, record visits",
    ),
    ("registry:facility:read", "see public facilities in the registry"),
    ("registry:facility:write", "record and edit public facilities"),
    (
        "deliberation:topic:read",
        "see deliberation topics, their supports, photos and timelines (residents: their whole district)",
    ),
    (
        "deliberation:topic:raise",
        "raise deliberation topics (residents: in their home area) and add photos to one's own",
    ),
    (
        "deliberation:topic:support",
        "support deliberation topics of one's home area, once each",
    ),
    (
        "deliberation:topic:write",
        "triage deliberation topics: accept, decline, merge, refer; the district's support thresholds (district-wide scope)",
    ),
    (
        "deliberation:meeting:read",
        "see deliberation meetings, their participants, agendas, results, minutes and attachments (residents: their whole district)",
    ),
    (
        "deliberation:meeting:write",
        "organise deliberation meetings: participants, check-ins, agenda, start, close, minutes, attachments, votes",
    ),
];

/// The built-in roles: key, name (zh-CN; the UI translates by key), permissions.
pub const BUILTIN_ROLES: [(&str, &str, &[&str]); 8] = [
    (
        "district_admin",
        "区级管理员",
        &[
            "region:region:read",
            "region:region:write",
            "region:team:read",
            "system:user:read",
            "system:user:write",
            "system:role:read",
            "system:role:write",
            "audit:log:read",
            "case:case:read",
            "case:case:report",
            "case:case:handle",
            "case:category:read",
            "case:category:write",
            "case:kpi:read",
            "registry:person:read",
            "registry:person:write",
            "registry:person:reveal",
            "registry:house:read",
            "registry:house:write",
            "registry:org:read",
            "registry:org:write",
            "registry:care:read",
            "registry:care:write",
            "registry:facility:read",
            "registry:facility:write",
            "deliberation:topic:read",
            "deliberation:topic:raise",
            "deliberation:topic:write",
            "deliberation:meeting:read",
            "deliberation:meeting:write",
        ],
    ),
    (
        "district_leader",
        "区领导（只读）",
        &[
            "region:region:read",
            "region:team:read",
            "system:role:read",
            "case:case:read",
            "case:category:read",
            "case:kpi:read",
            "registry:person:read",
            "registry:house:read",
            "registry:org:read",
            "registry:care:read",
            "registry:facility:read",
            "deliberation:topic:read",
            "deliberation:meeting:read",
        ],
    ),
    ("street_operator", "街道中心操作员", CENTRE),
    ("community_operator", "社区工作站操作员", CENTRE),
    ("grid_leader", "网格长", GRID),
    ("grid_worker", "网格员", GRID),
    (
        "department_staff",
        "部门工作人员",
        &[
            "region:region:read",
            "case:case:read",
            "case:case:report",
            "case:case:handle",
            "case:category:read",
        ],
    ),
    (
        "resident",
        "居民",
        &[
            "case:case:read",
            "case:case:report",
            "case:category:read",
            "deliberation:topic:read",
            "deliberation:topic:raise",
            "deliberation:topic:support",
            "deliberation:meeting:read",
        ],
    ),
];

/// What a street or community centre's operators do.
const CENTRE: &[&str] = &[
    "region:region:read",
    "region:team:read",
    "case:case:read",
    "case:case:report",
    "case:case:handle",
    "case:category:read",
    "case:kpi:read",
    "registry:person:read",
    "registry:person:write",
    "registry:person:reveal",
    "registry:house:read",
    "registry:house:write",
    "registry:org:read",
    "registry:org:write",
    "registry:care:read",
    "registry:care:write",
    "registry:facility:read",
    "registry:facility:write",
    "deliberation:topic:read",
    "deliberation:topic:raise",
    "deliberation:topic:write",
    "deliberation:meeting:read",
    "deliberation:meeting:write",
];

/// What a grid's staff do: they collect people's, households' and houses' records on the spot,
/// but see the numbers masked once saved (revealing is for the centres).
const GRID: &[&str] = &[
    "region:region:read",
    "region:team:read",
    "case:case:read",
    "case:case:report",
    "case:case:handle",
    "case:category:read",
    "registry:person:read",
    "registry:person:write",
    "registry:house:read",
    "registry:house:write",
    "registry:org:read",
    "registry:org:write",
    "registry:care:read",
    "registry:care:write",
    "registry:facility:read",
    "registry:facility:write",
    "deliberation:topic:read",
    "deliberation:topic:raise",
    "deliberation:meeting:read",
];

/// Creates or refreshes the built-in roles of a district; returns role ids by key.
pub async fn ensure_builtin_roles(
    conn: &impl ConnectionTrait,
    district: &str,
) -> Result<HashMap<String, i64>, AppError> {
    let mut out = HashMap::new();
    for (key, name, perms) in BUILTIN_ROLES {
        let json = serde_json::to_string(perms).unwrap_or_else(|_| "[]".into());
        let id = accounts::upsert_role(conn, district, key, name, &json, true).await?;
        out.insert(key.to_owned(), id);
    }
    Ok(out)
}

/// Brings the stored built-in roles of every district up to this version's [`BUILTIN_ROLES`], so
/// that an upgrade which adds a permission to a built-in role (as `case:category:write` was added
/// to `district_admin`) reaches districts set up by an older version. Runs at every start; a role
/// that already matches is not touched. Each change is audited in its own transaction; of several
/// processes starting together the version check lets one write and the others skip.
pub async fn refresh_builtin_roles(conn: &DatabaseConnection) -> Result<usize, AppError> {
    let mut changed = 0;
    for r in accounts::builtin_roles(conn).await? {
        let Some((_, name, perms)) = BUILTIN_ROLES.iter().find(|(k, _, _)| *k == r.key) else {
            continue;
        };
        let stored: BTreeSet<String> = serde_json::from_str::<Vec<String>>(&r.permissions)
            .unwrap_or_default()
            .into_iter()
            .collect();
        let wanted: BTreeSet<String> = perms.iter().map(|p| (*p).to_owned()).collect();
        if stored == wanted && r.name == *name {
            continue;
        }
        let json = serde_json::to_string(perms).unwrap_or_else(|_| "[]".into());
        let txn = conn.begin().await?;
        match accounts::update_role(&txn, r.id, name, &json, r.version).await {
            Ok(()) => {}
            Err(gridgov_store::StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
        let before = serde_json::json!({ "name": r.name, "permissions": r.permissions });
        let after = serde_json::json!({ "name": name, "permissions": json });
        let id_text = r.id.to_string();
        let added: Vec<&String> = wanted.difference(&stored).collect();
        let removed: Vec<&String> = stored.difference(&wanted).collect();
        let event = crate::audit::Event {
            district: r.district_code.clone(),
            action: "role.builtin_refresh",
            entity_type: "role",
            entity_id: &id_text,
            before: Some(&before),
            after: Some(&after),
            detail: serde_json::json!({ "key": r.key, "added": added, "removed": removed }),
            ..Default::default()
        };
        crate::audit::record(&txn, &crate::audit::Actor::cli("upgrade"), event).await?;
        txn.commit().await?;
        changed += 1;
    }
    Ok(changed)
}

/// Stored scope columns → a [`DataScope`].
pub fn scope_from_columns(kind: &str, regions_json: &str) -> DataScope {
    match kind {
        "all" => DataScope::All,
        "subtrees" => DataScope::Subtrees {
            regions: serde_json::from_str::<Vec<String>>(regions_json)
                .unwrap_or_default()
                .iter()
                .filter_map(|c| RegionCode::parse(c).ok())
                .collect(),
        },
        "own_unit" => DataScope::OwnUnit,
        "own_unit_and_below" => DataScope::OwnUnitAndBelow,
        // Unknown kinds grant the narrowest scope rather than failing open.
        _ => DataScope::OwnRecords,
    }
}

/// A [`DataScope`] → the stored columns.
pub fn scope_to_columns(s: &DataScope) -> (String, String) {
    let regions: Vec<String> = match s {
        DataScope::Subtrees { regions } => regions.iter().map(|r| r.to_string()).collect(),
        _ => Vec::new(),
    };
    (
        s.kind().to_owned(),
        serde_json::to_string(&regions).unwrap_or_else(|_| "[]".into()),
    )
}

/// Loads what a user may do.
pub async fn principal_of(
    conn: &impl ConnectionTrait,
    user: &app_user::Model,
) -> Result<(Principal, Vec<String>), AppError> {
    let grants = accounts::grants_of(conn, user.id).await?;
    let mut keys = Vec::new();
    let grants = grants
        .into_iter()
        .map(|(a, r)| {
            keys.push(r.key.clone());
            let permissions: BTreeSet<Permission> = serde_json::from_str::<Vec<String>>(&r.permissions)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| Permission::parse(p).ok())
                .collect();
            Grant {
                role: r.key,
                permissions,
                scope: scope_from_columns(&a.scope_kind, &a.scope_regions),
            }
        })
        .collect();
    let principal = Principal {
        user_id: user.id,
        unit: user.unit_code.as_deref().and_then(|c| RegionCode::parse(c).ok()),
        department_id: user.department_id,
        grants,
    };
    Ok((principal, keys))
}

/// Refuses with 403 `forbidden` unless the principal holds `perm`.
pub fn require(p: &Principal, perm: &str) -> Result<(), AppError> {
    if p.can(perm) {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorKind::Forbidden,
            "forbidden",
            format!("this needs the permission {perm}"),
        ))
    }
}
