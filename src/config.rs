//! Typed configuration, from flags or environment variables. Secrets (database and
//! Redis URLs with passwords, the bootstrap password) never appear in Debug output.
use std::{net::SocketAddr, time::Duration};

use clap::{Args, ValueEnum};
use secrecy::{ExposeSecret, SecretString};

/// Where the embedded default keeps its database.
pub const DEFAULT_SQLITE_PATH: &str = "./data/coalition.db";

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database: `postgres://…` or `sqlite://path?mode=rwc`. Default: a SQLite file under ./data/.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<SecretUrl>,

    /// Maximum open database connections per node.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub database_max_connections: u32,

    /// Redis for the event bus between nodes (`redis://…`). Default: in-process bus.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<SecretUrl>,

    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8080")]
    pub bind_addr: SocketAddr,

    /// Log format: human in a terminal, JSON otherwise, unless set.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Auto)]
    pub log_format: LogFormat,

    /// Serve the GraphiQL page on GET /graphql.
    #[arg(long, env = "GRAPHIQL", default_value_t = true, action = clap::ArgAction::Set)]
    pub graphiql: bool,

    /// Answer introspection queries (and suggest field names in errors).
    #[arg(long, env = "INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,

    /// Browser origins allowed by CORS, comma-separated (e.g. https://app.example.org).
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,

    /// Trusted proxies in front of the node: the client is the X-Forwarded-For
    /// entry this many places from the right (0: the socket's peer).
    #[arg(long, env = "TRUST_FORWARDED_FOR", default_value = "0", value_parser = crate::http::parse_hops)]
    pub trust_forwarded_for: u8,

    /// How long a login session lasts, in hours.
    #[arg(long, env = "SESSION_TTL_HOURS", default_value_t = 24 * 14)]
    pub session_ttl_hours: u64,

    /// Create this platform admin at start if no admin exists yet.
    #[arg(long, env = "BOOTSTRAP_ADMIN_EMAIL")]
    pub bootstrap_admin_email: Option<String>,

    /// Password for the bootstrap admin.
    #[arg(long, env = "BOOTSTRAP_ADMIN_PASSWORD", hide_env_values = true)]
    pub bootstrap_admin_password: Option<SecretString>,

    /// Redis channel the nodes publish events on (nodes of one deployment share it).
    #[arg(long, env = "REDIS_CHANNEL", default_value = "coalition:events")]
    pub redis_channel: String,

    /// Seconds a WebSocket client has to send `connection_init`.
    #[arg(long, env = "WS_INIT_TIMEOUT_SECS", default_value_t = 5)]
    pub ws_init_timeout_secs: u64,

    /// How often a WebSocket connection re-checks that its session is still live, in seconds.
    #[arg(long, env = "WS_SESSION_CHECK_SECS", default_value_t = 30)]
    pub ws_session_check_secs: u64,

    /// Most WebSocket connections one node holds.
    #[arg(long, env = "WS_MAX_CONNECTIONS", default_value_t = 20_000)]
    pub ws_max_connections: usize,

    /// Most WebSocket connections from one client address.
    #[arg(long, env = "WS_MAX_CONNECTIONS_PER_CLIENT", default_value_t = 100)]
    pub ws_max_connections_per_client: usize,

    /// Most subscriptions one signed-in WebSocket connection holds.
    #[arg(long, env = "WS_MAX_SUBSCRIPTIONS", default_value_t = 50)]
    pub ws_max_subscriptions: usize,

    /// Most subscriptions one anonymous WebSocket connection holds.
    #[arg(long, env = "WS_MAX_ANONYMOUS_SUBSCRIPTIONS", default_value_t = 10)]
    pub ws_max_anonymous_subscriptions: usize,

    /// Largest document of one operation sent over WebSocket, in bytes.
    #[arg(long, env = "WS_MAX_DOCUMENT_BYTES", default_value_t = 8 * 1024)]
    pub ws_max_document_bytes: usize,

    /// Seconds an anonymous WebSocket connection may stay open without a subscription.
    #[arg(long, env = "WS_ANONYMOUS_IDLE_SECS", default_value_t = 60)]
    pub ws_anonymous_idle_secs: u64,

    /// Load demo data on the first start of the embedded SQLite default.
    #[arg(long, env = "AUTO_SEED_DEMO", default_value_t = true, action = clap::ArgAction::Set)]
    pub auto_seed_demo: bool,

    /// SMTP server for outgoing e-mail: `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://…:465` (implicit TLS). Unset: e-mails are written as
    /// `.eml` files under MAIL_DIR.
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<SecretUrl>,

    /// The sender of outgoing e-mail.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Coalition <no-reply@localhost>"
    )]
    pub mail_from: String,

    /// Where e-mails are written when there is no SMTP_URL.
    #[arg(long, env = "MAIL_DIR", default_value = "./data/mail")]
    pub mail_dir: std::path::PathBuf,

    /// The web client's address, for the links in e-mails.
    #[arg(long, env = "PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,

    /// Applications a client address may submit without a partner, per hour.
    #[arg(long, env = "APPLICATIONS_PER_HOUR", default_value_t = 10)]
    pub applications_per_hour: u32,

    /// Memory for answers to repeated queries, in MiB (0 turns the cache off).
    #[arg(long, env = "QUERY_CACHE_MB", default_value_t = 64)]
    pub query_cache_mb: u64,

    /// Answer the common read shapes on the compiled path (off: every query
    /// runs on the resolvers; for comparing the two).
    #[arg(long, env = "COMPILED_READS", default_value_t = true, action = clap::ArgAction::Set)]
    pub compiled_reads: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Auto,
    Human,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: None,
            database_max_connections: 10,
            redis_url: None,
            bind_addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            log_format: LogFormat::Auto,
            graphiql: true,
            introspection: true,
            cors_allowed_origins: Vec::new(),
            trust_forwarded_for: 0,
            session_ttl_hours: 24 * 14,
            bootstrap_admin_email: None,
            bootstrap_admin_password: None,
            auto_seed_demo: false,
            redis_channel: "coalition:events".to_owned(),
            ws_init_timeout_secs: 5,
            ws_session_check_secs: 30,
            ws_max_connections: 20_000,
            ws_max_connections_per_client: 100,
            ws_max_subscriptions: 50,
            ws_max_anonymous_subscriptions: 10,
            ws_max_document_bytes: 8 * 1024,
            ws_anonymous_idle_secs: 60,
            query_cache_mb: 64,
            compiled_reads: true,
            smtp_url: None,
            mail_from: "Coalition <no-reply@localhost>".to_owned(),
            mail_dir: std::path::PathBuf::from("./data/mail"),
            public_url: "http://127.0.0.1:8080".to_owned(),
            applications_per_hour: 10,
        }
    }
}

