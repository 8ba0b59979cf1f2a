//! Appending to and reading from the event log.
use chrono::Utc;
use entity::events;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;

use super::{Stream, Subject};
use crate::{
    error::{AppError, AppResult},
    pagination::{Cursor, Page, PageArgs},
    sql::SqlBuilder,
};

pub struct NewEvent {
    pub kind: &'static str,
    pub actor: Option<i64>,
    pub subject: Subject,
    pub payload: Value,
}

/// Appends `event` to each of `streams`, inside the caller's transaction.
///
/// The next sequence comes from one upsert on the stream's row, which holds that
/// row's lock until the transaction ends: concurrent writers to a stream queue,
/// so sequences are gapless and in commit order. Streams are locked in a fixed
/// order so that two writers never wait on each other in a cycle.
pub async fn append(
    txn: &DatabaseTransaction,
    streams: &[Stream],
    event: NewEvent,
) -> AppResult<Vec<events::Model>> {
    let mut streams = streams.to_vec();
    streams.sort();
    streams.dedup();
    let payload = serde_json::to_string(&event.payload).map_err(anyhow::Error::from)?;
    let now = Utc::now();
    let mut appended = Vec::with_capacity(streams.len());
    for stream in streams {
        let sequence = next_sequence(txn, stream).await?;
        let row = events::ActiveModel {
            stream: Set(stream.key()),
            sequence: Set(sequence),
            kind: Set(event.kind.to_owned()),
            actor_user_id: Set(event.actor),
            subject_type: Set(event.subject.kind.to_owned()),
            subject_id: Set(event.subject.id),
            payload: Set(payload.clone()),
            occurred_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        appended.push(row);
    }
    Ok(appended)
}

async fn next_sequence(txn: &DatabaseTransaction, stream: Stream) -> AppResult<i64> {
    let mut sql = SqlBuilder::new(txn.get_database_backend());
    sql.push("INSERT INTO event_streams (stream, last_sequence) VALUES (")
        .bind(stream.key())
        .push(
            ", 1) ON CONFLICT (stream) DO UPDATE SET last_sequence = event_streams.last_sequence + 1 \
             RETURNING last_sequence",
        );
    let row = txn
        .query_one_raw(sql.build())
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no sequence returned for {stream}")))?;
    Ok(row.try_get::<i64>("", "last_sequence")?)
}

/// A page of a stream's events, newest first; the cursor is the sequence.
pub async fn page_newest_first(
    db: &DatabaseConnection,
    stream: Stream,
    args: &PageArgs,
) -> AppResult<Page<events::Model>> {
    let mut select = events::Entity::find().filter(events::Column::Stream.eq(stream.key()));
    if let Some(before) = args.after_id() {
        select = select.filter(events::Column::Sequence.lt(before));
    }
    let rows = select
        .order_by_desc(events::Column::Sequence)
        .limit(args.limit())
        .all(db)
        .await?;
    Ok(Page::from_rows(rows, args, |e| Cursor::by_id(e.sequence)))
}

/// How many events a stream holds.
pub async fn count(db: &DatabaseConnection, stream: Stream) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(events::Entity::find()
        .filter(events::Column::Stream.eq(stream.key()))
        .count(db)
        .await?)
}
