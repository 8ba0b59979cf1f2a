//! `spawn_app` and the client helpers every test uses.
use std::{net::SocketAddr, sync::Arc};

use coalition::{
    config::{Config, SecretUrl},
    domain::{DisplayName, Email, Password},
    metrics::Metrics,
    services::accounts,
    startup::Application,
};
use rand_core::{OsRng, RngCore};
use serde_json::{json, Value};
use tokio::sync::oneshot;

pub const ADMIN_PASSWORD: &str = "admin password for tests";
pub const USER_PASSWORD: &str = "user password for tests";

pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub metrics: Arc<Metrics>,
    /// The server's own database handle, for tests that must break something.
    pub db: sea_orm::DatabaseConnection,
    pub admin_token: String,
    /// What a second node needs to join this one: the same database and channel.
    pub database_url: String,
    pub redis_url: Option<String>,
    pub redis_channel: String,
    /// Where this node writes its e-mails (no SMTP server configured).
    pub mail_dir: std::path::PathBuf,
    _mail_dir: tempfile::TempDir,
    _shutdown: oneshot::Sender<()>,
    _sqlite_dir: Option<tempfile::TempDir>,
    _postgres: Option<PostgresDatabase>,
}

/// A user created through an invitation, signed in.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub token: String,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server whose configuration `adjust` may change. With TEST_REDIS_URL
/// it uses Redis on a channel of its own, so tests never see each other's events.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let (database_url, sqlite_dir, postgres) = test_database().await;
    let redis_url = std::env::var("TEST_REDIS_URL").ok();
    let channel = format!("coalition-test-{:016x}:events", OsRng.next_u64());
    let mut app = start_node(&database_url, redis_url.as_deref(), &channel, adjust, true).await;
    app._sqlite_dir = sqlite_dir;
    app._postgres = postgres;
    app
}

impl TestApp {
    /// Another node on the same database and Redis channel (a cluster of two).
    pub async fn spawn_node(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        start_node(
            &self.database_url,
            self.redis_url.as_deref(),
            &self.redis_channel,
            adjust,
            false,
        )
        .await
    }
}

async fn start_node(
    database_url: &str,
    redis_url: Option<&str>,
    channel: &str,
    adjust: impl FnOnce(&mut Config),
    create_admin: bool,
) -> TestApp {
    let mail_dir = tempfile::tempdir().expect("a temporary directory");
    let mut config = Config {
        database_url: Some(SecretUrl::new(database_url)),
        redis_url: redis_url.map(SecretUrl::new),
        redis_channel: channel.to_owned(),
        bind_addr: "127.0.0.1:0".parse().unwrap(),
        database_max_connections: 5,
        mail_dir: mail_dir.path().join("mail"),
        ..Config::default()
    };
    adjust(&mut config);
    let redis_url = config.redis_url.as_ref().map(|u| u.expose().to_owned());
    let redis_channel = config.redis_channel.clone();
    let mail_path = config.mail_dir.clone();
    let app = Application::build(config)
        .await
        .expect("the application builds");
    let address = app.local_addr();
    let state = app.state().clone();
    if create_admin {
        accounts::create_admin(
            &state.db,
            Email::parse("email", "admin@test.example").unwrap(),
            Password::parse("password", ADMIN_PASSWORD).unwrap(),
            DisplayName::parse("displayName", "Test Admin").unwrap(),
        )
        .await
        .expect("the test admin is created");
    }
    let (shutdown, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = app
            .run_until(async {
                let _ = stopped.await;
            })
            .await;
    });
    let mut test_app = TestApp {
        address,
        client: reqwest::Client::new(),
        metrics: state.metrics.clone(),
        db: state.db.clone(),
        admin_token: String::new(),
        database_url: database_url.to_owned(),
        redis_url,
        redis_channel,
        mail_dir: mail_path,
        _mail_dir: mail_dir,
        _shutdown: shutdown,
        _sqlite_dir: None,
        _postgres: None,
    };
    test_app.admin_token = test_app.login("admin@test.example", ADMIN_PASSWORD).await;
    test_app
}

