//! Evidence files (佐证材料) of the indicators evaluators score: an evaluator attaches the
//! minutes, photos or reports a score rests on to the cluster's leaf while the round is open;
//! they are read by whoever may read the cluster's evaluation, and stay with the round once it
//! closes. Files are checked by the library's one upload check and kept in its archive by hash.

use xuequ_domain::access::evaluation as policy;
use xuequ_domain::evaluation::RoundStatus;
use xuequ_domain::{FieldProblem, Problem, Role};
use xuequ_evaluate::tree::Leaf;
use xuequ_store::entities::{evaluation_evidence, evaluation_round};
use xuequ_store::running::Attachment;

use super::{round, status, year_tree};
use crate::library::upload::{Incoming, check_uploads};
use crate::{App, AppError, Caller, Result};

/// Whether the caller evaluates `cluster` in round `r`.
async fn assigned(app: &App, c: &Caller, r: &evaluation_round::Model, cluster: i64) -> Result<bool> {
    Ok(app.store.evaluation_assignments(c.county(), r.id).await?.iter().any(|a| a.cluster_id == cluster && a.user_id == c.actor.user_id))
}

/// Answers `NotFound` unless the caller may read the cluster's evaluation in round `r` (the
/// same rule as the report: a closed round is read by the schools it judged).
async fn require_reader(app: &App, c: &Caller, r: &evaluation_round::Model, cluster: i64) -> Result<()> {
    let county = c.county();
    app.store.cluster(county, cluster).await?.ok_or(AppError::NotFound)?;
    let closed = status(r) == RoundStatus::Closed;
    let mine = assigned(app, c, r, cluster).await?;
    let schools: Vec<i64> = match c.actor.role {
        // Only a principal's reading depends on the schools; a closed round's are the frozen ones.
        Role::SchoolAdmin if closed => super::results_of(app, county, r)
            .await?
            .clusters
            .into_iter()
            .find(|k| k.cluster_id == cluster)
            .map(|k| k.schools.into_iter().map(|s| s.school_id).collect())
            .unwrap_or_default(),
        Role::SchoolAdmin => app.store.cluster_school_ids(county, cluster).await?,
        _ => Vec::new(),
    };
    if policy::may_read(&c.actor, cluster, &schools, closed, mine) { Ok(()) } else { Err(AppError::NotFound) }
}

/// Attaches files to the scored leaf `code` of `cluster` in an open round: an evaluator assigned
/// to the cluster only; all files or none.
pub async fn attach(
    app: &App,
    c: &Caller,
    round_id: i64,
    cluster: i64,
    code: &str,
    files: Vec<Incoming>,
) -> Result<Vec<evaluation_evidence::Model>> {
    let r = round(app, c, round_id).await?;
    let mine = assigned(app, c, &r, cluster).await?;
    if !policy::may_score(&c.actor, mine) {
        return Err(if policy::may_manage(&c.actor) { AppError::Forbidden } else { AppError::NotFound });
    }
    if status(&r) == RoundStatus::Closed {
        return Err(AppError::Conflict(Problem::RoundClosed { year: r.year.to_string() }));
    }
    let tree = year_tree(app, c.county(), r.year).await?.tree;
    let scored = tree.all().into_iter().any(|i| i.code == code && i.leaf() == Some(Leaf::Scored));
    if !scored {
        return Err(AppError::Invalid(vec![FieldProblem::new("code", Problem::NotScored { value: code.to_string() })]));
    }
    let types = check_uploads(app, &files).await?;
    let mut stored = Vec::with_capacity(files.len());
    for (f, t) in files.iter().zip(types) {
        let hash = app.library.put(&f.bytes).await?;
        stored.push(Attachment {
            name: f.name.clone(),
            hash,
            size: f.bytes.len() as i64,
            mime: t.mime.to_string(),
            family: t.family.code().to_string(),
        });
    }
    Ok(app.store.add_evidence(&c.ctx(), round_id, cluster, code, &stored).await?)
}

/// The evidence of a cluster in a round, for whoever may read its evaluation.
pub async fn list(app: &App, c: &Caller, round_id: i64, cluster: i64) -> Result<Vec<evaluation_evidence::Model>> {
    let r = round(app, c, round_id).await?;
    require_reader(app, c, &r, cluster).await?;
    Ok(app.store.evidence(c.county(), round_id, Some(cluster)).await?)
}

/// One evidence file with its bytes, for whoever may read its cluster's evaluation.
pub async fn file(app: &App, c: &Caller, id: i64) -> Result<(evaluation_evidence::Model, bytes::Bytes)> {
    let f = app.store.evidence_file(c.county(), id).await?.ok_or(AppError::NotFound)?;
    let r = round(app, c, f.round_id).await?;
    require_reader(app, c, &r, f.cluster_id).await?;
    let bytes = app.library.get(&f.hash).await?;
    Ok((f, bytes))
}

/// Whether the caller may remove an evidence file now (what the confirmation page asks
/// first): the evaluator who attached it, or the bureau, while its round is open. Answers the
/// file and its round's year.
pub async fn removable(app: &App, c: &Caller, id: i64) -> Result<(evaluation_evidence::Model, i32)> {
    let f = app.store.evidence_file(c.county(), id).await?.ok_or(AppError::NotFound)?;
    let r = round(app, c, f.round_id).await?;
    require_reader(app, c, &r, f.cluster_id).await?;
    if !(policy::may_manage(&c.actor) || f.user_id == c.actor.user_id) {
        return Err(AppError::Forbidden);
    }
    if status(&r) == RoundStatus::Closed {
        return Err(AppError::Conflict(Problem::RoundClosed { year: r.year.to_string() }));
    }
    Ok((f, r.year))
}

/// Removes an evidence file (see [`removable`]). Answers the file as it was and its round's year.
pub async fn remove(app: &App, c: &Caller, id: i64) -> Result<(evaluation_evidence::Model, i32)> {
    let (f, year) = removable(app, c, id).await?;
    app.store.remove_evidence(&c.ctx(), &f).await?;
    Ok((f, year))
}
