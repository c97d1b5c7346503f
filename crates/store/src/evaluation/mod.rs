//! The bundled cluster evaluation's records: each year's indicator system, the rounds with
//! their evaluators and scores, and students' scores for value-added.
//!
//! A round is open until the bureau closes it; closing writes the tree and results as they are
//! (`frozen`) with a conditional update on the round still being open, and every score is saved
//! in a transaction that first checks the round is open — so no score slips into a closed
//! round, and two closings cannot both win.

pub mod entities;

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use xuequ_domain::Problem;

use crate::entities::{evaluation_assignment, evaluation_evidence, evaluation_round, evaluation_score, evaluation_tree, student_score};
use crate::running::Attachment;
use crate::{Ctx, Result, Store, StoreError, audit, is_unique_violation};

/// What identifies a round's scores at a moment: how many, and the newest time one was saved.
pub type ScoresState = (usize, Option<chrono::DateTime<Utc>>);

/// The state of `scores` (see [`ScoresState`]).
pub fn scores_state(scores: &[evaluation_score::Model]) -> ScoresState {
    (scores.len(), scores.iter().map(|s| s.at).max())
}

/// A score to save.
#[derive(Debug, Clone)]
pub struct NewScore {
    pub cluster_id: i64,
    pub code: String,
    pub score: f64,
    pub comment: String,
}

/// A student's scores to store (school resolved).
#[derive(Debug, Clone)]
pub struct NewStudentScore {
    pub school_id: i64,
    pub student: String,
    pub grade: String,
    pub subject: String,
    pub entry: f64,
    pub exit: f64,
}

fn round_closed(year: i32) -> StoreError {
    StoreError::Conflict(Problem::RoundClosed { year: year.to_string() })
}

impl Store {
    /// The indicator system of `year` (JSON), if the bureau has kept one.
    pub async fn evaluation_tree(&self, county_id: i64, year: i32) -> Result<Option<evaluation_tree::Model>> {
        Ok(evaluation_tree::Entity::find()
            .filter(evaluation_tree::Column::CountyId.eq(county_id))
            .filter(evaluation_tree::Column::Year.eq(year))
            .one(&self.db)
            .await?)
    }

