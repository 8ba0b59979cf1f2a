//! E-mail, through an outbox: a message is a row written in the same
//! transaction as the change that causes it (`outbox::enqueue`), so it goes out
//! exactly when the change commits. A worker on every node (`worker`) claims due
//! rows, so that two nodes never send the same one, sends them through the
//! configured transport (`transport`: SMTP, or `.eml` files for the embedded
//! default), and retries failures with backoff.
pub mod outbox;
pub mod templates;
pub mod transport;
pub mod worker;

pub use crate::domain::Locale;
pub use outbox::enqueue;
pub use worker::Mailer;

/// One e-mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub recipient: String,
    pub locale: Locale,
    pub subject: String,
    pub text: String,
    pub html: String,
}
