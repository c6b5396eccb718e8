//! Data scope as a SQL predicate. Repository queries over region-located rows take a
//! [`Scope`] argument and add this condition, so the filtering happens in the database, never
//! after loading, and a query cannot be written without deciding its scope.

use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, IntoColumnRef};

/// Rows whose region code (in `col`) the scope reaches. Subtrees become index-friendly ranges
/// on the code (`>= prefix` and `< prefix + '~'`, since codes are digits only).
pub fn region_condition(scope: &Scope, col: impl IntoColumnRef + Clone) -> Condition {
    if scope.all {
        return Condition::all();
    }
    let mut any = Condition::any();
    for s in &scope.subtrees {
        let p = s.subtree_prefix();
        any = any.add(
            Condition::all()
                .add(Expr::col(col.clone()).gte(p.to_owned()))
                .add(Expr::col(col.clone()).lt(format!("{p}~"))),
        );
    }
    if !scope.units.is_empty() {
        any = any.add(Expr::col(col.clone()).is_in(scope.units.iter().map(|u| u.as_str().to_owned())));
    }
    if scope.subtrees.is_empty() && scope.units.is_empty() {
        // Nothing reachable by region: a predicate that is false on every backend.
        any = any.add(Expr::val(1).eq(0));
    }
    any
}

/// Like [`region_condition`], plus the regions on the path from the top down to the reachable
/// ones (so a community operator can browse down to their community).
pub fn region_or_path_condition(scope: &Scope, col: impl IntoColumnRef + Clone) -> Condition {
    if scope.all {
        return Condition::all();
    }
    let path: Vec<String> = scope
        .subtrees
        .iter()
        .chain(&scope.units)
        .flat_map(|c| c.ancestors())
        .map(String::from)
        .collect();
    let mut c = Condition::any().add(region_condition(scope, col.clone()));
    if !path.is_empty() {
        c = c.add(Expr::col(col).is_in(path));
    }
    c
}

/// Rows in the scope's regions, for tables that carry their street's code beside the region's:
/// below the district a region's rows are those of its street whose code lies in its subtree.
/// With the street named, an index led by (street, id) serves a scope's list newest first and
/// its count (cases, people).
pub fn street_led_condition(
    scope: &Scope,
    street: impl IntoColumnRef + Clone,
    region: impl IntoColumnRef + Clone,
) -> Condition {
    if scope.all {
        return Condition::all();
    }
    let mut any = Condition::any();
    for r in &scope.subtrees {
        any = any.add(in_subtree(r, street.clone(), region.clone()));
    }
    for u in &scope.units {
        any = any.add(in_street(u, street.clone()).add(Expr::col(region.clone()).eq(u.as_str())));
    }
    if any.is_empty() {
        any = any.add(Expr::val(1).eq(0));
    }
    any
}

/// Rows in a region's subtree (see [`street_led_condition`]).
pub fn in_subtree(
    r: &RegionCode,
    street: impl IntoColumnRef,
    region: impl IntoColumnRef + Clone,
) -> Condition {
    let p = r.subtree_prefix();
    in_street(r, street)
        .add(Expr::col(region.clone()).gte(p))
        .add(Expr::col(region).lt(format!("{p}~")))
}

/// Rows in a region's street (every row for a district).
fn in_street(r: &RegionCode, street: impl IntoColumnRef) -> Condition {
    let c = Condition::all();
    match r.street() {
        Some(s) => c.add(Expr::col(street).eq(s.as_str())),
        None => c,
    }
}