    /// The years with an indicator system, newest first.
    pub async fn evaluation_tree_years(&self, county_id: i64) -> Result<Vec<i32>> {
        Ok(evaluation_tree::Entity::find()
            .filter(evaluation_tree::Column::CountyId.eq(county_id))
            .order_by_desc(evaluation_tree::Column::Year)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| t.year)
            .collect())
    }

    /// Keeps `tree` (JSON, already checked) as the indicator system of `year`.
    pub async fn save_evaluation_tree(&self, ctx: &Ctx, year: i32, tree: &str) -> Result<()> {
        let txn = self.write().await?;
        let before = evaluation_tree::Entity::find()
            .filter(evaluation_tree::Column::CountyId.eq(ctx.county_id))
            .filter(evaluation_tree::Column::Year.eq(year))
            .one(&txn)
            .await?;
        let id = match &before {
            Some(row) => {
                let mut m: evaluation_tree::ActiveModel = row.clone().into();
                m.tree = Set(tree.to_string());
                m.updated_by = Set(ctx.username.clone());
                m.updated_at = Set(Utc::now());
                m.update(&txn).await?.id
            }
            None => {
                evaluation_tree::ActiveModel {
                    county_id: Set(ctx.county_id),
                    year: Set(year),
                    tree: Set(tree.to_string()),
                    updated_by: Set(ctx.username.clone()),
                    updated_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        audit(&txn, ctx, "update", "evaluation_tree", Some(id), before.map(|b| b.tree), Some(tree.to_string())).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The accounts that may evaluate: the county's inspectors and bureau staff not disabled.
    pub async fn evaluator_accounts(&self, county_id: i64) -> Result<Vec<crate::entities::user::Model>> {
        use crate::entities::user;
        Ok(user::Entity::find()
            .filter(user::Column::CountyId.eq(county_id))
            .filter(user::Column::Role.is_in([xuequ_domain::Role::Inspector, xuequ_domain::Role::BureauAdmin]))
            .filter(user::Column::Disabled.eq(false))
            .order_by_asc(user::Column::Role)
            .order_by_asc(user::Column::Username)
            .all(&self.db)
            .await?)
    }

    /// Every round of the county, newest year first.
    pub async fn evaluation_rounds(&self, county_id: i64) -> Result<Vec<evaluation_round::Model>> {
        Ok(evaluation_round::Entity::find()
            .filter(evaluation_round::Column::CountyId.eq(county_id))
            .order_by_desc(evaluation_round::Column::Year)
            .all(&self.db)
            .await?)
    }

    pub async fn evaluation_round(&self, county_id: i64, id: i64) -> Result<Option<evaluation_round::Model>> {
        Ok(evaluation_round::Entity::find_by_id(id).filter(evaluation_round::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    /// Opens the round of `year`; a year has one round.
    pub async fn open_evaluation_round(&self, ctx: &Ctx, year: i32, lead_share: f64) -> Result<evaluation_round::Model> {
        let txn = self.write().await?;
        let row = evaluation_round::ActiveModel {
            county_id: Set(ctx.county_id),
            year: Set(year),
            status: Set("open".into()),
            lead_share: Set(lead_share),
            opened_by: Set(ctx.username.clone()),
            opened_at: Set(Utc::now()),
            closed_by: Set(String::new()),
            closed_at: Set(None),
            frozen: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) { StoreError::Conflict(Problem::AlreadyExists { value: year.to_string() }) } else { e.into() }
        })?;
        audit(&txn, ctx, "create", "evaluation_round", Some(row.id), None, Some(crate::json(&row))).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Closes an open round, keeping `frozen` (the tree and results computed from the round's
    /// scores as `scores` fingerprints them: their number and the newest time). A round closed
    /// already is a conflict; scores that changed since (one saved while the results were
    /// computed) are [`StoreError::Stale`]: the caller computes again. Scores lock the round's
    /// row, so none can land once this transaction has checked.
    pub async fn close_evaluation_round(&self, ctx: &Ctx, id: i64, frozen: &str, scores: ScoresState) -> Result<()> {
        let txn = self.write().await?;
        open_round(&txn, ctx.county_id, id).await?;
        let now = evaluation_score::Entity::find()
            .filter(evaluation_score::Column::CountyId.eq(ctx.county_id))
            .filter(evaluation_score::Column::RoundId.eq(id))
            .all(&txn)
            .await?;
        if scores_state(&now) != scores {
            return Err(StoreError::Stale);
        }
        let done = evaluation_round::Entity::update_many()
            .col_expr(evaluation_round::Column::Status, Expr::value("closed"))
            .col_expr(evaluation_round::Column::ClosedBy, Expr::value(ctx.username.clone()))
            .col_expr(evaluation_round::Column::ClosedAt, Expr::value(Utc::now()))
            .col_expr(evaluation_round::Column::Frozen, Expr::value(frozen.to_string()))
            .filter(evaluation_round::Column::Id.eq(id))
            .filter(evaluation_round::Column::CountyId.eq(ctx.county_id))
            .filter(evaluation_round::Column::Status.eq("open"))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            let round =
                evaluation_round::Entity::find_by_id(id).filter(evaluation_round::Column::CountyId.eq(ctx.county_id)).one(&txn).await?;
            return Err(round.map_or(StoreError::NotFound, |r| round_closed(r.year)));
        }
        audit(&txn, ctx, "close", "evaluation_round", Some(id), None, None).await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn evaluation_assignments(&self, county_id: i64, round_id: i64) -> Result<Vec<evaluation_assignment::Model>> {
        Ok(evaluation_assignment::Entity::find()
            .filter(evaluation_assignment::Column::CountyId.eq(county_id))
            .filter(evaluation_assignment::Column::RoundId.eq(round_id))
            .order_by_asc(evaluation_assignment::Column::ClusterId)
            .order_by_asc(evaluation_assignment::Column::UserId)
            .all(&self.db)
            .await?)
    }

    /// Makes `users` the evaluators of `cluster` in an open round (replacing those before).
    pub async fn assign_evaluators(&self, ctx: &Ctx, round_id: i64, cluster_id: i64, users: &[i64]) -> Result<()> {
        let txn = self.write().await?;
        open_round(&txn, ctx.county_id, round_id).await?;
        evaluation_assignment::Entity::delete_many()
            .filter(evaluation_assignment::Column::CountyId.eq(ctx.county_id))
            .filter(evaluation_assignment::Column::RoundId.eq(round_id))
            .filter(evaluation_assignment::Column::ClusterId.eq(cluster_id))
            .exec(&txn)
            .await?;
        for user in users {
            evaluation_assignment::ActiveModel {
                county_id: Set(ctx.county_id),
                round_id: Set(round_id),
                cluster_id: Set(cluster_id),
                user_id: Set(*user),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        let after = serde_json::json!({ "round_id": round_id, "cluster_id": cluster_id, "evaluators": users }).to_string();
        audit(&txn, ctx, "assign", "evaluation_assignment", Some(round_id), None, Some(after)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The scores of a round (of one cluster, or all).
    pub async fn evaluation_scores(&self, county_id: i64, round_id: i64, cluster: Option<i64>) -> Result<Vec<evaluation_score::Model>> {
        let mut q = evaluation_score::Entity::find()
            .filter(evaluation_score::Column::CountyId.eq(county_id))
            .filter(evaluation_score::Column::RoundId.eq(round_id));
        if let Some(c) = cluster {
            q = q.filter(evaluation_score::Column::ClusterId.eq(c));
        }
        Ok(q.order_by_asc(evaluation_score::Column::ClusterId).order_by_asc(evaluation_score::Column::Code).all(&self.db).await?)
    }

    /// Saves scores in an open round, each replacing the one before for its cluster and leaf.
    pub async fn save_evaluation_scores(&self, ctx: &Ctx, round_id: i64, scores: &[NewScore]) -> Result<()> {
        let txn = self.write().await?;
        open_round(&txn, ctx.county_id, round_id).await?;
        // Scores are always somebody's: the operator's demo load names no user and gives none.
        let Some(user) = ctx.user_id else { return Err(StoreError::invalid("user", Problem::Required)) };
        for s in scores {
            let row = evaluation_score::ActiveModel {
                county_id: Set(ctx.county_id),
                round_id: Set(round_id),
                cluster_id: Set(s.cluster_id),
                code: Set(s.code.clone()),
                score: Set(s.score),
                comment: Set(s.comment.clone()),
                user_id: Set(user),
                username: Set(ctx.username.clone()),
                at: Set(Utc::now()),
                ..Default::default()
            };
            evaluation_score::Entity::insert(row)
                .on_conflict(
                    OnConflict::columns([
                        evaluation_score::Column::RoundId,
                        evaluation_score::Column::ClusterId,
                        evaluation_score::Column::Code,
                    ])
                    .update_columns([
                        evaluation_score::Column::Score,
                        evaluation_score::Column::Comment,
                        evaluation_score::Column::UserId,
                        evaluation_score::Column::Username,
                        evaluation_score::Column::At,
                    ])
                    .to_owned(),
                )
                .exec(&txn)
                .await?;
        }
        let after = serde_json::json!({
            "round_id": round_id,
            "scores": scores.iter().map(|s| serde_json::json!({"cluster_id": s.cluster_id, "code": s.code, "score": s.score})).collect::<Vec<_>>(),
        })
        .to_string();
        audit(&txn, ctx, "score", "evaluation_score", Some(round_id), None, Some(after)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Attaches evidence files to a cluster's indicator `code` in an open round (the round's row
    /// locked, as scores lock it, so that nothing lands in a round being closed).
    pub async fn add_evidence(
        &self,
        ctx: &Ctx,
        round_id: i64,
        cluster_id: i64,
        code: &str,
        files: &[Attachment],
    ) -> Result<Vec<evaluation_evidence::Model>> {
        let txn = self.write().await?;
        open_round(&txn, ctx.county_id, round_id).await?;
        let Some(user) = ctx.user_id else { return Err(StoreError::invalid("user", Problem::Required)) };
        let mut saved = Vec::with_capacity(files.len());
        for f in files {
            let row = evaluation_evidence::ActiveModel {
                county_id: Set(ctx.county_id),
                round_id: Set(round_id),
                cluster_id: Set(cluster_id),
                code: Set(code.to_string()),
                name: Set(f.name.clone()),
                hash: Set(f.hash.clone()),
                size: Set(f.size),
                mime: Set(f.mime.clone()),
                family: Set(f.family.clone()),
                user_id: Set(user),
                uploaded_by: Set(ctx.username.clone()),
                created_at: Set(Utc::now()),
                ..Default::default()
            };
            let model = row.insert(&txn).await?;
            let after = serde_json::json!({"round_id": round_id, "cluster_id": cluster_id, "code": code, "name": f.name, "size": f.size})
                .to_string();
            audit(&txn, ctx, "create", "evaluation_evidence", Some(model.id), None, Some(after)).await?;
            saved.push(model);
        }
        txn.commit().await?;
        Ok(saved)
    }

    /// The evidence of a round, of one cluster when given, oldest first.
    pub async fn evidence(&self, county_id: i64, round_id: i64, cluster_id: Option<i64>) -> Result<Vec<evaluation_evidence::Model>> {
        let mut q = evaluation_evidence::Entity::find()
            .filter(evaluation_evidence::Column::CountyId.eq(county_id))
            .filter(evaluation_evidence::Column::RoundId.eq(round_id));
        if let Some(k) = cluster_id {
            q = q.filter(evaluation_evidence::Column::ClusterId.eq(k));
        }
        Ok(q.order_by_asc(evaluation_evidence::Column::Id).all(&self.db).await?)
    }

    /// One evidence file of the county.
    pub async fn evidence_file(&self, county_id: i64, id: i64) -> Result<Option<evaluation_evidence::Model>> {
        Ok(evaluation_evidence::Entity::find_by_id(id).filter(evaluation_evidence::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    /// Removes an evidence file while its round is open (its bytes stay until the orphan sweep).
    pub async fn remove_evidence(&self, ctx: &Ctx, file: &evaluation_evidence::Model) -> Result<()> {
        let txn = self.write().await?;
        open_round(&txn, ctx.county_id, file.round_id).await?;
        let removed = evaluation_evidence::Entity::delete_many()
            .filter(evaluation_evidence::Column::CountyId.eq(ctx.county_id))
            .filter(evaluation_evidence::Column::Id.eq(file.id))
            .exec(&txn)
            .await?
            .rows_affected;
        if removed == 0 {
            return Err(StoreError::NotFound);
        }
        let before =
            serde_json::json!({"round_id": file.round_id, "cluster_id": file.cluster_id, "code": file.code, "name": file.name}).to_string();
        audit(&txn, ctx, "delete", "evaluation_evidence", Some(file.id), Some(before), None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Replaces the students' scores of `year` with `rows`, all or nothing.
    pub async fn replace_student_scores(&self, ctx: &Ctx, year: i32, rows: &[NewStudentScore]) -> Result<usize> {
        let txn = self.write().await?;
        let removed = student_score::Entity::delete_many()
            .filter(student_score::Column::CountyId.eq(ctx.county_id))
            .filter(student_score::Column::Year.eq(year))
            .exec(&txn)
            .await?
            .rows_affected;
        for chunk in rows.chunks(500) {
            let models = chunk.iter().map(|r| student_score::ActiveModel {
                county_id: Set(ctx.county_id),
                year: Set(year),
                school_id: Set(r.school_id),
                student: Set(r.student.clone()),
                grade: Set(r.grade.clone()),
                subject: Set(r.subject.clone()),
                entry: Set(r.entry),
                exit: Set(r.exit),
                ..Default::default()
            });
            student_score::Entity::insert_many(models).exec(&txn).await?;
        }
        let after = serde_json::json!({ "year": year, "rows": rows.len(), "replaced": removed }).to_string();
        audit(&txn, ctx, "import", "student_score", None, None, Some(after)).await?;
        txn.commit().await?;
        Ok(rows.len())
    }

    /// The students' scores of a year (of one school's pupils, or all).
    pub async fn student_scores(&self, county_id: i64, year: i32, school: Option<i64>) -> Result<Vec<student_score::Model>> {
        let mut q = student_score::Entity::find()
            .filter(student_score::Column::CountyId.eq(county_id))
            .filter(student_score::Column::Year.eq(year));
        if let Some(s) = school {
            q = q.filter(student_score::Column::SchoolId.eq(s));
        }
        Ok(q.order_by_asc(student_score::Column::Id).all(&self.db).await?)
    }

    /// The years with students' scores, newest first.
    pub async fn student_score_years(&self, county_id: i64) -> Result<Vec<i32>> {
        use sea_orm::QuerySelect;
        let years: Vec<i32> = student_score::Entity::find()
            .select_only()
            .column(student_score::Column::Year)
            .distinct()
            .filter(student_score::Column::CountyId.eq(county_id))
            .order_by_desc(student_score::Column::Year)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(years)
    }
}

/// The round, if it is open, its row locked for the transaction that writes to it (scores and
/// closing take turns on PostgreSQL; SQLite's write transactions take turns anyway).
async fn open_round(txn: &sea_orm::DatabaseTransaction, county_id: i64, round_id: i64) -> Result<evaluation_round::Model> {
    use sea_orm::QuerySelect;
    let round = evaluation_round::Entity::find_by_id(round_id)
        .filter(evaluation_round::Column::CountyId.eq(county_id))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if round.status != "open" {
        return Err(round_closed(round.year));
    }
    Ok(round)
}
