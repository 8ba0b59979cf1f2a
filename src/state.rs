//! What every request handler can reach.
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    auth::{FailureLimiter, LoginLimits},
    config::Config,
    events::Bus,
    mail::Mailer,
    metrics::Metrics,
};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// A pool of half the size for costly requests (see `http::heavy`), so that
    /// however many of them run, cheap requests find a connection at once.
    pub costly_db: DatabaseConnection,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub login_limits: Arc<LoginLimits>,
    /// Applications submitted without a partner, per client address and hour.
    pub application_limits: Arc<FailureLimiter>,
    pub redis: Option<redis::Client>,
    /// Publishes committed events: to this node's subscribers, and through Redis to the others.
    pub bus: Arc<Bus>,
    /// Sends what the outbox holds; woken after a commit that wrote e-mail.
    pub mailer: Arc<Mailer>,
}

impl AppState {
    /// The state a costly request runs with: everything the same, the costly pool.
    pub fn for_costly_request(&self) -> Self {
        Self {
            db: self.costly_db.clone(),
            ..self.clone()
        }
    }
}
