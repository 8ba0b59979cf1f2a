//! The sending worker of one node: claims what is due, sends it, records the
//! outcome, and sleeps until something new is written or a second passes.
use std::{sync::Arc, time::Duration};

use futures_util::{stream, StreamExt};
use lettre::message::Mailbox;
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use super::{outbox, transport::Transport, Mail};
use crate::domain::Locale;

/// Messages claimed at once, and sent at once.
const BATCH: u64 = 100;
pub const CONCURRENT_SENDS: usize = 16;
const IDLE_POLL: Duration = Duration::from_secs(1);

pub struct Mailer {
    db: DatabaseConnection,
    transport: Transport,
    from: Mailbox,
    wake: Notify,
}

impl Mailer {
    pub fn new(db: DatabaseConnection, transport: Transport, from: Mailbox) -> Self {
        Self {
            db,
            transport,
            from,
            wake: Notify::new(),
        }
    }

    /// Tells the worker that something was written (after a commit).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Sends until `stop` resolves.
    pub async fn run(self: Arc<Self>, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            let sent = match self.send_due().await {
                Ok(sent) => sent,
                Err(error) => {
                    tracing::warn!(error.cause = ?error, "claiming e-mails");
                    0
                }
            };
            if sent > 0 {
                continue;
            }
            tokio::select! {
                () = &mut stop => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(IDLE_POLL) => {}
            }
        }
    }

    /// Claims and sends one batch; how many were claimed. Successes are
    /// recorded together, in one statement, so that the database does not pace
    /// the sending.
    pub async fn send_due(&self) -> crate::error::AppResult<usize> {
        let claimed = outbox::claim(&self.db, BATCH).await?;
        let count = claimed.len();
        let sent: Vec<i64> = stream::iter(claimed)
            .map(|message| async move {
                let mail = Mail {
                    recipient: message.recipient.clone(),
                    locale: message.locale.parse().unwrap_or(Locale::En),
                    subject: message.subject.clone(),
                    text: message.text_body.clone(),
                    html: message.html_body.clone(),
                };
                match self.transport.send(&self.from, message.id, &mail).await {
                    Ok(()) => Some(message.id),
                    Err(error) => {
                        let error = format!("{error:#}");
                        tracing::warn!(mail.id = message.id, error.cause = %error, "sending an e-mail; will retry");
                        if let Err(error) = outbox::mark_failed(&self.db, &message, &error).await {
                            // Left claimed: another attempt comes when the claim runs out.
                            tracing::warn!(mail.id = message.id, error.cause = ?error, "recording a failed e-mail");
                        }
                        None
                    }
                }
            })
            .buffer_unordered(CONCURRENT_SENDS)
            .filter_map(|sent| async move { sent })
            .collect()
            .await;
        // Not recorded, a sent message would go again when its claim runs out:
        // at least once, never lost.
        outbox::mark_sent(&self.db, &sent).await?;
        Ok(count)
    }
}
