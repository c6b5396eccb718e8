//! Access rules: permissions named `module:entity:action`, data scopes over the region tree, and
//! how several role grants combine. Everything here is pure; the store turns a [`Scope`] into a
//! SQL predicate and the app layer refuses actions a [`Principal`] lacks.

use crate::region::{RegionCode, RegionLevel};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A permission such as `region:region:read`: three lowercase segments.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Permission(String);

impl Permission {
    pub fn parse(s: &str) -> Result<Permission, String> {
        let parts: Vec<&str> = s.split(':').collect();
        let ok = parts.len() == 3
            && parts.iter().all(|p| {
                !p.is_empty() && p.len() <= 32 && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            });
        if ok {
            Ok(Permission(s.to_owned()))
        } else {
            Err(format!("{s:?} is not module:entity:action"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Permission {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Permission::parse(&s)
    }
}

impl From<Permission> for String {
    fn from(p: Permission) -> String {
        p.0
    }
}

/// The kind of data scope a role assignment carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataScope {
    /// Every region of the district.
    All,
    /// The chosen subtrees (each region and everything below it).
    Subtrees { regions: Vec<RegionCode> },
    /// Exactly the user's own unit (a community operator's community, not its grids).
    OwnUnit,
    /// The user's unit and everything below it.
    OwnUnitAndBelow,
    /// Only records the user created or is assigned to.
    OwnRecords,
}

impl DataScope {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Subtrees { .. } => "subtrees",
            Self::OwnUnit => "own_unit",
            Self::OwnUnitAndBelow => "own_unit_and_below",
            Self::OwnRecords => "own_records",
        }
    }
}

/// One role held with one scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub role: String,
    pub permissions: BTreeSet<Permission>,
    pub scope: DataScope,
}

/// The person acting: who, where their unit is, and what they were granted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    /// The region the user belongs to (a centre's region, a grid worker's grid).
    pub unit: Option<RegionCode>,
    /// For department staff: their department.
    pub department_id: Option<i64>,
    pub grants: Vec<Grant>,
}

/// The rows of region-located data one permission reaches, the union over all grants that
/// carry it. The default (everything empty) reaches nothing: no role means nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Scope {
    pub all: bool,
    /// Regions whose whole subtree is reachable.
    pub subtrees: Vec<RegionCode>,
    /// Regions reachable themselves only.
    pub units: Vec<RegionCode>,
    /// Records created by or assigned to this user are reachable.
    pub own_records_of: Option<i64>,
}

impl Principal {
    /// Whether any grant carries `perm`.
    pub fn can(&self, perm: &str) -> bool {
        self.grants
            .iter()
            .any(|g| g.permissions.iter().any(|p| p.as_str() == perm))
    }

    /// The scope of `perm`: the union of the scopes of the grants that carry it.
    pub fn scope(&self, perm: &str) -> Scope {
        let mut s = Scope::default();
        for g in self
            .grants
            .iter()
            .filter(|g| g.permissions.iter().any(|p| p.as_str() == perm))
        {
            match &g.scope {
                DataScope::All => s.all = true,
                DataScope::Subtrees { regions } => s.subtrees.extend(regions.iter().cloned()),
                DataScope::OwnUnit => s.units.extend(self.unit.iter().cloned()),
                DataScope::OwnUnitAndBelow => s.subtrees.extend(self.unit.iter().cloned()),
                DataScope::OwnRecords => s.own_records_of = Some(self.user_id),
            }
        }
        s.normalise()
    }
}

impl Scope {
    /// Everything (for system tasks run from the command line).
    pub fn everything() -> Scope {
        Scope {
            all: true,
            ..Scope::default()
        }
    }

    pub fn is_nothing(&self) -> bool {
        !self.all && self.subtrees.is_empty() && self.units.is_empty() && self.own_records_of.is_none()
    }

    /// Drops subtrees and units already covered by a wider subtree, and sorts, so that equal
    /// scopes compare equal and predicates stay short.
    fn normalise(mut self) -> Scope {
        if self.all {
            self.subtrees.clear();
            self.units.clear();
            return self;
        }
        self.subtrees.sort();
        self.subtrees.dedup();
        let wide = self.subtrees.clone();
        self.subtrees
            .retain(|c| !wide.iter().any(|w| w != c && c.is_within(w)));
        self.units.sort();
        self.units.dedup();
        self.units.retain(|u| !wide.iter().any(|w| u.is_within(w)));
        self
    }

