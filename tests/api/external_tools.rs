//! The server as outside tools judge it, each run against a real node:
//! graphql-http's GraphQL-over-HTTP audit, graphql-js building a client schema
//! from the standard introspection query, and GraphiQL in headless Chromium
//! with no internet access.
//!
//! They need Node.js, `npm ci` in `tests/http_audit` and `tests/browser`, and
//! Debian's `chromium`. Without them a test says loudly that it did not run;
//! with `COALITION_REQUIRE_TOOLS=1` (as `.ci/run` sets) it fails instead.
use std::{path::PathBuf, process::Stdio, time::Duration};

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether a missing tool fails the test rather than skipping it.
pub fn tools_required() -> bool {
    std::env::var("COALITION_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// The script to run, if Node.js and the folder's packages are there.
fn script(folder: &str, file: &str, needs_chromium: bool) -> Option<PathBuf> {
    let dir = repository().join("tests").join(folder);
    let missing = if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        Some("Node.js (node) is not installed".to_owned())
    } else if !dir.join("node_modules").is_dir() {
        Some(format!("run `npm ci --prefix tests/{folder}`"))
    } else if needs_chromium && !PathBuf::from("/usr/bin/chromium").exists() {
        Some("Chromium is not installed (apt-get install chromium)".to_owned())
    } else {
        None
    };
    match missing {
        None => Some(dir.join(file)),
        Some(reason) if tools_required() => {
            panic!("tests/{folder}/{file} cannot run: {reason} (COALITION_REQUIRE_TOOLS=1)")
        }
        Some(reason) => {
            eprintln!(
                "\n*** SKIPPED tests/{folder}/{file}: {reason}. This check did NOT run. ***\n"
            );
            None
        }
    }
}

/// Runs a Node.js script with `args`; asserts it succeeds, printing its output.
async fn run_node(script: PathBuf, args: &[String], env: &[(&str, String)]) {
    let mut command = tokio::process::Command::new("node");
    command
        .arg(&script)
        .args(args)
        .current_dir(repository())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = tokio::time::timeout(Duration::from_secs(180), command.output())
        .await
        .expect("the script finishes within 3 minutes")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}\n{stderr}");
    assert!(
        output.status.success(),
        "{} failed ({}):\n{stdout}\n{stderr}",
        script.display(),
        output.status
    );
}

#[tokio::test]
async fn the_graphql_over_http_audit_finds_no_must_or_should_failure() {
    let Some(audit) = script("http_audit", "audit.mjs", false) else {
        return;
    };
    let app = spawn_app().await;
    run_node(audit, &[app.url("/graphql")], &[]).await;
}

#[tokio::test]
async fn graphql_js_builds_a_client_schema_from_the_standard_introspection_query() {
    let Some(check) = script("http_audit", "introspection.mjs", false) else {
        return;
    };
    let app = spawn_app().await;
    run_node(check, &[app.url("/graphql")], &[]).await;
}

#[tokio::test]
async fn graphiql_loads_offline_in_headless_chromium_and_follows_a_subscription() {
    let Some(browser) = script("browser", "graphiql.mjs", true) else {
        return;
    };
    let app = spawn_app().await;
    let partner = app.create_partner("Browser Partner", "NGO", None).await;
    let commitment = app
        .create_commitment(
            &partner,
            "Seen live in GraphiQL",
            json!({ "visibility": "PUBLIC" }),
        )
        .await;
    let id = commitment["id"].as_str().unwrap().to_owned();
    // The page subscribes anonymously; the commitment changes until it has.
    let changes = keep_changing(&app, &id);
    let subscription =
        format!("subscription {{ commitmentUpdated(commitmentId: \"{id}\") {{ title version }} }}");
    run_node(
        browser,
        &[
            app.address_url(),
            subscription,
            "Seen live in GraphiQL".into(),
        ],
        &[],
    )
    .await;
    assert!(!changes.is_finished(), "the changes kept coming");
    changes.abort();
}

/// Changes the commitment's target twice a second, as the admin.
fn keep_changing(app: &TestApp, commitment_id: &str) -> tokio::task::JoinHandle<()> {
    let client = app.client.clone();
    let url = app.url("/graphql");
    let token = app.admin_token.clone();
    let id = commitment_id.to_owned();
    tokio::spawn(async move {
        for target in 1.. {
            let body = json!({
                "query": "mutation($input: UpdateCommitmentInput!) { updateCommitment(input: $input) { commitment { version } } }",
                "variables": { "input": { "commitmentId": id, "targetValue": target } },
            });
            let response = client
                .post(&url)
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await;
            let answer: Value = response.unwrap().json().await.unwrap();
            assert!(answer.get("errors").is_none(), "{answer:#}");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    })
}

impl TestApp {
    /// The node's base URL, e.g. `http://127.0.0.1:4711`.
    fn address_url(&self) -> String {
        format!("http://{}", self.address)
    }
}

#[tokio::test]
async fn the_standard_introspection_query_is_answered() {
    let app = spawn_app().await;
    let query = include_str!("../http_audit/introspection-query.graphql");
    let data = app.ok(None, query, Value::Null).await;
    let types = data["__schema"]["types"].as_array().expect("types");
    assert!(types.iter().any(|t| t["name"] == "Commitment"));
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
    assert!(data["__schema"]["directives"]
        .as_array()
        .is_some_and(|d| !d.is_empty()));
}

#[tokio::test]
async fn graphiql_and_its_assets_come_from_the_server_itself() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/graphql")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
    for asset in [
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
        "init.js",
    ] {
        assert!(
            html.contains(&format!("/graphql/assets/{asset}")),
            "{asset}"
        );
        let response = app
            .client
            .get(app.url(&format!("/graphql/assets/{asset}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{asset}");
        let body = response.text().await.unwrap();
        assert!(
            !body.contains("react.development"),
            "{asset} is a production build"
        );
    }
    for missing in ["../Cargo.toml", "nothing.js", "%2e%2e%2fCargo.toml"] {
        let response = app
            .client
            .get(app.url(&format!("/graphql/assets/{missing}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{missing}");
    }
}
