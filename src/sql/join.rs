//! Rows read in the same statement as the children of a list: a to-one
//! reference of each child (a commitment's partner) or the first of each
//! child's own children (its newest visible report). Each join saves the
//! statement, and the round trip, that fetching them by id would cost.
use std::collections::HashMap;

use sea_orm::DbErr;

use super::{Cells, Columns, Direction, Positional, ReadMask, SqlBuilder};

/// How a joined row belongs to a child.
pub enum Link<'a> {
    /// The row of the joined table whose id is the child's `foreign_key`.
    ByKey { foreign_key: &'a str },
    /// The first row, in `direction` order, of the joined table whose
    /// `parent_column` is the child's id, among those `filter` lets through
    /// (conditions on the alias `t`, as a [`super::ChildList`]'s filter).
    First {
        parent_column: &'a str,
        direction: Direction,
        filter: Box<dyn Fn(&mut SqlBuilder) + Send + Sync + 'a>,
    },
}

/// A table joined to a list's children, and where its rows go.
pub struct Join<'a> {
    pub table: &'a str,
    pub link: Link<'a>,
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
