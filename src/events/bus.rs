//! Publishing committed events: to this node's hub at once, and, with Redis, to
//! every other node through one channel. Redis pub/sub is at-most-once and
//! may be down: publishing never fails a mutation (the database already holds the
//! event), and subscribers fill any gap from the database.
use std::{sync::Arc, time::Duration};

use entity::events;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::{hub::SharedEvent, Hub};

/// Events waiting to be sent to Redis; past this, the oldest news is dropped
/// (subscribers elsewhere recover it from the database).
const PUBLISH_QUEUE: usize = 10_000;
const RECONNECT_MIN: Duration = Duration::from_millis(100);
const RECONNECT_MAX: Duration = Duration::from_secs(2);

pub struct Bus {
    hub: Arc<Hub>,
    redis: Option<mpsc::Sender<SharedEvent>>,
}

impl Bus {
    /// The embedded default: this node only.
    pub fn in_process() -> Self {
        Self {
            hub: Arc::new(Hub::default()),
            redis: None,
        }
    }

    /// Redis on `channel`: starts this node's one publisher and one subscriber.
    pub fn redis(client: redis::Client, channel: String) -> Self {
        let hub = Arc::new(Hub::default());
        let (sender, queue) = mpsc::channel(PUBLISH_QUEUE);
        tokio::spawn(publish_loop(client.clone(), channel.clone(), queue));
        tokio::spawn(subscribe_loop(client, channel, hub.clone()));
        Self {
            hub,
            redis: Some(sender),
        }
    }

    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    /// Called after commit with the events a write recorded.
    pub fn publish(&self, recorded: &[events::Model]) {
        for event in recorded {
            let event = Arc::new(event.clone());
            self.hub.deliver(event.clone());
            if let Some(queue) = &self.redis {
                if queue.try_send(event).is_err() {
                    tracing::warn!(
                        "event bus queue full; subscribers will catch up from the database"
                    );
                }
            }
        }
    }
}

async fn publish_loop(
    client: redis::Client,
    channel: String,
    mut queue: mpsc::Receiver<SharedEvent>,
) {
    let mut connection: Option<redis::aio::MultiplexedConnection> = None;
    while let Some(event) = queue.recv().await {
        let Ok(payload) = serde_json::to_string(&WireEvent::from(event.as_ref())) else {
            continue;
        };
        if connection.is_none() {
            connection = tokio::time::timeout(
                Duration::from_secs(1),
                client.get_multiplexed_async_connection(),
            )
            .await
            .ok()
            .and_then(Result::ok);
        }
        let Some(conn) = connection.as_mut() else {
            // Redis is down: this event reaches other nodes through the database.
            continue;
        };
        let sent = tokio::time::timeout(
            Duration::from_secs(1),
            redis::cmd("PUBLISH")
                .arg(&channel)
                .arg(payload)
                .query_async::<i64>(conn),
        )
        .await;
        if !matches!(sent, Ok(Ok(_))) {
            tracing::warn!("publishing to Redis failed; reconnecting");
            connection = None;
        }
    }
}

async fn subscribe_loop(client: redis::Client, channel: String, hub: Arc<Hub>) {
    let mut delay = RECONNECT_MIN;
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(&channel).await {
                Ok(()) => {
                    delay = RECONNECT_MIN;
                    // Whatever was published while we were away is in the database.
                    hub.resync();
                    let mut messages = pubsub.into_on_message();
                    while let Some(message) = messages.next().await {
                        let Ok(payload) = message.get_payload::<String>() else {
                            continue;
                        };
                        match serde_json::from_str::<WireEvent>(&payload) {
                            Ok(event) => hub.deliver(Arc::new(event.into())),
                            Err(error) => {
                                tracing::warn!(error = %error, "unreadable event on the bus")
                            }
                        }
                    }
                    tracing::warn!("lost the Redis subscription; reconnecting");
                }
                Err(error) => tracing::warn!(error = %error, "subscribing to Redis failed"),
            },
            Err(error) => tracing::debug!(error = %error, "Redis unreachable"),
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(RECONNECT_MAX);
    }
}

/// An event as it travels between nodes.
#[derive(serde::Serialize, serde::Deserialize)]
struct WireEvent {
    id: i64,
    stream: String,
    sequence: i64,
    kind: String,
    actor_user_id: Option<i64>,
    subject_type: String,
    subject_id: i64,
    payload: String,
    occurred_at: chrono::DateTime<chrono::Utc>,
}

impl From<&events::Model> for WireEvent {
    fn from(e: &events::Model) -> Self {
        Self {
            id: e.id,
            stream: e.stream.clone(),
            sequence: e.sequence,
            kind: e.kind.clone(),
            actor_user_id: e.actor_user_id,
            subject_type: e.subject_type.clone(),
            subject_id: e.subject_id,
            payload: e.payload.clone(),
            occurred_at: e.occurred_at,
        }
    }
}

impl From<WireEvent> for events::Model {
    fn from(e: WireEvent) -> Self {
        Self {
            id: e.id,
            stream: e.stream,
            sequence: e.sequence,
            kind: e.kind,
            actor_user_id: e.actor_user_id,
            subject_type: e.subject_type,
            subject_id: e.subject_id,
            payload: e.payload,
            occurred_at: e.occurred_at,
        }
    }
}
