//! GraphiQL on `GET /graphql`, served entirely from this binary: pinned
//! production builds of graphiql, react and react-dom (vendored under
//! `assets/graphiql/` with their licences), so the page works with no internet
//! access and under a strict Content-Security-Policy (no inline script).
use axum::{
    extract::{Path, State},
    http::{header, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
};

use super::{responses::graphql_error, HttpState};
use crate::error::codes;

/// GraphiQL's settings dialog inserts a `<style>` element: styles may be inline.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; \
    connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE: &[u8] = include_bytes!("../../assets/graphiql/index.html");

/// name, content type, bytes
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
    (
        "init.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/init.js"),
    ),
];

pub async fn page(State(state): State<HttpState>, uri: Uri) -> Response {
    if uri.query().is_some_and(|q| !q.is_empty()) {
        let mut response = graphql_error(
            StatusCode::METHOD_NOT_ALLOWED,
            codes::BAD_USER_INPUT,
            "operations must be sent with POST and Content-Type: application/json",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    if !state.app.config.graphiql {
        return graphql_error(
            StatusCode::NOT_FOUND,
            codes::NOT_FOUND,
            "GraphiQL is turned off",
        );
    }
    asset_response("text/html; charset=utf-8", PAGE, "no-cache")
}

pub async fn asset(State(state): State<HttpState>, Path(name): Path<String>) -> Response {
    let found = ASSETS.iter().find(|(asset, _, _)| *asset == name);
    match found {
        Some((_, content_type, bytes)) if state.app.config.graphiql => {
            asset_response(content_type, bytes, "public, max-age=86400")
        }
        _ => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn asset_response(
    content_type: &'static str,
    bytes: &'static [u8],
    cache: &'static str,
) -> Response {
    let mut response = Response::new(axum::body::Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
