//! The server under measurement as a process of its own (so that its CPU time
//! and memory are its own, not the load generator's), and the CPU time of the
//! processes a benchmark looks at, read from `/proc`.
use std::process::Stdio;

use anyhow::Context;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// What a server in benchmark mode prints once it listens.
pub const LISTENING: &str = "LISTENING ";

/// Set for a server started by [`ServerProcess`]: its standard input is a pipe
/// from the benchmark, and the end of it means the benchmark is gone.
const PARENT_PIPE: &str = "COALITION_BENCH_PARENT_PIPE";

/// The server side of [`ServerProcess`]: serves `config` (its address chosen
/// by the system) and says where on standard output, until told to stop or,
/// when started by a benchmark, until that benchmark is gone (even killed
/// with SIGKILL, which leaves no time to stop its children).
pub async fn serve(config: coalition::config::Config) -> anyhow::Result<()> {
    let app = coalition::startup::Application::build(config).await?;
    println!("{LISTENING}{}", app.local_addr());
    let watch_parent = std::env::var_os(PARENT_PIPE).is_some();
    app.run_until(async move {
        tokio::select! {
            _ = coalition::startup::shutdown_signal() => {}
            _ = parent_gone(), if watch_parent => {}
        }
    })
    .await
}

/// The server process a benchmark binary runs with `--serve` (see
/// [`start_server`]): what a node in production runs, on the database of
/// `DATABASE_URL`, with an answer cache of `QUERY_CACHE_MB`.
pub async fn serve_from_env() -> anyhow::Result<()> {
    let query_cache_mb = std::env::var("QUERY_CACHE_MB")
        .ok()
        .and_then(|mb| mb.parse().ok())
        .unwrap_or(0);
    let config = coalition::config::Config {
        database_url: std::env::var("DATABASE_URL")
            .ok()
            .map(coalition::config::SecretUrl::new),
        database_max_connections: 16,
        bind_addr: "127.0.0.1:0".parse()?,
        query_cache_mb,
        ..coalition::config::Config::default()
    };
    serve(config).await
}

/// This benchmark binary, started again with `--serve` as the server on
/// `database_url` (see [`serve_from_env`]).
pub async fn start_server(
    database_url: &str,
    query_cache_mb: u64,
) -> anyhow::Result<ServerProcess> {
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg("--serve")
        .env("DATABASE_URL", database_url)
        .env("QUERY_CACHE_MB", query_cache_mb.to_string())
        .env("RUST_LOG", "warn");
    ServerProcess::start(command).await
}

/// Resolves when standard input ends.
async fn parent_gone() {
    use tokio::io::AsyncReadExt;
    let mut stdin = tokio::io::stdin();
    let mut byte = [0u8; 1];
    while let Ok(1..) = stdin.read(&mut byte).await {}
}

/// A running server process, killed when dropped.
pub struct ServerProcess {
    process: Child,
    /// host:port it listens on.
    pub address: String,
}

impl ServerProcess {
    /// Spawns `command` (a server that prints [`LISTENING`] and its address
    /// on standard output) and waits until it listens.
    pub async fn start(mut command: Command) -> anyhow::Result<Self> {
        command
            .stdout(Stdio::piped())
            .stdin(Stdio::piped())
            .env(PARENT_PIPE, "1")
            .kill_on_drop(true);
        let mut process = command.spawn()?;
        let mut lines = BufReader::new(process.stdout.take().context("server stdout")?).lines();
        let address = loop {
            let line = lines
                .next_line()
                .await?
                .context("the server stopped before listening")?;
            if let Some(address) = line.strip_prefix(LISTENING) {
                break address.to_owned();
            }
        };
        // Keep reading, so that the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self { process, address })
    }

    pub fn graphql_url(&self) -> String {
        format!("http://{}/graphql", self.address)
    }

    fn pid(&self) -> Option<u32> {
        self.process.id()
    }

    /// Resident memory, KiB.
    pub fn rss_kib(&self) -> u64 {
        let Some(pid) = self.pid() else {
            return 0;
        };
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// CPU seconds (user and system) the process has used so far.
    pub fn cpu_seconds(&self) -> f64 {
        self.pid().and_then(cpu_seconds_of).unwrap_or(0.0)
    }
}

/// CPU seconds (user and system) of one process, from `/proc/<pid>/stat`.
fn cpu_seconds_of(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: count from after it.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // Fields 14 and 15 of stat(5) (utime, stime) are the 12th and 13th here.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / clock_ticks_per_second())
}

fn clock_ticks_per_second() -> f64 {
    // SAFETY: sysconf only reads a configuration value.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as f64
    } else {
        100.0
    }
}

/// CPU seconds used so far by every PostgreSQL process of this machine (its
/// backends, which live as long as the server's pooled connections, and its
/// background workers). Zero where none runs.
pub fn postgres_cpu_seconds() -> f64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim_end().starts_with("postgres"))
        })
        .filter_map(cpu_seconds_of)
        .sum()
}

/// CPU seconds the server and PostgreSQL used between two readings.
#[derive(Clone, Copy, Default)]
pub struct CpuReading {
    pub server: f64,
    pub postgres: f64,
}

impl CpuReading {
    pub fn now(server: &ServerProcess) -> Self {
        Self {
            server: server.cpu_seconds(),
            postgres: postgres_cpu_seconds(),
        }
    }

    /// Milliseconds of each per request since `earlier`.
    pub fn per_request_ms(&self, earlier: &Self, requests: usize) -> (f64, f64) {
        let requests = requests.max(1) as f64;
        (
            (self.server - earlier.server) * 1000.0 / requests,
            (self.postgres - earlier.postgres) * 1000.0 / requests,
        )
    }
}

/// SQL statements the server at `address` has run for requests so far, from
/// its `/metrics`; None when it does not say.
pub async fn statements_executed(client: &reqwest::Client, address: &str) -> Option<u64> {
    let text = client
        .get(format!("http://{address}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix("coalition_db_statements_total "))
        .and_then(|value| value.trim().parse::<f64>().ok())
        .map(|value| value as u64)
}
