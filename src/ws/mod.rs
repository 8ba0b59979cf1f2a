//! `GET /graphql/ws`: GraphQL over WebSocket with the `graphql-transport-ws`
//! protocol (the `graphql-ws` client library), implemented here because the
//! close codes clients rely on (4401, 4403, 4408, 4409, 4429) must be exact.
mod connection;
mod operation;
mod protocol;
mod slots;

pub use operation::{Executor, Responses};
pub use protocol::SubscribePayload;
pub use slots::ConnectionSlots;

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, State, WebSocketUpgrade},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

use crate::http::HttpState;

pub const SUBPROTOCOL: &str = "graphql-transport-ws";
/// Largest frame or message a client may send (a subscribe message with its query).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

pub async fn upgrade(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers, &state.app.config.cors_allowed_origins) {
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    let client = crate::http::client_addr(&headers, peer, state.app.config.trust_forwarded_for);
    // Taken before the upgrade, so that connections still upgrading count too.
    let slot = state.ws_slots.acquire(client);
    let ws = ws.protocols([SUBPROTOCOL]);
    let speaks_protocol = ws.selected_protocol().is_some();
    ws
        // Explicit, small buffers: tungstenite's defaults cost over 100 KB per idle
        // connection. Client messages are small; a larger one still grows the buffer.
        .read_buffer_size(1024)
        .write_buffer_size(0)
        .max_write_buffer_size(1024 * 1024)
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            match (speaks_protocol, slot) {
                (false, _) => {
                    connection::refuse(
                        socket,
                        protocol::close::SUBPROTOCOL_NOT_ACCEPTABLE,
                        "Subprotocol not acceptable",
                    )
                    .await
                }
                (true, Err(full)) => {
                    state.app.metrics.record_refusal("ws", full.limit());
                    connection::refuse(
                        socket,
                        protocol::close::TOO_MANY_REQUESTS,
                        "Too many connections",
                    )
                    .await
                }
                (true, Ok(slot)) => connection::serve(socket, state, client, slot).await,
            }
        })
}

/// Browsers always send Origin on a WebSocket: it must be an allowed origin, or
/// the server's own. Clients that are not browsers send none and are let in
/// (they authenticate with a token; there is no ambient cookie to abuse).
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    if allowed.iter().any(|a| a.trim() == origin) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    host.is_some_and(|host| {
        origin == format!("http://{host}") || origin == format!("https://{host}")
    })
}
