//! Rows read in the same statement as the children of a list: the first of
//! each child's own children (a commitment's newest visible report). Each
//! join saves the statement, and the round trip, that reading them apart
//! would cost. To-one references shared by many children (a commitment's
//! partner) are better read apart, once each: joined to every row they cost
//! PostgreSQL more than the round trip.
use std::collections::HashMap;

use sea_orm::DbErr;

use super::{Cells, ChildList, Columns, Positional, ReadMask, SqlBuilder};

/// The first row of each child's own list (a commitment's newest visible
/// report), read with the child: `list`'s rows whose parent is the child, in
/// `list`'s order, among those `filter` lets through (conditions on the alias
/// `t`, as any [`ChildList`] filter).
pub struct Join<'a> {
    pub list: &'a ChildList<'a>,
    pub filter: Box<dyn Fn(&mut SqlBuilder) + Send + Sync + 'a>,
    pub rows: &'a mut dyn JoinedRows,
}

/// What a join reads from each result row.
pub trait JoinedRows: Send {
    /// `alias.a, alias.b, …`: the columns read, in reading order.
    fn select_list(&self, alias: &str) -> String;
    /// Reads this join's columns of one result row (all NULL when no row
    /// was joined to the child).
    fn read(&mut self, cells: &mut Cells<'_>) -> Result<(), DbErr>;
}

/// The rows a join found, by a key of each (the partner's id, the report's
/// commitment).
pub struct RowsBy<M> {
    read: ReadMask,
    key: fn(&M) -> i64,
    pub rows: HashMap<i64, M>,
}

impl<M: Positional> RowsBy<M> {
    pub fn new(columns: Columns<'_>, key: fn(&M) -> i64) -> Self {
        Self {
            read: M::read_mask(columns),
            key,
            rows: HashMap::new(),
        }
    }
}

impl<M: Positional + Send> JoinedRows for RowsBy<M> {
    fn select_list(&self, alias: &str) -> String {
        M::select_list(alias, self.read)
    }

    fn read(&mut self, cells: &mut Cells<'_>) -> Result<(), DbErr> {
        if let Some(model) = M::read_optional(cells, self.read)? {
            self.rows.insert((self.key)(&model), model);
        }
        Ok(())
    }
}