impl Config {
    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(self.session_ttl_hours * 3600)
    }

    pub fn ws_init_timeout(&self) -> Duration {
        Duration::from_secs(self.ws_init_timeout_secs.max(1))
    }

    pub fn ws_anonymous_idle(&self) -> Duration {
        Duration::from_secs(self.ws_anonymous_idle_secs.max(1))
    }

    pub fn ws_session_check(&self) -> Duration {
        Duration::from_secs(self.ws_session_check_secs.max(1))
    }

    /// The database URL in force: the configured one, or the embedded SQLite file.
    pub fn database_url(&self) -> SecretUrl {
        self.database_url
            .clone()
            .unwrap_or_else(|| SecretUrl::new(format!("sqlite://{DEFAULT_SQLITE_PATH}?mode=rwc")))
    }

    /// True when running on the embedded default (no DATABASE_URL given).
    pub fn is_embedded_default(&self) -> bool {
        self.database_url.is_none()
    }
}

/// A connection URL that may carry a password: Debug shows it with the password masked.
#[derive(Clone)]
pub struct SecretUrl(SecretString);

impl SecretUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(SecretString::from(url.into()))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    pub fn is_postgres(&self) -> bool {
        let url = self.expose();
        url.starts_with("postgres://") || url.starts_with("postgresql://")
    }

    /// The URL with any password replaced, fit for logs.
    pub fn redacted(&self) -> String {
        match url::Url::parse(self.expose()) {
            Ok(mut url) => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("***"));
                }
                url.to_string()
            }
            Err(_) => "<unparseable url>".to_owned(),
        }
    }
}

impl std::str::FromStr for SecretUrl {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

impl std::fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretUrl({})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_passwords() {
        let config = Config {
            database_url: Some(SecretUrl::new("postgres://app:hunter2@db:5432/coalition")),
            redis_url: Some(SecretUrl::new("redis://:s3cret@cache:6379")),
            smtp_url: Some(SecretUrl::new("smtp://mailer:p4ss@mail.example:587")),
            bootstrap_admin_password: Some(SecretString::from("correct horse".to_owned())),
            ..Config::default()
        };
        let printed = format!("{config:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(!printed.contains("p4ss"), "{printed}");
        assert!(!printed.contains("correct horse"), "{printed}");
        assert!(
            printed.contains("postgres://app:***@db:5432/coalition"),
            "{printed}"
        );
    }
}
