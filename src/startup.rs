//! Building and running the application: database, migrations, bootstrap admin,
//! demo data on a first embedded start, then the HTTP server.
use std::{future::Future, net::SocketAddr, sync::Arc};

use anyhow::Context;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;

use crate::{
    auth::{LoginLimits, SharedFailures},
    config::Config,
    db,
    domain::{DisplayName, Email, Password},
    events::Bus,
    graphql::build_schema,
    http::{router, HttpState},
    metrics::Metrics,
    seed,
    services::accounts,
    state::AppState,
};

pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Connects, migrates and binds. Port 0 in `bind_addr` picks a free port.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let url = config.database_url();
        let first_embedded_start = config.is_embedded_default() && db::is_new_sqlite_file(&url);
        let metrics = Arc::new(Metrics::new());
        let db = db::connect(&url, config.database_max_connections, metrics.clone()).await?;
        db::migrate(&db).await?;
        let costly_connections = (config.database_max_connections / 2).max(1);
        let costly_db = db::connect(&url, costly_connections, metrics.clone()).await?;
        tracing::info!(database = %url.redacted(), "database ready");

        let redis = config
            .redis_url
            .as_ref()
            .map(|url| redis::Client::open(url.expose()).context("parsing REDIS_URL"))
            .transpose()?;

        bootstrap_admin(&db, &config).await?;
        if first_embedded_start && config.auto_seed_demo {
            let report = seed::seed_demo(&db).await?;
            println!("First start on the embedded database: demo data loaded.\n{report}");
        }

        let listener = TcpListener::bind(config.bind_addr)
            .await
            .with_context(|| format!("binding {}", config.bind_addr))?;
        let bus = match &redis {
            Some(client) => Bus::redis(client.clone(), config.redis_channel.clone()),
            None => Bus::in_process(),
        };
        // With Redis, failed logins are counted across the deployment's nodes.
        let shared_failures = redis
            .clone()
            .map(|client| SharedFailures::new(client, config.redis_channel.clone()));
        let login_limits = LoginLimits::new(shared_failures);
        let transport = match &config.smtp_url {
            Some(url) => crate::mail::transport::Transport::smtp(url)?,
            None => crate::mail::transport::Transport::Files(config.mail_dir.clone()),
        };
        let from = config
            .mail_from
            .parse()
            .with_context(|| format!("MAIL_FROM {:?} is not a mailbox", config.mail_from))?;
        // The worker's own small pool: its statements are counted apart from requests'.
        let mail_db = db::connect_for(&url, 2, metrics.clone(), db::Workload::Background).await?;
        let mailer = crate::mail::Mailer::new(mail_db, transport, from);
        let application_limits = Arc::new(crate::auth::FailureLimiter::new(
            config.applications_per_hour as usize,
            std::time::Duration::from_secs(3600),
        ));
        let state = AppState {
            db,
            costly_db,
            config: Arc::new(config),
            metrics,
            login_limits: Arc::new(login_limits),
            application_limits,
            redis,
            bus: Arc::new(bus),
            mailer: Arc::new(mailer),
        };
        Ok(Self { listener, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let schema = build_schema(Some(self.state.clone()), &self.state.config);
        // The mail worker stops with the server, between two batches.
        let (stop_mail, mail_stopped) = tokio::sync::oneshot::channel::<()>();
        let mail = tokio::spawn(self.state.mailer.clone().run(async {
            let _ = mail_stopped.await;
        }));
        let app = router(HttpState::new(self.state, schema));
        let served = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP");
        let _ = stop_mail.send(());
        let _ = tokio::time::timeout(std::time::Duration::from_secs(20), mail).await;
        served
    }
}

/// Creates the admin named by BOOTSTRAP_ADMIN_EMAIL/PASSWORD if there is no admin yet.
async fn bootstrap_admin(db: &sea_orm::DatabaseConnection, config: &Config) -> anyhow::Result<()> {
    let (Some(email), Some(password)) = (
        &config.bootstrap_admin_email,
        &config.bootstrap_admin_password,
    ) else {
        return Ok(());
    };
    if accounts::any_admin_exists(db).await? {
        return Ok(());
    }
    let email = Email::parse("BOOTSTRAP_ADMIN_EMAIL", email)?;
    let password = Password::parse("BOOTSTRAP_ADMIN_PASSWORD", password.expose_secret())?;
    let name = DisplayName::parse("displayName", "Administrator")?;
    accounts::create_admin(db, email.clone(), password, name).await?;
    tracing::info!(user.email = %email.as_str(), "bootstrap admin created");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
