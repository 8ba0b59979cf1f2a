//! Prometheus metrics, kept in a registry per application (tests run many servers
//! in one process, so nothing here is global).
use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    request_seconds: HistogramVec,
    cache_lookups: IntCounterVec,
    compiled_reads: IntCounterVec,
    refusals: IntCounterVec,
    statements: IntCounter,
    background_statements: IntCounter,
    failed_statements: IntCounter,
    statement_seconds: prometheus::Histogram,
    pub pool_size: IntGauge,
    pub pool_idle: IntGauge,
}

impl Metrics {
    pub fn new() -> Self {
        let registry =
            Registry::new_custom(Some("coalition".into()), None).expect("a valid metrics prefix");
        let requests = IntCounterVec::new(
            Opts::new(
                "graphql_requests_total",
                "GraphQL requests by operation type and outcome",
            ),
            &["operation", "outcome"],
        )
        .expect("valid metric");
        let request_seconds = HistogramVec::new(
            HistogramOpts::new(
                "graphql_request_duration_seconds",
                "GraphQL request latency",
            ),
            &["operation"],
        )
        .expect("valid metric");
        let cache_lookups = IntCounterVec::new(
            Opts::new(
                "query_cache_lookups_total",
                "Queries looked up in the answer cache, by outcome (hit or miss)",
            ),
            &["outcome"],
        )
        .expect("valid metric");
        let compiled_reads = IntCounterVec::new(
            Opts::new(
                "compiled_reads_total",
                "Queries of a planned document, by who answered (compiled, or resolvers after a fallback)",
            ),
            &["outcome"],
        )
        .expect("valid metric");
        let refusals = IntCounterVec::new(
            Opts::new(
                "limit_refusals_total",
                "Requests, documents and WebSocket messages refused by a limit, by transport and limit",
            ),
            &["transport", "limit"],
        )
        .expect("valid metric");
        let statements = IntCounter::new("db_statements_total", "SQL statements executed")
            .expect("valid metric");
        let background_statements = IntCounter::new(
            "db_background_statements_total",
            "SQL statements executed by background workers (the mail outbox), not by requests",
        )
        .expect("valid metric");
        let failed_statements =
            IntCounter::new("db_statements_failed_total", "SQL statements that failed")
                .expect("valid metric");
        let statement_seconds = prometheus::Histogram::with_opts(HistogramOpts::new(
            "db_statement_duration_seconds",
            "SQL statement latency",
        ))
        .expect("valid metric");
        let pool_size = IntGauge::new("db_pool_connections", "Open database connections")
            .expect("valid metric");
        let pool_idle = IntGauge::new("db_pool_idle_connections", "Idle database connections")
            .expect("valid metric");
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(request_seconds.clone()),
            Box::new(cache_lookups.clone()),
            Box::new(compiled_reads.clone()),
            Box::new(refusals.clone()),
            Box::new(statements.clone()),
            Box::new(background_statements.clone()),
            Box::new(failed_statements.clone()),
            Box::new(statement_seconds.clone()),
            Box::new(pool_size.clone()),
            Box::new(pool_idle.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric registered once");
        }
        Self {
            registry,
            requests,
            request_seconds,
            cache_lookups,
            compiled_reads,
            refusals,
            statements,
            background_statements,
            failed_statements,
            statement_seconds,
            pool_size,
            pool_idle,
        }
    }

    pub fn record_request(&self, operation: &str, ok: bool, elapsed: Duration) {
        let outcome = if ok { "ok" } else { "error" };
        self.requests.with_label_values(&[operation, outcome]).inc();
        self.request_seconds
            .with_label_values(&[operation])
            .observe(elapsed.as_secs_f64());
    }

    pub fn record_cache_lookup(&self, hit: bool) {
        let outcome = if hit { "hit" } else { "miss" };
        self.cache_lookups.with_label_values(&[outcome]).inc();
    }

    /// A query of a planned document: answered on the compiled path, or not.
    pub fn record_compiled_read(&self, answered: bool) {
        let outcome = if answered { "compiled" } else { "fallback" };
        self.compiled_reads.with_label_values(&[outcome]).inc();
    }

    /// Queries the compiled path answered so far.
    pub fn compiled_reads(&self) -> u64 {
        self.compiled_reads.with_label_values(&["compiled"]).get()
    }

    /// A limit refused something: `transport` is "http" or "ws".
    pub fn record_refusal(&self, transport: &str, limit: &str) {
        self.refusals.with_label_values(&[transport, limit]).inc();
    }

    pub fn record_statement(&self, elapsed: Duration, failed: bool) {
        self.statements.inc();
        if failed {
            self.failed_statements.inc();
        }
        self.statement_seconds.observe(elapsed.as_secs_f64());
    }

    /// A statement of a background worker: counted apart, so that what a
    /// request runs can be measured while the workers go on.
    pub fn record_background_statement(&self, failed: bool) {
        self.background_statements.inc();
        if failed {
            self.failed_statements.inc();
        }
    }

    /// SQL statements executed so far (what the N+1 tests and the benchmark read).
    pub fn statements(&self) -> u64 {
        self.statements.get()
    }

    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        let encoder = TextEncoder::new();
        if let Err(error) = encoder.encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(error = %error, "encoding metrics");
        }
        String::from_utf8(buffer).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
