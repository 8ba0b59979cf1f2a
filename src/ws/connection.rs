//! One WebSocket connection: the protocol's state machine.
use std::{net::IpAddr, sync::Arc, time::Duration};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use tokio::time::{interval, sleep, timeout, MissedTickBehavior};
use tokio_stream::StreamMap;

use super::{
    operation::{Executor, Responses},
    protocol::{close, ClientMessage, ServerMessage},
    slots::Slot,
};
use crate::{
    auth::Actor,
    graphql::limits::{self, truncate},
    http::HttpState,
    services::accounts,
};

/// A client that does not take a message within this time is too slow: closed.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest operation id a client may choose.
const MAX_ID_BYTES: usize = 128;

enum Next {
    Continue,
    Close(u16, String),
}

struct Connection {
    state: HttpState,
    client: IpAddr,
    /// Set by `connection_init`: runs the operations, as the signed-in user if any.
    executor: Option<Arc<Executor>>,
    subscriptions: StreamMap<String, Responses>,
}

pub async fn serve(socket: WebSocket, state: HttpState, client: IpAddr, _slot: Slot) {
    let (mut sink, mut source) = socket.split();
    let config = state.app.config.clone();
    let mut connection = Connection {
        state,
        client,
        executor: None,
        subscriptions: StreamMap::new(),
    };
    // One timer for both deadlines: `connection_init` in time, then, for an
    // anonymous connection, a subscription within the idle time.
    let deadline = sleep(config.ws_init_timeout());
    tokio::pin!(deadline);
    let mut idle_armed = false;
    let mut session_check = interval(config.ws_session_check());
    session_check.set_missed_tick_behavior(MissedTickBehavior::Delay);

    // When this connection last delivered an event (or was opened): an
    // anonymous connection without a subscription is closed that long after
    // it. Queries answered over the socket do not count, or a client could
    // keep a connection by asking for `__typename` once a minute.
    let mut last_event = tokio::time::Instant::now();
    let outcome = loop {
        let idle = connection
            .executor
            .as_ref()
            .is_some_and(|e| e.session_id().is_none())
            && connection.subscriptions.is_empty();
        if idle != idle_armed {
            idle_armed = idle;
            if idle {
                deadline
                    .as_mut()
                    .reset(last_event + config.ws_anonymous_idle());
            }
        }
        tokio::select! {
            () = &mut deadline, if connection.executor.is_none() || idle_armed => {
                if connection.executor.is_none() {
                    break Next::Close(close::INIT_TIMEOUT, "Connection initialisation timeout".into());
                }
                connection.state.app.metrics.record_refusal("ws", "anonymous_idle");
                break Next::Close(close::IDLE, "idle: no subscription".into());
            }
            frame = source.next() => {
                let next = match frame {
                    // Boxed: the connection's state machine lives as long as the
                    // connection, and would otherwise be sized by this (database) future.
                    Some(Ok(Message::Text(text))) => Box::pin(connection.receive(text.as_str(), &mut sink)).await,
                    Some(Ok(Message::Binary(_))) => Next::Close(close::BAD_REQUEST, "binary frames are not supported".into()),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => Next::Continue,
                    // A message over the size limit, or a frame the protocol refuses.
                    Some(Err(error)) if is_capacity(&error) => {
                        connection.state.app.metrics.record_refusal("ws", "message_size");
                        Next::Close(close::BAD_REQUEST, "message too large".into())
                    }
                    // Closed by the client, or the connection broke.
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break Next::Continue,
                };
                if let Next::Close(..) = next {
                    break next;
                }
            }
            Some((id, reply)) = connection.subscriptions.next(), if !connection.subscriptions.is_empty() => {
                if reply.as_ref().is_some_and(|reply| reply.event) {
                    last_event = tokio::time::Instant::now();
                }
                let sent = match reply.as_ref().map(|reply| &reply.response) {
                    Some(response) if response.is_err() && response.data == async_graphql::Value::Null => {
                        connection.subscriptions.remove(&id);
                        send(&mut sink, &ServerMessage::Error { id: &id, payload: &response.errors }).await
                    }
                    Some(response) => send(&mut sink, &ServerMessage::Next { id: &id, payload: response }).await,
                    None => {
                        connection.subscriptions.remove(&id);
                        send(&mut sink, &ServerMessage::Complete { id: &id }).await
                    }
                };
                if !sent {
                    break Next::Continue;
                }
            }
            _ = session_check.tick(), if connection.session_id().is_some() => {
                if let Some(executor) = connection.executor.clone() {
                    let checked = check_session(connection.state.app.db.clone(), executor);
                    if let Next::Close(code, reason) = Box::pin(checked).await {
                        break Next::Close(code, reason);
                    }
                }
            }
        }
    };
    if let Next::Close(code, reason) = outcome {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = timeout(SEND_TIMEOUT, sink.send(Message::Close(Some(frame)))).await;
    }
}

/// Closes a socket at once with a protocol close code.
pub async fn refuse(mut socket: WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = timeout(SEND_TIMEOUT, socket.send(Message::Close(Some(frame)))).await;
}

async fn send(
    sink: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    message: &ServerMessage<'_>,
) -> bool {
    let Ok(text) = serde_json::to_string(message) else {
        return false;
    };
    matches!(
        timeout(SEND_TIMEOUT, sink.send(Message::Text(text.into()))).await,
        Ok(Ok(()))
    )
}

