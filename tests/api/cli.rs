//! The `coalition` binary itself: its subcommands, the first embedded start, and
//! shutdown on SIGTERM.
use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use serde_json::{json, Value};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    process::{Child, Command},
};

use crate::helpers::PostgresDatabase;

const BIN: &str = env!("CARGO_BIN_EXE_coalition");

/// A database URL for one CLI test, and what keeps it alive.
async fn database() -> (String, Option<tempfile::TempDir>, Option<PostgresDatabase>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) => {
            let database = PostgresDatabase::create(&url).await;
            (database.url.clone(), None, Some(database))
        }
        Err(_) => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}/cli.db?mode=rwc", dir.path().display());
            (url, Some(dir), None)
        }
    }
}

pub(crate) fn command() -> Command {
    let mut command = Command::new(BIN);
    command
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("BOOTSTRAP_ADMIN_EMAIL")
        .env_remove("BOOTSTRAP_ADMIN_PASSWORD")
        .env("LOG_FORMAT", "json")
        .env("BIND_ADDR", "127.0.0.1:0")
        .kill_on_drop(true);
    command
}

/// Starts `serve` and returns the child, its address, and everything it printed
/// before listening.
pub(crate) async fn serve(mut command: Command) -> (Child, String, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = tokio::time::timeout_at(deadline.into(), lines.next_line())
            .await
            .expect("the server starts within a minute")
            .unwrap()
            .expect("the server keeps running");
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("listening") {
            let log: Value = serde_json::from_str(&line).unwrap();
            let address = log["address"].as_str().unwrap().to_owned();
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return (child, address, printed);
        }
    }
}

async fn login(address: &str, email: &str, password: &str) -> Value {
    reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
        .json(&json!({
            "query": "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token user { platformRole } } }",
            "variables": { "e": email, "p": password },
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn terminate(child: &Child) {
    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn export_schema_prints_the_checked_in_schema() {
    let output = command().arg("export-schema").output().await.unwrap();
    assert!(output.status.success());
    let on_disk =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), on_disk);
}

#[tokio::test]
async fn create_admin_reads_the_password_from_stdin_and_the_admin_can_log_in() {
    let (url, _dir, _pg) = database().await;
    let mut child = command()
        .env("DATABASE_URL", &url)
        .args([
            "create-admin",
            "--email",
            "Root@Example.org",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"a very long admin password\n")
        .await
        .unwrap();
    drop(stdin);
    let output = child.wait_with_output().await.unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    let short = command()
        .env("DATABASE_URL", &url)
        .args([
            "create-admin",
            "--email",
            "x@example.org",
            "--password-stdin",
        ])
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    assert!(!short.status.success(), "an empty password must be refused");

    let mut server = command();
    server.env("DATABASE_URL", &url);
    let (child, address, _) = serve(server).await;
    let response = login(&address, "root@example.org", "a very long admin password").await;
    assert_eq!(
        response["data"]["login"]["user"]["platformRole"], "ADMIN",
        "{response:#}"
    );
    terminate(&child);
}

#[tokio::test]
async fn bootstrap_admin_is_created_from_the_environment_when_no_admin_exists() {
    let (url, _dir, _pg) = database().await;
    let mut command = command();
    command
        .env("DATABASE_URL", &url)
        .env("BOOTSTRAP_ADMIN_EMAIL", "boot@example.org")
        .env("BOOTSTRAP_ADMIN_PASSWORD", "bootstrap password 1");
    let (child, address, printed) = serve(command).await;
    assert!(
        !printed.contains("bootstrap password 1"),
        "the password was logged"
    );
    let response = login(&address, "boot@example.org", "bootstrap password 1").await;
    assert_eq!(
        response["data"]["login"]["user"]["platformRole"], "ADMIN",
        "{response:#}"
    );
    terminate(&child);
}

#[tokio::test]
async fn seed_demo_loads_the_source_coalitions_and_prints_logins_once() {
    let (url, _dir, _pg) = database().await;
    let output = command()
        .env("DATABASE_URL", &url)
        .arg("seed-demo")
        .output()
        .await
        .unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    let admin_line = printed
        .lines()
        .find(|l| l.contains("admin@demo.coalition.example"))
        .unwrap();
    let password = admin_line.split_whitespace().nth(1).unwrap().to_owned();

    let again = command()
        .env("DATABASE_URL", &url)
        .arg("seed-demo")
        .output()
        .await
        .unwrap();
    let printed_again = String::from_utf8(again.stdout).unwrap();
    assert!(
        printed_again.contains("0 partners and 0 coalitions created"),
        "{printed_again}"
    );
    assert!(!printed_again.contains(&password));

    let mut server = command();
    server.env("DATABASE_URL", &url);
    let (child, address, _) = serve(server).await;
    let response = login(&address, "admin@demo.coalition.example", &password).await;
    assert_eq!(response["data"]["login"]["user"]["platformRole"], "ADMIN");
    let coalitions: Value = reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
        .json(&json!({ "query": "{ coalition(slug: \"global-coalition-social-justice\") { thematicAreas { name } } alliance: coalition(slug: \"alliance-8-7\") { sdgTargets partners { totalCount } } partners(filter: {search: \"ISSA\"}) { nodes { acronym } } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        coalitions["data"]["coalition"]["thematicAreas"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    assert_eq!(coalitions["data"]["alliance"]["sdgTargets"], json!(["8.7"]));
    assert!(
        coalitions["data"]["alliance"]["partners"]["totalCount"]
            .as_i64()
            .unwrap()
            > 10
    );
    assert_eq!(
        coalitions["data"]["partners"]["nodes"][0]["acronym"],
        "ISSA"
    );
    terminate(&child);
}

#[tokio::test]
async fn the_first_embedded_start_seeds_demo_data_and_sigterm_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = command();
    first.current_dir(dir.path());
    let (child, address, printed) = serve(first).await;
    assert!(dir.path().join("data/coalition.db").exists());
    assert!(printed.contains("Demo logins"), "{printed}");
    let admin_line = printed
        .lines()
        .find(|l| l.contains("admin@demo.coalition.example"))
        .unwrap();
    let password = admin_line.split_whitespace().nth(1).unwrap();
    let response = login(&address, "admin@demo.coalition.example", password).await;
    assert!(
        response["data"]["login"]["token"].is_string(),
        "{response:#}"
    );

    terminate(&child);
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("the server stops after SIGTERM")
        .unwrap()
        .status;
    assert!(status.success(), "{status:?}");

    // A second start finds the file: no seeding, no passwords printed.
    let mut second = command();
    second.current_dir(dir.path());
    let (child, _, printed) = serve(second).await;
    assert!(!printed.contains("Demo logins"), "{printed}");
    terminate(&child);
}
