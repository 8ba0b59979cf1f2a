//! `cargo run --release -p coalition-bench --bin bench-queries -- [--seconds N] [--postgres URL]`
//!
//! Builds the collaboration-core data set (1,000 partners, 100 action groups,
//! 2,000 memberships, 5,000 commitments, 20,000 progress reports), starts the real
//! server on it as a process of its own (this binary in server mode), and drives two queries over HTTP with 16 concurrent connections
//! for a fixed time each: the group list and a single group with its commitments'
//! latest reports, first with the answer cache off (every request runs in full),
//! then with it on (the default), then with it on while another client writes
//! `--writes` times a second (each write makes every kept answer stale). Prints
//! requests/s, p50/p99 latency, SQL statements per request, and the CPU
//! milliseconds per request of the server process and of PostgreSQL (all its
//! processes on this machine), on SQLite and, when a PostgreSQL URL is given
//! (or TEST_DATABASE_URL is set), on PostgreSQL too. `--url` drives a server
//! that is already running (its data set built by this binary) instead.
//!
//! `--hostile` adds a run in which 4 connections send the costliest request the
//! document limits admit (a different one each time, so no answer cache serves
//! it) while 12 send the group list, and prints the group list's p99 with and
//! without them. `--compare OLD NEW` runs two server binaries (release builds,
//! e.g. an earlier commit's and this one's) one after the other on the same
//! data set, twice each, and prints the group list's throughput for each.
use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use clap::Parser;
use coalition::{
    config::{Config, SecretUrl},
    graphql::ids::{encode, NodeKind},
    startup::Application,
};
use coalition_bench::{
    dataset, load,
    process::{start_server, statements_executed, CpuReading},
    Backends, BenchDatabase,
};
use serde_json::json;

const GROUP_LIST: &str = "{ actionGroups(first: 20) { nodes { members(first: 50) { edges { role node { partner { name kind } } } } commitments(first: 50) { nodes { title progress partner { name } } } } } }";
const SINGLE_GROUP: &str = "query($id: ID!) { node(id: $id) { ... on ActionGroup { name commitments(first: 50) { nodes { title progress status latestReport { progress narrative createdAt } } } } } }";

#[derive(Parser)]
struct Args {
    /// Seconds of load per query.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent connections.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    #[command(flatten)]
    backends: Backends,
    /// Writes per second during the last run (each one a committed change to a
    /// commitment of the measured group, from another connection).
    #[arg(long, default_value_t = 10)]
    writes: u64,
    /// Only the runs with the answer cache off (e.g. to profile full runs).
    #[arg(long)]
    uncached_only: bool,
    /// Also run the worst admitted request beside the group list.
    #[arg(long)]
    hostile: bool,
    /// Only that run.
    #[arg(long)]
    hostile_only: bool,
    /// Two server binaries to compare on the group list, answer cache off.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
    compare: Vec<std::path::PathBuf>,
    /// Drive this running server's /graphql (e.g. http://127.0.0.1:8080/graphql)
    /// instead of building a data set and starting one.
    #[arg(long)]
    url: Option<String>,
    /// Ask for gzip-compressed answers, as browsers do.
    #[arg(long)]
    gzip: bool,
    /// Internal: run as the server (DATABASE_URL, QUERY_CACHE_MB from the environment).
    #[arg(long, hide = true)]
    serve: bool,
}

/// mimalloc: async-graphql allocates per field, and glibc's malloc spent a
/// quarter of the CPU of list queries in its own locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.serve {
        return coalition_bench::process::serve_from_env().await;
    }
    load::accept_gzip(args.gzip);
    if let Some(url) = &args.url {
        return drive_url(url, &args).await;
    }
    println!(
        "bench-queries: {} s per query, {} connections{}",
        args.seconds,
        args.connections,
        if args.gzip {
            ", Accept-Encoding: gzip"
        } else {
            ""
        }
    );
    for admin_url in args.backends.runs() {
        let database = BenchDatabase::create(admin_url.as_deref()).await?;
        let result = run_backend(&database, &args).await;
        database.drop().await?;
        result?;
    }
    Ok(())
}

