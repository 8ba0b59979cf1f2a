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
//! commitments), the language `Accept-Language` picks (translated text), and
//! the request as sent (document, variables, operation name).
//! Only answers without errors are kept.
//!
//! Identical requests that arrive together while their answer is being
//! computed (just after a write, or at start) wait for that one computation
//! instead of each running the query: a write does not set off a stampede.
use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
};

use axum::body::Bytes;
use chrono::NaiveDate;
use moka::sync::Cache;
use tokio::sync::OnceCell;

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
    locale: Option<crate::domain::Locale>,
    request: Bytes,
}

impl CacheKey {
    pub fn new(
        viewer: Option<i64>,
        day: NaiveDate,
        locale: Option<crate::domain::Locale>,
        request: Bytes,
    ) -> Self {
        Self {
            viewer,
            day,
            locale,
            request,
        }
    }
}

struct Entry {
    revision: i64,
    /// None: the answer at this revision had errors. Never served; it only
    /// tells identical requests not to wait for one another's run.
    response: Option<Bytes>,
}

/// An answer being computed: `Some` once computed and keepable, `None` if it
/// could not be kept (it had errors).
type Computation = Arc<OnceCell<Option<Bytes>>>;

pub struct ResponseCache {
    entries: Cache<CacheKey, Arc<Entry>>,
    /// Answers being computed now, by key and the revision they are computed at.
    in_flight: Mutex<HashMap<(CacheKey, i64), Computation>>,
}

/// Where an answer came from.
pub enum Lookup<T> {
    /// Kept, or computed by an identical request at the same revision.
    Hit(Bytes),
    /// Computed by this request, and now kept.
    Miss(Bytes),
    /// Computed by this request, and not kept (it had errors).
    Uncached(T),
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
                let answer = entry.response.as_ref().map_or(0, Bytes::len);
                let bytes = key.request.len() + answer + ENTRY_OVERHEAD_BYTES;
                u32::try_from(bytes).unwrap_or(u32::MAX)
            })
            .build();
        Some(Self {
            entries,
            in_flight: Mutex::new(HashMap::new()),
        })
    }

    /// The answer for `key` at `revision`: kept, or computed once by `compute`
    /// (`Ok`: serialized and keepable; `Err`: an answer not to keep) for all the
    /// identical requests that ask while it runs.
    pub async fn get_or_compute<T, F, Fut>(
        &self,
        key: CacheKey,
        revision: i64,
        compute: F,
    ) -> Lookup<T>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Bytes, T>>,
    {
        if let Some(entry) = self.entries.get(&key).filter(|e| e.revision == revision) {
            return match &entry.response {
                Some(kept) => Lookup::Hit(kept.clone()),
                // Known to have errors at this revision: no use waiting for another run.
                None => self.compute_alone(key, revision, compute).await,
            };
        }
        let slot = (key, revision);
        let computation = InFlight::join(&self.in_flight, &slot);
        let mut compute = Some(compute);
        let mut uncached = None;
        let mut computed = false;
        let shared = computation
            .cell()
            .get_or_init(|| {
                // Run only by the request that computes (if it is cancelled,
                // one of those waiting takes over with its own).
                let compute = compute.take();
                async {
                    // Kept by a computation that finished just before this one joined.
                    if let Some(kept) = self.get(&slot.0, revision) {
                        return Some(kept);
                    }
                    let compute = compute?;
                    match compute().await {
                        Ok(answer) => {
                            // Kept before it is shared, so that no request
                            // arriving in between computes it again.
                            self.insert(slot.0.clone(), revision, answer.clone());
                            computed = true;
                            Some(answer)
                        }
                        Err(answer) => {
                            self.insert_entry(slot.0.clone(), revision, None);
                            uncached = Some(answer);
                            None
                        }
                    }
                }
            })
            .await
            .clone();
        drop(computation);
        match (shared, uncached, compute) {
            (_, Some(answer), _) => Lookup::Uncached(answer),
            (Some(answer), None, _) if computed => Lookup::Miss(answer),
            (Some(answer), None, _) => Lookup::Hit(answer),
            // The shared answer had errors, which may be the doing of that
            // request alone (a rate limit): compute this one's own.
            (None, None, Some(compute)) => self.compute_alone(slot.0, revision, compute).await,
            (None, None, None) => unreachable!("the computing request has its answer"),
        }
    }

    async fn compute_alone<T, F, Fut>(&self, key: CacheKey, revision: i64, compute: F) -> Lookup<T>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Bytes, T>>,
    {
        match compute().await {
            Ok(answer) => {
                self.insert(key, revision, answer.clone());
                Lookup::Miss(answer)
            }
            Err(answer) => Lookup::Uncached(answer),
        }
    }

    /// The answer kept for `key`, if it was computed at `revision`.
    fn get(&self, key: &CacheKey, revision: i64) -> Option<Bytes> {
        self.entries
            .get(key)
            .filter(|entry| entry.revision == revision)
            .and_then(|entry| entry.response.clone())
    }

    /// Keeps `response`, computed from data at `revision` (read before the
    /// request authenticated and ran).
    fn insert(&self, key: CacheKey, revision: i64, response: Bytes) {
        self.insert_entry(key, revision, Some(response));
    }

    fn insert_entry(&self, key: CacheKey, revision: i64, response: Option<Bytes>) {
        let too_large = response
            .as_ref()
            .is_some_and(|r| r.len() > MAX_CACHED_RESPONSE_BYTES);
        if key.request.len() > MAX_CACHED_REQUEST_BYTES || too_large {
            return;
        }
        self.entries
            .insert(key, Arc::new(Entry { revision, response }));
    }
}

