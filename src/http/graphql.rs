//! `POST /graphql` runs one operation sent as JSON; `GET /graphql` only shows
//! GraphiQL. Nothing else executes: a GET, a form post or a text/plain post can
//! never run a mutation (no CSRF through simple requests).
use std::{
    net::{IpAddr, SocketAddr},
    time::Instant,
};

use async_graphql::{dataloader::DataLoader, parser::types::ExecutableDocument};
use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, ConnectInfo, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::Response,
};
use chrono::Utc;

use super::{
    client_addr::client_addr,
    heavy,
    negotiate::{negotiate, Format},
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
        compiled::{self, Lookup as PlanLookup},
        context::{ClientAddr, Loaders, Viewer},
        limits,
        loaders::DbLoader,
        locale::RequestLocale,
    },
    services::accounts,
};

/// Longest message of a parse or validation error sent back: enough to read,
/// never the document itself.
const MAX_ECHOED_MESSAGE: usize = 200;

pub async fn execute(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = Instant::now();
    let Some(format) = negotiate(&headers) else {
        return graphql_error(
            StatusCode::NOT_ACCEPTABLE,
            codes::BAD_USER_INPUT,
            "accept application/graphql-response+json or application/json",
        );
    };
    if !is_json(&headers) {
        return request_error(
            format,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send operations as Content-Type: application/json",
        );
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return request_error(format, rejection.status(), &rejection.body_text()),
    };
    let metrics = &state.app.metrics;
    if let Err(refusal) = limits::check_json(&body) {
        metrics.record_refusal("http", refusal.limit());
        return request_error(format, StatusCode::BAD_REQUEST, &refusal.message());
    }
    let mut request = match parse_request(&body) {
        Ok(request) => request,
        Err(message) => return request_error(format, StatusCode::BAD_REQUEST, message),
    };
    // A planned document is kept parsed: only its cost is checked again,
    // with this request's variables.
    let plan = match &state.plans {
        Some(plans) => plans.lookup(&request.query, request.operation_name.as_deref()),
        None => PlanLookup::Unsupported,
    };
    let operation_name = request.operation_name.as_deref();
    let admitted = match &plan {
        PlanLookup::Planned(planned) => limits::cost_of(
            &state.shape,
            &planned.document,
            operation_name,
            &request.variables,
        )
        .map(|(kind, cost)| (None, kind, cost)),
        _ => limits::admit(
            &state.shape,
            &request.query,
            operation_name,
            &request.variables,
        )
        .map(|admitted| (Some(admitted.document), admitted.kind, admitted.cost)),
    };
    // Translatable fields answer in the request's language (see graphql::locale).
    let locale = RequestLocale::from_header(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    request = request.data(locale);
    let mut unplanned = None;
    let (kind, costly) = match admitted {
        Ok((document, kind, cost)) => {
            if let Some(document) = document {
                // Kept for planning if the resolvers answer it without errors.
                if matches!(plan, PlanLookup::Unknown) && kind == Some("query") {
                    unplanned = Some(document.clone());
                }
                request.set_parsed_query(document);
            }
            let costly = cost.work > heavy::COSTLY_WORK;
            (kind.unwrap_or("invalid"), costly)
        }
        Err(refusal) => {
            metrics.record_refusal("http", refusal.limit());
            metrics.record_request("invalid", false, started.elapsed());
            let response = async_graphql::Response::from_errors(vec![refusal.into_server_error()]);
            return graphql_response(format, &response);
        }
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
    let Some((cache, revision)) = cache else {
        return match answer(&state, request, viewer, client, costly, plan, unplanned).await {
            Answer::Written(body) => {
                metrics.record_request(kind, true, started.elapsed());
                json_response(format, StatusCode::OK, body, None)
            }
            Answer::Resolved(response) => {
                metrics.record_request(kind, response.is_ok(), started.elapsed());
                graphql_response(format, &response)
            }
        };
    };
    let key = CacheKey::new(
        viewer.as_ref().map(|actor| actor.user_id),
        Utc::now().date_naive(),
        locale.0,
        body.clone(),
    );
    let lookup = cache
        .get_or_compute(key, revision, || async {
            let response =
                match answer(&state, request, viewer, client, costly, plan, unplanned).await {
                    Answer::Written(body) => return Ok(body),
                    Answer::Resolved(response) => response,
                };
            if !response.errors.is_empty() {
                return Err(response);
            }
            serde_json::to_vec(&response)
                .map(Bytes::from)
                .map_err(|_| response)
        })
        .await;
    metrics.record_cache_lookup(matches!(lookup, Lookup::Hit(_)));
    metrics.record_request(
        kind,
        !matches!(lookup, Lookup::Uncached(_)),
        started.elapsed(),
    );
    match lookup {
        Lookup::Hit(answer) => json_response(format, StatusCode::OK, answer, Some("hit")),
        Lookup::Miss(answer) => json_response(format, StatusCode::OK, answer, Some("miss")),
        Lookup::Uncached(response) => graphql_response(format, &response),
    }
}

/// An answer written by the compiled read path, or the resolvers' response.
enum Answer {
    Written(Bytes),
    Resolved(async_graphql::Response),
}

/// Answers a query of a planned document on the compiled path; anything else,
/// or a request the compiled path gives up on, on the resolvers. A query the
/// resolvers answer without errors is planned for the next time (`unplanned`
/// is its parsed document).
async fn answer(
    state: &HttpState,
    request: async_graphql::Request,
    viewer: Option<Actor>,
    client: IpAddr,
    costly: bool,
    plan: PlanLookup,
    unplanned: Option<ExecutableDocument>,
) -> Answer {
    if let PlanLookup::Planned(planned) = &plan {
        let (db, metrics) = (&state.app.db, &state.app.metrics);
        let body = compiled::answer(
            &planned.plan,
            db,
            metrics,
            viewer.as_ref(),
            &request.variables,
        )
        .await;
        state.app.metrics.record_compiled_read(body.is_some());
        if let Some(body) = body {
            return Answer::Written(Bytes::from(body));
        }
    }
    let learn = state
        .plans
        .as_ref()
        .zip(unplanned)
        .map(|(plans, document)| {
            (
                plans,
                request.query.clone(),
                request.operation_name.clone(),
                document,
            )
        });
    let response = run(state, request, viewer, client, costly).await;
    if let Some((plans, query, operation_name, document)) = learn {
        if response.errors.is_empty() {
            plans.learn(&query, operation_name.as_deref(), document);
        }
    }
    Answer::Resolved(response)
}

/// Executes an operation for `viewer`, a costly one on threads of its own.
async fn run(
    state: &HttpState,
    request: async_graphql::Request,
    viewer: Option<Actor>,
    client: IpAddr,
    costly: bool,
) -> async_graphql::Response {
    if !costly {
        return execute_operation(state.clone(), request, viewer, client).await;
    }
    let mut costly_state = state.clone();
    costly_state.app = state.app.for_costly_request();
    // Resolvers read the application state from the request's data first.
    let request = request.data(costly_state.app.clone());
    let work = execute_operation(costly_state, request, viewer, client);
    match heavy::run(work).await {
        Some(response) => response,
        None => {
            tracing::error!("a costly request's task ended without an answer");
            let mut error = async_graphql::ServerError::new("internal error", None);
            let mut extensions = async_graphql::ErrorExtensionValues::default();
            extensions.set("code", codes::INTERNAL);
            error.extensions = Some(extensions);
            async_graphql::Response::from_errors(vec![error])
        }
    }
}

/// Executes an operation for `viewer`, its nested fields batched by loaders.
async fn execute_operation(
    state: HttpState,
    request: async_graphql::Request,
    viewer: Option<Actor>,
    client: IpAddr,
) -> async_graphql::Response {
    let batches = BatchScope::default();
    let loaders = Loaders::new(
        DataLoader::new(
            DbLoader::new(state.app.db.clone(), viewer.clone()),
            batches.spawner(),
        )
        .max_batch_size(limits::MAX_BATCH_KEYS),
    );
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

/// A GraphQL answer already serialized; `x-cache` says where it came from.
fn json_response(
    format: Format,
    status: StatusCode,
    body: Bytes,
    cache: Option<&'static str>,
) -> Response {
    let mut response = Response::new(axum::body::Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, format.content_type());
    if let Some(cache) = cache {
        headers.insert("x-cache", HeaderValue::from_static(cache));
    }
    response
}

/// An executor's answer. One whose operation never ran (refused by a limit, by
/// parsing or by validation: nothing but errors, none with a path) has no
/// `data` entry, and under `application/graphql-response+json` a 400.
fn graphql_response(format: Format, response: &async_graphql::Response) -> Response {
    let ran = !(response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty()));
    let (status, body) = if ran {
        (StatusCode::OK, serde_json::to_vec(response))
    } else {
        (
            format.refused_status(),
            serde_json::to_vec(&serde_json::json!({ "errors": response.errors })),
        )
    };
    match body {
        Ok(body) => json_response(format, status, Bytes::from(body), None),
        Err(error) => {
            tracing::error!(error.cause = %error, "serializing a GraphQL answer");
            graphql_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                codes::INTERNAL,
                "internal error",
            )
        }
    }
}

/// A request that is not a GraphQL request at all (wrong media type, not JSON,
/// no query): 4xx whatever the format, with the format's content type.
fn request_error(format: Format, status: StatusCode, message: &str) -> Response {
    let mut response = graphql_error(status, codes::BAD_USER_INPUT, message);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, format.content_type());
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
            // Validation messages quote names from the document, which may be long.
            if error.message.len() > MAX_ECHOED_MESSAGE {
                error.message = limits::truncate(&error.message, MAX_ECHOED_MESSAGE);
            }
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

/// The request body of GraphQL over HTTP: `query` a string, `operationName` a
/// string or null, `variables` and `extensions` maps or null.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RequestBody {
    query: Option<serde_json::Value>,
    #[serde(default)]
    operation_name: Option<serde_json::Value>,
    #[serde(default)]
    variables: Option<serde_json::Value>,
    #[serde(default)]
    extensions: Option<serde_json::Value>,
}

fn parse_request(body: &[u8]) -> Result<async_graphql::Request, &'static str> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| "the body is not valid JSON")?;
    if value.is_array() {
        return Err("batched requests are not supported: send one operation per request");
    }
    let body: RequestBody =
        serde_json::from_value(value).map_err(|_| "the body must be a JSON object")?;
    let Some(serde_json::Value::String(query)) = body.query else {
        return Err("the body must have a string \"query\"");
    };
    let operation_name = match body.operation_name {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(name)) => Some(name),
        Some(_) => return Err("\"operationName\" must be a string or null"),
    };
    let variables = match body.variables {
        None | Some(serde_json::Value::Null) => async_graphql::Variables::default(),
        Some(variables @ serde_json::Value::Object(_)) => {
            async_graphql::Variables::from_json(variables)
        }
        Some(_) => return Err("\"variables\" must be an object or null"),
    };
    if !matches!(
        body.extensions,
        None | Some(serde_json::Value::Null | serde_json::Value::Object(_))
    ) {
        return Err("\"extensions\" must be an object or null");
    }
    let mut request = async_graphql::Request::new(query).variables(variables);
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    Ok(request)
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
