//! The registry's organisations (单位/组织): insert, read, list within a scope, edit with a
//! version. The contact phone arrives sealed, indexed and masked from `app::registry::orgs`.

use crate::StoreError;
use crate::entity::organisation;
use crate::rows::{Located, page, update_versioned};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect,
};

use organisation::Column as C;

const LOCATED: Located<C> = Located {
    district: C::DistrictCode,
    street: C::StreetCode,
    region: C::RegionCode,
};

/// Stores a new organisation; returns its id. A code the district has already is
/// [`StoreError::Duplicate`].
pub async fn insert(conn: &impl ConnectionTrait, o: organisation::Model) -> Result<i64, StoreError> {
    let mut am = o.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

pub async fn by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Option<organisation::Model>, StoreError> {
    Ok(organisation::Entity::find_by_id(id).one(conn).await?)
}

/// What a list asks for; every given part must match.
#[derive(Clone, Debug, Default)]
pub struct OrgFilter {
    /// The start of the name.
    pub name_prefix: Option<String>,
    /// Organisations in this region's subtree.
    pub region: Option<RegionCode>,
    /// An `OrgKind` code.
    pub kind: Option<String>,
    /// A whole unified social credit code.
    pub uscc: Option<String>,
}

/// Organisations within the scope matching the filter, newest first, with the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &Scope,
    f: &OrgFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<organisation::Model>, u64), StoreError> {
    let mut q = organisation::Entity::find().filter(LOCATED.within(district, scope, f.region.as_ref()));
    if let Some(p) = f.name_prefix.as_deref().filter(|p| !p.is_empty()) {
        // A range, not LIKE, as for people's names.
        q = q
            .filter(C::Name.gte(p))
            .filter(C::Name.lt(format!("{p}\u{10FFFF}")));
    }
    if let Some(k) = &f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    if let Some(u) = &f.uscc {
        q = q.filter(C::Uscc.eq(u.as_str()));
    }
    page(conn, q, C::Id, offset, limit).await
}

/// Writes an organisation's fields if the stored version is still `expected`; a code the
/// district has already is [`StoreError::Duplicate`].
pub async fn update(
    conn: &impl ConnectionTrait,
    o: &organisation::Model,
    expected: i32,
) -> Result<(), StoreError> {
    let mut am = o.clone().into_active_model().reset_all();
    am.id = ActiveValue::NotSet;
    am.district_code = ActiveValue::NotSet;
    am.created_at = ActiveValue::NotSet;
    am.created_by = ActiveValue::NotSet;
    update_versioned(conn, am, C::Id, o.id, C::Version, expected).await
}

/// An organisation's sealed contact phone, for re-sealing under a new key.
#[derive(Clone, Debug, PartialEq, sea_orm::FromQueryResult)]
pub struct SealedPhone {
    pub id: i64,
    pub district_code: String,
    pub contact_phone_sealed: String,
}

/// The next `limit` organisations after `after_id` (in id order) that have a sealed phone.
pub async fn sealed_after(
    conn: &impl ConnectionTrait,
    after_id: i64,
    limit: u64,
) -> Result<Vec<SealedPhone>, StoreError> {
    use sea_orm::{QueryOrder, QuerySelect};
    Ok(organisation::Entity::find()
        .select_only()
        .columns([C::Id, C::DistrictCode, C::ContactPhoneSealed])
        .filter(C::Id.gt(after_id))
        .filter(C::ContactPhoneSealed.is_not_null())
        .order_by_asc(C::Id)
        .limit(limit)
        .into_model::<SealedPhone>()
        .all(conn)
        .await?)
}

/// Replaces an organisation's sealed phone if it is still `old`'s (an edit meanwhile wins, as
/// for people). Returns whether the row was changed; the version is left alone.
pub async fn reseal(
    conn: &impl ConnectionTrait,
    old: &SealedPhone,
    sealed: &str,
) -> Result<bool, StoreError> {
    use sea_orm::sea_query::Expr;
    let res = organisation::Entity::update_many()
        .col_expr(C::ContactPhoneSealed, Expr::value(sealed))
        .filter(C::Id.eq(old.id))
        .filter(C::ContactPhoneSealed.eq(old.contact_phone_sealed.as_str()))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Which of these unified social credit codes the district has already (an import refuses
/// their rows before it writes anything).
pub async fn usccs_taken(
    conn: &impl ConnectionTrait,
    district: &str,
    codes: &[String],
) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for chunk in codes.chunks(500) {
        let found: Vec<Option<String>> = organisation::Entity::find()
            .select_only()
            .column(C::Uscc)
            .filter(C::DistrictCode.eq(district))
            .filter(C::Uscc.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(conn)
            .await?;
        out.extend(found.into_iter().flatten());
    }
    Ok(out)
}
