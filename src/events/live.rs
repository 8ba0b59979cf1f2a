//! A live subscription to one stream, with nothing lost and nothing twice.
//!
//! It subscribes to the hub first, then replays from the database what came
//! after the client's cursor, then follows the hub. Every event carries its
//! gapless sequence in the stream: one already delivered is dropped, one that
//! skips ahead means something was missed (another node's publication arrived
//! first, Redis dropped one, or this subscriber lagged) and the gap is filled
//! from the database, which is the truth. A resync signal (the bus reconnected)
//! also refills. What is replayed is read and sent a page at a time, so a
//! client resuming from an old cursor costs one page of memory, not the history.
use std::sync::Arc;

use async_stream::try_stream;
use entity::events;
use futures_util::{Stream, StreamExt};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::broadcast::error::RecvError;

use super::{hub::SharedEvent, Hub, Stream as EventStream};
use crate::error::{AppError, AppResult};

const REPLAY_PAGE: u64 = 200;
/// How far behind a resuming client may be: each replayed event is a delivery
/// (an execution of the subscription), so further behind, it should read what
/// it missed as a list and subscribe again without `after`.
pub const MAX_REPLAY: i64 = 1_000;

/// The events of `stream` after sequence `after` (None: from now on), live.
pub fn follow(
    db: DatabaseConnection,
    hub: Arc<Hub>,
    stream: EventStream,
    after: Option<i64>,
) -> impl Stream<Item = AppResult<SharedEvent>> + Send {
    try_stream! {
        let key = stream.key();
        let mut live = hub.subscribe(&key);
        let mut resync = hub.resync_signal();
        // Database futures are boxed: awaited inline, they would size this state
        // machine, which every idle subscription keeps, several times over.
        let latest = Box::pin(latest_sequence(&db, &key)).await?;
        let mut last = match after {
            Some(sequence) => check_resume(sequence, latest)?,
            None => latest,
        };
        let mut replay = Box::pin(missed(db.clone(), key.clone(), last));
        while let Some(event) = replay.next().await {
            let event = event?;
            last = event.sequence;
            yield event;
        }
        loop {
            // Decide inside select!, act outside it (`yield` cannot live in its arms).
            let wake = tokio::select! {
                received = live.recv() => Wake::Live(received),
                changed = resync.changed() => Wake::Resync(changed.is_ok()),
            };
            let catch_up = match wake {
                Wake::Live(Ok(event)) if event.sequence <= last => false,
                Wake::Live(Ok(event)) if event.sequence == last + 1 => {
                    last = event.sequence;
                    yield event;
                    false
                }
                // Ahead of us (a gap) or lagged: the database has what we missed.
                Wake::Live(Ok(_)) | Wake::Live(Err(RecvError::Lagged(_))) => true,
                Wake::Live(Err(RecvError::Closed)) | Wake::Resync(false) => break,
                Wake::Resync(true) => true,
            };
            if catch_up {
                let mut replay = Box::pin(missed(db.clone(), key.clone(), last));
                while let Some(event) = replay.next().await {
                    let event = event?;
                    last = event.sequence;
                    yield event;
                }
            }
        }
    }
}

enum Wake {
    Live(Result<SharedEvent, RecvError>),
    Resync(bool),
}

async fn latest_sequence(db: &DatabaseConnection, stream: &str) -> AppResult<i64> {
    let latest = events::Entity::find()
        .filter(events::Column::Stream.eq(stream))
        .order_by_desc(events::Column::Sequence)
        .one(db)
        .await?;
    Ok(latest.map_or(0, |e| e.sequence))
}

/// Where a client resuming after `sequence` starts, if the server will replay
/// from there: not ahead of the stream, not further behind than [`MAX_REPLAY`].
fn check_resume(sequence: i64, latest: i64) -> AppResult<i64> {
    if sequence < 0 || sequence > latest {
        return Err(AppError::bad_input(
            "after",
            "is not a cursor of this stream",
        ));
    }
    if latest - sequence > MAX_REPLAY {
        return Err(AppError::bad_input(
            "after",
            format!(
                "is more than {MAX_REPLAY} events behind: read what you missed as a list \
                 (ActionGroup.events, me.notifications) and subscribe again without `after`"
            ),
        ));
    }
    Ok(sequence)
}

/// Every committed event of the stream after `last`, in order, read a page at a
/// time as the consumer takes them.
fn missed(
    db: DatabaseConnection,
    stream: String,
    last: i64,
) -> impl Stream<Item = AppResult<SharedEvent>> + Send {
    try_stream! {
        let mut after = last;
        loop {
            let page = events::Entity::find()
                .filter(events::Column::Stream.eq(stream.as_str()))
                .filter(events::Column::Sequence.gt(after))
                .order_by_asc(events::Column::Sequence)
                .limit(REPLAY_PAGE)
                .all(&db)
                .await?;
            let full = page.len() as u64 == REPLAY_PAGE;
            for event in page {
                after = event.sequence;
                yield Arc::new(event);
            }
            if !full {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An idle subscription keeps this state machine alive: its size matters.
    #[tokio::test]
    async fn the_live_stream_state_stays_small() {
        let db = sea_orm::DatabaseConnection::default();
        let stream = follow(
            db,
            Arc::new(Hub::default()),
            EventStream::ActionGroup(1),
            Some(0),
        );
        // 2.1 KiB today; a database future awaited inline would multiply it.
        let size = std::mem::size_of_val(&stream);
        assert!(size <= 4096, "follow() keeps {size} bytes per subscription");
    }
}
