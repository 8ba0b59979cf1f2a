//! Reading rows of any table by id, many at once (what every by-id DataLoader needs).
use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, Iterable, PrimaryKeyToColumn, QueryFilter,
};

use crate::error::{AppError, AppResult};

/// The rows of `E` whose primary key is in `ids`, by id.
pub async fn by_ids<E: EntityTrait>(
    db: &DatabaseConnection,
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
