//! Hand-written SQL for the few queries sea-query does not express well (window
//! functions that page many parents' children at once). Placeholders differ per
//! backend; this builder writes the right ones.
mod children;
mod join;
mod row;

use sea_orm::{DbBackend, Statement, Value};

pub use children::{ChildList, Direction};
pub use join::{Join, JoinedRows, RowsBy};
pub use row::{all_by_position, Blank, Cell, Cells, Columns, Positional, ReadMask};

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

/// No extra condition.
pub fn no_filter(_: &mut SqlBuilder) {}
