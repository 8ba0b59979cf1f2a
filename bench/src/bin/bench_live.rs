//! `cargo run --release --bin bench-live -- --postgres URL --redis URL`
//!
//! Starts the server as a process of its own (this binary in server mode) on
//! PostgreSQL and Redis, opens subscribers with real WebSocket clients
//! (`graphql-transport-ws`), makes mutations, and prints: server memory per idle
//! subscription (RSS growth / N), deliveries per second, p50/p99 latency from
//! commit to delivery, and lost events (must be 0); then checks that 10,000
//! subscribers are held by one node.
use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use anyhow::Context;
use clap::Parser;
use coalition::config::{Config, SecretUrl};
use coalition_bench::{process::ServerProcess, BenchDatabase};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::{process::Command, sync::Mutex};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ADMIN_EMAIL: &str = "bench-admin@coalition.example";
const ADMIN_PASSWORD: &str = "bench admin password";

#[derive(Parser)]
struct Args {
    /// PostgreSQL URL to create the benchmark database from (default TEST_DATABASE_URL).
    #[arg(long, env = "TEST_DATABASE_URL")]
    postgres: Option<String>,
    /// Redis URL (default TEST_REDIS_URL); without one the in-process bus is used.
    #[arg(long, env = "TEST_REDIS_URL")]
    redis: Option<String>,
    /// Idle subscriptions for the memory measurement.
    #[arg(long, default_value_t = 5_000)]
    idle: usize,
    /// Subscribers during the latency measurement.
    #[arg(long, default_value_t = 1_000)]
    subscribers: usize,
    /// Events per second during the latency measurement.
    #[arg(long, default_value_t = 10)]
    rate: u64,
    /// Seconds of events during the latency measurement.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Subscribers one node must hold.
    #[arg(long, default_value_t = 10_000)]
    held: usize,
    /// Internal: run as the server (DATABASE_URL, REDIS_URL from the environment).
    #[arg(long, hide = true)]
    serve: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.serve {
        // The server process: what a node in production runs.
        let runtime = tokio::runtime::Runtime::new()?;
        return runtime.block_on(serve());
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(run(args))
}

async fn serve() -> anyhow::Result<()> {
    let config = Config {
        database_url: std::env::var("DATABASE_URL").ok().map(SecretUrl::new),
        redis_url: std::env::var("REDIS_URL").ok().map(SecretUrl::new),
        redis_channel: std::env::var("REDIS_CHANNEL").unwrap_or_else(|_| "bench:events".into()),
        bind_addr: "127.0.0.1:0".parse()?,
        database_max_connections: 20,
        mail_dir: std::env::temp_dir().join("coalition-bench-mail"),
        bootstrap_admin_email: Some(ADMIN_EMAIL.into()),
        bootstrap_admin_password: Some(ADMIN_PASSWORD.to_owned().into()),
        ..Config::default()
    };
    coalition_bench::process::serve(config).await
}

async fn start_server(
    database: &BenchDatabase,
    redis: Option<&str>,
) -> anyhow::Result<ServerProcess> {
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg("--serve")
        .env("DATABASE_URL", &database.url)
        .env(
            "REDIS_CHANNEL",
            format!("bench-{}:events", std::process::id()),
        )
        .env("RUST_LOG", "warn");
    match redis {
        Some(url) => command.env("REDIS_URL", url),
        None => command.env_remove("REDIS_URL"),
    };
    ServerProcess::start(command).await
}

async fn graphql(
    http: &reqwest::Client,
    server: &ServerProcess,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let mut request = http
        .post(format!("http://{}/graphql", server.address))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response: Value = request.send().await?.json().await?;
    anyhow::ensure!(
        response.get("errors").is_none(),
        "GraphQL errors: {response}"
    );
    Ok(response["data"].clone())
}

/// A group with one partner's commitment, and a token of a user who may follow it.
struct Scene {
    token: String,
    group: String,
    commitment: String,
}

async fn scene(http: &reqwest::Client, server: &ServerProcess) -> anyhow::Result<Scene> {
    let login = graphql(
        http,
        server,
        None,
        "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token } }",
        json!({ "e": ADMIN_EMAIL, "p": ADMIN_PASSWORD }),
    )
    .await?;
    let admin = login["login"]["token"]
        .as_str()
        .context("token")?
        .to_owned();
    let admin = Some(admin.as_str());
    let c = graphql(http, server, admin, "mutation { createCoalition(input: {name: \"Alliance 8.7\", slug: \"alliance-8-7\"}) { coalition { id } } }", Value::Null).await?;
    let coalition = c["createCoalition"]["coalition"]["id"].clone();
    let p = graphql(http, server, admin, "mutation { createPartner(input: {name: \"ILO\", kind: INTERNATIONAL_ORGANIZATION}) { partner { id } } }", Value::Null).await?;
    let partner = p["createPartner"]["partner"]["id"].clone();
    graphql(http, server, admin, "mutation($c: ID!, $p: ID!) { addCoalitionPartner(input: {coalitionId: $c, partnerId: $p}) { membership { id } } }", json!({ "c": coalition, "p": partner })).await?;
    let g = graphql(http, server, admin, "mutation($c: ID!) { createActionGroup(input: {coalitionId: $c, name: \"Supply Chains\"}) { actionGroup { id } } }", json!({ "c": coalition })).await?;
    let group = g["createActionGroup"]["actionGroup"]["id"]
        .as_str()
        .context("group")?
        .to_owned();
    graphql(http, server, admin, "mutation($g: ID!, $p: ID!) { addActionGroupMember(input: {actionGroupId: $g, partnerId: $p, role: LEAD}) { member { role } } }", json!({ "g": group, "p": partner })).await?;
    let i = graphql(http, server, admin, "mutation($p: ID!) { inviteUser(input: {email: \"lead@ilo.example\", partnerId: $p, role: ADMIN}) { invitationToken } }", json!({ "p": partner })).await?;
    let a = graphql(http, server, None, "mutation($t: String!) { acceptInvitation(input: {invitationToken: $t, password: \"bench lead password\", displayName: \"Lead\"}) { token } }", json!({ "t": i["inviteUser"]["invitationToken"] })).await?;
    let token = a["acceptInvitation"]["token"]
        .as_str()
        .context("token")?
        .to_owned();
    let m = graphql(http, server, Some(&token), "mutation($p: ID!, $g: ID!) { createCommitment(input: {partnerId: $p, title: \"Ratify C182\", actionGroupId: $g}) { commitment { id } } }", json!({ "p": partner, "g": group })).await?;
    let commitment = m["createCommitment"]["commitment"]["id"]
        .as_str()
        .context("commitment")?
        .to_owned();
    Ok(Scene {
        token,
        group,
        commitment,
    })
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a subscriber to the group's events: connected, acknowledged, subscribed.
async fn subscriber(address: &str, scene: &Scene) -> anyhow::Result<Socket> {
    let mut socket = connection(address, scene).await?;
    let subscribe = json!({ "type": "subscribe", "id": "1", "payload": {
        "query": "subscription($g: ID!) { actionGroupEvents(actionGroupId: $g) { sequence occurredAt } }",
        "variables": { "g": scene.group } } });
    socket
        .send(Message::Text(subscribe.to_string().into()))
        .await?;
    Ok(socket)
}

/// Opens an acknowledged connection without a subscription.
async fn connection(address: &str, scene: &Scene) -> anyhow::Result<Socket> {
    let mut request = format!("ws://{address}/graphql/ws").into_client_request()?;
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {}", scene.token) } });
    socket.send(Message::Text(init.to_string().into())).await?;
    match socket.next().await {
        Some(Ok(Message::Text(text))) if text.contains("connection_ack") => {}
        other => anyhow::bail!("no ack: {other:?}"),
    }
    Ok(socket)
}

async fn open(address: &str, scene: &Scene, count: usize) -> anyhow::Result<Vec<Socket>> {
    open_with(address, scene, count, true).await
}

async fn open_with(
    address: &str,
    scene: &Scene,
    count: usize,
    subscribe: bool,
) -> anyhow::Result<Vec<Socket>> {
    let mut sockets = Vec::with_capacity(count);
    // In batches, so the server's accept queue is never flooded.
    for chunk in (0..count).collect::<Vec<_>>().chunks(200) {
        let opened = futures_util::future::join_all(chunk.iter().map(|_| async {
            if subscribe {
                subscriber(address, scene).await
            } else {
                connection(address, scene).await
            }
        }))
        .await;
        for socket in opened {
            sockets.push(socket?);
        }
    }
    Ok(sockets)
}

async fn report(
    http: &reqwest::Client,
    server: &ServerProcess,
    scene: &Scene,
    progress: i64,
) -> anyhow::Result<()> {
    graphql(http, server, Some(&scene.token), "mutation($c: ID!, $p: Int!) { reportProgress(input: {commitmentId: $c, progress: $p, status: ON_TRACK}) { commitment { version } } }", json!({ "c": scene.commitment, "p": progress % 101 })).await?;
    Ok(())
}

async fn run(args: Args) -> anyhow::Result<()> {
    let database = BenchDatabase::create(args.postgres.as_deref()).await?;
    let result = measure(&args, &database).await;
    database.drop().await?;
    result
}

async fn measure(args: &Args, database: &BenchDatabase) -> anyhow::Result<()> {
    let bus = if args.redis.is_some() {
        "Redis"
    } else {
        "in-process"
    };
    println!("bench-live: {} database, {bus} bus", database.backend());
    let server = start_server(database, args.redis.as_deref()).await?;
    let http = reqwest::Client::new();
    let scene = scene(&http, &server).await?;

    // 1. Memory per idle subscription, and per idle connection for comparison.
    // Each on a node of its own that has done nothing else: on the node that
    // signed in, the allocator would hand the connections memory that argon2
    // freed, and the growth would understate what they cost.
    for subscribe in [true, false] {
        let node = start_server(database, args.redis.as_deref()).await?;
        let warm = open_with(&node.address, &scene, 100, subscribe).await?;
        drop(warm);
        tokio::time::sleep(Duration::from_secs(2)).await;
        let before = node.rss_kib();
        let idle = open_with(&node.address, &scene, args.idle, subscribe).await?;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let after = node.rss_kib();
        let per_one = (after.saturating_sub(before)) as f64 * 1.024 / args.idle as f64;
        let (what, unit) = if subscribe {
            ("idle subscriptions:", "per subscription")
        } else {
            ("idle connections:  ", "per connection (no subscription)")
        };
        println!(
            "{what} {:>6}   server RSS {:.1} MiB -> {:.1} MiB   {per_one:.1} KB {unit}",
            args.idle,
            before as f64 / 1024.0,
            after as f64 / 1024.0,
        );
        drop(idle);
    }

    // 2. Latency and loss with N subscribers and a steady rate of events.
    let sockets = open(&server.address, &scene, args.subscribers).await?;
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let delivered = Arc::new(AtomicU64::new(0));
    let expected = args.rate * args.seconds;
    let readers: Vec<_> = sockets
        .into_iter()
        .map(|mut socket| {
            let latencies = latencies.clone();
            let delivered = delivered.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                let mut last = 0i64;
                let mut lost = 0i64;
                while (mine.len() as u64) < expected {
                    let Ok(Some(Ok(Message::Text(text)))) =
                        tokio::time::timeout(Duration::from_secs(30), socket.next()).await
                    else {
                        break;
                    };
                    let Ok(message) = serde_json::from_str::<Value>(&text) else {
                        continue;
                    };
                    let event = &message["payload"]["data"]["actionGroupEvents"];
                    let (Some(sequence), Some(at)) =
                        (event["sequence"].as_i64(), event["occurredAt"].as_str())
                    else {
                        continue;
                    };
                    if last != 0 && sequence != last + 1 {
                        lost += sequence - last - 1;
                    }
                    last = sequence;
                    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(at) {
                        let latency = chrono::Utc::now().signed_duration_since(at);
                        mine.push(latency.to_std().unwrap_or_default());
                    }
                    delivered.fetch_add(1, Ordering::Relaxed);
                }
                latencies.lock().await.extend(mine);
                lost
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let started = Instant::now();
    let interval = Duration::from_micros(1_000_000 / args.rate.max(1));
    for n in 0..expected {
        report(&http, &server, &scene, n as i64).await?;
        let next = started + interval * (n as u32 + 1);
        tokio::time::sleep_until(next.into()).await;
    }
    let mut lost_in_sequence = 0;
    for reader in readers {
        lost_in_sequence += reader.await.unwrap_or(0);
    }
    let elapsed = started.elapsed();
    let mut latencies = latencies.lock().await.clone();
    latencies.sort_unstable();
    let delivered = delivered.load(Ordering::Relaxed);
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len().max(1) - 1) as f64 * p) as usize)
            .copied()
            .unwrap_or_default()
    };
    let missing = (expected * args.subscribers as u64).saturating_sub(delivered);
    println!(
        "latency: {} subscribers, {} events at {}/s   {:.0} deliveries/s   commit->delivery p50 {:.1} ms, p99 {:.1} ms   lost {}",
        args.subscribers,
        expected,
        args.rate,
        delivered as f64 / elapsed.as_secs_f64(),
        percentile(0.50).as_secs_f64() * 1000.0,
        percentile(0.99).as_secs_f64() * 1000.0,
        missing as i64 + lost_in_sequence,
    );

    // 3. Held: this many subscribers on one node, each receiving one event.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sockets = open(&server.address, &scene, args.held).await?;
    let rss = server.rss_kib();
    report(&http, &server, &scene, 1).await?;
    let received: usize =
        futures_util::future::join_all(sockets.into_iter().map(|mut socket| async move {
            matches!(
                tokio::time::timeout(Duration::from_secs(60), socket.next()).await,
                Ok(Some(Ok(Message::Text(_))))
            )
        }))
        .await
        .into_iter()
        .filter(|got| *got)
        .count();
    println!(
        "held: {} subscribers open (server RSS {:.1} MiB), {} received the next event",
        args.held,
        rss as f64 / 1024.0,
        received
    );
    Ok(())
}
