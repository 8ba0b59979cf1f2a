//! `POST /graphql` runs one operation sent as JSON; `GET /graphql` only shows
//! GraphiQL. Nothing else executes: a GET, a form post or a text/plain post can
//! never run a mutation (no CSRF through simple requests).
use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Instant,
};

use async_graphql::{dataloader::DataLoader, http::GraphiQLSource};
use async_graphql_axum::GraphQLResponse;
use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, ConnectInfo, State},
    http::{header, HeaderMap, HeaderValue, StatusCode, Uri},
    response::{Html, IntoResponse, Response},
};
use chrono::Utc;

use super::{
    response_cache::{CacheKey, Lookup, MAX_CACHED_REQUEST_BYTES},
    responses::graphql_error,
    HttpState,
};
use crate::{
    auth::Actor,
    db,
    error::codes,
    graphql::{
        batching::BatchScope,
        context::{ClientAddr, Viewer},
        limits::{check_aliases, operation_kind},
        loaders::DbLoader,
    },
    services::accounts,
};

pub async fn graphiql(State(state): State<HttpState>, uri: Uri) -> Response {
    if uri.query().is_some_and(|q| !q.is_empty()) {
        return graphql_error(
            StatusCode::METHOD_NOT_ALLOWED,
            codes::BAD_USER_INPUT,
            "operations must be sent with POST and Content-Type: application/json",
        );
    }
    if !state.app.config.graphiql {
        return graphql_error(
            StatusCode::NOT_FOUND,
            codes::NOT_FOUND,
            "GraphiQL is turned off",
        );
    }
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .title("coalition")
            .finish(),
    )
    .into_response()
}

pub async fn execute(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = Instant::now();
    if !is_json(&headers) {
        return graphql_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::BAD_USER_INPUT,
            "send operations as Content-Type: application/json",
        );
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            return graphql_error(
                rejection.status(),
                codes::BAD_USER_INPUT,
                &rejection.body_text(),
            )
        }
    };
    let mut request = match parse_request(&body) {
        Ok(request) => request,
        Err(message) => {
            return graphql_error(StatusCode::BAD_REQUEST, codes::BAD_USER_INPUT, message)
        }
    };
    let operation_name = request.operation_name.clone();
    let (kind, limits) = match request.parsed_query() {
        Ok(document) => (
            operation_kind(document, operation_name.as_deref()).unwrap_or("invalid"),
            check_aliases(document),
        ),
        Err(error) => ("invalid", Err(error)),
    };
    // Read before authenticating: the viewer's roles are then at least as new
    // as the revision an answer is kept under.
    let cache = match &state.cache {
        Some(cache) if kind == "query" && body.len() <= MAX_CACHED_REQUEST_BYTES => {
            revision(&state).await.map(|revision| (cache, revision))
        }
        _ => None,
    };
    let viewer = match authenticate(&state, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let client = client_addr(&headers, peer, state.app.config.trust_forwarded_for);
    if let Err(error) = limits {
        let mut response = async_graphql::Response::from_errors(vec![error]);
        label_uncoded_errors(&mut response);
        state
            .app
            .metrics
            .record_request(kind, false, started.elapsed());
        return GraphQLResponse::from(response).into_response();
    }
    let Some((cache, revision)) = cache else {
        let response = run(&state, request, viewer, client).await;
        state
            .app
            .metrics
            .record_request(kind, response.is_ok(), started.elapsed());
        return GraphQLResponse::from(response).into_response();
    };
    let key = CacheKey::new(
        viewer.as_ref().map(|actor| actor.user_id),
        Utc::now().date_naive(),
        body.clone(),
    );
    let lookup = cache
        .get_or_compute(key, revision, || async {
            let response = run(&state, request, viewer, client).await;
            if !response.errors.is_empty() {
                return Err(response);
            }
            serde_json::to_vec(&response)
                .map(Bytes::from)
                .map_err(|_| response)
        })
        .await;
    let metrics = &state.app.metrics;
    metrics.record_cache_lookup(matches!(lookup, Lookup::Hit(_)));
    metrics.record_request(
        kind,
        !matches!(lookup, Lookup::Uncached(_)),
        started.elapsed(),
    );
    match lookup {
        Lookup::Hit(answer) => json_response(answer, "hit"),
        Lookup::Miss(answer) => json_response(answer, "miss"),
        Lookup::Uncached(response) => GraphQLResponse::from(response).into_response(),
    }
}

/// Executes an operation for `viewer`, its nested fields batched by loaders.
async fn run(
    state: &HttpState,
    request: async_graphql::Request,
    viewer: Option<Actor>,
    client: IpAddr,
) -> async_graphql::Response {
    let batches = BatchScope::default();
    let loaders = Arc::new(DataLoader::new(
        DbLoader::new(state.app.db.clone(), viewer.clone()),
        batches.spawner(),
    ));
    let request = request
        .data(Viewer(viewer))
        .data(ClientAddr(client))
        .data(loaders);
    let mut response = batches.run(state.schema.execute(request)).await;
    label_uncoded_errors(&mut response);
    response
}

/// The data revision, or None (and no caching) if it cannot be read now.
async fn revision(state: &HttpState) -> Option<i64> {
    match db::data_revision(&state.app.db).await {
        Ok(revision) => Some(revision),
        Err(error) => {
            tracing::warn!(error.cause = %error, "reading the data revision; answering uncached");
            None
        }
    }
}

/// A GraphQL answer already serialized, with `x-cache` saying where it came from.
fn json_response(body: Bytes, cache: &'static str) -> Response {
    let mut response = Response::new(axum::body::Body::from(body));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/graphql-response+json"),
    );
    headers.insert("x-cache", HeaderValue::from_static(cache));
    response
}

/// Errors raised by our resolvers carry a code already; those without one come from
/// parsing or validating the document (syntax, unknown fields, depth, complexity),
/// which is the client's to fix.
pub fn label_uncoded_errors(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", codes::BAD_USER_INPUT);
        }
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

fn parse_request(body: &[u8]) -> Result<async_graphql::Request, &'static str> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| "the body is not valid JSON")?;
    if value.is_array() {
        return Err("batched requests are not supported: send one operation per request");
    }
    serde_json::from_value(value)
        .map_err(|_| "the body must be a JSON object with a string \"query\"")
}

async fn authenticate(state: &HttpState, headers: &HeaderMap) -> Result<Option<Actor>, Response> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let unauthenticated =
        |message| graphql_error(StatusCode::UNAUTHORIZED, codes::UNAUTHENTICATED, message);
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| unauthenticated("use Authorization: Bearer <token>"))?;
    match accounts::authenticate(&state.app.db, token).await {
        Ok(Some(actor)) => Ok(Some(actor)),
        Ok(None) => Err(unauthenticated(
            "the session token is invalid or has expired",
        )),
        Err(error) => {
            tracing::error!(error.cause = ?error, "authenticating a request");
            Err(graphql_error(
                StatusCode::SERVICE_UNAVAILABLE,
                codes::INTERNAL,
                "internal error",
            ))
        }
    }
}

/// The caller's address: the socket peer, or behind a trusted proxy the first
/// address of X-Forwarded-For.
fn client_addr(headers: &HeaderMap, peer: SocketAddr, trust_forwarded_for: bool) -> IpAddr {
    if trust_forwarded_for {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|first| first.trim().parse().ok());
        if let Some(address) = forwarded {
            return address;
        }
    }
    peer.ip()
}
