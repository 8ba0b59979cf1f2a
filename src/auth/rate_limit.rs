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

    /// Counts an attempt for `key` before it is made, in one step with the
    /// check, so that attempts made at once cannot all pass the check:
    /// `Ok(at)` (release it with `release(key, at)` if it succeeds), or
    /// `Err(retry_after)` when `key` has used up its failures in the window.
    pub fn reserve(&self, key: &str) -> Result<Instant, Duration> {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= Self::MAX_KEYS && !failures.contains_key(key) {
            let window = self.window;
            failures.retain(|_, times| {
                Self::forget_old(times, now, window);
                !times.is_empty()
            });
            if failures.len() >= Self::MAX_KEYS {
                Self::evict_least_recent(&mut failures, Self::MAX_KEYS / 10);
            }
        }
        let times = failures.entry(key.to_owned()).or_default();
        Self::forget_old(times, now, self.window);
        if times.len() >= self.max_failures {
            // Below the budget again once this one leaves the window.
            let freeing = times[times.len() - self.max_failures];
            return Err(self
                .window
                .saturating_sub(now - freeing)
                .max(Duration::from_secs(1)));
        }
        times.push_back(now);
        Ok(now)
    }

    /// Takes back an attempt that did not fail.
    pub fn release(&self, key: &str, at: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(times) = failures.get_mut(key) {
            if let Some(position) = times.iter().position(|t| *t == at) {
                times.remove(position);
            }
            if times.is_empty() {
                failures.remove(key);
            }
        }
    }

    pub fn clear(&self, key: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(key);
    }

    /// Forgets the `count` keys whose last failure is oldest: the map never
    /// holds more than `MAX_KEYS`, whatever a flood of distinct keys does.
    fn evict_least_recent(failures: &mut HashMap<String, VecDeque<Instant>>, count: usize) {
        let mut by_age: Vec<(Instant, String)> = failures
            .iter()
            .filter_map(|(key, times)| Some((*times.back()?, key.clone())))
            .collect();
        let count = count.min(by_age.len());
        if count == 0 {
            return;
        }
        by_age.select_nth_unstable_by_key(count - 1, |(last, _)| *last);
        for (_, key) in by_age.into_iter().take(count) {
            failures.remove(&key);
        }
    }

    /// Keys tracked now (for tests).
    pub fn tracked_keys(&self) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
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
        assert!(limiter.reserve("a").is_ok());
        assert!(limiter.reserve("a").is_ok());
        assert!(limiter.reserve("a").is_err());
        assert!(limiter.reserve("b").is_ok());
        std::thread::sleep(Duration::from_millis(60));
        assert!(limiter.reserve("a").is_ok());
    }

    #[test]
    fn a_flood_of_distinct_keys_stays_under_the_key_cap() {
        let limiter = FailureLimiter::new(5, Duration::from_secs(60));
        for i in 0..FailureLimiter::MAX_KEYS + 5_000 {
            let _ = limiter.reserve(&format!("flood{i}@example.org"));
        }
        assert!(limiter.tracked_keys() <= FailureLimiter::MAX_KEYS);
        // The newest keys are still counted.
        let last = format!("flood{}@example.org", FailureLimiter::MAX_KEYS + 4_999);
        for _ in 0..4 {
            assert!(limiter.reserve(&last).is_ok());
        }
        assert!(limiter.reserve(&last).is_err());
    }

    #[test]
    fn an_attempt_that_did_not_fail_is_taken_back() {
        let limiter = FailureLimiter::new(1, Duration::from_secs(60));
        let at = limiter.reserve("a").unwrap();
        limiter.release("a", at);
        assert!(limiter.reserve("a").is_ok());
        assert!(limiter.reserve("a").is_err());
        limiter.clear("a");
        assert!(limiter.reserve("a").is_ok());
    }
}
