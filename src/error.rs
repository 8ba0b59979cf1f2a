//! The one error type of the API. Each variant is something a client can act on;
//! its code is what clients see in `extensions.code`.
use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};

pub type AppResult<T> = Result<T, AppError>;

///
/// It deliberately does not implement `Display`/`std::error::Error`: async-graphql
/// and anyhow convert anything displayable by its message alone, which would drop
/// the code. The conversions below keep it.
#[derive(Debug)]
pub enum AppError {
    /// No valid session where one is needed.
    Unauthenticated,
    /// A login with a wrong e-mail or password (the same answer for either).
    InvalidCredentials,
    Forbidden(String),
    /// Also the answer for things that exist but are internal to someone else:
    /// a client must not learn that they exist.
    NotFound(&'static str),
    BadInput {
        field: String,
        message: String,
    },
    Conflict {
        field: Option<String>,
        message: String,
    },
    RateLimited {
        retry_after_secs: u64,
    },
    /// Never shown to a client: logged with its cause where it is turned into a response.
    Internal(anyhow::Error),
}

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Conflict {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// A write that carried an `expectedVersion` someone else has moved past.
    pub fn stale(what: &str) -> Self {
        Self::conflict(
            "expectedVersion",
            format!("the {what} was changed by someone else; reload and retry"),
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    /// What the client is told.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated => "authentication required".to_owned(),
            Self::InvalidCredentials => "invalid e-mail or password".to_owned(),
            Self::Forbidden(message) => message.clone(),
            Self::NotFound(what) => format!("{what} not found"),
            Self::BadInput { field, message } => format!("{field}: {message}"),
            Self::Conflict { message, .. } => message.clone(),
            Self::RateLimited { retry_after_secs } => {
                format!("too many failed attempts; retry in {retry_after_secs} s")
            }
            Self::Internal(_) => "internal error".to_owned(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials => codes::UNAUTHENTICATED,
            Self::Forbidden(_) => codes::FORBIDDEN,
            Self::NotFound(_) => codes::NOT_FOUND,
            Self::BadInput { .. } => codes::BAD_USER_INPUT,
            Self::Conflict { .. } => codes::CONFLICT,
            Self::RateLimited { .. } => codes::RATE_LIMITED,
            Self::Internal(_) => codes::INTERNAL,
        }
    }
}

/// The error codes of API.md, as they appear in `extensions.code`.
pub mod codes {
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const CONFLICT: &str = "CONFLICT";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const INTERNAL: &str = "INTERNAL";
}

/// Named unique indexes (PostgreSQL reports the index name, SQLite `table.column`)
/// and the input field each one protects.
const UNIQUE_FIELDS: &[(&str, &str, &str)] = &[
    ("ux_users_email", "users.email", "email"),
    ("ux_partners_name", "partners.name", "name"),
    ("ux_coalitions_slug", "coalitions.slug", "slug"),
    ("ux_coalitions_name", "coalitions.name", "name"),
    (
        "ux_coalition_partners_coalition_partner",
        "coalition_partners.coalition_id",
        "partnerId",
    ),
    (
        "ux_partner_users_partner_user",
        "partner_users.partner_id",
        "email",
    ),
    (
        "ux_action_groups_coalition_name",
        "action_groups.coalition_id",
        "name",
    ),
    (
        "ux_action_group_members_group_partner",
        "action_group_members.action_group_id",
        "partnerId",
    ),
    (
        "ux_progress_reports_idempotency",
        "progress_reports.commitment_id",
        "idempotencyKey",
    ),
    (
        "ux_applications_open_by_name",
        "partnership_applications.org_name_key",
        "organisation",
    ),
    (
        "ux_applications_open_by_partner",
        "partnership_applications.partner_id",
        "organisation",
    ),
    (
        "ux_pathfinder_countries_coalition_partner",
        "pathfinder_countries.coalition_id",
        "applicationId",
    ),
    (
        "ux_thematic_areas_coalition_name",
        "thematic_areas.coalition_id",
        "name",
    ),
];

impl From<DbErr> for AppError {
    fn from(error: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(message)) = error.sql_err() {
            let field = UNIQUE_FIELDS
                .iter()
                .find(|(index, columns, _)| message.contains(index) || message.contains(columns))
                .map(|(_, _, field)| *field);
            if let Some(field) = field {
                return Self::conflict(field, format!("{field} is already taken"));
            }
        }
        Self::Internal(error.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        Self::Internal(error)
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(error: AppError) -> Self {
        if let AppError::Internal(cause) = &error {
            // Logged once, here, where it becomes a response; the client sees no internals.
            tracing::error!(error.cause = ?cause, "internal error");
        }
        let code = error.code();
        let mut gql = async_graphql::Error::new(error.message());
        gql = gql.extend_with(|_, ext| ext.set("code", code));
        match &error {
            AppError::BadInput { field, .. } => {
                gql.extend_with(|_, ext| ext.set("field", field.as_str()))
            }
            AppError::Conflict {
                field: Some(field), ..
            } => gql.extend_with(|_, ext| ext.set("field", field.as_str())),
            AppError::RateLimited { retry_after_secs } => {
                let secs = *retry_after_secs;
                gql.extend_with(|_, ext| ext.set("retryAfter", secs))
            }
            _ => gql,
        }
    }
}

impl From<crate::domain::ValidationError> for AppError {
    fn from(error: crate::domain::ValidationError) -> Self {
        Self::bad_input(error.field, error.message)
    }
}

impl From<AppError> for anyhow::Error {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Internal(cause) => cause,
            other => anyhow::anyhow!(other.message()),
        }
    }
}

impl From<crate::domain::ValidationError> for async_graphql::Error {
    fn from(error: crate::domain::ValidationError) -> Self {
        AppError::from(error).into()
    }
}

impl From<crate::domain::ValidationError> for anyhow::Error {
    fn from(error: crate::domain::ValidationError) -> Self {
        anyhow::anyhow!("{}: {}", error.field, error.message)
    }
}
