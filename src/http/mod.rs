//! The HTTP surface: routes and the middleware every request passes through.
mod client_addr;
mod graphiql;
mod graphql;
pub use client_addr::{client_addr, limit_key, parse_hops};
pub use graphql::label_uncoded_errors;
mod health;
mod heavy;
mod metrics;
mod negotiate;
pub mod response_cache;
mod responses;

use std::{sync::Arc, time::Duration};

use axum::{
    extract::DefaultBodyLimit,
    http::{header, HeaderValue, Method},
    routing::get,
    Router,
};
use tower_http::{
    compression::{CompressionLayer, CompressionLevel},
    cors::{AllowOrigin, CorsLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::{
    graphql::{limits::SchemaShape, AppSchema},
    state::AppState,
    ws::ConnectionSlots,
};
use response_cache::ResponseCache;

/// Largest request body accepted (a GraphQL document and its variables).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// A request still running after this is answered 408 and dropped.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: AppSchema,
    /// What the document limits cost fields by, read from the schema once.
    pub shape: Arc<SchemaShape>,
    /// The WebSocket connections open, per client and in all.
    pub ws_slots: Arc<ConnectionSlots>,
    /// Answers to repeated queries; None when QUERY_CACHE_MB is 0.
    pub cache: Option<Arc<ResponseCache>>,
    /// Plans of the compiled read path; None when COMPILED_READS is off.
    pub plans: Option<Arc<crate::graphql::compiled::Plans>>,
}

impl HttpState {
    pub fn new(app: AppState, schema: AppSchema) -> Self {
        let cache = ResponseCache::new(app.config.query_cache_mb.saturating_mul(1024 * 1024));
        let ws_slots = ConnectionSlots::new(
            app.config.ws_max_connections,
            app.config.ws_max_connections_per_client,
        );
        let plans = app
            .config
            .compiled_reads
            .then(|| Arc::new(crate::graphql::compiled::Plans::new()));
        Self {
            plans,
            shape: Arc::new(SchemaShape::from_sdl(&schema.sdl())),
            ws_slots: Arc::new(ws_slots),
            app,
            schema,
            cache: cache.map(Arc::new),
        }
    }
}

pub fn router(state: HttpState) -> Router {
    let cors = cors_layer(&state.app.config.cors_allowed_origins);
    Router::new()
        .route("/graphql", get(graphiql::page).post(graphql::execute))
        .route("/graphql/assets/{file}", get(graphiql::asset))
        .route("/graphql/ws", get(crate::ws::upgrade))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/metrics", get(metrics::render))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(cors)
        // gzip's fastest level: a full group list (about 300 KB of JSON)
        // cost 2 ms of CPU at the default level, as much as a tenth of the
        // request, and level 1 still shrinks JSON several times over.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Only the configured browser origins may call the API from a page; none by default.
fn cors_layer(origins: &[String]) -> CorsLayer {
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin.trim()).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(Duration::from_secs(600))
}
