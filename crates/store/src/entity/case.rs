//! `cases`: one case, with who holds it, who owns it, its running SLA stage and the facts that
//! assessment counts (set from the timeline in the same transaction).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub category_id: i64,
    pub source: String,
    pub description: String,
    pub address: Option<String>,
    pub lon: f64,
    pub lat: f64,
    /// The deepest region the location fell in (a grid or sub-grid); scope is checked on it.
    pub region_code: String,
    pub grid_code: Option<String>,
    pub community_code: String,
    pub street_code: String,
    pub reporter_user_id: Option<i64>,
    pub idempotency_key: Option<String>,
    /// A `CaseState` name.
    pub state: String,
    pub version: i32,
    /// Who must act now: `centre` (of `holder_unit`), `grid` (`holder_unit`) or `department`.
    pub holder_kind: String,
    pub holder_unit: Option<String>,
    pub holder_department_id: Option<i64>,
    /// The centre that registered the case: it verifies, extends and reopens.
    pub owner_unit: String,
    pub major: bool,
    pub reported_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub dispatched_at: Option<DateTimeUtc>,
    pub handled_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub handle_warn_at: Option<DateTimeUtc>,
    /// The handling deadline (also the closing deadline) that assessment counts by.
    pub handle_due_at: Option<DateTimeUtc>,
    /// The running SLA stage: `accept`, `ack` or `handle`; none when no clock runs.
    pub stage: Option<String>,
    pub stage_warn_at: Option<DateTimeUtc>,
    pub stage_due_at: Option<DateTimeUtc>,
    /// Set once by the SLA ticker when the running stage warned / went overdue.
    pub warned_at: Option<DateTimeUtc>,
    pub overdue_at: Option<DateTimeUtc>,
    pub rework_count: i32,
    pub extended: bool,
    pub rating: Option<String>,
    pub rated_at: Option<DateTimeUtc>,
    /// The level of the last handler: `grid`, `community`, `street`, `district` or `department`.
    pub resolution_level: Option<String>,
    pub merged_into: Option<i64>,
    pub updated_at: DateTimeUtc,
    /// When the SLA ticker next has a mark to set ([`Model::sla_next`]); kept by the store on
    /// every write, so the ticker's index holds only cases with a mark still to come.
    pub sla_next_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The earlier of the marks still to set on the running stage: its warning time until the
    /// ticker has warned, its deadline until it has marked the case overdue. None without a
    /// running stage or once both are set.
    pub fn sla_next(&self) -> Option<DateTimeUtc> {
        self.stage.as_ref()?;
        let warn = self.warned_at.is_none().then_some(self.stage_warn_at).flatten();
        let due = self.overdue_at.is_none().then_some(self.stage_due_at).flatten();
        match (warn, due) {
            (Some(w), Some(d)) => Some(w.min(d)),
            (w, d) => w.or(d),
        }
    }

    /// The model with [`Model::sla_next_at`] brought up to date; every write goes through it.
    pub fn with_sla_next(self) -> Model {
        Model {
            sla_next_at: self.sla_next(),
            ..self
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn the_next_sla_mark_is_the_earlier_still_to_come() {
        let t = |h| Utc.with_ymd_and_hms(2026, 11, 1, h, 0, 0).unwrap();
        let base = |warn, due, warned, overdue| Model {
            stage: Some("accept".into()),
            stage_warn_at: warn,
            stage_due_at: due,
            warned_at: warned,
            overdue_at: overdue,
            ..sample()
        };
        // (warn, due, warned, overdue) → next
        let cases = [
            ((Some(t(1)), Some(t(2)), None, None), Some(t(1))),
            ((Some(t(1)), Some(t(2)), Some(t(1)), None), Some(t(2))),
            ((Some(t(1)), Some(t(2)), Some(t(1)), Some(t(2))), None),
            // Marked overdue but never warned (a ticker was down): the warning is still to come.
            ((Some(t(1)), Some(t(2)), None, Some(t(2))), Some(t(1))),
            ((None, Some(t(2)), None, None), Some(t(2))),
            ((Some(t(3)), Some(t(2)), None, None), Some(t(2))),
            ((None, None, None, None), None),
        ];
        for ((w, d, wd, od), next) in cases {
            assert_eq!(base(w, d, wd, od).sla_next(), next, "{w:?} {d:?} {wd:?} {od:?}");
        }
        let stopped = Model {
            stage: None,
            ..base(Some(t(1)), Some(t(2)), None, None)
        };
        assert_eq!(stopped.sla_next(), None, "no running stage, no clock");
        assert_eq!(
            base(Some(t(1)), None, None, None).with_sla_next().sla_next_at,
            Some(t(1))
        );
    }

    /// A case with every optional fact unset.
    pub(crate) fn sample() -> Model {
        Model {
            id: 1,
            district_code: "370105000000".into(),
            category_id: 1,
            source: "patrol".into(),
            description: "x".into(),
            address: None,
            lon: 117.0,
            lat: 36.66,
            region_code: "370105001001001".into(),
            grid_code: Some("370105001001001".into()),
            community_code: "370105001001".into(),
            street_code: "370105001000".into(),
            reporter_user_id: None,
            idempotency_key: None,
            state: "reported".into(),
            version: 1,
            holder_kind: "centre".into(),
            holder_unit: Some("370105001001".into()),
            holder_department_id: None,
            owner_unit: "370105001001".into(),
            major: false,
            reported_at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            accepted_at: None,
            dispatched_at: None,
            handled_at: None,
            closed_at: None,
            handle_warn_at: None,
            handle_due_at: None,
            stage: None,
            stage_warn_at: None,
            stage_due_at: None,
            warned_at: None,
            overdue_at: None,
            rework_count: 0,
            extended: false,
            rating: None,
            rated_at: None,
            resolution_level: None,
            merged_into: None,
            updated_at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            sla_next_at: None,
        }
    }
}
