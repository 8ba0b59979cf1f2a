//! Rows read by position. sea-orm's derived decoding looks every column up by
//! name and, for each NULL in an optional column, formats an error message it
//! then drops; on a page of 1,000 commitments that was a third of a request's
//! CPU. Lists read their rows here instead: the statement names the columns of
//! [`Positional::COLUMNS`] and the row is read back in that order through sqlx.
use sea_orm::{
    sqlx::{self, Postgres, Row, Sqlite},
    DbErr, QueryResult,
};

/// A row type that a statement selecting `COLUMNS`, in that order, can fill.
pub trait Positional: Sized {
    const COLUMNS: &'static [&'static str];
    /// For each column, the SQL of a value that stands in for it when a list
    /// does not need it (see [`Columns::Only`]); None for columns always read.
    const BLANKS: &'static [Option<&'static str>];

    /// Reads the row from `cells`, which starts at its first column.
    fn read(cells: &mut Cells<'_>) -> Result<Self, DbErr>;

    /// `t.a, t.b, …`: the columns for a statement whose table alias is
    /// `alias`, those not in `columns` replaced by their blank.
    fn select_list(alias: &str, columns: Columns<'_>) -> String {
        Self::COLUMNS
            .iter()
            .zip(Self::BLANKS)
            .map(|(column, blank)| match (columns, blank) {
                (Columns::Only(needed), Some(blank)) if !needed.contains(column) => {
                    format!("{blank} AS {column}")
                }
                _ => format!("{alias}.{column}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Which columns a statement reads in full. The others arrive blank (NULL,
/// an empty string, zero): a list of 1,000 commitments that shows titles need
/// not copy and allocate every description.
#[derive(Debug, Clone, Copy)]
pub enum Columns<'a> {
    All,
    Only(&'a [&'static str]),
}

/// The stand-in for a column that is not read (see [`Positional::BLANKS`]).
pub trait Blank {
    const SQL: Option<&'static str>;
}

impl<T> Blank for Option<T> {
    const SQL: Option<&'static str> = Some("NULL");
}

impl Blank for String {
    const SQL: Option<&'static str> = Some("''");
}

impl Blank for i32 {
    const SQL: Option<&'static str> = Some("0");
}

impl Blank for i64 {
    const SQL: Option<&'static str> = Some("CAST(0 AS BIGINT)");
}

impl Blank for chrono::DateTime<chrono::Utc> {
    // Cheap to read, and its literal differs between the backends.
    const SQL: Option<&'static str> = None;
}

/// The columns of one result row, read left to right.
pub struct Cells<'r> {
    row: &'r QueryResult,
    next: usize,
}

impl<'r> Cells<'r> {
    pub fn new(row: &'r QueryResult) -> Self {
        Self { row, next: 0 }
    }

    pub fn take<T: Cell>(&mut self) -> Result<T, DbErr> {
        let value = T::read(self.row, self.next);
        self.next += 1;
        value
    }
}

/// A value sqlx decodes on both backends.
pub trait Cell: Sized {
    fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr>;
}

impl<T> Cell for T
where
    T: for<'a> sqlx::Decode<'a, Postgres> + sqlx::Type<Postgres>,
    T: for<'a> sqlx::Decode<'a, Sqlite> + sqlx::Type<Sqlite>,
{
    fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr> {
        let decoded = if let Some(row) = row.try_as_pg_row() {
            row.try_get::<T, _>(index)
        } else if let Some(row) = row.try_as_sqlite_row() {
            row.try_get::<T, _>(index)
        } else {
            return Err(DbErr::Custom("a row of an unknown backend".into()));
        };
        decoded.map_err(|error| DbErr::Custom(format!("column {index}: {error}")))
    }
}

/// Implements [`Positional`] for an entity's model from the list of its
/// fields, which are its column names, and their types: the struct literal
/// makes the compiler check that the list is complete.
macro_rules! positional {
    ($model:path { $($field:ident: $type:ty),* $(,)? }) => {
        impl Positional for $model {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];
            const BLANKS: &'static [Option<&'static str>] = &[$(<$type as Blank>::SQL),*];

            fn read(cells: &mut Cells<'_>) -> Result<Self, DbErr> {
                Ok(Self { $($field: cells.take::<$type>()?),* })
            }
        }
    };
}

type Time = chrono::DateTime<chrono::Utc>;

positional!(entity::commitments::Model {
    id: i64, partner_id: i64, coalition_id: Option<i64>, action_group_id: Option<i64>,
    thematic_area_id: Option<i64>, work_plan_item_id: Option<i64>, title: String,
    description: Option<String>, indicator: Option<String>, unit: Option<String>,
    baseline: Option<f64>, target_value: Option<f64>, current_value: Option<f64>,
    due_on: Option<chrono::NaiveDate>, status: String, progress: i32,
    focal_point_user_id: Option<i64>, visibility: String, version: i32,
    published_report_id: Option<i64>, created_at: Time, updated_at: Time,
});

positional!(entity::partners::Model {
    id: i64, name: String, acronym: Option<String>, kind: String, country: Option<String>,
    region: Option<String>, website: Option<String>, description: Option<String>,
    search_text: String, version: i32, created_at: Time, updated_at: Time,
});

positional!(entity::action_group_members::Model {
    id: i64,
    action_group_id: i64,
    partner_id: i64,
    role: String,
    joined_at: Time,
});

positional!(entity::progress_reports::Model {
    id: i64, commitment_id: i64, author_user_id: i64, progress: i32, status: String,
    narrative: Option<String>, value: Option<f64>, review_state: String,
    review_reason: Option<String>, reviewer_user_id: Option<i64>, reviewed_at: Option<Time>,
    idempotency_key: Option<String>, commitment_version: i32, created_at: Time,
});

positional!(entity::action_groups::Model {
    id: i64, coalition_id: i64, thematic_area_id: Option<i64>, name: String,
    description: Option<String>, status: String, search_text: String, version: i32,
    created_at: Time, updated_at: Time,
});

#[cfg(test)]
mod tests {
    use sea_orm::{EntityTrait, Iterable};

    use super::Positional;

    /// The columns named are the entity's own, in its order.
    fn same_columns<E: EntityTrait>(columns: &[&str])
    where
        E::Model: Positional,
    {
        let entity: Vec<String> = E::Column::iter()
            .map(|column| sea_orm::IdenStatic::as_str(&column).to_owned())
            .collect();
        assert_eq!(entity, columns);
    }

    #[test]
    fn positional_rows_name_every_column_of_their_entity() {
        same_columns::<entity::commitments::Entity>(entity::commitments::Model::COLUMNS);
        same_columns::<entity::partners::Entity>(entity::partners::Model::COLUMNS);
        same_columns::<entity::action_group_members::Entity>(
            entity::action_group_members::Model::COLUMNS,
        );
        same_columns::<entity::progress_reports::Entity>(entity::progress_reports::Model::COLUMNS);
        same_columns::<entity::action_groups::Entity>(entity::action_groups::Model::COLUMNS);
    }
}
