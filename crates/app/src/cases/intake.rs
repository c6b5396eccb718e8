//! Group commit for new reports.
//!
//! A report is only acknowledged once it is durable, and on SQLite every durable commit waits
//! for the disk (`synchronous=FULL`): one report per transaction would cap the whole district at
//! a few thousand reports a second, and each transaction would also serialise on the audit
//! chain's head. So reports are handed to one writer task per process, which takes whatever
//! has queued up while the previous batch was committing and writes it in one transaction: the
//! cases one by one (each may turn out to be a retry), their timeline entries and audit records
//! in a few statements, the audit head once. Each reporter is answered after that commit.
//!
//! A batch that fails as a whole is written again one report at a time, so one report that
//! cannot be stored never takes the others down with it.

use crate::AppError;
use crate::error::ErrorKind;
use gridgov_store::Db;
use gridgov_store::audit::{self as audit_store, NewEntry};
use gridgov_store::cases as repo;
use gridgov_store::entity::{case, case_event};
use tokio::sync::{mpsc, oneshot};

/// The most reports one transaction takes.
const MAX_BATCH: usize = 256;

/// A report ready to be stored: the case, its first timeline entry and its audit record, the
/// last two still without the case's id.
#[derive(Debug)]
pub(crate) struct Draft {
    pub case: case::Model,
    pub event: case_event::Model,
    pub audit: NewEntry,
}

/// The case's id, or `None` when its reporter had already used its idempotency key.
type Outcome = Result<Option<i64>, AppError>;

/// The queue in front of the writer task.
#[derive(Clone, Debug)]
pub struct Intake {
    tx: mpsc::Sender<(Draft, oneshot::Sender<Outcome>)>,
}

impl Intake {
    /// Starts the writer on a thread of its own; it ends when the last handle is dropped.
    ///
    /// The writer waits on the database several times per batch; on the server's runtime each
    /// of those waits would end behind every request queued there, so it gets its own.
    pub fn start(db: Db) -> Result<Intake, AppError> {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| AppError::new(ErrorKind::Internal, "internal", e.to_string()))?;
        std::thread::Builder::new()
            .name("gridgov-intake".into())
            .spawn(move || rt.block_on(run(db, rx)))
            .map_err(|e| AppError::new(ErrorKind::Internal, "internal", e.to_string()))?;
        Ok(Intake { tx })
    }

    /// Queues a report and waits until it is committed.
    pub(crate) async fn submit(&self, d: Draft) -> Outcome {
        let gone = || {
            AppError::new(
                ErrorKind::Unavailable,
                "shutting_down",
                "the server is shutting down",
            )
        };
        let (reply, answer) = oneshot::channel();
        self.tx.send((d, reply)).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

async fn run(db: Db, mut rx: mpsc::Receiver<(Draft, oneshot::Sender<Outcome>)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let drafts: Vec<&Draft> = batch.iter().map(|(d, _)| d).collect();
        match write(&db, &drafts).await {
            Ok(ids) => {
                for ((_, reply), id) in batch.drain(..).zip(ids) {
                    let _ = reply.send(Ok(id));
                }
            }
            Err(e) if batch.len() == 1 => {
                for (_, reply) in batch.drain(..) {
                    let _ = reply.send(Err(e.clone()));
                }
            }
            Err(_) => {
                for (d, reply) in batch.drain(..) {
                    let one = write(&db, &[&d]).await.map(|ids| ids.first().copied().flatten());
                    let _ = reply.send(one);
                }
            }
        }
    }
}

async fn write(db: &Db, drafts: &[&Draft]) -> Result<Vec<Option<i64>>, AppError> {
    // Immediate: the write lock from the start, so the reserved ids stay ours on SQLite.
    let txn = db.begin_write().await?;
    let ids = repo::reserve_case_ids(&txn, drafts.len()).await?;
    let cases = drafts
        .iter()
        .zip(&ids)
        .map(|(d, id)| case::Model {
            id: *id,
            ..d.case.clone()
        })
        .collect();
    let inserted = repo::insert_cases_once(&txn, cases).await?;
    let (mut events, mut audits) = (Vec::new(), Vec::new());
    for (d, id) in drafts.iter().zip(&ids).filter(|(_, id)| inserted.contains(id)) {
        events.push(case_event::Model {
            case_id: *id,
            ..d.event.clone()
        });
        audits.push(NewEntry {
            entity_id: id.to_string(),
            ..d.audit.clone()
        });
    }
    repo::append_events(&txn, events).await?;
    audit_store::append_many(&txn, audits).await?;
    txn.commit().await?;
    Ok(ids
        .into_iter()
        .map(|id| inserted.contains(&id).then_some(id))
        .collect())
}