async fn run_backend(database: &BenchDatabase, args: &Args) -> anyhow::Result<()> {
    let setup = Application::build(config(database, 0)?).await?;
    let started = std::time::Instant::now();
    let group_id = dataset::build(&setup.state().db, dataset::Size::ISSUE).await?;
    drop(setup);
    println!(
        "\n{}: data set built in {:.1} s",
        database.backend(),
        started.elapsed().as_secs_f64()
    );
    if !args.compare.is_empty() {
        compare_binaries(database.postgres_admin_url(), &args.compare, args).await?;
    }
    if args.hostile || args.hostile_only {
        hostile_run(database, args).await?;
    }
    if args.hostile_only || !args.compare.is_empty() {
        return Ok(());
    }
    print_header();
    // Without the answer cache every request runs in full; with it (the default),
    // a repeated query costs one statement while nothing is written.
    let with_writes = format!("answer cache, {} writes/s", args.writes);
    let runs = [
        ("no cache", 0, 0),
        ("answer cache", 64, 0),
        (with_writes.as_str(), 64, args.writes),
    ];
    let runs = if args.uncached_only {
        &runs[..1]
    } else {
        &runs[..]
    };
    let client = reqwest::Client::new();
    for &(label, cache_mb, writes) in runs {
        let server = start_server(&database.url, cache_mb).await?;
        let url = server.graphql_url();
        let queries = [
            ("group list", json!({ "query": GROUP_LIST })),
            (
                "single group",
                json!({ "query": SINGLE_GROUP, "variables": { "id": encode(NodeKind::ActionGroup, group_id) } }),
            ),
        ];
        let written = Arc::new(AtomicU64::new(0));
        let writer = (writes > 0).then(|| {
            tokio::spawn(write_steadily(
                database.url.clone(),
                group_id,
                writes,
                written.clone(),
            ))
        });
        for (name, body) in queries {
            // Warm up caches and connections.
            load::run(&url, body.clone(), args.connections, Duration::from_secs(1)).await;
            let statements_before = statements_executed(&client, &server.address).await;
            let cpu_before = CpuReading::now(&server);
            let report = load::run(
                &url,
                body,
                args.connections,
                Duration::from_secs(args.seconds),
            )
            .await;
            let cpu = CpuReading::now(&server).per_request_ms(&cpu_before, report.requests);
            let statements = statements_per_request(
                statements_before,
                statements_executed(&client, &server.address).await,
                report.requests,
            );
            print_row(&format!("{name}, {label}"), &report, statements, Some(cpu));
        }
        if let Some(writer) = writer {
            if writer.is_finished() {
                // It only stops by failing: say why.
                writer.await??;
            } else {
                writer.abort();
            }
            println!(
                "  ({} writes committed during the two runs above, warm-ups included)",
                written.load(Ordering::Relaxed)
            );
        }
    }
    Ok(())
}

/// The two queries against a server that is already running (its CPU is not
/// ours to read; its statements are, from /metrics, when it serves them).
async fn drive_url(url: &str, args: &Args) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let first: serde_json::Value = client
        .post(url)
        .json(&json!({ "query": "{ actionGroups(first: 1) { nodes { id } } }" }))
        .send()
        .await?
        .json()
        .await?;
    let group = first["data"]["actionGroups"]["nodes"][0]["id"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("{url} has no action group: {first}"))?
        .to_owned();
    let address = url::Url::parse(url)?;
    let address = format!(
        "{}:{}",
        address.host_str().unwrap_or("127.0.0.1"),
        address.port_or_known_default().unwrap_or(80)
    );
    println!(
        "bench-queries: {url}, {} s per query, {} connections",
        args.seconds, args.connections
    );
    print_header();
    let queries = [
        ("group list", json!({ "query": GROUP_LIST })),
        (
            "single group",
            json!({ "query": SINGLE_GROUP, "variables": { "id": group } }),
        ),
    ];
    for (name, body) in queries {
        load::run(url, body.clone(), args.connections, Duration::from_secs(1)).await;
        let before = statements_executed(&client, &address).await;
        let report = load::run(
            url,
            body,
            args.connections,
            Duration::from_secs(args.seconds),
        )
        .await;
        let statements = statements_per_request(
            before,
            statements_executed(&client, &address).await,
            report.requests,
        );
        print_row(name, &report, statements, None);
    }
    Ok(())
}

