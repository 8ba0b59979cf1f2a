//! The `coalition` command: serve (default), migrate, create-admin, export-schema, seed-demo.
use std::io::Read;

use anyhow::Context;
use clap::{Parser, Subcommand};
use coalition::{
    config::Config,
    db,
    domain::{DisplayName, Email, Password},
    graphql, seed,
    services::accounts,
    startup::{shutdown_signal, Application},
    telemetry,
};

#[derive(Parser)]
#[command(name = "coalition", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create a platform admin (or make an existing user one).
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Read the password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[arg(long, default_value = "Administrator")]
        display_name: String,
    },
    /// Print the GraphQL schema (SDL).
    ExportSchema,
    /// Load the demo data drawn from the source documents, and print demo logins.
    SeedDemo,
}

/// mimalloc: async-graphql allocates per field, and glibc's malloc spent a
/// quarter of the CPU of list queries in its own locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::ExportSchema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Serve => {
            telemetry::init(config.log_format);
            let app = Application::build(config).await?;
            tracing::info!(address = %app.local_addr(), "listening; GraphiQL at /graphql");
            app.run_until(shutdown_signal()).await
        }
        Command::Migrate => {
            telemetry::init(config.log_format);
            open_database(&config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::CreateAdmin {
            email,
            password_stdin: _,
            display_name,
        } => {
            telemetry::init(config.log_format);
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = Password::parse("password", password.trim_end_matches(['\r', '\n']))?;
            let email = Email::parse("email", &email)?;
            let display_name = DisplayName::parse("display-name", &display_name)?;
            let db = open_database(&config).await?;
            let user = accounts::create_admin(&db, email, password, display_name).await?;
            println!("platform admin ready: {}", user.email);
            Ok(())
        }
        Command::SeedDemo => {
            telemetry::init(config.log_format);
            let db = open_database(&config).await?;
            let report = seed::seed_demo(&db).await?;
            println!("{report}");
            Ok(())
        }
    }
}

async fn open_database(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let metrics = std::sync::Arc::new(coalition::metrics::Metrics::new());
    let db = db::connect(
        &config.database_url(),
        config.database_max_connections,
        metrics,
    )
    .await?;
    db::migrate(&db).await?;
    Ok(db)
}