async fn test_database() -> (String, Option<tempfile::TempDir>, Option<PostgresDatabase>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) => {
            let database = PostgresDatabase::create(&url).await;
            (database.url.clone(), None, Some(database))
        }
        Err(_) => {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
            (url, Some(dir), None)
        }
    }
}

/// A PostgreSQL database made for one test and dropped after it.
pub struct PostgresDatabase {
    pub url: String,
    admin_url: String,
    name: String,
}

impl PostgresDatabase {
    pub async fn create(admin_url: &str) -> Self {
        use sea_orm::sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
        let name = format!("coalition_test_{:016x}", OsRng.next_u64());
        let mut connection = PgConnection::connect(admin_url)
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "TEST_DATABASE_URL is set but PostgreSQL is unreachable ({error}); \
                 start it or unset TEST_DATABASE_URL"
                )
            });
        connection
            .execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("creating the test database");
        let mut url = url::Url::parse(admin_url).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        Self {
            url: url.to_string(),
            admin_url: admin_url.to_owned(),
            name,
        }
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs outside async; a short-lived runtime on its own thread does the work.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                use sea_orm::sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
                if let Ok(mut connection) = PgConnection::connect(&admin_url).await {
                    let _ = connection
                        .execute(AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .await;
                }
            });
        })
        .join();
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// Runs one GraphQL operation and returns the whole JSON response.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the server answers");
        response.json().await.expect("a JSON answer")
    }

    /// Runs an operation that must succeed and returns its `data`.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let response = self.graphql(token, query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    /// Runs an operation that must fail and returns the code of its first error.
    pub async fn error_code(&self, token: Option<&str>, query: &str, variables: Value) -> String {
        let response = self.graphql(token, query, variables).await;
        first_error_code(&response)
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let data = self
            .ok(
                None,
                "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { token } }",
                json!({ "email": email, "password": password }),
            )
            .await;
        data["login"]["token"].as_str().expect("a token").to_owned()
    }

    pub async fn create_partner(&self, name: &str, kind: &str, country: Option<&str>) -> String {
        let data = self
            .ok(
                Some(&self.admin_token),
                "mutation($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id } } }",
                json!({ "input": { "name": name, "kind": kind, "country": country } }),
            )
            .await;
        data["createPartner"]["partner"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn create_coalition(&self, name: &str, slug: &str) -> String {
        let data = self
            .ok(
                Some(&self.admin_token),
                "mutation($input: CreateCoalitionInput!) { createCoalition(input: $input) { coalition { id } } }",
                json!({ "input": { "name": name, "slug": slug } }),
            )
            .await;
        data["createCoalition"]["coalition"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn add_coalition_partner(&self, coalition_id: &str, partner_id: &str) -> Value {
        let data = self
            .ok(
                Some(&self.admin_token),
                "mutation($input: AddCoalitionPartnerInput!) { addCoalitionPartner(input: $input) { membership { id status joinedAt } } }",
                json!({ "input": { "coalitionId": coalition_id, "partnerId": partner_id } }),
            )
            .await;
        data["addCoalitionPartner"]["membership"].clone()
    }

    /// Invites `email` to `partner_id` with `role` (as the admin) and accepts.
    pub async fn create_user(&self, email: &str, partner_id: &str, role: &str) -> TestUser {
        let data = self
            .ok(
                Some(&self.admin_token),
                "mutation($input: InviteUserInput!) { inviteUser(input: $input) { invitationToken } }",
                json!({ "input": { "email": email, "partnerId": partner_id, "role": role } }),
            )
            .await;
        let invitation = data["inviteUser"]["invitationToken"]
            .as_str()
            .unwrap()
            .to_owned();
        let data = self
            .ok(
                None,
                "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token user { id email } } }",
                json!({ "input": { "invitationToken": invitation, "password": USER_PASSWORD, "displayName": email } }),
            )
            .await;
        TestUser {
            id: data["acceptInvitation"]["user"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
            email: email.to_owned(),
            token: data["acceptInvitation"]["token"]
                .as_str()
                .unwrap()
                .to_owned(),
        }
    }

    /// Invites an existing user to one more partner; the user claims it signed in.
    pub async fn add_to_partner(&self, user: &TestUser, partner_id: &str, role: &str) {
        let data = self
            .ok(
                Some(&self.admin_token),
                "mutation($input: InviteUserInput!) { inviteUser(input: $input) { invitationToken } }",
                json!({ "input": { "email": user.email, "partnerId": partner_id, "role": role } }),
            )
            .await;
        self.ok(
            Some(&user.token),
            "mutation($t: String!) { claimInvitation(input: {invitationToken: $t}) { role } }",
            json!({ "t": data["inviteUser"]["invitationToken"] }),
        )
        .await;
    }

    /// A signed-in user with the SECRETARIAT platform role.
    pub async fn create_secretariat(&self, partner_id: &str) -> TestUser {
        let user = self
            .create_user("secretariat@test.example", partner_id, "MEMBER")
            .await;
        self.ok(
            Some(&self.admin_token),
            "mutation($input: SetPlatformRoleInput!) { setPlatformRole(input: $input) { user { id } } }",
            json!({ "input": { "userId": user.id, "role": "SECRETARIAT" } }),
        )
        .await;
        user
    }

    pub async fn create_group(&self, coalition_id: &str, name: &str) -> String {
        let data = self
            .ok(
                Some(&self.admin_token),
                "mutation($input: CreateActionGroupInput!) { createActionGroup(input: $input) { actionGroup { id } } }",
                json!({ "input": { "coalitionId": coalition_id, "name": name } }),
            )
            .await;
        data["createActionGroup"]["actionGroup"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn add_group_member(&self, group_id: &str, partner_id: &str, role: &str) {
        self.ok(
            Some(&self.admin_token),
            "mutation($input: AddActionGroupMemberInput!) { addActionGroupMember(input: $input) { member { role } } }",
            json!({ "input": { "actionGroupId": group_id, "partnerId": partner_id, "role": role } }),
        )
        .await;
    }

    /// Creates a commitment as the platform admin; `extra` adds input fields.
    pub async fn create_commitment(&self, partner_id: &str, title: &str, extra: Value) -> Value {
        let mut input = json!({ "partnerId": partner_id, "title": title });
        if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
            input.extend(extra.clone());
        }
        let data = self
            .ok(
                Some(&self.admin_token),
                "mutation($input: CreateCommitmentInput!) { createCommitment(input: $input) { commitment { id version status progress } } }",
                json!({ "input": input }),
            )
            .await;
        data["createCommitment"]["commitment"].clone()
    }

    /// Approves, as the platform admin, the report of `commitment_id` in review:
    /// its values become the public ones. Returns the report's id.
    pub async fn approve_pending(&self, commitment_id: &Value) -> String {
        let data = self
            .ok(
                Some(&self.admin_token),
                "query($id: ID!) { node(id: $id) { ... on Commitment { pendingReport { id } } } }",
                json!({ "id": commitment_id }),
            )
            .await;
        let report = data["node"]["pendingReport"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("a report in review: {data:#}"))
            .to_owned();
        self.ok(
            Some(&self.admin_token),
            "mutation($r: ID!) { reviewProgressReport(input: {progressReportId: $r, decision: APPROVE}) { progressReport { id } } }",
            json!({ "r": report }),
        )
        .await;
        report
    }

    /// SQL statements the server has run so far.
    pub fn statements(&self) -> u64 {
        self.metrics.statements()
    }
}

/// Refused for too many failed logins, with a hint when to retry.
pub fn assert_rate_limited(response: &Value) {
    assert_eq!(first_error_code(response), "RATE_LIMITED");
    let retry_after = response["errors"][0]["extensions"]["retryAfter"].as_u64();
    assert!(
        retry_after.is_some_and(|seconds| seconds > 0),
        "{response:#}"
    );
}

pub fn first_error_code(response: &Value) -> String {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error with a code, got {response:#}"))
        .to_owned()
}
