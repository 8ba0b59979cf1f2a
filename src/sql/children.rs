//! Lists of children paged for many parents in one statement: each parent's
//! first page of commitments, members or reports, whatever the number of
//! parents, with the rows of any [`Join`] read in the same statement.
use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbBackend};

use super::{Cells, Columns, Join, Positional, SqlBuilder};
use crate::{
    error::AppResult,
    pagination::{Cursor, Page, PageArgs},
};

/// Which way a child list runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Oldest first (ascending id).
    Oldest,
    /// Newest first (descending id).
    Newest,
}

impl Direction {
    fn order(self) -> &'static str {
        match self {
            Direction::Oldest => "ASC",
            Direction::Newest => "DESC",
        }
    }
}

/// A list of children (rows of `table` pointing at a parent through
/// `parent_column`), paged for many parents at once.
pub struct ChildList<'a> {
    pub table: &'a str,
    pub parent_column: &'a str,
    pub direction: Direction,
}

/// Each parent's children with their ids, in list order.
type Children<M> = HashMap<i64, Vec<(i64, M)>>;

impl ChildList<'_> {
    /// One page of children per parent, in a single statement whatever the number
    /// of parents. `filter` may add ` AND …` conditions on the alias `t`.
    pub async fn pages<M: Positional>(
        &self,
        db: &impl ConnectionTrait,
        parent_ids: &[i64],
        args: &PageArgs,
        columns: Columns<'_>,
        filter: impl Fn(&mut SqlBuilder),
    ) -> AppResult<HashMap<i64, Page<M>>> {
        self.joined_pages(db, parent_ids, args, columns, filter, &mut [])
            .await
    }

    /// [`ChildList::pages`], with the rows of `joins` read in the same
    /// statement (each into its own [`super::JoinedRows`]).
    pub async fn joined_pages<M: Positional>(
        &self,
        db: &impl ConnectionTrait,
        parent_ids: &[i64],
        args: &PageArgs,
        columns: Columns<'_>,
        filter: impl Fn(&mut SqlBuilder),
        joins: &mut [Join<'_>],
    ) -> AppResult<HashMap<i64, Page<M>>> {
        self.paged(db, parent_ids, args, columns, filter, joins, None)
            .await
    }

    /// [`ChildList::joined_pages`] and each parent's count of children (all
    /// pages, with the same `filter`): on PostgreSQL in the same statement (a
    /// count beside each parent's page), on SQLite in a second one.
    pub async fn counted_pages<M: Positional>(
        &self,
        db: &impl ConnectionTrait,
        parent_ids: &[i64],
        args: &PageArgs,
        columns: Columns<'_>,
        filter: impl Fn(&mut SqlBuilder),
        joins: &mut [Join<'_>],
    ) -> AppResult<(HashMap<i64, Page<M>>, HashMap<i64, u64>)> {
        if db.get_database_backend() != DbBackend::Postgres {
            let pages = self
                .joined_pages(db, parent_ids, args, columns, &filter, joins)
                .await?;
            let counts = self.counts(db, parent_ids, &filter).await?;
            return Ok((pages, counts));
        }
        // Every parent has a row, and its count, in the statement.
        let mut counts = HashMap::with_capacity(parent_ids.len());
        let pages = self
            .paged(
                db,
                parent_ids,
                args,
                columns,
                filter,
                joins,
                Some(&mut counts),
            )
            .await?;
        Ok((pages, counts))
    }

    /// Each parent's page of children (an empty one for a parent without
    /// any), as [`ChildList::children`] reads them.
    #[allow(clippy::too_many_arguments)]
    async fn paged<M: Positional>(
        &self,
        db: &impl ConnectionTrait,
        parent_ids: &[i64],
        args: &PageArgs,
        columns: Columns<'_>,
        filter: impl Fn(&mut SqlBuilder),
        joins: &mut [Join<'_>],
        counts: Option<&mut HashMap<i64, u64>>,
    ) -> AppResult<HashMap<i64, Page<M>>> {
        let after = args.after_id();
        let mut rows = self
            .children(
                db,
                parent_ids,
                after,
                args.limit(),
                columns,
                filter,
                joins,
                counts,
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
        db: &impl ConnectionTrait,
        parent_ids: &[i64],
        columns: Columns<'_>,
        filter: impl Fn(&mut SqlBuilder),
    ) -> AppResult<HashMap<i64, M>> {
        let rows = self
            .children(db, parent_ids, None, 1, columns, filter, &mut [], None)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(parent, children)| Some((parent, children.into_iter().next()?.1)))
            .collect())
    }

    /// Up to `limit` children of each parent after `after`, with their ids,
    /// in list order; the rows of `joins` go where each join keeps them, and
    /// each parent's count of children into `counts` when given (PostgreSQL
    /// only).
    #[allow(clippy::too_many_arguments)]
    async fn children<M: Positional>(
        &self,
        db: &impl ConnectionTrait,
        parent_ids: &[i64],
        after: Option<i64>,
        limit: u64,
        columns: Columns<'_>,
        filter: impl Fn(&mut SqlBuilder),
        joins: &mut [Join<'_>],
        mut counts: Option<&mut HashMap<i64, u64>>,
    ) -> AppResult<Children<M>> {
        let after_op = match self.direction {
            Direction::Oldest => ">",
            Direction::Newest => "<",
        };
        let order = self.direction.order();
        let read = M::read_mask(columns);
        let columns = M::select_list("t", read);
        let (table, parent) = (self.table, self.parent_column);
        let mut sql = SqlBuilder::new(db.get_database_backend());
        if sql.backend() == DbBackend::Postgres {
            // One index range per parent (LATERAL … LIMIT), no sort of all
            // the parents' children; joined rows only for the page's.
            sql.push("SELECT c.*, p.id AS parent_key");
            if counts.is_some() {
                sql.push(", COALESCE(n.total, 0) AS total");
            }
            for index in 0..joins.len() {
                sql.push(&format!(", j{index}.*"));
            }
            sql.push(" FROM unnest(CAST(")
                .bind(parent_ids.to_vec())
                .push(" AS BIGINT[])) AS p(id)");
            if counts.is_some() {
                // One count for all the parents, as `counts` makes it; every
                // parent keeps its row (and its count) when its page is
                // empty: the page is LEFT JOINed, its columns then NULL.
                sql.push(&format!(
                    " LEFT JOIN (SELECT t.{parent} AS parent_key, COUNT(*) AS total \
                     FROM {table} t WHERE t.{parent} = ANY(CAST("
                ))
                .bind(parent_ids.to_vec())
                .push(" AS BIGINT[]))");
                filter(&mut sql);
                sql.push(&format!(
                    " GROUP BY t.{parent}) n ON n.parent_key = p.id LEFT JOIN"
                ));
            } else {
                sql.push(" CROSS JOIN");
            }
            sql.push(&format!(
                " LATERAL (SELECT {columns} FROM {table} t WHERE t.{parent} = p.id",
            ));
            filter(&mut sql);
            if let Some(after) = after {
                sql.push(&format!(" AND t.id {after_op} ")).bind(after);
            }
            sql.push(&format!(" ORDER BY t.id {order} LIMIT "))
                .bind(limit as i64)
                .push(") c");
            if counts.is_some() {
                sql.push(" ON TRUE");
            }
            for (index, join) in joins.iter().enumerate() {
                push_lateral_join(&mut sql, join, index);
            }
        } else {
            sql.push(&format!(
                "SELECT {}, ranked.parent_key",
                M::select_list("ranked", read)
            ));
            for (index, join) in joins.iter().enumerate() {
                sql.push(", ")
                    .push(&join.rows.select_list(&format!("j{index}")));
            }
            sql.push(&format!(
                " FROM (SELECT {columns}, t.{parent} AS parent_key, ROW_NUMBER() OVER \
                 (PARTITION BY t.{parent} ORDER BY t.id {order}) AS rn FROM {table} t \
                 WHERE t.{parent} IN ",
            ))
            .bind_list(parent_ids);
            filter(&mut sql);
            if let Some(after) = after {
                sql.push(&format!(" AND t.id {after_op} ")).bind(after);
            }
            sql.push(") ranked");
            for (index, join) in joins.iter().enumerate() {
                push_keyed_join(&mut sql, join, index);
            }
            sql.push(" WHERE ranked.rn <= ")
                .bind(limit as i64)
                .push(" ORDER BY ranked.parent_key, ranked.rn");
        }

        let mut rows: Children<M> = HashMap::new();
        for row in db.query_all_raw(sql.build()).await? {
            // The row's own columns (the id first; all NULL for a parent
            // whose page is empty), its parent's id, its parent's count when
            // counted, then each join's columns.
            let id: Option<i64> = Cells::new(&row).take()?;
            let mut cells = Cells::new(&row);
            let model = M::read_optional(&mut cells, read)?;
            let parent: i64 = cells.take()?;
            if let Some(counts) = counts.as_deref_mut() {
                let total: i64 = cells.take()?;
                counts.insert(parent, total as u64);
            }
            for join in joins.iter_mut() {
                join.rows.read(&mut cells)?;
            }
            if let (Some(id), Some(model)) = (id, model) {
                rows.entry(parent).or_default().push((id, model));
            }
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
        db: &impl ConnectionTrait,
        parent_ids: &[i64],
        filter: impl Fn(&mut SqlBuilder),
    ) -> AppResult<HashMap<i64, u64>> {
        let mut sql = SqlBuilder::new(db.get_database_backend());
        sql.push(&format!(
            "SELECT t.{parent} AS parent_key, COUNT(*) AS total FROM {table} t WHERE ",
            parent = self.parent_column,
            table = self.table,
        ))
        .is_in(&format!("t.{}", self.parent_column), parent_ids);
        filter(&mut sql);
        sql.push(&format!(" GROUP BY t.{}", self.parent_column));
        let mut counts: HashMap<i64, u64> = parent_ids.iter().map(|id| (*id, 0)).collect();
        for row in db.query_all_raw(sql.build()).await? {
            let parent: i64 = row.try_get("", "parent_key")?;
            let total: i64 = row.try_get("", "total")?;
            counts.insert(parent, total as u64);
        }
        Ok(counts)
    }
}

/// PostgreSQL: the `index`th join of the page `c`, as a LATERAL subquery
/// (an index range stopped after its first row).
fn push_lateral_join(sql: &mut SqlBuilder, join: &Join<'_>, index: usize) {
    let list = join.list;
    sql.push(&format!(
        " LEFT JOIN LATERAL (SELECT {} FROM {} t WHERE t.{} = c.id",
        join.rows.select_list("t"),
        list.table,
        list.parent_column,
    ));
    (join.filter)(sql);
    sql.push(&format!(
        " ORDER BY t.id {} LIMIT 1) j{index} ON TRUE",
        list.direction.order()
    ));
}

/// SQLite (no LATERAL): the `index`th join of the rows `ranked`, by the id
/// of the first row.
fn push_keyed_join(sql: &mut SqlBuilder, join: &Join<'_>, index: usize) {
    let list = join.list;
    let table = list.table;
    sql.push(&format!(
        " LEFT JOIN {table} j{index} ON j{index}.id = (SELECT t.id FROM {table} t \
         WHERE t.{} = ranked.id",
        list.parent_column
    ));
    (join.filter)(sql);
    sql.push(&format!(
        " ORDER BY t.id {} LIMIT 1)",
        list.direction.order()
    ));
}
