//! Budgets by source and category, and expenditures with their approval. Amounts are fen.
//!
//! Approving an expenditure adds it to its line's `spent` with a conditional update (`spent +
//! amount <= amount` of the line) in the same transaction that moves the expenditure on from
//! the status the approver saw; the schema's own check (`spent <= amount`) backs it. So two
//! approvals at once can never take a line past its amount, on either database.

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use xuequ_domain::Problem;
use xuequ_domain::budget::{Source, SpendCategory, yuan};
use xuequ_domain::running::SpendStatus;

use crate::entities::{budget, budget_line, budget_source, expenditure};
use crate::{Ctx, Result, Store, StoreError, audit, json};

#[derive(Debug, Clone)]
pub struct NewSource {
    pub source: Source,
    pub school_id: Option<i64>,
    pub amount: i64,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct NewExpenditure {
    pub line_id: i64,
    pub spent_on: NaiveDate,
    pub amount: i64,
    pub payee: String,
    pub voucher: String,
    pub purpose: String,
    pub activity_id: Option<i64>,
}

/// Who moves an expenditure on, and to where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The cluster approves and the money is spent.
    Approve,
    /// The cluster approves; the bureau must too (above the county's limit).
    ToBureau,
    Decline,
}

impl Store {
    pub async fn budgets(&self, county_id: i64, clusters: Option<&[i64]>, year: Option<i32>) -> Result<Vec<budget::Model>> {
        let mut q = budget::Entity::find().filter(budget::Column::CountyId.eq(county_id));
        if let Some(c) = clusters {
            q = q.filter(budget::Column::ClusterId.is_in(c.iter().copied()));
        }
        if let Some(y) = year {
            q = q.filter(budget::Column::Year.eq(y));
        }
        Ok(q.order_by_desc(budget::Column::Year).order_by_asc(budget::Column::ClusterId).all(&self.db).await?)
    }

