//! Budgets (经费): a cluster's yearly money by source and category, expenditures with their
//! approval by the cluster head and — above the county's limit — the bureau, balances with a
//! warning at 80 % and refusal past 100 %, and the ledger a finance office reads.

use chrono::{NaiveDate, Utc};
use xuequ_domain::access::running::{self as policy, Affairs};
use xuequ_domain::budget::{Fen, Source, SpendCategory, WARN_PERCENT, check_spend, needs_bureau};
use xuequ_domain::running::{AttachmentOwner, SpendStatus};
use xuequ_domain::{Coded, FieldProblem, Problem};
use xuequ_store::entities::{budget, budget_line, budget_source, cluster, expenditure, running_file};
use xuequ_store::running::budgets::{NewExpenditure, NewSource, Step};

use super::{Clusters, check_year, text};
use crate::{App, AppError, Caller, Result};

/// A category's allotment, what was spent, what waits for approval, what is left.
#[derive(Debug, Clone)]
pub struct Line {
    pub line: budget_line::Model,
    pub category: SpendCategory,
    pub waiting: Fen,
    pub balance: Fen,
    pub used_percent: i64,
    pub warning: bool,
}

#[derive(Debug, Clone)]
pub struct Spending {
    pub row: expenditure::Model,
    pub category: SpendCategory,
    pub status: SpendStatus,
    pub activity: Option<String>,
    pub files: Vec<running_file::Model>,
    /// Whether the caller approves or declines it now (see `policy::may_decide_spending`).
    pub may_decide: bool,
    /// Whether the caller may attach its receipts (who asked for it, or who approves).
    pub may_attach: bool,
}

/// A budget as its page shows it.
#[derive(Debug, Clone)]
pub struct View {
    pub budget: budget::Model,
    pub cluster: String,
    pub sources: Vec<(budget_source::Model, String)>,
    pub lines: Vec<Line>,
    pub total: Fen,
    pub spent: Fen,
    pub balance: Fen,
    pub expenditures: Vec<Spending>,
    pub may_set: bool,
    pub may_request: bool,
    pub may_approve: bool,
    pub may_approve_bureau: bool,
    pub bureau_limit: Fen,
}

impl View {
    /// Share of the budget spent, in per cent (0 for an empty budget).
    pub fn execution_percent(&self) -> i64 {
        if self.total == 0 { 0 } else { self.spent * 100 / self.total }
    }
}

/// One row of the ledger: an approved expenditure and the balance after it.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub date: NaiveDate,
    pub voucher: String,
    pub category: SpendCategory,
    pub payee: String,
    pub purpose: String,
    pub amount: Fen,
    pub balance: Fen,
}

/// The cluster if the caller may read its budget (otherwise it does not exist for them).
pub(crate) async fn readable(app: &App, c: &Caller, cluster_id: i64) -> Result<(cluster::Model, Vec<i64>)> {
    let (cl, schools) = super::readable_cluster(app, c, cluster_id).await?;
    if !policy::may_read_budget(&c.actor, &Affairs { county_id: c.county(), cluster_id, schools: &schools }) {
        return Err(AppError::NotFound);
    }
    Ok((cl, schools))
}

