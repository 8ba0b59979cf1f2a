//! Failed-login budgets: per e-mail (guessing one account's password) and per
//! client address (trying many accounts), in a sliding 15-minute window. Only
//! failures count: an attempt is counted before the password is checked (so
//! attempts made at once cannot all slip through) and taken back if it
//! succeeds. Counted on this node and, with Redis, across all nodes; Redis's
//! counts decide whenever it answers.
use std::time::{Duration, Instant};

use super::{shared_failures::SharedFailures, FailureLimiter};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const FAILURES_PER_EMAIL: usize = 5;
const FAILURES_PER_CLIENT: usize = 30;

pub struct LoginLimits {
    per_email: FailureLimiter,
    per_client: FailureLimiter,
    shared: Option<SharedFailures>,
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

    /// Starts a login attempt, counted as a failure unless it `succeeded`:
    /// `Err(retry_after)` when the e-mail's or the client's budget is used up.
    /// With Redis its counts decide (they are the deployment's); when Redis
    /// cannot tell, this node's own do.
    pub async fn attempt(&self, email: &str, client: &str) -> Result<Attempt<'_>, Duration> {
        let mut attempt = Attempt {
            limits: self,
            email: email.to_owned(),
            client: client.to_owned(),
            held: Vec::new(),
        };
        for (scope, limiter, key) in self.budgets(email, client) {
            let local = limiter.reserve(key);
            if let Ok(at) = local {
                attempt.held.push(Held::Local { scope, at });
            }
            let shared = match &self.shared {
                Some(shared) => {
                    shared
                        .reserve(scope, key, limiter.max_failures(), WINDOW)
                        .await
                }
                None => None,
            };
            let verdict = match shared {
                Some(Ok(member)) => {
                    attempt.held.push(Held::Shared { scope, member });
                    Ok(())
                }
                Some(Err(retry_after)) => Err(retry_after),
                None => local.map(|_| ()),
            };
            if let Err(retry_after) = verdict {
                // Refused attempts are not failures: nothing stays counted.
                attempt.release().await;
                return Err(retry_after);
            }
        }
        Ok(attempt)
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

/// What an attempt holds in each count until it is known to have failed.
enum Held {
    Local { scope: &'static str, at: Instant },
    Shared { scope: &'static str, member: String },
}

/// A login attempt under way: a failure unless `succeeded` or `abandoned` is
/// called (so a request cut off midway counts as one).
pub struct Attempt<'a> {
    limits: &'a LoginLimits,
    email: String,
    client: String,
    held: Vec<Held>,
}

impl Attempt<'_> {
    /// The password was right: the attempt is taken back, and the e-mail's
    /// failures are forgotten (not the client's).
    pub async fn succeeded(mut self) {
        self.release().await;
        self.limits.per_email.clear(&self.email);
        if let Some(shared) = &self.limits.shared {
            shared.clear("email", &self.email).await;
        }
    }

    /// The password could not be checked (the database failed): taken back,
    /// neither a failure nor a success.
    pub async fn abandoned(mut self) {
        self.release().await;
    }

    async fn release(&mut self) {
        let limits = self.limits;
        for held in std::mem::take(&mut self.held) {
            match held {
                Held::Local { scope, at } => {
                    let (limiter, key) = self.budget(scope);
                    limiter.release(key, at);
                }
                Held::Shared { scope, member } => {
                    let (_, key) = self.budget(scope);
                    if let Some(shared) = &limits.shared {
                        shared.release(scope, key, &member).await;
                    }
                }
            }
        }
    }

    fn budget(&self, scope: &str) -> (&FailureLimiter, &str) {
        let budgets = self.limits.budgets(&self.email, &self.client);
        let (_, limiter, key) = budgets
            .into_iter()
            .find(|(name, ..)| *name == scope)
            .expect("an attempt holds only the budgets it was started with");
        (limiter, key)
    }
}
