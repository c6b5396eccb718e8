//! Group commit for new reports.
//!
//! A report is only acknowledged once it is durable, and on SQLite every durable commit waits
//! for the disk (`synchronous=FULL`): one report per transaction would cap the whole district at
//! a few thousand reports a second, and each transaction would also serialise on the audit
//! chain's head. So reports are handed to one writer per process, on a thread of its own, which
//! takes whatever has queued up while the previous batch was committing and writes it in one
//! transaction (`gridgov_store::reports`): each report's duplicate search, the cases (each may
//! turn out to be a retry), their timeline entries and audit records, the audit head once.
//! Each reporter is answered after that commit.
//!
//! On SQLite the writer owns a connection of its own and runs its statements in place; on
//! PostgreSQL it drives a small pool of its own on a runtime of its own (on the server's runtime
//! each of its waits would end behind every request queued there). The pool must be its own:
//! a connection opened on the writer's runtime waits on that runtime's reactor, which turns
//! only while the writer writes, so the server's tasks would hang on it between batches.
//!
//! A batch that fails as a whole is written again one report at a time, so one report that
//! cannot be stored never takes the others down with it.

use crate::AppError;
use crate::error::ErrorKind;
use gridgov_store::Db;
use gridgov_store::direct::DirectSqlite;
use gridgov_store::reports::{self, Draft, Stored};
use tokio::sync::{mpsc, oneshot};

/// The most reports one transaction takes.
const MAX_BATCH: usize = 256;

/// The writer's own PostgreSQL connections: a batch's duplicate searches run on them at once.
const WRITER_CONNECTIONS: u32 = 8;

/// The writer's SQLite page cache. Larger is slower: at every commit SQLite walks the cache's
/// whole hash table, and with 64 MiB that walk cost more than the reads a larger cache saves
/// (`gridgov bench cases`: 4 MiB 4,737/s, 16 MiB 5,185–5,382/s, 64 MiB 5,026–5,159/s, 256 MiB
/// 4,700/s on a fresh demo; the gap widens as the database grows).
const WRITER_CACHE_KIB: u32 = 16 * 1024;

type Outcome = Result<Stored, AppError>;

/// The queue in front of the writer.
#[derive(Clone, Debug)]
pub struct Intake {
    tx: mpsc::Sender<(Draft, oneshot::Sender<Outcome>)>,
}

enum Writer {
    Sqlite(DirectSqlite),
    Pool(Db, tokio::runtime::Runtime),
}

impl Writer {
    fn write(&self, batch: &[&Draft]) -> Result<Vec<Stored>, AppError> {
        Ok(match self {
            Writer::Sqlite(conn) => reports::write_direct(conn, batch)?,
            Writer::Pool(db, rt) => rt.block_on(reports::write(db, batch))?,
        })
    }
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::new(ErrorKind::Internal, "internal", e.to_string())
}

impl Intake {
    /// Starts the writer on a thread of its own; it ends when the last handle is dropped.
    /// `db` is the server's pool, `url` where it connects.
    pub fn start(db: &Db, url: &str) -> Result<Intake, AppError> {
        let writer = match db.sqlite_file() {
            Some(file) => Writer::Sqlite(DirectSqlite::open(file, WRITER_CACHE_KIB)?),
            None => {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(internal)?;
                let url = url.to_owned();
                // Opened on a thread of its own: block_on may not run inside the caller's runtime.
                let own = std::thread::scope(|s| {
                    s.spawn(|| rt.block_on(Db::connect_sized(&url, Some(WRITER_CONNECTIONS))))
                        .join()
                })
                .map_err(|_| internal("the writer's pool could not be opened"))??;
                Writer::Pool(own, rt)
            }
        };
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        std::thread::Builder::new()
            .name("gridgov-intake".into())
            .spawn(move || run(&writer, rx))
            .map_err(internal)?;
        Ok(Intake { tx })
    }

    /// Queues a report and waits until it is committed.
    pub(crate) async fn submit(&self, r: Draft) -> Outcome {
        let gone = || {
            AppError::new(
                ErrorKind::Unavailable,
                "shutting_down",
                "the server is shutting down",
            )
        };
        let (reply, answer) = oneshot::channel();
        self.tx.send((r, reply)).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

fn run(writer: &Writer, mut rx: mpsc::Receiver<(Draft, oneshot::Sender<Outcome>)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH
            && let Ok(next) = rx.try_recv()
        {
            batch.push(next);
        }
        let reports: Vec<&Draft> = batch.iter().map(|(r, _)| r).collect();
        match writer.write(&reports) {
            Ok(stored) => {
                for ((_, reply), s) in batch.drain(..).zip(stored) {
                    let _ = reply.send(Ok(s));
                }
            }
            Err(e) if batch.len() == 1 => {
                for (_, reply) in batch.drain(..) {
                    let _ = reply.send(Err(e.clone()));
                }
            }
            Err(_) => {
                for (r, reply) in batch.drain(..) {
                    let one = writer
                        .write(&[&r])
                        .map(|s| s.into_iter().next().unwrap_or_default());
                    let _ = reply.send(one);
                }
            }
        }
    }
}
