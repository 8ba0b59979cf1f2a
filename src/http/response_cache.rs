//! Answers to queries, kept by data revision. A query sent again by the same
//! viewer is answered from memory when nothing has been committed since it was
//! answered: the request reads the database's data revision (one statement,
//! bumped by triggers in every writing transaction, on any node) before it
//! authenticates and before anything else, and an answer is only reused under
//! the revision it was computed from. So a cached answer is never older than
//! what an uncached one would show.
//!
//! What else an answer depends on is in the key: the viewer (by user id; roles
//! and memberships are data, covered by the revision), today's date (overdue
//! commitments), and the request as sent (document, variables, operation name).
//! Only answers without errors are kept.
use std::sync::Arc;

use axum::body::Bytes;
use chrono::NaiveDate;
use moka::sync::Cache;

/// Requests larger than this are not kept (their key would cost too much).
pub const MAX_CACHED_REQUEST_BYTES: usize = 16 * 1024;
/// Answers larger than this are not kept.
const MAX_CACHED_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// What an entry costs beyond its bytes (key, value, moka's bookkeeping).
const ENTRY_OVERHEAD_BYTES: usize = 256;

#[derive(Clone, Hash, PartialEq, Eq)]
pub struct CacheKey {
    /// The signed-in user, or None for anonymous requests.
    viewer: Option<i64>,
    day: NaiveDate,
    request: Bytes,
}

impl CacheKey {
    pub fn new(viewer: Option<i64>, day: NaiveDate, request: Bytes) -> Self {
        Self {
            viewer,
            day,
            request,
        }
    }
}

struct Entry {
    revision: i64,
    response: Bytes,
}

pub struct ResponseCache {
    entries: Cache<CacheKey, Arc<Entry>>,
}

impl ResponseCache {
    /// A cache holding at most `max_bytes` of requests and answers; None for 0.
    pub fn new(max_bytes: u64) -> Option<Self> {
        if max_bytes == 0 {
            return None;
        }
        let entries = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &CacheKey, entry: &Arc<Entry>| {
                let bytes = key.request.len() + entry.response.len() + ENTRY_OVERHEAD_BYTES;
                u32::try_from(bytes).unwrap_or(u32::MAX)
            })
            .build();
        Some(Self { entries })
    }

    /// The answer kept for `key`, if it was computed at `revision`.
    pub fn get(&self, key: &CacheKey, revision: i64) -> Option<Bytes> {
        self.entries
            .get(key)
            .filter(|entry| entry.revision == revision)
            .map(|entry| entry.response.clone())
    }

    /// Keeps `response`, computed from data at `revision` (read before the
    /// request authenticated and ran).
    pub fn insert(&self, key: CacheKey, revision: i64, response: Bytes) {
        if key.request.len() > MAX_CACHED_REQUEST_BYTES
            || response.len() > MAX_CACHED_RESPONSE_BYTES
        {
            return;
        }
        self.entries
            .insert(key, Arc::new(Entry { revision, response }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(viewer: Option<i64>, request: &'static str) -> CacheKey {
        CacheKey::new(
            viewer,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            Bytes::from_static(request.as_bytes()),
        )
    }

    #[test]
    fn an_answer_is_reused_only_at_its_revision() {
        let cache = ResponseCache::new(1 << 20).unwrap();
        cache.insert(key(None, "{a}"), 7, Bytes::from_static(b"{\"data\":1}"));
        assert_eq!(
            cache.get(&key(None, "{a}"), 7).as_deref(),
            Some(&b"{\"data\":1}"[..])
        );
        assert!(cache.get(&key(None, "{a}"), 8).is_none());
    }

    #[test]
    fn viewers_and_days_do_not_share_answers() {
        let cache = ResponseCache::new(1 << 20).unwrap();
        cache.insert(key(Some(1), "{a}"), 7, Bytes::from_static(b"mine"));
        assert!(cache.get(&key(Some(2), "{a}"), 7).is_none());
        assert!(cache.get(&key(None, "{a}"), 7).is_none());
        let tomorrow = CacheKey::new(
            Some(1),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            Bytes::from_static(b"{a}"),
        );
        assert!(cache.get(&tomorrow, 7).is_none());
    }

    #[test]
    fn a_zero_budget_turns_the_cache_off() {
        assert!(ResponseCache::new(0).is_none());
    }
}
