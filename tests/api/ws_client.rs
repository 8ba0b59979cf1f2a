//! A `graphql-transport-ws` client over a real WebSocket, for the tests.
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    tungstenite::{client::IntoClientRequest, http::HeaderValue, protocol::CloseFrame, Message},
    MaybeTlsStream, WebSocketStream,
};

use crate::helpers::TestApp;

pub const WAIT: Duration = Duration::from_secs(15);

/// The cursor before any event of a stream (`after` it replays everything).
pub const FROM_THE_START: &str = "eyJpIjowfQ";

pub struct WsClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// How a connection ended, or what came instead.
#[derive(Debug, PartialEq)]
pub enum Received {
    Message(Value),
    Closed(Option<u16>),
}

impl WsClient {
    pub async fn connect(app: &TestApp) -> Self {
        Self::connect_with(app, Some("graphql-transport-ws"), None)
            .await
            .expect("the WebSocket opens")
    }

    pub async fn connect_with(
        app: &TestApp,
        protocol: Option<&str>,
        origin: Option<&str>,
    ) -> Result<Self, tokio_tungstenite::tungstenite::Error> {
        Self::connect_to(&app.address.to_string(), protocol, origin).await
    }

    pub async fn connect_to(
        address: &str,
        protocol: Option<&str>,
        origin: Option<&str>,
    ) -> Result<Self, tokio_tungstenite::tungstenite::Error> {
        let mut request = format!("ws://{address}/graphql/ws").into_client_request()?;
        if let Some(protocol) = protocol {
            request.headers_mut().insert(
                "sec-websocket-protocol",
                HeaderValue::from_str(protocol).unwrap(),
            );
        }
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", HeaderValue::from_str(origin).unwrap());
        }
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(Self { socket })
    }

    /// Opens a connection and completes `connection_init` (with a token, or anonymous).
    pub async fn ready(app: &TestApp, token: Option<&str>) -> Self {
        Self::ready_at(&app.address.to_string(), token).await
    }

    /// Like `ready`, for a node at `address` (e.g. a node running as its own process).
    pub async fn ready_at(address: &str, token: Option<&str>) -> Self {
        let mut client = Self::connect_to(address, Some("graphql-transport-ws"), None)
            .await
            .expect("the WebSocket opens");
        client.init(token).await;
        assert_eq!(
            client.receive().await,
            Received::Message(json!({ "type": "connection_ack" }))
        );
        client
    }

    pub async fn init(&mut self, token: Option<&str>) {
        let payload = match token {
            Some(token) => json!({ "authorization": format!("Bearer {token}") }),
            None => json!({}),
        };
        self.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
    }

    pub async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::Text(message.to_string().into()))
            .await
            .expect("sent");
    }

    pub async fn send_raw(&mut self, message: Message) {
        let _ = self.socket.send(message).await;
    }

    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "type": "subscribe", "id": id, "payload": { "query": query, "variables": variables } })).await;
    }

    /// The next protocol message or the close, within `WAIT`.
    pub async fn receive(&mut self) -> Received {
        loop {
            let frame = tokio::time::timeout(WAIT, self.socket.next())
                .await
                .expect("an answer within the wait");
            match frame {
                Some(Ok(Message::Text(text))) => {
                    return Received::Message(serde_json::from_str(&text).expect("JSON"))
                }
                Some(Ok(Message::Close(frame))) => {
                    return Received::Closed(frame.map(|f: CloseFrame| f.code.into()))
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Received::Closed(None),
            }
        }
    }

    /// The payload of the next `next` message for `id`.
    pub async fn next_data(&mut self, id: &str) -> Value {
        match self.receive().await {
            Received::Message(message) if message["type"] == "next" && message["id"] == id => {
                assert!(message["payload"].get("errors").is_none(), "{message:#}");
                message["payload"]["data"].clone()
            }
            other => panic!("expected next for {id}, got {other:?}"),
        }
    }

    /// Asserts that the next message is the `error` of `id`, with `code`.
    pub async fn expect_error(&mut self, id: &str, code: &str) {
        match self.receive().await {
            Received::Message(m) if m["type"] == "error" && m["id"] == id => {
                assert_eq!(m["payload"][0]["extensions"]["code"], code, "{m:#}")
            }
            other => panic!("expected the error of {id}, got {other:?}"),
        }
    }

    pub async fn close_code(&mut self) -> Option<u16> {
        loop {
            if let Received::Closed(code) = self.receive().await {
                return code;
            }
        }
    }

    /// Waits up to `wait` for a message; None if nothing came.
    pub async fn try_receive(&mut self, wait: Duration) -> Option<Received> {
        let frame = tokio::time::timeout(wait, self.socket.next()).await.ok()?;
        match frame {
            Some(Ok(Message::Text(text))) => {
                Some(Received::Message(serde_json::from_str(&text).ok()?))
            }
            Some(Ok(Message::Close(frame))) => Some(Received::Closed(frame.map(|f| f.code.into()))),
            _ => Some(Received::Closed(None)),
        }
    }
}
