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

    /// Reads the row from `cells`, which starts at its first column.
    fn read(cells: &mut Cells<'_>) -> Result<Self, DbErr>;

    /// `t.a, t.b, …`: the columns for a statement whose table alias is `alias`.
    fn select_list(alias: &str) -> String {
        Self::COLUMNS
            .iter()
            .map(|column| format!("{alias}.{column}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
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
/// fields, which are its column names: the struct literal makes the compiler
/// check that the list is complete.
macro_rules! positional {
    ($model:path { $($field:ident),* $(,)? }) => {
        impl Positional for $model {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn read(cells: &mut Cells<'_>) -> Result<Self, DbErr> {
                Ok(Self { $($field: cells.take()?),* })
            }
        }
    };
}

positional!(entity::commitments::Model {
    id,
    partner_id,
    coalition_id,
    action_group_id,
    thematic_area_id,
    work_plan_item_id,
    title,
    description,
    indicator,
    unit,
    baseline,
    target_value,
    current_value,
    due_on,
    status,
    progress,
    focal_point_user_id,
    visibility,
    version,
    published_report_id,
    created_at,
    updated_at,
});

positional!(entity::partners::Model {
    id,
    name,
    acronym,
    kind,
    country,
    region,
    website,
    description,
    search_text,
    version,
    created_at,
    updated_at,
});

positional!(entity::action_group_members::Model {
    id,
    action_group_id,
    partner_id,
    role,
    joined_at,
});

positional!(entity::progress_reports::Model {
    id,
    commitment_id,
    author_user_id,
    progress,
    status,
    narrative,
    value,
    review_state,
    review_reason,
    reviewer_user_id,
    reviewed_at,
    idempotency_key,
    commitment_version,
    created_at,
});

positional!(entity::action_groups::Model {
    id,
    coalition_id,
    thematic_area_id,
    name,
    description,
    status,
    search_text,
    version,
    created_at,
    updated_at,
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