    pub async fn budget(&self, county_id: i64, id: i64) -> Result<Option<budget::Model>> {
        Ok(budget::Entity::find_by_id(id).filter(budget::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn budget_lines(&self, county_id: i64, budget_ids: &[i64]) -> Result<Vec<budget_line::Model>> {
        Ok(budget_line::Entity::find()
            .filter(budget_line::Column::CountyId.eq(county_id))
            .filter(budget_line::Column::BudgetId.is_in(budget_ids.iter().copied()))
            .order_by_asc(budget_line::Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn budget_sources(&self, county_id: i64, budget_ids: &[i64]) -> Result<Vec<budget_source::Model>> {
        Ok(budget_source::Entity::find()
            .filter(budget_source::Column::CountyId.eq(county_id))
            .filter(budget_source::Column::BudgetId.is_in(budget_ids.iter().copied()))
            .order_by_asc(budget_source::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// Sets a cluster's budget for a year: its sources and each category's amount, replacing
    /// what was there (a category left out goes, or stays at 0 while expenditures name it). In
    /// the same transaction: no category below what was spent of it, and the sources add up to
    /// the categories — so the budget always adds up, whatever was stored before.
    pub async fn set_budget(
        &self,
        ctx: &Ctx,
        cluster_id: i64,
        year: i32,
        sources: &[NewSource],
        lines: &[(SpendCategory, i64)],
    ) -> Result<budget::Model> {
        let txn = self.write().await?;
        let now = Utc::now();
        let existing = budget::Entity::find()
            .filter(budget::Column::CountyId.eq(ctx.county_id))
            .filter(budget::Column::ClusterId.eq(cluster_id))
            .filter(budget::Column::Year.eq(year))
            .one(&txn)
            .await?;
        let b = match existing {
            Some(b) => {
                let mut m: budget::ActiveModel = b.clone().into();
                m.revision = Set(b.revision + 1);
                m.updated_by = Set(ctx.username.clone());
                m.updated_at = Set(now);
                m.update(&txn).await?
            }
            None => {
                budget::ActiveModel {
                    county_id: Set(ctx.county_id),
                    cluster_id: Set(cluster_id),
                    year: Set(year),
                    updated_by: Set(ctx.username.clone()),
                    revision: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        budget_source::Entity::delete_many().filter(budget_source::Column::BudgetId.eq(b.id)).exec(&txn).await?;
        for s in sources {
            budget_source::ActiveModel {
                county_id: Set(ctx.county_id),
                budget_id: Set(b.id),
                source: Set(s.source),
                school_id: Set(s.school_id),
                amount: Set(s.amount),
                note: Set(s.note.clone()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        let old = budget_line::Entity::find().filter(budget_line::Column::BudgetId.eq(b.id)).all(&txn).await?;
        let below = |category: SpendCategory, amount: i64, spent: i64| {
            StoreError::invalid(
                "lines",
                Problem::BelowSpent { category: category.code().to_string(), amount: yuan(amount), spent: yuan(spent) },
            )
        };
        for l in &old {
            if lines.iter().any(|(c, _)| c == &l.category) {
                continue;
            }
            // Left out: set to nothing. Spent money cannot go; a line named by expenditures
            // stays at 0 (their rows keep pointing at it); any other goes.
            if l.spent > 0 {
                return Err(below(l.category, 0, l.spent));
            }
            let named = expenditure::Entity::find().filter(expenditure::Column::LineId.eq(l.id)).one(&txn).await?.is_some();
            if named {
                let mut m: budget_line::ActiveModel = l.clone().into();
                m.amount = Set(0);
                m.update(&txn).await?;
            } else {
                budget_line::Entity::delete_by_id(l.id).exec(&txn).await?;
            }
        }
        for (category, amount) in lines {
            match old.iter().find(|l| &l.category == category) {
                Some(l) if l.spent > *amount => return Err(below(*category, *amount, l.spent)),
                Some(l) => {
                    let mut m: budget_line::ActiveModel = l.clone().into();
                    m.amount = Set(*amount);
                    m.update(&txn).await?;
                }
                None => {
                    budget_line::ActiveModel {
                        county_id: Set(ctx.county_id),
                        budget_id: Set(b.id),
                        category: Set(*category),
                        amount: Set(*amount),
                        spent: Set(0),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await?;
                }
            }
        }
        // What is stored now adds up, or nothing is written.
        let stored_sources: i64 =
            budget_source::Entity::find().filter(budget_source::Column::BudgetId.eq(b.id)).all(&txn).await?.iter().map(|s| s.amount).sum();
        let stored_lines = budget_line::Entity::find().filter(budget_line::Column::BudgetId.eq(b.id)).all(&txn).await?;
        let total: i64 = stored_lines.iter().map(|l| l.amount).sum();
        if total != stored_sources {
            return Err(StoreError::invalid("lines", Problem::BudgetUnbalanced { sources: yuan(stored_sources), lines: yuan(total) }));
        }
        if let Some(l) = stored_lines.iter().find(|l| l.spent > l.amount) {
            return Err(below(l.category, l.amount, l.spent));
        }
        audit(&txn, ctx, "set", "budget", Some(b.id), None, Some(json(&(sources.len(), lines)))).await?;
        txn.commit().await?;
        Ok(b)
    }

    pub async fn expenditures(&self, county_id: i64, budget_ids: &[i64]) -> Result<Vec<expenditure::Model>> {
        Ok(expenditure::Entity::find()
            .filter(expenditure::Column::CountyId.eq(county_id))
            .filter(expenditure::Column::BudgetId.is_in(budget_ids.iter().copied()))
            .order_by_asc(expenditure::Column::SpentOn)
            .order_by_asc(expenditure::Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn expenditure(&self, county_id: i64, id: i64) -> Result<Option<expenditure::Model>> {
        Ok(expenditure::Entity::find_by_id(id).filter(expenditure::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn request_spending(
        &self,
        ctx: &Ctx,
        budget_id: i64,
        e: &NewExpenditure,
        requester_name: &str,
    ) -> Result<expenditure::Model> {
        let txn = self.write().await?;
        let row = expenditure::ActiveModel {
            county_id: Set(ctx.county_id),
            budget_id: Set(budget_id),
            line_id: Set(e.line_id),
            spent_on: Set(e.spent_on),
            amount: Set(e.amount),
            payee: Set(e.payee.clone()),
            voucher: Set(e.voucher.clone()),
            purpose: Set(e.purpose.clone()),
            activity_id: Set(e.activity_id),
            status: Set(SpendStatus::Pending),
            requested_by: Set(ctx.user_id.ok_or(StoreError::NotFound)?),
            requested_by_name: Set(requester_name.to_string()),
            requested_at: Set(Utc::now()),
            head_by: Set(None),
            head_at: Set(None),
            bureau_by: Set(None),
            bureau_at: Set(None),
            reason: Set(String::new()),
            revision: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(&txn, ctx, "create", "expenditure", Some(row.id), None, Some(json(&row))).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Moves an expenditure on from `from` (the status its approver saw) by `step`; `as_bureau`
    /// says whose signature it is. Approving spends it from its line, or fails — whoever comes
    /// second of two at once — when the line's balance does not cover it.
    pub async fn decide_spending(
        &self,
        ctx: &Ctx,
        id: i64,
        from: SpendStatus,
        step: Step,
        as_bureau: bool,
        reason: &str,
    ) -> Result<expenditure::Model> {
        // The first statement writes, so that SQLite takes its write lock at once (a read
        // first could not be upgraded when another approval commits in between).
        let txn = self.write().await?;
        let to = match step {
            Step::Approve => SpendStatus::Approved,
            Step::ToBureau => SpendStatus::AwaitingBureau,
            Step::Decline => SpendStatus::Declined,
        };
        let now = Utc::now();
        let mut update = expenditure::Entity::update_many()
            .col_expr(expenditure::Column::Status, Expr::value(to))
            .col_expr(expenditure::Column::Reason, Expr::value(reason))
            .col_expr(expenditure::Column::Revision, Expr::col(expenditure::Column::Revision).add(1));
        update = if as_bureau {
            update
                .col_expr(expenditure::Column::BureauBy, Expr::value(ctx.username.clone()))
                .col_expr(expenditure::Column::BureauAt, Expr::value(now))
        } else {
            update
                .col_expr(expenditure::Column::HeadBy, Expr::value(ctx.username.clone()))
                .col_expr(expenditure::Column::HeadAt, Expr::value(now))
        };
        let moved = update
            .filter(expenditure::Column::Id.eq(id))
            .filter(expenditure::Column::CountyId.eq(ctx.county_id))
            .filter(expenditure::Column::Status.eq(from))
            .exec(&txn)
            .await?;
        let before = expenditure::Entity::find_by_id(id)
            .filter(expenditure::Column::CountyId.eq(ctx.county_id))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if moved.rows_affected == 0 {
            return Err(StoreError::Conflict(Problem::WrongStep { status: before.status.code().to_string() }));
        }
        if step == Step::Approve {
            let spent = budget_line::Entity::update_many()
                .col_expr(budget_line::Column::Spent, Expr::col(budget_line::Column::Spent).add(before.amount))
                .filter(budget_line::Column::Id.eq(before.line_id))
                .filter(Expr::col(budget_line::Column::Spent).add(before.amount).lte(Expr::col(budget_line::Column::Amount)))
                .exec(&txn)
                .await?;
            if spent.rows_affected == 0 {
                let line = budget_line::Entity::find_by_id(before.line_id).one(&txn).await?.ok_or(StoreError::NotFound)?;
                return Err(StoreError::Conflict(Problem::OverBudget {
                    balance: yuan(line.amount - line.spent),
                    amount: yuan(before.amount),
                }));
            }
        }
        let after = expenditure::Entity::find_by_id(id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        audit(&txn, ctx, to.code(), "expenditure", Some(id), None, Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }
}
