//! Failed-login budgets: per e-mail (guessing one account's password) and per
//! client address (trying many accounts), in a sliding 15-minute window. Only
//! failures count. Counted on this node and, with Redis, across all nodes: a
//! budget is used up when either count says so.
use std::time::Duration;

use super::{shared_failures::SharedFailures, FailureLimiter};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const FAILURES_PER_EMAIL: usize = 5;
const FAILURES_PER_CLIENT: usize = 30;

pub struct LoginLimits {
    per_email: FailureLimiter,
    per_client: FailureLimiter,
    shared: Option<SharedFailures>,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self::new(None)
    }
}

impl LoginLimits {
    /// `shared`: the counts all nodes see (Redis), if there is more than one node.
    pub fn new(shared: Option<SharedFailures>) -> Self {
        Self {
            per_email: FailureLimiter::new(FAILURES_PER_EMAIL, WINDOW),
            per_client: FailureLimiter::new(FAILURES_PER_CLIENT, WINDOW),
            shared,
        }
    }

    /// `Err(retry_after)` when the e-mail's or the client's budget is used up.
    pub async fn check(&self, email: &str, client: &str) -> Result<(), Duration> {
        for (scope, limiter, key) in self.budgets(email, client) {
            limiter.check(key)?;
            let Some(shared) = &self.shared else {
                continue;
            };
            if let Some((failures, oldest_leaves_in)) = shared.recent(scope, key, WINDOW).await {
                if failures >= limiter.max_failures() {
                    return Err(oldest_leaves_in.max(Duration::from_secs(1)));
                }
            }
        }
        Ok(())
    }

    pub async fn record_failure(&self, email: &str, client: &str) {
        for (scope, limiter, key) in self.budgets(email, client) {
            limiter.record_failure(key);
            if let Some(shared) = &self.shared {
                shared.record(scope, key, WINDOW).await;
            }
        }
    }

    /// A successful login clears its e-mail's count (not its client's).
    pub async fn clear(&self, email: &str) {
        self.per_email.clear(email);
        if let Some(shared) = &self.shared {
            shared.clear("email", email).await;
        }
    }

    fn budgets<'a>(
        &'a self,
        email: &'a str,
        client: &'a str,
    ) -> [(&'static str, &'a FailureLimiter, &'a str); 2] {
        [
            ("email", &self.per_email, email),
            ("client", &self.per_client, client),
        ]
    }
}
