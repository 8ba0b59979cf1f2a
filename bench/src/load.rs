//! A fixed-time HTTP load: N connections each sending the same request in a loop.
use std::time::{Duration, Instant};

use serde_json::Value;

/// Whether the load asks for gzip-compressed answers, as browsers do.
static ACCEPT_GZIP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes every later load send `Accept-Encoding: gzip` (and decompress).
pub fn accept_gzip(on: bool) {
    ACCEPT_GZIP.store(on, std::sync::atomic::Ordering::Relaxed);
}

pub struct LoadReport {
    pub requests: usize,
    pub errors: usize,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
}

impl LoadReport {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[index]
    }
}

/// Posts `body` to `url` from `connections` clients for `duration`. A response
/// with GraphQL errors counts as an error (and is printed once). The client runs
/// in the server's process, so it only scans the body for an "errors" key instead
/// of parsing it: parsing every answer took 8% of the CPU being measured.
pub async fn run(url: &str, body: Value, connections: usize, duration: Duration) -> LoadReport {
    run_varied(url, move |_| body.clone(), connections, duration).await
}

/// Like [`run`], with the body of each request made by `body` from a number
/// unique to the request (so that no answer cache can serve it).
pub async fn run_varied(
    url: &str,
    body: impl Fn(u64) -> Value + Send + Sync + 'static,
    connections: usize,
    duration: Duration,
) -> LoadReport {
    let body = std::sync::Arc::new(body);
    let sequence = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let client = reqwest::Client::builder()
        .gzip(ACCEPT_GZIP.load(std::sync::atomic::Ordering::Relaxed))
        .pool_max_idle_per_host(connections)
        .build()
        .expect("an HTTP client");
    let started = Instant::now();
    let deadline = started + duration;
    // Collected at once: all connections start together.
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let client = client.clone();
            let body = body.clone();
            let sequence = sequence.clone();
            let url = url.to_owned();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                while Instant::now() < deadline {
                    let request = body(sequence.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
                    let sent = Instant::now();
                    let response = client.post(&url).json(&request).send().await;
                    let ok = match response {
                        Ok(response) if response.status().is_success() => {
                            match response.bytes().await {
                                Ok(bytes) if !contains(&bytes, b"\"errors\"") => true,
                                Ok(bytes) => {
                                    if errors == 0 {
                                        let text = String::from_utf8_lossy(&bytes);
                                        eprintln!("error response: {text}");
                                    }
                                    false
                                }
                                Err(_) => false,
                            }
                        }
                        _ => false,
                    };
                    latencies.push(sent.elapsed());
                    if !ok {
                        errors += 1;
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        if let Ok((mut l, e)) = worker.await {
            latencies.append(&mut l);
            errors += e;
        }
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    LoadReport {
        requests: latencies.len(),
        errors,
        elapsed,
        latencies,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}