fn statements_per_request(before: Option<u64>, after: Option<u64>, requests: usize) -> Option<f64> {
    Some((after? - before?) as f64 / requests.max(1) as f64)
}

fn print_header() {
    println!(
        "{:<52} {:>9} {:>9} {:>9} {:>10} {:>11} {:>10} {:>7}",
        "query", "req/s", "p50 ms", "p99 ms", "stmts/req", "server CPU", "PG CPU", "errors"
    );
    println!(
        "{:<52} {:>9} {:>9} {:>9} {:>10} {:>11} {:>10} {:>7}",
        "", "", "", "", "", "ms/req", "ms/req", ""
    );
}

fn print_row(
    label: &str,
    report: &load::LoadReport,
    statements: Option<f64>,
    cpu_ms: Option<(f64, f64)>,
) {
    let statements = statements.map_or("".to_owned(), |s| format!("{s:.2}"));
    let (server, postgres) = cpu_ms.map_or(("".to_owned(), "".to_owned()), |(s, p)| {
        (format!("{s:.2}"), format!("{p:.2}"))
    });
    println!(
        "{:<52} {:>9.0} {:>9.2} {:>9.2} {:>10} {:>11} {:>10} {:>7}",
        label,
        report.per_second(),
        report.percentile(0.50).as_secs_f64() * 1000.0,
        report.percentile(0.99).as_secs_f64() * 1000.0,
        statements,
        server,
        postgres,
        report.errors,
    );
}

/// The group list from 12 connections, alone and beside the worst admitted
/// request from 4, with the answer cache off and on.
async fn hostile_run(database: &BenchDatabase, args: &Args) -> anyhow::Result<()> {
    let worst = coalition::graphql::limits::shapes::worst_admitted_query();
    println!(
        "\nworst admitted request ({} bytes), 4 connections, beside the group list from 12:",
        worst.len()
    );
    print_header();
    for (label, cache_mb) in [("no cache", 0), ("answer cache", 64)] {
        let server = start_server(&database.url, cache_mb).await?;
        let url = server.graphql_url();
        let seconds = Duration::from_secs(args.seconds);
        let group_list = json!({ "query": GROUP_LIST });
        load::run(&url, group_list.clone(), 12, Duration::from_secs(1)).await;
        let alone = load::run(&url, group_list.clone(), 12, seconds).await;
        print_row(&format!("group list alone, {label}"), &alone, None, None);
        // A comment that differs per request: the cache cannot serve it.
        let worst_body = {
            let worst = worst.clone();
            move |n: u64| json!({ "query": format!("{worst} # {n}") })
        };
        let client = reqwest::Client::new();
        let before = statements_executed(&client, &server.address).await;
        let cpu_before = CpuReading::now(&server);
        let (beside, heavy) = tokio::join!(
            load::run(&url, group_list, 12, seconds),
            load::run_varied(&url, worst_body, 4, seconds),
        );
        let both = heavy.requests + beside.requests;
        let cpu = CpuReading::now(&server).per_request_ms(&cpu_before, both);
        let statements = statements_per_request(
            before,
            statements_executed(&client, &server.address).await,
            both,
        );
        print_row(
            &format!("group list beside the worst, {label}"),
            &beside,
            None,
            None,
        );
        print_row(
            &format!("worst admitted request, {label}"),
            &heavy,
            statements,
            Some(cpu),
        );
        println!("  (statements and CPU per request of both loads together)");
        let ratio = beside.percentile(0.99).as_secs_f64() / alone.percentile(0.99).as_secs_f64();
        println!(
            "  group list p99: {:.1} ms alone, {:.1} ms beside the worst: {ratio:.2}x (target: at most 3x)",
            alone.percentile(0.99).as_secs_f64() * 1000.0,
            beside.percentile(0.99).as_secs_f64() * 1000.0,
        );
    }
    Ok(())
}

