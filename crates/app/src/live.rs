//! Live updates: every server process polls "cases changed since" once a second and
//! broadcasts the changes to its open event streams, each filtered to what its user may see.
//!
//! Polling the database, rather than notifying within one process, is what makes it work
//! with several `gridgov serve` processes: a change made through any of them reaches the
//! pages open on all of them, on SQLite and PostgreSQL alike.

use crate::auth::Signed;
use crate::{App, AppError};
use chrono::{DateTime, Duration, Utc};
use gridgov_domain::RegionCode;
use gridgov_store::cases as repo;
use serde::Serialize;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;
use utoipa::ToSchema;

/// What an open page learns about a changed case; it reloads what it shows.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseChange {
    pub id: i64,
    pub state: String,
    pub version: i32,
    pub holder_kind: String,
    pub holder_unit: Option<String>,
    pub holder_department_id: Option<i64>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip)]
    pub district_code: String,
    #[serde(skip)]
    pub region_code: String,
    #[serde(skip)]
    pub reporter_user_id: Option<i64>,
    /// The department of the case's category (departments see their categories' cases).
    #[serde(skip)]
    pub category_department_id: Option<i64>,
}

/// The broadcast side shared by a process's streams.
#[derive(Clone, Debug)]
pub struct Live {
    tx: broadcast::Sender<Arc<CaseChange>>,
    state: Arc<Mutex<PollState>>,
}

#[derive(Debug)]
struct PollState {
    watermark: Option<DateTime<Utc>>,
    /// (id, version) pairs sent recently: the overlap window re-reads them.
    seen: HashSet<(i64, i32)>,
    order: VecDeque<(i64, i32)>,
}

/// Re-read this far behind the newest change seen, for transactions that committed late.
const OVERLAP_SECONDS: i64 = 5;
const SEEN_CAP: usize = 10_000;

impl Default for Live {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(1024);
        Live {
            tx,
            state: Arc::new(Mutex::new(PollState {
                watermark: None,
                seen: HashSet::new(),
                order: VecDeque::new(),
            })),
        }
    }
}

impl Live {
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<CaseChange>> {
        self.tx.subscribe()
    }
}

/// Reads what changed since the last poll and broadcasts it; returns how many were sent.
pub async fn poll_once(app: &App) -> Result<usize, AppError> {
    let now = app.clock.now();
    let since = {
        let mut st = app
            .live
            .state
            .lock()
            .map_err(|_| AppError::new(crate::ErrorKind::Internal, "internal", "poisoned"))?;
        if app.live.tx.receiver_count() == 0 {
            // No open page: nothing to read, and a page opened later loads what it shows
            // itself. Skipping matters under load, where the poll would decode every report.
            st.watermark = Some(now);
            return Ok(0);
        }
        *st.watermark.get_or_insert(now) - Duration::seconds(OVERLAP_SECONDS)
    };
    let rows = repo::changed_since(app.db.conn(), since, 2000).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut depts: HashMap<i64, Option<i64>> = HashMap::new();
    let mut sent = 0;
    for c in rows {
        let fresh = {
            let mut st = app
                .live
                .state
                .lock()
                .map_err(|_| AppError::new(crate::ErrorKind::Internal, "internal", "poisoned"))?;
            st.watermark = st.watermark.max(Some(c.updated_at));
            let key = (c.id, c.version);
            let fresh = st.seen.insert(key);
            if fresh {
                st.order.push_back(key);
                while st.order.len() > SEEN_CAP {
                    if let Some(old) = st.order.pop_front() {
                        st.seen.remove(&old);
                    }
                }
            }
            fresh
        };
        if !fresh {
            continue;
        }
        let dept = match depts.get(&c.category_id) {
            Some(d) => *d,
            None => {
                let d = repo::category(app.db.conn(), c.category_id)
                    .await?
                    .and_then(|k| k.department_id);
                depts.insert(c.category_id, d);
                d
            }
        };
        let change = CaseChange {
            id: c.id,
            state: c.state,
            version: c.version,
            holder_kind: c.holder_kind,
            holder_unit: c.holder_unit,
            holder_department_id: c.holder_department_id,
            updated_at: c.updated_at,
            district_code: c.district_code,
            region_code: c.region_code,
            reporter_user_id: c.reporter_user_id,
            category_department_id: dept,
        };
        // No open stream is not an error.
        let _ = app.live.tx.send(Arc::new(change));
        sent += 1;
    }
    Ok(sent)
}

/// Polls every `every` until the process ends.
pub async fn run(app: App, every: std::time::Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if let Err(e) = poll_once(&app).await {
            tracing::warn!(code = e.code, "live poll failed");
        }
    }
}

/// Whether the signed-in user may see a change: the same rule as the case queries
/// (`CaseScope`), checked in memory. A department hears of a whistle because it then holds
/// the case; after it hands the case back it sees later changes on reload, not live.
pub fn visible(who: &Signed, c: &CaseChange) -> bool {
    if c.district_code != who.user.district_code || !who.principal.can("case:case:read") {
        return false;
    }
    let scope = who.principal.scope("case:case:read");
    let reach = RegionCode::parse(&c.region_code).is_ok_and(|r| scope.reaches(&r))
        || (scope.own_records_of.is_some() && scope.own_records_of == c.reporter_user_id);
    if !reach {
        return false;
    }
    if who.user.kind != "department" {
        return true;
    }
    let mine = who.user.department_id;
    mine.is_some() && (c.holder_department_id == mine || c.category_department_id == mine)
}
