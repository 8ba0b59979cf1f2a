//! Hand-written SQL for the few queries sea-query does not express well (window
//! functions that page many parents' children at once). Placeholders differ per
//! backend; this builder writes the right ones.
mod row;

use sea_orm::{DbBackend, Statement, Value};

pub use row::{Blank, Cell, Cells, Columns, Positional, ReadMask};

pub struct SqlBuilder {
    backend: DbBackend,
    sql: String,
    values: Vec<Value>,
}

impl SqlBuilder {
    pub fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            sql: String::new(),
            values: Vec::new(),
        }
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => {
                let n = self.values.len();
                self.sql.push_str(&format!("${n}"));
            }
            _ => self.sql.push('?'),
        }
        self
    }

    /// Appends `(?, ?, …)` bound to `values`.
    pub fn bind_list<V: Into<Value> + Clone>(&mut self, values: &[V]) -> &mut Self {
        self.sql.push('(');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.bind(value.clone());
        }
        self.sql.push(')');
        self
    }

    /// Appends `expr` matched against `ids`: `expr = ANY($n)` with one array
    /// on PostgreSQL (one prepared statement whatever the number of ids),
    /// `expr IN (?, ?, …)` on SQLite.
    pub fn is_in(&mut self, expr: &str, ids: &[i64]) -> &mut Self {
        self.push(expr);
        match self.backend {
            DbBackend::Postgres => self.push(" = ANY(").bind(ids.to_vec()).push(")"),
            _ => self.push(" IN ").bind_list(ids),
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    pub fn build(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.sql, self.values)
    }
}

/// Which way a child list runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Oldest first (ascending id).
    Oldest,
    /// Newest first (descending id).
    Newest,
}

/// A list of children (rows of `table` pointing at a parent through
/// `parent_column`), paged for many parents at once.
pub struct ChildList<'a> {
    pub table: &'a str,
    pub parent_column: &'a str,
    pub direction: Direction,
}

impl ChildList<'_> {
    /// One page of children per parent, in a single statement whatever the number
    /// of parents. `filter` may add ` AND …` conditions on the alias `t`.
    pub async fn pages<M: Positional>(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        parent_ids: &[i64],
        args: &crate::pagination::PageArgs,
        columns: Columns<'_>,
        filter: impl Fn(&mut SqlBuilder),
    ) -> crate::error::AppResult<std::collections::HashMap<i64, crate::pagination::Page<M>>> {
        use crate::pagination::{Cursor, Page};
        let mut rows = self
            .children(
                db,
                parent_ids,
                args.after_id(),
                args.limit(),
                columns,
                filter,
            )
            .await?;
        Ok(parent_ids
            .iter()
            .map(|parent| {
                let children = rows.remove(parent).unwrap_or_default();
                let page = Page::from_rows(children, args, |(id, _)| Cursor::by_id(*id));
                (*parent, page.map(|(_, model)| model))
            })
            .collect())
    }

    /// The first child of each parent in list order (the newest report, say),
    /// for the parents that have one.
    pub async fn firsts<M: Positional>(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        parent_ids: &[i64],
        columns: Columns<'_>,
        filter: impl Fn(&mut SqlBuilder),
    ) -> crate::error::AppResult<std::collections::HashMap<i64, M>> {
        let rows = self
            .children(db, parent_ids, None, 1, columns, filter)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(parent, children)| Some((parent, children.into_iter().next()?.1)))
            .collect())
    }

    /// Up to `limit` children of each parent after `after`, with their ids,
    /// in list order.
    async fn children<M: Positional>(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        parent_ids: &[i64],
        after: Option<i64>,
        limit: u64,
        columns: Columns<'_>,
        filter: impl Fn(&mut SqlBuilder),
    ) -> crate::error::AppResult<std::collections::HashMap<i64, Vec<(i64, M)>>> {
        let (order, after_op) = match self.direction {
            Direction::Oldest => ("ASC", ">"),
            Direction::Newest => ("DESC", "<"),
        };
        let read = M::read_mask(columns);
        let columns = M::select_list("t", read);
        let mut sql = SqlBuilder::new(db.get_database_backend());
        if sql.backend() == DbBackend::Postgres {
            // One index range per parent (LATERAL … LIMIT), no sort of all
            // the parents' children.
            sql.push("SELECT c.*, p.id AS parent_key FROM unnest(CAST(")
                .bind(parent_ids.to_vec())
                .push(&format!(
                    " AS BIGINT[])) AS p(id) CROSS JOIN LATERAL (SELECT {columns} FROM {table} t \
                 WHERE t.{parent} = p.id",
                    parent = self.parent_column,
                    table = self.table,
                ));
            filter(&mut sql);
            if let Some(after) = after {
                sql.push(&format!(" AND t.id {after_op} ")).bind(after);
            }
            sql.push(&format!(" ORDER BY t.id {order} LIMIT "))
                .bind(limit as i64)
                .push(") c");
        } else {
            sql.push(&format!(
                "SELECT * FROM (SELECT {columns}, t.{parent} AS parent_key, ROW_NUMBER() OVER \
                 (PARTITION BY t.{parent} ORDER BY t.id {order}) AS rn FROM {table} t WHERE t.{parent} IN ",
                parent = self.parent_column,
                table = self.table,
            ))
            .bind_list(parent_ids);
            filter(&mut sql);
            if let Some(after) = after {
                sql.push(&format!(" AND t.id {after_op} ")).bind(after);
            }
            sql.push(") ranked WHERE rn <= ")
                .bind(limit as i64)
                .push(" ORDER BY parent_key, rn");
        }

        let mut rows: std::collections::HashMap<i64, Vec<(i64, M)>> =
            std::collections::HashMap::new();
        for row in db.query_all_raw(sql.build()).await? {
            // The row's own columns (the id first), then its parent's id.
            let id: i64 = Cells::new(&row).take()?;
            let mut cells = Cells::new(&row);
            let model = M::read(&mut cells, read)?;
            let parent: i64 = cells.take()?;
            rows.entry(parent).or_default().push((id, model));
        }
        // Each parent's children in list order (the statement does not sort
        // across parents).
        for children in rows.values_mut() {
            match self.direction {
                Direction::Oldest => children.sort_unstable_by_key(|(id, _)| *id),
                Direction::Newest => {
                    children.sort_unstable_by_key(|(id, _)| std::cmp::Reverse(*id))
                }
            }
        }
        Ok(rows)
    }

    /// How many children each parent has (with the same `filter`).
    pub async fn counts(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        parent_ids: &[i64],
        filter: impl Fn(&mut SqlBuilder),
    ) -> crate::error::AppResult<std::collections::HashMap<i64, u64>> {
        let mut sql = SqlBuilder::new(db.get_database_backend());
        sql.push(&format!(
            "SELECT t.{parent} AS parent_key, COUNT(*) AS total FROM {table} t WHERE ",
            parent = self.parent_column,
            table = self.table,
        ))
        .is_in(&format!("t.{}", self.parent_column), parent_ids);
        filter(&mut sql);
        sql.push(&format!(" GROUP BY t.{}", self.parent_column));
        let mut counts: std::collections::HashMap<i64, u64> =
            parent_ids.iter().map(|id| (*id, 0)).collect();
        for row in db.query_all_raw(sql.build()).await? {
            let parent: i64 = row.try_get("", "parent_key")?;
            let total: i64 = row.try_get("", "total")?;
            counts.insert(parent, total as u64);
        }
        Ok(counts)
    }
}

/// No extra condition.
pub fn no_filter(_: &mut SqlBuilder) {}