impl Connection {
    async fn receive(
        &mut self,
        text: &str,
        sink: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    ) -> Next {
        if let Err(refusal) = limits::check_json(text.as_bytes()) {
            self.state.app.metrics.record_refusal("ws", refusal.limit());
            return Next::Close(close::BAD_REQUEST, "Invalid message received".into());
        }
        let Ok(message) = serde_json::from_str::<ClientMessage>(text) else {
            return Next::Close(close::BAD_REQUEST, "Invalid message received".into());
        };
        match message {
            ClientMessage::ConnectionInit { payload } => {
                if self.executor.is_some() {
                    return Next::Close(
                        close::TOO_MANY_REQUESTS,
                        "Too many initialisation requests".into(),
                    );
                }
                match authenticate(&self.state.app.db, payload).await {
                    Ok(viewer) => {
                        self.executor = Some(Arc::new(Executor::new(
                            self.state.schema.clone(),
                            self.state.shape.clone(),
                            &self.state.app,
                            viewer,
                            self.client,
                        )));
                        if !send(sink, &ServerMessage::ConnectionAck).await {
                            return Next::Close(close::BAD_REQUEST, "send failed".into());
                        }
                        Next::Continue
                    }
                    Err(reason) => Next::Close(close::FORBIDDEN, reason),
                }
            }
            ClientMessage::Ping { payload } => {
                send(sink, &ServerMessage::Pong { payload }).await;
                Next::Continue
            }
            ClientMessage::Pong { .. } => Next::Continue,
            ClientMessage::Subscribe { id, payload } => {
                let Some(executor) = &self.executor else {
                    return Next::Close(close::UNAUTHORIZED, "Unauthorized".into());
                };
                if id.len() > MAX_ID_BYTES {
                    return Next::Close(close::BAD_REQUEST, "Invalid message received".into());
                }
                if self.subscriptions.contains_key(&id) {
                    return Next::Close(
                        close::SUBSCRIBER_EXISTS,
                        format!("Subscriber for {} already exists", truncate(&id, 32)),
                    );
                }
                let config = &self.state.app.config;
                let (most, anonymous) = match executor.session_id() {
                    Some(_) => (config.ws_max_subscriptions, false),
                    None => (config.ws_max_anonymous_subscriptions, true),
                };
                if self.subscriptions.len() >= most {
                    let limit = if anonymous {
                        "anonymous_subscriptions"
                    } else {
                        "subscriptions"
                    };
                    self.state.app.metrics.record_refusal("ws", limit);
                    return Next::Close(close::TOO_MANY_REQUESTS, "Too many subscriptions".into());
                }
                if payload.query.len() > config.ws_max_document_bytes {
                    self.state.app.metrics.record_refusal("ws", "document_size");
                    let message = format!(
                        "the document is over {} bytes",
                        config.ws_max_document_bytes
                    );
                    let error = limits::bad_input(message);
                    let sent = send(
                        sink,
                        &ServerMessage::Error {
                            id: &id,
                            payload: &[error],
                        },
                    )
                    .await;
                    return if sent {
                        Next::Continue
                    } else {
                        Next::Close(close::BAD_REQUEST, "send failed".into())
                    };
                }
                let responses = executor.start(payload);
                self.subscriptions.insert(id, responses);
                Next::Continue
            }
            ClientMessage::Complete { id } => {
                self.subscriptions.remove(&id);
                Next::Continue
            }
        }
    }
}

/// A message or frame over the size limit.
fn is_capacity(error: &axum::Error) -> bool {
    use std::error::Error as _;
    error
        .source()
        .and_then(|source| source.downcast_ref::<tokio_tungstenite::tungstenite::Error>())
        .is_some_and(|error| matches!(error, tokio_tungstenite::tungstenite::Error::Capacity(_)))
}

/// The `connection_init` payload may carry `{"authorization": "Bearer …"}`;
/// without one the connection is anonymous (public data only).
async fn authenticate(
    db: &sea_orm::DatabaseConnection,
    payload: Option<serde_json::Value>,
) -> Result<Option<Actor>, String> {
    let header = payload
        .as_ref()
        .and_then(|p| p.get("authorization").or_else(|| p.get("Authorization")))
        .and_then(|v| v.as_str());
    let Some(header) = header else {
        return Ok(None);
    };
    let token = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .ok_or("Forbidden: use Bearer <token>")?;
    match accounts::authenticate(db, token).await {
        Ok(Some(actor)) => Ok(Some(actor)),
        Ok(None) => Err("Forbidden: the session token is invalid or has expired".into()),
        Err(_) => Err("Forbidden: the session could not be checked".into()),
    }
}

impl Connection {
    fn session_id(&self) -> Option<i64> {
        self.executor.as_ref().and_then(|e| e.session_id())
    }
}

/// Ends the connection if its session has ended; otherwise reloads the viewer's
/// roles and memberships, which later deliveries are checked against. A failed
/// check keeps the connection as it is: only a known-ended session closes it.
async fn check_session(db: sea_orm::DatabaseConnection, executor: Arc<Executor>) -> Next {
    let Some(session_id) = executor.session_id() else {
        return Next::Continue;
    };
    match accounts::session_actor(&db, session_id).await {
        Ok(Some(actor)) => executor.refresh(actor),
        Ok(None) => {
            return Next::Close(close::FORBIDDEN, "Forbidden: the session has ended".into())
        }
        Err(_) => {}
    }
    Next::Continue
}