    /// Whether a region (and the data located in it) is reachable by region.
    pub fn reaches(&self, code: &RegionCode) -> bool {
        self.all || self.units.contains(code) || self.subtrees.iter().any(|s| code.is_within(s))
    }

    /// Whether a region is reachable or lies on the path to a reachable one: a community
    /// operator may browse the district and street nodes above their community to find it.
    pub fn sees_on_path(&self, code: &RegionCode) -> bool {
        self.reaches(code) || self.subtrees.iter().chain(&self.units).any(|s| s.is_within(code))
    }
}

impl RegionCode {
    /// The significant digits: every code in this region's subtree starts with them
    /// (district 6, street 9, community 12, grid 15, sub-grid 17).
    pub fn subtree_prefix(&self) -> &str {
        let n = match self.level() {
            RegionLevel::District => 6,
            RegionLevel::Street => 9,
            RegionLevel::Community => 12,
            RegionLevel::Grid => 15,
            RegionLevel::Subgrid => 17,
        };
        &self.as_str()[..n]
    }
}

/// The password policy: at least 10 characters, at least three of four character classes, not
/// containing the account name, not a well-known password.
pub fn check_password(password: &str, account: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < 10 {
        return Err("password_too_short");
    }
    if n > 128 {
        return Err("password_too_long");
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|c| **c).count() < 3 {
        return Err("password_too_simple");
    }
    let lower = password.to_lowercase();
    if !account.is_empty() && lower.contains(&account.to_lowercase()) {
        return Err("password_contains_account");
    }
    const COMMON: [&str; 8] = [
        "password", "12345678", "qwerty", "admin123", "abc12345", "11111111", "iloveyou", "88888888",
    ];
    if COMMON.iter().any(|c| lower.contains(c)) {
        return Err("password_too_common");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn grant(perms: &[&str], scope: DataScope) -> Grant {
        Grant {
            role: "r".into(),
            permissions: perms.iter().map(|p| Permission::parse(p).unwrap()).collect(),
            scope,
        }
    }

    fn principal(unit: &str, grants: Vec<Grant>) -> Principal {
        Principal {
            user_id: 7,
            unit: Some(code(unit)),
            department_id: None,
            grants,
        }
    }

    #[test]
    fn permission_names() {
        assert!(Permission::parse("region:region:read").is_ok());
        assert!(Permission::parse("system:user_role:write").is_ok());
        for bad in ["", "a:b", "a:b:c:d", "A:b:c", "a::c", "a:b:c ", "区:b:c"] {
            assert!(Permission::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn no_role_means_nothing() {
        let p = principal("370105001008", vec![]);
        assert!(!p.can("region:region:read"));
        assert!(p.scope("region:region:read").is_nothing());
        assert!(!p.scope("region:region:read").reaches(&code("370105001008")));
    }

    #[test]
    fn own_unit_and_below_reaches_the_subtree_only() {
        let p = principal(
            "370105001008",
            vec![grant(&["region:region:read"], DataScope::OwnUnitAndBelow)],
        );
        let s = p.scope("region:region:read");
        assert!(s.reaches(&code("370105001008")));
        assert!(s.reaches(&code("370105001008003")));
        assert!(s.reaches(&code("37010500100800302")));
        assert!(!s.reaches(&code("370105001009")));
        assert!(!s.reaches(&code("370105001000")));
        // The path down to it is visible for browsing, the neighbours are not.
        assert!(s.sees_on_path(&code("370105001000")));
        assert!(s.sees_on_path(&code("370105000000")));
        assert!(!s.sees_on_path(&code("370105003000")));
        // Another permission is not granted at all.
        assert!(p.scope("region:region:write").is_nothing());
    }

    #[test]
    fn own_unit_is_exact() {
        let p = principal(
            "370105001008",
            vec![grant(&["region:region:read"], DataScope::OwnUnit)],
        );
        let s = p.scope("region:region:read");
        assert!(s.reaches(&code("370105001008")));
        assert!(!s.reaches(&code("370105001008003")));
    }

    #[test]
    fn grants_combine_as_a_union() {
        let p = principal(
            "370105001008",
            vec![
                grant(&["region:region:read"], DataScope::OwnUnit),
                grant(
                    &["region:region:read"],
                    DataScope::Subtrees {
                        regions: vec![code("370105003000"), code("370105003004")],
                    },
                ),
                grant(&["region:region:read", "case:case:read"], DataScope::OwnRecords),
            ],
        );
        let s = p.scope("region:region:read");
        assert!(s.reaches(&code("370105001008")));
        assert!(s.reaches(&code("370105003004001")));
        assert_eq!(
            s.subtrees,
            vec![code("370105003000")],
            "the covered subtree is dropped"
        );
        assert_eq!(s.own_records_of, Some(7));
        let all = principal(
            "370105001008",
            vec![
                grant(&["region:region:read"], DataScope::All),
                grant(&["region:region:read"], DataScope::OwnUnit),
            ],
        );
        assert_eq!(all.scope("region:region:read"), Scope::everything());
    }

    #[test]
    fn subtree_prefixes() {
        assert_eq!(code("370105000000").subtree_prefix(), "370105");
        assert_eq!(code("370105001000").subtree_prefix(), "370105001");
        assert_eq!(code("370105001008").subtree_prefix(), "370105001008");
        assert_eq!(code("370105001008003").subtree_prefix(), "370105001008003");
    }

    #[test]
    fn password_policy() {
        assert_eq!(check_password("Short1!", "x"), Err("password_too_short"));
        assert_eq!(
            check_password("alllowercaseletters", "x"),
            Err("password_too_simple")
        );
        assert_eq!(check_password("Zhang.San2026!", "zhangsan"), Ok(()));
        assert_eq!(
            check_password("Xx-zhangsan-2026", "zhangsan"),
            Err("password_contains_account")
        );
        assert_eq!(check_password("MyPassword2026", "u"), Err("password_too_common"));
        assert_eq!(check_password(&"Aa1!".repeat(40), "u"), Err("password_too_long"));
        assert!(check_password("网格Grid治理2026", "u").is_ok());
    }
}

/// Whether `actor` may give an account (belonging to `target_unit`) a role with `role_perms`
/// under `scope`: never more permissions than the actor holds, never a wider reach than the
/// actor's own `system:user:write` scope. This is what stops a street administrator from
/// creating a district administrator.
pub fn may_grant(
    actor: &Principal,
    role_perms: &[Permission],
    scope: &DataScope,
    target_unit: Option<&RegionCode>,
) -> Result<(), &'static str> {
    if role_perms.iter().any(|p| !actor.can(p.as_str())) {
        return Err("cannot_grant_permission");
    }
    let mine = actor.scope("system:user:write");
    let unit_reached = |below: bool| match target_unit {
        Some(u) if below => mine.all || mine.subtrees.iter().any(|s| u.is_within(s)),
        Some(u) => mine.reaches(u),
        None => mine.all,
    };
    let ok = match scope {
        DataScope::All => mine.all,
        DataScope::Subtrees { regions } => regions
            .iter()
            .all(|r| mine.all || mine.subtrees.iter().any(|s| r.is_within(s))),
        DataScope::OwnUnit => unit_reached(false),
        DataScope::OwnUnitAndBelow => unit_reached(true),
        DataScope::OwnRecords => unit_reached(false),
    };
    if ok { Ok(()) } else { Err("cannot_grant_scope") }
}

#[cfg(test)]
mod grant_tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn perms(p: &[&str]) -> Vec<Permission> {
        p.iter().map(|x| Permission::parse(x).unwrap()).collect()
    }

    #[test]
    fn no_escalation() {
        let street_admin = Principal {
            user_id: 1,
            unit: Some(code("370105001000")),
            department_id: None,
            grants: vec![Grant {
                role: "street_admin".into(),
                permissions: perms(&["system:user:write", "region:region:read"])
                    .into_iter()
                    .collect(),
                scope: DataScope::OwnUnitAndBelow,
            }],
        };
        let read = perms(&["region:region:read"]);
        let community = code("370105001008");
        assert!(
            may_grant(
                &street_admin,
                &read,
                &DataScope::OwnUnitAndBelow,
                Some(&community)
            )
            .is_ok()
        );
        assert!(
            may_grant(
                &street_admin,
                &read,
                &DataScope::Subtrees {
                    regions: vec![community.clone()]
                },
                None
            )
            .is_ok()
        );
        assert_eq!(
            may_grant(&street_admin, &read, &DataScope::All, Some(&community)),
            Err("cannot_grant_scope")
        );
        assert_eq!(
            may_grant(
                &street_admin,
                &read,
                &DataScope::OwnUnitAndBelow,
                Some(&code("370105003004"))
            ),
            Err("cannot_grant_scope")
        );
        assert_eq!(
            may_grant(
                &street_admin,
                &perms(&["audit:log:read"]),
                &DataScope::OwnUnit,
                Some(&community)
            ),
            Err("cannot_grant_permission")
        );
    }
}
