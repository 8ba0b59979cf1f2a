//! Black-box tests: each starts the real server on port 0 with its own database
//! (a fresh SQLite file, or a fresh PostgreSQL database when TEST_DATABASE_URL is
//! set) and talks to it over HTTP.
mod helpers;

mod access;
mod accounts;
mod applications;
mod cli;
mod cluster;
mod coalitions;
mod commitments;
mod compiled;
mod concurrency;
mod external_tools;
mod groups;
mod health;
mod hostile;
mod hostile_ws;
mod idor;
mod limits;
mod live;
mod mail;
mod n_plus_one;
mod partners;
mod query_cache;
mod redis_process;
mod resources;
mod schema;
mod smtp_process;
mod translations;
mod transport;
mod trust;
mod work_plans;
mod ws_client;
