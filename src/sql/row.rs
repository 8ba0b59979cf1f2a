//! Rows read by position. sea-orm's derived decoding looks every column up by
//! name and, for each NULL in an optional column, formats an error message it
//! then drops; on a page of 1,000 commitments that was a third of a request's
//! CPU. Lists read their rows here instead: the statement names the columns of
//! [`Positional::COLUMNS`] and the row is read back in that order through sqlx.
use sea_orm::{
    sqlx::{self, Postgres, Row, Sqlite},
    ConnectionTrait, DbErr, EntityTrait, Iterable, QueryResult, QuerySelect, QueryTrait, Select,
};

/// A row type that a statement selecting its columns, in `COLUMNS` order, can
/// fill. A list that needs only some columns (see [`Columns::Only`]) selects
/// only those and the ones that have no blank; the others are left blank.
pub trait Positional: Sized {
    const COLUMNS: &'static [&'static str];
    /// Whether each column may be left out (see [`Blank`]).
    const BLANKABLE: &'static [bool];

    /// Reads the columns of `read` (see [`Positional::read_mask`]) from
    /// `cells`, which starts at the row's first column.
    fn read(cells: &mut Cells<'_>, read: ReadMask) -> Result<Self, DbErr>;

    /// Like [`Positional::read`], for the columns of an outer join: None,
    /// and the columns skipped, when the id is NULL (no row was joined).
    fn read_optional(cells: &mut Cells<'_>, read: ReadMask) -> Result<Option<Self>, DbErr> {
        if cells.peek::<Option<i64>>()?.is_none() {
            cells.skip(read.count());
            return Ok(None);
        }
        Self::read(cells, read).map(Some)
    }

    /// The columns a statement selects for `columns`.
    fn read_mask(columns: Columns<'_>) -> ReadMask {
        // The first column, the id, is always read: lists key rows by it.
        let mut mask = 1;
        for (index, (column, blankable)) in Self::COLUMNS.iter().zip(Self::BLANKABLE).enumerate() {
            let needed = match columns {
                Columns::All => true,
                Columns::Only(needed) => !blankable || needed.contains(column),
            };
            if needed {
                mask |= 1 << index;
            }
        }
        ReadMask(mask)
    }

    /// `t.a, t.b, …`: the columns of `read`, for a statement whose table
    /// alias is `alias`.
    fn select_list(alias: &str, read: ReadMask) -> String {
        Self::COLUMNS
            .iter()
            .enumerate()
            .filter(|(index, _)| read.has(*index))
            .map(|(_, column)| format!("{alias}.{column}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Which columns a statement reads in full; the others are left blank (None,
/// an empty string, zero). A list of 1,000 commitments that shows titles need
/// not copy and decode every description.
#[derive(Debug, Clone, Copy)]
pub enum Columns<'a> {
    All,
    Only(&'a [&'static str]),
}

/// The columns (by position in `COLUMNS`) that a statement selects.
#[derive(Debug, Clone, Copy)]
pub struct ReadMask(u64);

impl ReadMask {
    pub fn has(self, index: usize) -> bool {
        self.0 & (1 << index) != 0
    }

    /// How many columns a statement selects.
    pub fn count(self) -> usize {
        self.0.count_ones() as usize
    }
}

/// Runs `select` for the `columns` a list shows (and those without a blank)
/// and reads its rows by position.
pub async fn all_by_position<E>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    columns: Columns<'_>,
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: Positional,
{
    let read = E::Model::read_mask(columns);
    // The entity's columns are `COLUMNS`, in order (a unit test checks it).
    let mut select = select.select_only();
    for (index, column) in E::Column::iter().enumerate() {
        if read.has(index) {
            select = select.column(column);
        }
    }
    let rows = db
        .query_all_raw(select.build(db.get_database_backend()))
        .await?;
    rows.iter()
        .map(|row| E::Model::read(&mut Cells::new(row), read))
        .collect()
}

/// What a column left out holds. Timestamps are always read: they are cheap
/// and have no sensible blank.
pub trait Blank: Sized {
    const BLANKABLE: bool = true;
    fn blank() -> Self;
}

impl<T> Blank for Option<T> {
    fn blank() -> Self {
        None
    }
}

impl Blank for String {
    fn blank() -> Self {
        String::new()
    }
}

impl Blank for i32 {
    fn blank() -> Self {
        0
    }
}

impl Blank for i64 {
    fn blank() -> Self {
        0
    }
}

impl Blank for chrono::DateTime<chrono::Utc> {
    const BLANKABLE: bool = false;
    fn blank() -> Self {
        // Never used: a column that is not blankable is always read.
        chrono::DateTime::<chrono::Utc>::MIN_UTC
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

    /// The next column, without moving past it.
    pub fn peek<T: Cell>(&self) -> Result<T, DbErr> {
        T::read(self.row, self.next)
    }

    pub fn skip(&mut self, columns: usize) {
        self.next += columns;
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
            const BLANKABLE: &'static [bool] = &[$(<$type as Blank>::BLANKABLE),*];

            fn read(cells: &mut Cells<'_>, read: ReadMask) -> Result<Self, DbErr> {
                let mut index = 0;
                Ok(Self {
                    $($field: {
                        index += 1;
                        if read.has(index - 1) {
                            cells.take::<$type>()?
                        } else {
                            <$type as Blank>::blank()
                        }
                    }),*
                })
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
    #[test]
    fn a_read_mask_keeps_timestamps_and_the_columns_asked_for() {
        use super::{Columns, Positional};
        type Partner = entity::partners::Model;
        let mask = Partner::read_mask(Columns::Only(&["id", "name"]));
        assert_eq!(
            Partner::select_list("t", mask),
            "t.id, t.name, t.created_at, t.updated_at"
        );
        let all = Partner::read_mask(Columns::All);
        assert_eq!(
            Partner::select_list("t", all).matches("t.").count(),
            Partner::COLUMNS.len()
        );
    }

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
