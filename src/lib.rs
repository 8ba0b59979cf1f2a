//! coalition: a GraphQL backend for multi-stakeholder coalitions.
pub mod auth;
pub mod bench;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod pagination;
pub mod seed;
pub mod services;
pub mod sql;
pub mod startup;
pub mod state;
pub mod telemetry;
