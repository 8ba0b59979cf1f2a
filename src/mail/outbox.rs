//! The outbox table: writing messages, claiming the due ones, recording how
//! each attempt went.
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use entity::mail_outbox;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend,
    EntityTrait, FromQueryResult, QueryFilter,
};

use super::Mail;
use crate::{error::AppResult, sql::SqlBuilder};

/// How long a worker holds the messages it claimed: a node that dies with
/// them leaves them to another after this.
pub const CLAIM: std::time::Duration = std::time::Duration::from_secs(60);

/// Attempts after which a message is left unsent (with its last error): with
/// the backoff, about a day of retries.
pub const MAX_ATTEMPTS: i32 = 30;

/// Writes `mail` to the outbox in `txn`: it is sent once the change commits.
pub async fn enqueue(
    txn: &impl ConnectionTrait,
    mail: Mail,
    cause_event_id: Option<i64>,
) -> AppResult<()> {
    let now = Utc::now();
    mail_outbox::ActiveModel {
        recipient: Set(mail.recipient),
        locale: Set(mail.locale.as_str().to_owned()),
        subject: Set(mail.subject),
        text_body: Set(mail.text),
        html_body: Set(mail.html),
        cause_event_id: Set(cause_event_id),
        attempts: Set(0),
        last_error: Set(None),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Claims up to `limit` messages that are due and not held by another worker.
/// PostgreSQL skips rows another transaction is claiming at the same moment;
/// SQLite has one writer at a time.
pub async fn claim(db: &impl ConnectionTrait, limit: u64) -> AppResult<Vec<mail_outbox::Model>> {
    let backend = db.get_database_backend();
    let now = Utc::now();
    let until = now + ChronoDuration::from_std(CLAIM).unwrap_or_default();
    let mut sql = SqlBuilder::new(backend);
    sql.push("UPDATE mail_outbox SET claimed_until = ")
        .bind(until)
        .push(
            " WHERE id IN (SELECT id FROM mail_outbox WHERE sent_at IS NULL \
             AND attempts < ",
        )
        .bind(MAX_ATTEMPTS)
        .push(" AND next_attempt_at <= ")
        .bind(now)
        .push(" AND (claimed_until IS NULL OR claimed_until < ")
        .bind(now)
        .push(") ORDER BY id LIMIT ")
        .bind(limit as i64);
    if backend == DbBackend::Postgres {
        sql.push(" FOR UPDATE SKIP LOCKED");
    }
    sql.push(") RETURNING *");
    Ok(mail_outbox::Model::find_by_statement(sql.build())
        .all(db)
        .await?)
}

/// Records that the messages `ids` were sent.
pub async fn mark_sent(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::SentAt, Expr::value(Utc::now()))
        .col_expr(
            mail_outbox::Column::ClaimedUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(mail_outbox::Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt; the message is due again after a backoff that
/// doubles with each attempt, from 2 s up to an hour.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    message: &mail_outbox::Model,
    error: &str,
) -> AppResult<()> {
    let attempts = message.attempts.saturating_add(1);
    let next = Utc::now() + backoff(attempts);
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Attempts, Expr::value(attempts))
        .col_expr(
            mail_outbox::Column::LastError,
            Expr::value(crate::graphql::limits::truncate(error, 500)),
        )
        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(next))
        .col_expr(
            mail_outbox::Column::ClaimedUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(mail_outbox::Column::Id.eq(message.id))
        .exec(db)
        .await?;
    Ok(())
}

fn backoff(attempts: i32) -> ChronoDuration {
    let seconds = 2i64.saturating_pow(attempts.clamp(1, 12) as u32).min(3600);
    ChronoDuration::seconds(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), ChronoDuration::seconds(2));
        assert_eq!(backoff(2), ChronoDuration::seconds(4));
        assert_eq!(backoff(30), ChronoDuration::seconds(3600));
        assert_eq!(backoff(i32::MAX), ChronoDuration::seconds(3600));
    }
}
