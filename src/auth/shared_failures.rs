//! Failed-login counts shared by every node through Redis, so that N nodes
//! behind a load balancer do not give an attacker N times the budget.
//!
//! Each key (an e-mail or a client address, hashed: no addresses in Redis) is a
//! sorted set of failure times in milliseconds, trimmed to the window on every
//! look and expiring with it. Redis is a help here, not a dependency: when it
//! is slow or down, every call gives up within `TIMEOUT` and the node's own
//! counts still apply, so logins neither hang nor fail because of it.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand_core::RngCore;
use redis::aio::MultiplexedConnection;
use tokio::{sync::Mutex, time::Instant};

use super::token;

/// Longest a login waits for Redis.
const TIMEOUT: Duration = Duration::from_millis(250);
/// After a failed connection, how long to go without Redis before trying again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

pub struct SharedFailures {
    client: redis::Client,
    prefix: String,
    connection: Mutex<Connection>,
}

#[derive(Default)]
struct Connection {
    open: Option<MultiplexedConnection>,
    failed_at: Option<Instant>,
}

impl SharedFailures {
    /// Counts kept under `prefix` (a deployment's nodes share it).
    pub fn new(client: redis::Client, prefix: impl Into<String>) -> Self {
        Self {
            client,
            prefix: prefix.into(),
            connection: Mutex::new(Connection::default()),
        }
    }

    /// The failures of `key` in the last `window`, and when the oldest of them
    /// leaves it; None when Redis cannot tell.
    pub async fn recent(
        &self,
        scope: &str,
        key: &str,
        window: Duration,
    ) -> Option<(usize, Duration)> {
        let key = self.key(scope, key);
        let now = now_millis();
        let cutoff = now.saturating_sub(millis(window));
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("ZREMRANGEBYSCORE")
            .arg(&key)
            .arg("-inf")
            .arg(cutoff)
            .ignore()
            .cmd("ZCARD")
            .arg(&key)
            .cmd("ZRANGE")
            .arg(&key)
            .arg(0)
            .arg(0)
            .arg("WITHSCORES");
        let (count, oldest): (usize, Vec<(String, u64)>) = self.run(&pipe).await?;
        let leaves_in = oldest
            .first()
            .map(|(_, at)| millis(window).saturating_sub(now.saturating_sub(*at)))
            .unwrap_or(0);
        Some((count, Duration::from_millis(leaves_in)))
    }

    pub async fn record(&self, scope: &str, key: &str, window: Duration) {
        let key = self.key(scope, key);
        let now = now_millis();
        // Unique per failure: two at the same millisecond both count.
        let member = format!("{now}:{}", rand_core::OsRng.next_u64());
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("ZADD")
            .arg(&key)
            .arg(now)
            .arg(member)
            .ignore()
            .cmd("PEXPIRE")
            .arg(&key)
            .arg(millis(window))
            .ignore();
        let _: Option<()> = self.run(&pipe).await;
    }

    pub async fn clear(&self, scope: &str, key: &str) {
        let mut pipe = redis::pipe();
        pipe.cmd("DEL").arg(self.key(scope, key)).ignore();
        let _: Option<()> = self.run(&pipe).await;
    }

    fn key(&self, scope: &str, key: &str) -> String {
        format!(
            "{}:login-failures:{scope}:{}",
            self.prefix,
            token::hash(key)
        )
    }

    async fn run<T: redis::FromRedisValue>(&self, pipe: &redis::Pipeline) -> Option<T> {
        let mut connection = self.connect().await?;
        match tokio::time::timeout(TIMEOUT, pipe.query_async::<T>(&mut connection)).await {
            Ok(Ok(value)) => Some(value),
            _ => {
                tracing::warn!(
                    "shared login limits: Redis did not answer; using this node's counts"
                );
                let mut slot = self.connection.lock().await;
                slot.open = None;
                slot.failed_at = Some(Instant::now());
                None
            }
        }
    }

    async fn connect(&self) -> Option<MultiplexedConnection> {
        let mut slot = self.connection.lock().await;
        if slot.open.is_none() {
            if slot.failed_at.is_some_and(|at| at.elapsed() < RETRY_AFTER) {
                return None;
            }
            let opened =
                tokio::time::timeout(TIMEOUT, self.client.get_multiplexed_async_connection()).await;
            match opened {
                Ok(Ok(connection)) => slot.open = Some(connection),
                _ => slot.failed_at = Some(Instant::now()),
            }
        }
        slot.open.clone()
    }
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, millis)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
