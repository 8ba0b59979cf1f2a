//! `cargo run --release -p coalition-bench --bin bench-search -- [--resources N] [--seconds N] [--postgres URL]`
//!
//! Builds the knowledge platform's data set (100,000 published resources in
//! English, French and Spanish, a fifth translated), starts the real server on
//! it as a process of its own (this binary in server mode) with the answer
//! cache off, and drives two-word searches with filters over HTTP from 16
//! connections (a different search each time: words of the three languages,
//! drawn first as the documents' are, then as topics; with a kind, a country
//! or a language filter; first page of 20 with highlights). Prints
//! requests/s, p50/p99 latency, SQL statements per request and CPU
//! milliseconds per request of the server and of PostgreSQL, on SQLite and,
//! with a PostgreSQL URL (or TEST_DATABASE_URL), on PostgreSQL too.
use std::time::Duration;

use clap::Parser;
use coalition::{config::SecretUrl, domain::Locale};
use coalition_bench::{
    library::{self, Words},
    load,
    process::{start_server, statements_executed, CpuReading},
    Backends, BenchDatabase,
};
use serde_json::json;

const SEARCH: &str = "query($filter: ResourceFilter) { resources(first: 20, filter: $filter) {
  edges { rank highlight node { id title kind countries } } } }";

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 100_000)]
    resources: usize,
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    #[arg(long, default_value_t = 16)]
    connections: usize,
    #[command(flatten)]
    backends: Backends,
    /// Keep the PostgreSQL database after the run and print its URL.
    #[arg(long)]
    keep: bool,
    /// Run against a PostgreSQL database a `--keep` run left (no build).
    #[arg(long)]
    reuse: Option<String>,
    /// Internal: run as the server (DATABASE_URL from the environment).
    #[arg(long, hide = true)]
    serve: bool,
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.serve {
        return coalition_bench::process::serve_from_env().await;
    }
    println!(
        "bench-search: {} resources, {} s, {} connections, answer cache off",
        args.resources, args.seconds, args.connections
    );
    if let Some(url) = &args.reuse {
        return run(url, true, false, &args).await;
    }
    for admin_url in args.backends.runs() {
        let database = BenchDatabase::create(admin_url.as_deref()).await?;
        let postgres = database.postgres_admin_url().is_some();
        let result = run(&database.url, postgres, true, &args).await;
        if args.keep && postgres {
            println!("kept: --reuse {}", database.url);
        } else {
            database.drop().await?;
        }
        result?;
    }
    Ok(())
}

/// The `n`th search: two words of one language, and one filter of four kinds.
fn body(n: u64, words: Words) -> serde_json::Value {
    let locale = Locale::ALL[(n % 3) as usize];
    let search = library::two_words(locale, n, words);
    let filter = match n % 4 {
        0 => json!({ "search": search }),
        1 => json!({ "search": search, "kind": library::KINDS[(n as usize / 4) % 6] }),
        2 => json!({ "search": search, "country": library::COUNTRIES[(n as usize / 4) % 8] }),
        _ => json!({ "search": search, "locale": locale.as_str() }),
    };
    json!({ "query": SEARCH, "variables": { "filter": filter } })
}

async fn run(database_url: &str, postgres: bool, build: bool, args: &Args) -> anyhow::Result<()> {
    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    if build {
        let started = std::time::Instant::now();
        let metrics = std::sync::Arc::new(coalition::metrics::Metrics::new());
        let url = SecretUrl::new(database_url.to_owned());
        let db = coalition::db::connect(&url, 16, metrics).await?;
        coalition::db::migrate(&db).await?;
        library::build(&db, args.resources).await?;
        if postgres {
            use sea_orm::ConnectionTrait;
            db.execute_unprepared("VACUUM ANALYZE").await?;
        }
        db.close().await?;
        println!(
            "\n{backend}: {} resources built in {:.1} s",
            args.resources,
            started.elapsed().as_secs_f64()
        );
    } else {
        println!("\n{backend}: reusing {database_url}");
    }
    let server = start_server(database_url, 0).await?;
    let url = server.graphql_url();
    let client = reqwest::Client::new();
    println!(
        "{:<44} {:>9} {:>9} {:>9} {:>10} {:>11} {:>10} {:>7}",
        "query", "req/s", "p50 ms", "p99 ms", "stmts/req", "server CPU", "PG CPU", "errors"
    );
    for (label, words) in [
        ("two words as written + filter, 20 hits", Words::AsWritten),
        ("two topical words + filter, 20 hits", Words::Topical),
    ] {
        let body = move |n: u64| body(n, words);
        load::run_varied(&url, body, args.connections, Duration::from_secs(1)).await;
        let statements_before = statements_executed(&client, &server.address).await;
        let cpu_before = CpuReading::now(&server);
        let report = load::run_varied(
            &url,
            body,
            args.connections,
            Duration::from_secs(args.seconds),
        )
        .await;
        let (server_ms, postgres_ms) =
            CpuReading::now(&server).per_request_ms(&cpu_before, report.requests);
        let statements = statements_executed(&client, &server.address)
            .await
            .zip(statements_before)
            .map_or(f64::NAN, |(after, before)| {
                (after - before) as f64 / report.requests.max(1) as f64
            });
        println!(
            "{:<44} {:>9.0} {:>9.2} {:>9.2} {:>10.2} {:>8.2} ms {:>7.2} ms {:>7}",
            label,
            report.per_second(),
            report.percentile(0.50).as_secs_f64() * 1000.0,
            report.percentile(0.99).as_secs_f64() * 1000.0,
            statements,
            server_ms,
            postgres_ms,
            report.errors,
        );
    }
    Ok(())
}
