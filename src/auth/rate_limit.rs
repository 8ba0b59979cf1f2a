//! Counts failed attempts per key (an e-mail, a client address) in a sliding
//! window, on this node. Only failures count, so a user who types their
//! password right is never slowed down. (`LoginLimits` adds the counts all
//! nodes share through Redis.)
use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

pub struct FailureLimiter {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl FailureLimiter {
    /// Upper bound on tracked keys, so a flood of distinct keys cannot grow memory.
    const MAX_KEYS: usize = 100_000;

    pub fn new(max_failures: usize, window: Duration) -> Self {
        Self {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    pub fn max_failures(&self) -> usize {
        self.max_failures
    }

    /// `Err(retry_after)` when `key` has used up its failures in the window.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let Some(times) = failures.get_mut(key) else {
            return Ok(());
        };
        Self::forget_old(times, now, self.window);
        if times.len() >= self.max_failures {
            let oldest = times.front().copied().unwrap_or(now);
            Err(self
                .window
                .saturating_sub(now - oldest)
                .max(Duration::from_secs(1)))
        } else {
            Ok(())
        }
    }

    pub fn record_failure(&self, key: &str) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= Self::MAX_KEYS {
            let window = self.window;
            failures.retain(|_, times| {
                Self::forget_old(times, now, window);
                !times.is_empty()
            });
        }
        let times = failures.entry(key.to_owned()).or_default();
        Self::forget_old(times, now, self.window);
        times.push_back(now);
    }

    pub fn clear(&self, key: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(key);
    }

    fn forget_old(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
        while times.front().is_some_and(|t| now - *t >= window) {
            times.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_allowed_failures_and_forgets_them_after_the_window() {
        let limiter = FailureLimiter::new(2, Duration::from_millis(50));
        limiter.record_failure("a");
        assert!(limiter.check("a").is_ok());
        limiter.record_failure("a");
        assert!(limiter.check("a").is_err());
        assert!(limiter.check("b").is_ok());
        std::thread::sleep(Duration::from_millis(60));
        assert!(limiter.check("a").is_ok());
    }
}
