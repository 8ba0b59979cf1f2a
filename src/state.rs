//! What every request handler can reach.
use std::{sync::Arc, time::Duration};

use sea_orm::DatabaseConnection;

use crate::{auth::FailureLimiter, config::Config, events::Bus, metrics::Metrics};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub login_limits: Arc<LoginLimits>,
    pub redis: Option<redis::Client>,
    /// Publishes committed events: to this node's subscribers, and through Redis to the others.
    pub bus: Arc<Bus>,
}

/// Failed-login budgets: per e-mail (guessing one account's password) and per
/// client address (trying many accounts).
pub struct LoginLimits {
    pub per_email: FailureLimiter,
    pub per_client: FailureLimiter,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_email: FailureLimiter::new(5, Duration::from_secs(15 * 60)),
            per_client: FailureLimiter::new(30, Duration::from_secs(15 * 60)),
        }
    }
}
