//! Failed-login counts shared by every node through Redis, so that N nodes
//! behind a load balancer do not give an attacker N times the budget.
//!
//! Each key (an e-mail or a client address, under its SHA-256: not readable at a
//! glance, though a determined reader of Redis could guess them back) is a sorted
//! set of attempt times in milliseconds, trimmed to the window on every look and
//! expiring with it. An attempt is counted before the password is checked, in one
//! script with the check, and taken back if it succeeds. Redis is a help here,
//! not a dependency: when it is slow or down, a call gives up within `TIMEOUT`
//! (twice that if it must connect first) and the node's own counts decide, so
//! logins neither hang nor fail because of it.
use std::{
    sync::{Arc, LazyLock},
    time::Duration,
};

use rand_core::RngCore;
use redis::aio::MultiplexedConnection;
use tokio::{sync::Mutex, time::Instant};

use super::token;

/// Longest a login waits for Redis.
const TIMEOUT: Duration = Duration::from_millis(500);
/// After a failed connection, how long to go without Redis before trying again.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// How often a taken-back attempt is sent before it is left to expire.
const TAKE_BACK_TRIES: u32 = 10;

/// KEYS[1]: the sorted set; ARGV: window (ms), budget, a new unique member.
/// Returns {1, 0} when the attempt is counted, {0, retry_after_ms} when the
/// budget is used up (until the failure whose leaving frees a slot leaves).
static RESERVE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
        redis.replicate_commands() -- TIME before writes: Redis before 5 needs this
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local window = tonumber(ARGV[1])
        local budget = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        local count = redis.call('ZCARD', KEYS[1])
        if count >= budget then
            local freeing = redis.call('ZRANGE', KEYS[1], count - budget, count - budget, 'WITHSCORES')
            return {0, math.max(1000, tonumber(freeing[2]) + window - now)}
        end
        redis.call('ZADD', KEYS[1], now, ARGV[3])
        redis.call('PEXPIRE', KEYS[1], window)
        return {1, 0}
        ",
    )
});

pub struct SharedFailures {
    client: redis::Client,
    prefix: String,
    connection: Arc<Mutex<Connection>>,
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
            connection: Arc::new(Mutex::new(Connection::default())),
        }
    }

    /// Counts an attempt for `key` before it is made, in one step with the
    /// check (a script, so attempts made at once on any node cannot all pass):
    /// `Some(Ok(member))` (take it back with `release` if it succeeds),
    /// `Some(Err(retry_after))` when the budget is used up, None when Redis
    /// cannot tell. Times are Redis's own clock, so nodes' clocks do not matter.
    pub async fn reserve(
        &self,
        scope: &str,
        key: &str,
        max_failures: usize,
        window: Duration,
    ) -> Option<Result<String, Duration>> {
        let member = format!("{:016x}", rand_core::OsRng.next_u64());
        let mut invocation = RESERVE.key(self.key(scope, key));
        invocation
            .arg(millis(window))
            .arg(max_failures)
            .arg(&member);
        let mut connection = self.connect().await?;
        let reply = tokio::time::timeout(
            TIMEOUT,
            invocation.invoke_async::<(i64, u64)>(&mut connection),
        )
        .await;
        match reply {
            Ok(Ok((1, _))) => Some(Ok(member)),
            Ok(Ok((_, retry_after_ms))) => Some(Err(Duration::from_millis(retry_after_ms))),
            failed => {
                match failed {
                    Ok(Err(error)) => tracing::warn!(error = %error, "shared login limits: Redis failed; using this node's counts"),
                    _ => tracing::warn!("shared login limits: Redis did not answer in time; using this node's counts"),
                }
                self.disconnect().await;
                // The script may have run all the same: this node's counts
                // decide this attempt, so it must not count there too.
                self.release(scope, key, &member).await;
                None
            }
        }
    }

    /// Takes back an attempt that did not fail.
    pub async fn release(&self, scope: &str, key: &str, member: &str) {
        let mut pipe = redis::pipe();
        pipe.cmd("ZREM")
            .arg(self.key(scope, key))
            .arg(member)
            .ignore();
        self.send_until_taken(pipe).await;
    }

    pub async fn clear(&self, scope: &str, key: &str) {
        let mut pipe = redis::pipe();
        pipe.cmd("DEL").arg(self.key(scope, key)).ignore();
        self.send_until_taken(pipe).await;
    }

    /// Sends a change that must land even through a hiccup of Redis (a
    /// taken-back attempt left behind would count as a failure): at once on the
    /// open connection, in order with what this node sends next; failing that,
    /// from a task of its own, so no login waits for it, tried again for a
    /// while, past the back-off that spares logins from a Redis that is down.
    async fn send_until_taken(&self, pipe: redis::Pipeline) {
        let open = self.connection.lock().await.open.clone();
        if send(&pipe, open).await {
            return;
        }
        let client = self.client.clone();
        let shared = self.connection.clone();
        tokio::spawn(async move {
            for _ in 0..TAKE_BACK_TRIES {
                let open = shared.lock().await.open.clone();
                let connection = match open {
                    Some(connection) => Some(connection),
                    None => open_connection(&client).await,
                };
                if send(&pipe, connection).await {
                    return;
                }
                tokio::time::sleep(RETRY_AFTER).await;
            }
            tracing::warn!("shared login limits: a taken-back attempt did not reach Redis; it expires with its window");
        });
    }

    fn key(&self, scope: &str, key: &str) -> String {
        format!(
            "{}:login-failures:{scope}:{}",
            self.prefix,
            token::hash(key)
        )
    }

    async fn disconnect(&self) {
        let mut slot = self.connection.lock().await;
        slot.open = None;
        slot.failed_at = Some(Instant::now());
    }

    async fn connect(&self) -> Option<MultiplexedConnection> {
        let mut slot = self.connection.lock().await;
        if slot.open.is_none() {
            if slot.failed_at.is_some_and(|at| at.elapsed() < RETRY_AFTER) {
                return None;
            }
            slot.open = open_connection(&self.client).await;
            if slot.open.is_none() {
                slot.failed_at = Some(Instant::now());
            }
        }
        slot.open.clone()
    }
}

async fn open_connection(client: &redis::Client) -> Option<MultiplexedConnection> {
    tokio::time::timeout(TIMEOUT, client.get_multiplexed_async_connection())
        .await
        .ok()
        .and_then(Result::ok)
}

/// Whether `pipe` was taken, on `connection` if there is one.
async fn send(pipe: &redis::Pipeline, connection: Option<MultiplexedConnection>) -> bool {
    let Some(mut connection) = connection else {
        return false;
    };
    let sent = tokio::time::timeout(TIMEOUT, pipe.query_async::<()>(&mut connection)).await;
    matches!(sent, Ok(Ok(())))
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