async fn views(app: &App, c: &Caller, budgets: Vec<budget::Model>, clusters: &Clusters) -> Result<Vec<View>> {
    let county = c.county();
    let ids: Vec<i64> = budgets.iter().map(|b| b.id).collect();
    let lines = app.store.budget_lines(county, &ids).await?;
    let sources = app.store.budget_sources(county, &ids).await?;
    let spending = app.store.expenditures(county, &ids).await?;
    let files = app.store.attachments(county, AttachmentOwner::Expenditure, &spending.iter().map(|e| e.id).collect::<Vec<_>>()).await?;
    let activity_ids: Vec<i64> = spending.iter().filter_map(|e| e.activity_id).collect();
    let mut titles = std::collections::HashMap::new();
    for id in activity_ids {
        if let Some(a) = app.store.activity(county, id).await? {
            titles.insert(id, a.title);
        }
    }
    let names = app.store.school_names(county, &sources.iter().filter_map(|s| s.school_id).collect::<Vec<_>>()).await?;
    let limit = app.store.running_settings(county).await?.bureau_limit;
    Ok(budgets
        .into_iter()
        .map(|b| {
            let affairs = clusters.affairs(county, b.cluster_id);
            let mine: Vec<&expenditure::Model> = spending.iter().filter(|e| e.budget_id == b.id).collect();
            let lines: Vec<Line> = lines
                .iter()
                .filter(|l| l.budget_id == b.id)
                .map(|l| {
                    let waiting = mine
                        .iter()
                        .filter(|e| e.line_id == l.id && matches!(e.status, SpendStatus::Pending | SpendStatus::AwaitingBureau))
                        .map(|e| e.amount)
                        .sum();
                    let used_percent = if l.amount == 0 { 0 } else { l.spent * 100 / l.amount };
                    Line {
                        category: l.category,
                        waiting,
                        balance: l.amount - l.spent,
                        used_percent,
                        warning: l.amount > 0 && used_percent >= WARN_PERCENT,
                        line: l.clone(),
                    }
                })
                .collect();
            let total: Fen = lines.iter().map(|l| l.line.amount).sum();
            let spent: Fen = lines.iter().map(|l| l.line.spent).sum();
            View {
                cluster: clusters.name(b.cluster_id),
                sources: sources
                    .iter()
                    .filter(|s| s.budget_id == b.id)
                    .map(|s| (s.clone(), s.school_id.and_then(|k| names.get(&k).map(|n| n.1.clone())).unwrap_or_default()))
                    .collect(),
                expenditures: mine
                    .iter()
                    .map(|e| {
                        let status = e.status;
                        Spending {
                            category: lines.iter().find(|l| l.line.id == e.line_id).map_or(SpendCategory::Other, |l| l.category),
                            status,
                            activity: e.activity_id.and_then(|a| titles.get(&a).cloned()),
                            files: files.iter().filter(|f| f.owner_id == e.id).cloned().collect(),
                            may_decide: decidable(&c.actor, &affairs, e, status),
                            may_attach: e.requested_by == c.actor.user_id || policy::may_approve_as_cluster(&c.actor, &affairs),
                            row: (*e).clone(),
                        }
                    })
                    .collect(),
                total,
                spent,
                balance: total - spent,
                lines,
                may_set: policy::may_set_budget(&c.actor, &affairs),
                may_request: policy::may_request_spending(&c.actor, &affairs),
                may_approve: policy::may_approve_as_cluster(&c.actor, &affairs),
                may_approve_bureau: policy::may_approve_as_bureau(&c.actor, &affairs),
                bureau_limit: limit,
                budget: b,
            }
        })
        .collect())
}

/// Whether `actor` approves or declines `e` at its step now.
fn decidable(actor: &xuequ_domain::access::Actor, affairs: &Affairs, e: &expenditure::Model, status: SpendStatus) -> bool {
    match status {
        SpendStatus::Pending => policy::may_decide_spending(actor, affairs, e.requested_by, false),
        SpendStatus::AwaitingBureau => policy::may_decide_spending(actor, affairs, e.requested_by, true),
        SpendStatus::Approved | SpendStatus::Declined => false,
    }
}

/// The budgets the caller may read, of a year and a cluster.
pub async fn budgets(app: &App, c: &Caller, year: Option<i32>, cluster_id: Option<i64>) -> Result<Vec<View>> {
    let county = c.county();
    if let Some(y) = year {
        check_year("year", y)?;
    }
    let clusters = Clusters::load(app, county).await?;
    let readable: Vec<i64> = clusters
        .all
        .iter()
        .map(|k| k.id)
        .filter(|k| cluster_id.is_none_or(|w| w == *k) && policy::may_read_budget(&c.actor, &clusters.affairs(county, *k)))
        .collect();
    let list = app.store.budgets(county, Some(&readable), year).await?;
    views(app, c, list, &clusters).await
}

pub async fn budget(app: &App, c: &Caller, id: i64) -> Result<View> {
    let county = c.county();
    let b = app.store.budget(county, id).await?.ok_or(AppError::NotFound)?;
    readable(app, c, b.cluster_id).await?;
    let clusters = Clusters::load(app, county).await?;
    Ok(views(app, c, vec![b], &clusters).await?.remove(0))
}

