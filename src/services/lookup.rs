//! Reading rows of any table by id, many at once (what every by-id DataLoader needs).
use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Iterable, PrimaryKeyToColumn, QueryFilter,
};

use crate::{
    error::{AppError, AppResult},
    sql::{Cells, Columns, Positional, SqlBuilder},
};

/// The rows of `E` whose primary key is in `ids`, by id.
pub async fn by_ids<E: EntityTrait>(
    db: &impl ConnectionTrait,
    ids: &[i64],
    id_of: impl Fn(&E::Model) -> i64,
) -> AppResult<HashMap<i64, E::Model>> {
    // Nothing to read: no statement (callers checking optional lists pass none).
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let column = E::PrimaryKey::iter()
        .next()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("an entity without a primary key")))?
        .into_column();
    Ok(E::find()
        .filter(column.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (id_of(&row), row))
        .collect())
}

/// The rows of `table` whose id is in `ids`, by id, read by position (see
/// [`Positional`]): for the lists whose rows are read by the thousand.
pub async fn rows_by_ids<M: Positional>(
    db: &impl ConnectionTrait,
    table: &str,
    ids: &[i64],
    columns: Columns<'_>,
    id_of: impl Fn(&M) -> i64,
) -> AppResult<HashMap<i64, M>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let read = M::read_mask(columns);
    let mut sql = SqlBuilder::new(db.get_database_backend());
    sql.push(&format!(
        "SELECT {} FROM {table} t WHERE ",
        M::select_list("t", read)
    ))
    .is_in("t.id", ids);
    let mut found = HashMap::with_capacity(ids.len());
    for row in db.query_all_raw(sql.build()).await? {
        let model = M::read(&mut Cells::new(&row), read)?;
        found.insert(id_of(&model), model);
    }
    Ok(found)
}
