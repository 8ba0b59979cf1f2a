//! Where messages go: an SMTP server (lettre; `smtp://` with STARTTLS when
//! `?tls=required`, `smtps://` for implicit TLS), or, for the embedded
//! default, one `.eml` file per message in a folder, so a newcomer sees what
//! would have been sent.
use std::path::PathBuf;

use anyhow::Context;
use lettre::{
    message::{
        header::{ContentType, Header, HeaderName, HeaderValue},
        Mailbox, MultiPart, SinglePart,
    },
    transport::smtp::PoolConfig,
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use super::Mail;
use crate::config::SecretUrl;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl Transport {
    pub fn smtp(url: &SecretUrl) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .with_context(|| format!("SMTP_URL {}", url.redacted()))?
            .timeout(Some(std::time::Duration::from_secs(15)))
            // As many connections as the worker sends at once.
            .pool_config(PoolConfig::new().max_size(super::worker::CONCURRENT_SENDS as u32))
            .build();
        Ok(Self::Smtp(transport))
    }

    /// Sends one message; `id` names the file of a message written to a folder.
    pub async fn send(&self, from: &Mailbox, id: i64, mail: &Mail) -> anyhow::Result<()> {
        let message = message(from, mail)?;
        match self {
            Self::Smtp(smtp) => {
                smtp.send(message).await.context("sending over SMTP")?;
            }
            Self::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .with_context(|| format!("creating {}", dir.display()))?;
                let path = dir.join(format!("{id:08}.eml"));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .with_context(|| format!("writing {}", path.display()))?;
                tracing::info!(mail.file = %path.display(), mail.subject = %mail.subject, "e-mail written (no SMTP_URL)");
            }
        }
        Ok(())
    }
}

/// `Content-Language`, which lettre has no type for.
#[derive(Clone)]
struct ContentLanguage(String);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(text.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

fn message(from: &Mailbox, mail: &Mail) -> anyhow::Result<Message> {
    let to: Mailbox = mail
        .recipient
        .parse()
        .with_context(|| "the recipient is not an e-mail address".to_owned())?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentLanguage(mail.locale.as_str().to_ascii_lowercase()))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(mail.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(mail.html.clone()),
                ),
        )
        .context("building the message")
}