/// A budget as the bureau sets it; amounts in yuan as written (`150000`, `1,500.50`).
#[derive(Debug, Clone, Default)]
pub struct BudgetInput {
    pub sources: Vec<SourceInput>,
    pub lines: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct SourceInput {
    pub source: String,
    pub school_id: Option<i64>,
    pub amount: String,
    pub note: String,
}

fn amount(field: &'static str, text: &str, problems: &mut Vec<FieldProblem>) -> Fen {
    match xuequ_domain::budget::read_yuan(text) {
        Ok(f) => f,
        Err(p) => {
            problems.push(FieldProblem::new(field, p));
            0
        }
    }
}

/// Sets a cluster's budget for a year (the bureau), replacing its sources and categories: both
/// given, adding up to the same, no category below what was spent of it (checked again by the
/// store inside the write).
pub async fn set_budget(app: &App, c: &Caller, cluster_id: i64, year: i32, input: &BudgetInput) -> Result<View> {
    let county = c.county();
    let (_, schools) = readable(app, c, cluster_id).await?;
    if !policy::may_set_budget(&c.actor, &Affairs { county_id: county, cluster_id, schools: &schools }) {
        return Err(AppError::Forbidden);
    }
    check_year("year", year)?;
    let mut problems = Vec::new();
    let mut sources = Vec::new();
    for s in input.sources.iter().filter(|s| !s.amount.trim().is_empty()) {
        let source = Source::parse(&s.source);
        if source.is_none() {
            problems.push(FieldProblem::new(
                "sources",
                Problem::UnknownValue { value: s.source.chars().take(40).collect(), allowed: Source::codes().join(", ") },
            ));
        }
        if let Some(k) = s.school_id
            && !schools.contains(&k)
        {
            problems.push(FieldProblem::new("sources", Problem::NotAMember));
        }
        let note = text("sources", &s.note, false, 200, &mut problems);
        let amount = amount("sources", &s.amount, &mut problems);
        if let Some(source) = source {
            sources.push(NewSource { source, school_id: s.school_id, amount, note });
        }
    }
    let mut lines = Vec::new();
    for (category, value) in input.lines.iter().filter(|(_, v)| !v.trim().is_empty()) {
        match SpendCategory::parse(category) {
            Some(k) if !lines.iter().any(|(c, _): &(SpendCategory, Fen)| *c == k) => lines.push((k, amount("lines", value, &mut problems))),
            _ => problems.push(FieldProblem::new(
                "lines",
                Problem::UnknownValue { value: category.chars().take(40).collect(), allowed: SpendCategory::codes().join(", ") },
            )),
        }
    }
    // A budget has money from somewhere and for something; blank rows of the form are not rows.
    if sources.is_empty() && !problems.iter().any(|p| p.field == "sources") {
        problems.push(FieldProblem::new("sources", Problem::Required));
    }
    if lines.is_empty() && !problems.iter().any(|p| p.field == "lines") {
        problems.push(FieldProblem::new("lines", Problem::Required));
    }
    let (from_sources, by_category): (Fen, Fen) = (sources.iter().map(|s| s.amount).sum(), lines.iter().map(|l| l.1).sum());
    if problems.is_empty() && from_sources != by_category {
        problems.push(FieldProblem::new(
            "lines",
            Problem::BudgetUnbalanced { sources: xuequ_domain::budget::yuan(from_sources), lines: xuequ_domain::budget::yuan(by_category) },
        ));
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let b = app.store.set_budget(&c.ctx(), cluster_id, year, &sources, &lines).await?;
    budget(app, c, b.id).await
}

/// Spending as someone asks for it.
#[derive(Debug, Clone, Default)]
pub struct SpendInput {
    pub category: String,
    pub spent_on: Option<NaiveDate>,
    pub amount: String,
    pub payee: String,
    pub voucher: String,
    pub purpose: String,
    pub activity_id: Option<i64>,
}

/// Asks to spend from a budget (its head, its schools' admins): refused when it would take its
/// category past 100 %; the answer says when it passes 80 %.
pub async fn request(app: &App, c: &Caller, budget_id: i64, input: &SpendInput) -> Result<(expenditure::Model, i64)> {
    let county = c.county();
    let view = budget(app, c, budget_id).await?;
    if !view.may_request {
        return Err(AppError::Forbidden);
    }
    let mut problems = Vec::new();
    let payee = text("payee", &input.payee, true, 100, &mut problems);
    let voucher = text("voucher", &input.voucher, false, 50, &mut problems);
    let purpose = text("purpose", &input.purpose, true, 200, &mut problems);
    let fen = amount("amount", &input.amount, &mut problems);
    let line = view.lines.iter().find(|l| Some(l.category) == SpendCategory::parse(&input.category));
    if line.is_none() {
        let allowed = view.lines.iter().map(|l| l.category.code()).collect::<Vec<_>>().join(", ");
        problems.push(FieldProblem::new("category", Problem::UnknownValue { value: input.category.chars().take(40).collect(), allowed }));
    }
    match input.spent_on {
        None => problems.push(FieldProblem::new("spent_on", Problem::Required)),
        Some(d) if chrono::Datelike::year(&d) != view.budget.year => problems.push(FieldProblem::new(
            "spent_on",
            Problem::OutOfRange {
                value: d.to_string(),
                min: format!("{}-01-01", view.budget.year),
                max: format!("{}-12-31", view.budget.year),
            },
        )),
        _ => {}
    }
    if let Some(a) = input.activity_id
        && app.store.activity(county, a).await?.is_none_or(|act| act.cluster_id != Some(view.budget.cluster_id))
    {
        problems.push(FieldProblem::new("activity_id", Problem::NotFound { value: a.to_string() }));
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let line = line.expect("checked");
    let used = match check_spend(line.line.amount, line.line.spent, fen).map_err(|p| AppError::invalid("amount", p))? {
        xuequ_domain::budget::Spend::Fine { used_percent } | xuequ_domain::budget::Spend::Warning { used_percent } => used_percent,
    };
    let new = NewExpenditure {
        line_id: line.line.id,
        spent_on: input.spent_on.expect("checked"),
        amount: fen,
        payee,
        voucher,
        purpose,
        activity_id: input.activity_id,
    };
    let name = app.store.user(county, c.actor.user_id).await?.map(|u| u.display_name).unwrap_or_else(|| c.username.clone());
    Ok((app.store.request_spending(&c.ctx(), budget_id, &new, &name).await?, used))
}

/// Approves or declines (with a reason) an expenditure at its step: the cluster head first,
/// then — above the county's limit — the bureau. The bureau's own approval is final. Nobody
/// decides their own request (the bureau decides the head's).
pub async fn decide(app: &App, c: &Caller, id: i64, approve: bool, reason: &str) -> Result<expenditure::Model> {
    let county = c.county();
    let e = app.store.expenditure(county, id).await?.ok_or(AppError::NotFound)?;
    let view = budget(app, c, e.budget_id).await?;
    let status = e.status;
    let bureau = view.may_approve_bureau;
    if matches!(status, SpendStatus::Approved | SpendStatus::Declined) {
        return Err(AppError::Conflict(Problem::WrongStep { status: e.status.to_string() }));
    }
    // The policy (one place): the step's approver, never the one who asked.
    if !view.expenditures.iter().any(|s| s.row.id == id && s.may_decide) {
        return Err(AppError::Forbidden);
    }
    let mut problems = Vec::new();
    let reason = text("reason", reason, !approve, 200, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let step = match (approve, status, bureau) {
        (false, _, _) => Step::Decline,
        (true, SpendStatus::Pending, false) if needs_bureau(e.amount, view.bureau_limit) => Step::ToBureau,
        _ => Step::Approve,
    };
    Ok(app.store.decide_spending(&c.ctx(), id, e.status, step, bureau, &reason).await?)
}

/// A receipt for an expenditure (who asked for it, or who approves).
pub async fn attach_receipt(
    app: &App,
    c: &Caller,
    id: i64,
    files: Vec<crate::library::upload::Incoming>,
) -> Result<Vec<running_file::Model>> {
    let e = app.store.expenditure(c.county(), id).await?.ok_or(AppError::NotFound)?;
    let view = budget(app, c, e.budget_id).await?;
    if !view.expenditures.iter().any(|s| s.row.id == id && s.may_attach) {
        return Err(AppError::Forbidden);
    }
    super::files::attach(app, c, AttachmentOwner::Expenditure, id, files).await
}

/// The approved expenditures in date order with the budget's balance after each: the layout a
/// finance office expects (date, voucher, category, amount, balance).
pub fn ledger(view: &View) -> Vec<LedgerRow> {
    let mut approved: Vec<&Spending> = view.expenditures.iter().filter(|e| e.status == SpendStatus::Approved).collect();
    approved.sort_by_key(|e| (e.row.spent_on, e.row.id));
    let mut balance = view.total;
    approved
        .into_iter()
        .map(|e| {
            balance -= e.row.amount;
            LedgerRow {
                date: e.row.spent_on,
                voucher: e.row.voucher.clone(),
                category: e.category,
                payee: e.row.payee.clone(),
                purpose: e.row.purpose.clone(),
                amount: e.row.amount,
                balance,
            }
        })
        .collect()
}

/// Today, for forms.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The budget an expenditure is spent from (where its page sends the user back to).
pub async fn budget_of(app: &App, c: &Caller, expenditure_id: i64) -> Result<i64> {
    Ok(app.store.expenditure(c.county(), expenditure_id).await?.ok_or(AppError::NotFound)?.budget_id)
}
