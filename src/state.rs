//! What every request handler can reach.
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{auth::LoginLimits, config::Config, events::Bus, metrics::Metrics};

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