/// One request's part in an answer being computed. Forgets the computation
/// when the last request taking part is done or gone, so none is left behind
/// by a cancelled request.
struct InFlight<'a> {
    in_flight: &'a Mutex<HashMap<(CacheKey, i64), Computation>>,
    slot: &'a (CacheKey, i64),
    computation: Option<Computation>,
}

impl<'a> InFlight<'a> {
    fn join(
        in_flight: &'a Mutex<HashMap<(CacheKey, i64), Computation>>,
        slot: &'a (CacheKey, i64),
    ) -> Self {
        let mut map = in_flight.lock().unwrap_or_else(|e| e.into_inner());
        let computation = map.entry(slot.clone()).or_default().clone();
        Self {
            in_flight,
            slot,
            computation: Some(computation),
        }
    }

    fn cell(&self) -> &OnceCell<Option<Bytes>> {
        self.computation.as_deref().expect("held until dropped")
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut map = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        // Released under the lock, like every other reference but the map's:
        // a count of one then means nobody else takes part.
        drop(self.computation.take());
        if map
            .get(self.slot)
            .is_some_and(|c| Arc::strong_count(c) == 1)
        {
            map.remove(self.slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(viewer: Option<i64>, request: &'static str) -> CacheKey {
        CacheKey::new(
            viewer,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            None,
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
            None,
            Bytes::from_static(b"{a}"),
        );
        assert!(cache.get(&tomorrow, 7).is_none());
        let in_french = CacheKey::new(
            Some(1),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            Some(crate::domain::Locale::Fr),
            Bytes::from_static(b"{a}"),
        );
        assert!(cache.get(&in_french, 7).is_none());
    }

    /// A computation that counts its runs and takes a while.
    async fn slow(
        runs: &std::sync::atomic::AtomicUsize,
        answer: Result<&'static str, &'static str>,
    ) -> Result<Bytes, &'static str> {
        runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        answer.map(|a| Bytes::from_static(a.as_bytes()))
    }

    #[tokio::test]
    async fn identical_requests_arriving_together_share_one_computation() {
        let cache = ResponseCache::new(1 << 20).unwrap();
        let runs = std::sync::atomic::AtomicUsize::new(0);
        let lookups = futures_util::future::join_all(
            (0..10)
                .map(|_| cache.get_or_compute(key(None, "{a}"), 7, || slow(&runs, Ok("answer")))),
        )
        .await;
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
        let misses = lookups
            .iter()
            .filter(|l| matches!(l, Lookup::Miss(_)))
            .count();
        let hits = lookups
            .iter()
            .filter(|l| matches!(l, Lookup::Hit(a) if a == "answer"))
            .count();
        assert_eq!((misses, hits), (1, 9));
        assert!(cache.in_flight.lock().unwrap().is_empty());
        // Kept: the next one is a hit without computing; another revision computes.
        let next = cache
            .get_or_compute(key(None, "{a}"), 7, || slow(&runs, Ok("other")))
            .await;
        assert!(matches!(next, Lookup::Hit(a) if a == "answer"));
        let newer = cache
            .get_or_compute(key(None, "{a}"), 8, || slow(&runs, Ok("newer")))
            .await;
        assert!(matches!(newer, Lookup::Miss(a) if a == "newer"));
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    // Paused time: run times are exact, however busy the machine.
    #[tokio::test(start_paused = true)]
    async fn an_answer_with_errors_is_not_shared_or_kept() {
        use std::time::Duration;
        let cache = ResponseCache::new(1 << 20).unwrap();
        let runs = std::sync::atomic::AtomicUsize::new(0);
        let (cache, runs) = (&cache, &runs);
        let together = |answer: Result<&'static str, &'static str>| {
            futures_util::future::join_all((0..3).map(move |_| {
                cache.get_or_compute(key(None, "{a}"), 7, move || slow(runs, answer))
            }))
        };
        let started = tokio::time::Instant::now();
        let lookups = together(Err("error")).await;
        // Each computed its own (an error may be one request's doing), the
        // others after waiting for the first.
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 3);
        assert!(lookups
            .iter()
            .all(|l| matches!(l, Lookup::Uncached("error"))));
        assert_eq!(started.elapsed(), Duration::from_millis(100));
        assert!(cache.get(&key(None, "{a}"), 7).is_none());
        assert!(cache.in_flight.lock().unwrap().is_empty());

        // Known to have errors at this revision: nobody waits any more.
        let started = tokio::time::Instant::now();
        together(Err("error")).await;
        assert_eq!(started.elapsed(), Duration::from_millis(50));
        // An answer without errors is kept in its place.
        together(Ok("fine")).await;
        assert_eq!(
            cache.get(&key(None, "{a}"), 7).as_deref(),
            Some(&b"fine"[..])
        );
    }

    // Paused time: the sleeps order the requests exactly, however busy the machine.
    #[tokio::test(start_paused = true)]
    async fn a_cancelled_computation_is_taken_over_and_nothing_is_left_behind() {
        let cache = Arc::new(ResponseCache::new(1 << 20).unwrap());
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let start = |answer: &'static str| {
            let (cache, runs) = (cache.clone(), runs.clone());
            tokio::spawn(async move {
                cache
                    .get_or_compute(key(None, "{a}"), 7, || async move {
                        slow(&runs, Ok(answer)).await
                    })
                    .await
            })
        };
        let first = start("first");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        let second = start("second");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        first.abort();
        assert!(matches!(second.await.unwrap(), Lookup::Miss(a) if a == "second"));
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 2);
        assert!(cache.in_flight.lock().unwrap().is_empty());
        // A lone request cancelled mid-computation leaves nothing either.
        let lone = cache.clone();
        let runs_lone = runs.clone();
        let task = tokio::spawn(async move {
            lone.get_or_compute(key(None, "{b}"), 7, || async move {
                slow(&runs_lone, Ok("b")).await
            })
            .await
        });
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        task.abort();
        let _ = task.await;
        assert!(cache.in_flight.lock().unwrap().is_empty());
    }

    #[test]
    fn a_zero_budget_turns_the_cache_off() {
        assert!(ResponseCache::new(0).is_none());
    }
}