/// The group list, answer cache off and on, against each of two server
/// binaries in turn (twice each, alternating). Each binary gets a database of its own,
/// migrated by itself and loaded with the same data set, so that a binary
/// from before a migration still finds the schema it knows.
async fn compare_binaries(
    postgres: Option<&str>,
    binaries: &[std::path::PathBuf],
    args: &Args,
) -> anyhow::Result<()> {
    println!(
        "\ngroup list, answer cache off, {} connections, server binaries compared:",
        args.connections
    );
    let mut databases = Vec::new();
    for binary in binaries {
        let database = BenchDatabase::create(postgres).await?;
        let migrated = tokio::process::Command::new(binary)
            .env("DATABASE_URL", &database.url)
            .env("RUST_LOG", "warn")
            .arg("migrate")
            .status()
            .await?;
        anyhow::ensure!(migrated.success(), "{} migrate failed", binary.display());
        let db = sea_orm::Database::connect(&database.url).await?;
        dataset::build(&db, dataset::Size::ISSUE).await?;
        db.close().await?;
        databases.push(database);
    }
    print_header();
    let group_list = json!({ "query": GROUP_LIST });
    for (label, cache_mb) in [("answer cache off", 0), ("answer cache on", 64)] {
        for round in 1..=2 {
            for (binary, database) in binaries.iter().zip(&databases) {
                let server = ExternalServer::start(binary, &database.url, cache_mb).await?;
                load::run(
                    &server.url,
                    group_list.clone(),
                    args.connections,
                    Duration::from_secs(1),
                )
                .await;
                let report = load::run(
                    &server.url,
                    group_list.clone(),
                    args.connections,
                    Duration::from_secs(args.seconds),
                )
                .await;
                print_row(
                    &format!("{label}, round {round}: {}", binary.display()),
                    &report,
                    None,
                    None,
                );
            }
        }
    }
    for database in databases {
        database.drop().await?;
    }
    Ok(())
}

/// A server binary running as its own process, stopped when dropped.
struct ExternalServer {
    url: String,
    process: tokio::process::Child,
}

impl ExternalServer {
    async fn start(
        binary: &std::path::Path,
        database_url: &str,
        cache_mb: u64,
    ) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let process = tokio::process::Command::new(binary)
            .env("DATABASE_URL", database_url)
            .env("DATABASE_MAX_CONNECTIONS", "16")
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("QUERY_CACHE_MB", cache_mb.to_string())
            .env("RUST_LOG", "warn")
            .arg("serve")
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let server = Self {
            url: format!("http://127.0.0.1:{port}/graphql"),
            process,
        };
        let live = format!("http://127.0.0.1:{port}/health/live");
        for _ in 0..300 {
            if reqwest::get(&live)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("{} did not start listening", binary.display())
    }
}

impl Drop for ExternalServer {
    fn drop(&mut self) {
        let _ = self.process.start_kill();
    }
}

/// Commits `per_second` changes a second to a commitment of the group, from a
/// connection of its own (as another node would), until aborted.
async fn write_steadily(
    url: String,
    group_id: i64,
    per_second: u64,
    written: Arc<AtomicU64>,
) -> anyhow::Result<()> {
    use sea_orm::ConnectionTrait;
    let db = sea_orm::Database::connect(url).await?;
    let mut tick = tokio::time::interval(Duration::from_secs(1) / per_second as u32);
    let change = format!(
        "UPDATE commitments SET progress = (progress + 1) % 101 \
         WHERE id = (SELECT MIN(id) FROM commitments WHERE action_group_id = {group_id})"
    );
    loop {
        tick.tick().await;
        db.execute_unprepared(&change).await?;
        written.fetch_add(1, Ordering::Relaxed);
    }
}

fn config(database: &BenchDatabase, query_cache_mb: u64) -> anyhow::Result<Config> {
    Ok(Config {
        database_url: Some(SecretUrl::new(database.url.clone())),
        database_max_connections: 16,
        bind_addr: "127.0.0.1:0".parse()?,
        query_cache_mb,
        ..Config::default()
    })
}
