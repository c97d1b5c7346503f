//! A teacher's move from proposal to return: proposed by the bureau or a cluster head (by hand
//! or from the planner), agreed by the sending and the receiving school's admins, confirmed by
//! the bureau; on its start date the teacher's working school changes (the home school stays,
//! 县管校聘) and after its end date they are back. Every step leaves a notice in the inboxes of
//! those who act next, and a line in the audit log.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use xuequ_domain::Problem;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::exchange::moves::{check_terms, next};
use xuequ_domain::exchange::{Form, MoveOrigin, MoveState, MoveStatus, Side, Step};
use xuequ_store::bookings::Notice;
use xuequ_store::entities::exchange_move;
use xuequ_store::exchange::{MoveDecision, MoveFilter, NewMove};

use super::{school_year_of, working_schools};
use crate::{App, AppError, Caller, Result};

/// A move to propose.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub teacher_id: i64,
    pub to_school_id: i64,
    pub form: Form,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub load_percent: u32,
    pub weekdays: Vec<u32>,
    /// The shortage it fills, in words, or empty.
    pub fills: String,
}

/// The moves waiting for the caller: agreements their school owes (in and out), and for the
/// bureau the agreed moves to confirm.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inbox {
    /// Moves to the caller's school waiting for its agreement.
    pub incoming: Vec<exchange_move::Model>,
    /// Moves from the caller's school waiting for its agreement.
    pub outgoing: Vec<exchange_move::Model>,
    /// Moves both schools agreed, waiting for the bureau.
    pub to_confirm: Vec<exchange_move::Model>,
}

impl Inbox {
    pub fn len(&self) -> usize {
        self.incoming.len() + self.outgoing.len() + self.to_confirm.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn status_of(m: &exchange_move::Model) -> Result<MoveStatus> {
    Ok(m.status)
}

/// Proposes moves all together (or none): each teacher moves from their home school to
/// another active school of the county that the caller may plan for, on terms that fit the
/// form, and has no other move standing in the period. Both schools' admins hear of it.
pub async fn propose(app: &App, c: &Caller, proposals: &[Proposal], origin: MoveOrigin) -> Result<Vec<exchange_move::Model>> {
    let county = c.county();
    if proposals.is_empty() {
        return Err(AppError::invalid("moves", Problem::Required));
    }
    if proposals.len() > 5_000 {
        return Err(AppError::invalid("moves", Problem::TooManyRows { max: 5_000 }));
    }
    let schools: HashMap<i64, xuequ_store::entities::school::Model> =
        app.store.all_schools(county).await?.into_iter().filter(|s| s.status == xuequ_domain::Status::Active).map(|s| (s.id, s)).collect();
    let mut new = Vec::with_capacity(proposals.len());
    for p in proposals {
        let teacher = app.store.teacher(county, p.teacher_id).await?.filter(|t| t.status == xuequ_domain::Status::Active);
        let Some(teacher) = teacher else {
            return Err(AppError::invalid("teacher_id", Problem::NotFound { value: p.teacher_id.to_string() }));
        };
        for school in [teacher.school_id, p.to_school_id] {
            if !c.can(Action::Create, Resource::Exchange, &Target::school(county, school)) {
                return Err(AppError::Forbidden);
            }
        }
        let (Some(from), Some(to)) = (schools.get(&teacher.school_id), schools.get(&p.to_school_id)) else {
            return Err(AppError::invalid("to_school_id", Problem::NoSuchSchool { value: p.to_school_id.to_string() }));
        };
        if from.id == to.id {
            return Err(AppError::invalid("to_school_id", Problem::SameSchool));
        }
        check_terms(p.form, p.starts_on, p.ends_on, p.load_percent, &p.weekdays)
            .map_err(|(field, problem)| AppError::invalid(field, problem))?;
        let mut weekdays = p.weekdays.clone();
        weekdays.sort_unstable();
        weekdays.dedup();
        new.push(NewMove {
            teacher_id: teacher.id,
            from_school_id: from.id,
            to_school_id: to.id,
            form: p.form,
            subject: teacher.subject,
            year: school_year_of(p.starts_on),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            load_percent: p.load_percent as i32,
            weekdays: weekdays.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
            fills: p.fills.trim().chars().take(200).collect(),
            km: distance(from, to),
            origin,
        });
    }
    // One notice per school: how many moves wait for its agreement.
    let mut per_school: BTreeMap<i64, usize> = BTreeMap::new();
    for m in &new {
        *per_school.entry(m.from_school_id).or_default() += 1;
        *per_school.entry(m.to_school_id).or_default() += 1;
    }
    let mut notices = Vec::new();
    for (school, count) in per_school {
        notices.push(Notice {
            user_ids: app.store.school_admin_ids(county, school).await?,
            kind: "exchange-proposed",
            args: serde_json::json!({"count": count, "by": c.username}),
            link: "/exchange/moves".into(),
        });
    }
    Ok(app.store.propose_moves(&c.ctx(), &new, &notices).await?)
}

/// Kilometres between two located schools (great circle).
fn distance(a: &xuequ_store::entities::school::Model, b: &xuequ_store::entities::school::Model) -> Option<f64> {
    Some(xuequ_plan::metric::haversine_km(a.latitude.zip(a.longitude)?, b.latitude.zip(b.longitude)?))
}

/// Proposes the planner's moves for a school year (轮岗 from 1 September for one year), each
/// saying which shortage it fills. Returns the proposals saved (none if the plan has no moves).
pub async fn propose_plan(
    app: &App,
    c: &Caller,
    year: Option<i32>,
    cluster: Option<i64>,
    max_km: f64,
    picked: &Picked,
) -> Result<Vec<exchange_move::Model>> {
    let (view, plan) = super::plan(app, c, year, cluster, max_km).await?;
    let chosen: Vec<&xuequ_rotate::Move> =
        plan.moves.iter().filter(|m| picked.teachers.as_ref().is_none_or(|t| t.contains(&m.teacher))).collect();
    if chosen.is_empty() {
        return match picked.teachers {
            Some(_) => Err(AppError::invalid("pick", Problem::Required)),
            None => Ok(Vec::new()),
        };
    }
    let starts_on = match picked.starts_on {
        Some(d) => d,
        None => first_start(app, c, view.year).await?,
    };
    if starts_on < crate::today() {
        return Err(AppError::invalid("starts_on", Problem::PastDate));
    }
    let proposals: Vec<Proposal> = chosen.iter().map(|m| Proposal::rotation(starts_on, m)).collect();
    propose(app, c, &proposals, MoveOrigin::Plan).await
}

/// Which of a plan's moves to propose (all when `teachers` is none) and from which day (the
/// first day a rotation can still begin when none).
#[derive(Debug, Clone, Default)]
pub struct Picked {
    pub teachers: Option<Vec<i64>>,
    pub starts_on: Option<NaiveDate>,
}

/// The first day a rotation of school year `year` can begin: 1 September while it is ahead,
/// else the first day of the county's next term (its calendar), else tomorrow — never a day
/// already past.
pub async fn first_start(app: &App, c: &Caller, year: i32) -> Result<NaiveDate> {
    let today = crate::today();
    let september = super::year_start(year)?;
    if today < september {
        return Ok(september);
    }
    let calendar = app.store.stored_calendar(c.county(), None, year).await?.unwrap_or_default();
    let next_term = calendar.terms.iter().map(|t| t.0).filter(|d| *d > today).min();
    Ok(next_term.unwrap_or(today + chrono::Duration::days(1)))
}

/// One move, if the caller sees one of its schools (else not found).
pub async fn get(app: &App, c: &Caller, id: i64) -> Result<exchange_move::Model> {
    c.require(Action::Read, Resource::Exchange, &Target::county(c.county()))?;
    let m = app.store.exchange_move(c.county(), id).await?.ok_or(AppError::NotFound)?;
    let visible = c.visibility(Resource::Exchange);
    if !(visible.includes(m.from_school_id) || visible.includes(m.to_school_id)) {
        return Err(AppError::NotFound);
    }
    Ok(m)
}

impl Proposal {
    /// A planned move as a proposal: 轮岗 for a year from `starts_on` (1 September to 31 August
    /// when it starts with the school year), filling a shortage of its subject.
    pub fn rotation(starts_on: NaiveDate, m: &xuequ_rotate::Move) -> Proposal {
        let year_later = starts_on.checked_add_months(chrono::Months::new(12)).unwrap_or(starts_on);
        Proposal {
            teacher_id: m.teacher,
            to_school_id: m.to,
            form: Form::Rotation,
            starts_on,
            ends_on: year_later.pred_opt().unwrap_or(year_later),
            load_percent: 100,
            weekdays: Vec::new(),
            fills: m.subject.clone(),
        }
    }
}

/// The moves the caller sees, narrowed by `filter`.
pub async fn list(app: &App, c: &Caller, mut filter: MoveFilter) -> Result<Vec<exchange_move::Model>> {
    c.require(Action::Read, Resource::Exchange, &Target::county(c.county()))?;
    let visible = match c.visibility(Resource::Exchange) {
        xuequ_domain::access::Visibility::County => None,
        xuequ_domain::access::Visibility::Schools(ids) => Some(ids),
        xuequ_domain::access::Visibility::Nothing => Some(Vec::new()),
    };
    filter.involving = match (filter.involving.take(), visible) {
        (Some(asked), Some(seen)) => Some(asked.into_iter().filter(|s| seen.contains(s)).collect()),
        (asked, None) => asked,
        (None, seen) => seen,
    };
    Ok(app.store.exchange_moves(c.county(), &filter).await?)
}

/// What waits for the caller's decision.
pub async fn inbox(app: &App, c: &Caller) -> Result<Inbox> {
    let county = c.county();
    let mut out = Inbox::default();
    let waiting = [MoveStatus::Proposed, MoveStatus::Approved];
    let moves = list(app, c, MoveFilter { statuses: waiting.to_vec(), ..Default::default() }).await?;
    let decides = |school: i64| c.can(Action::Update, Resource::MoveDecision, &Target::school(county, school));
    for m in moves {
        if m.status == MoveStatus::Proposed {
            if m.receiving_agreed_at.is_none() && decides(m.to_school_id) {
                out.incoming.push(m);
            } else if m.sending_agreed_at.is_none() && decides(m.from_school_id) {
                out.outgoing.push(m);
            }
        } else if c.can(Action::Update, Resource::MoveDecision, &Target::county(county)) {
            out.to_confirm.push(m);
        }
    }
    Ok(out)
}

/// A part of the caller's inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxPart {
    Incoming,
    Outgoing,
    ToConfirm,
}

impl InboxPart {
    pub fn parse(s: &str) -> Option<InboxPart> {
        match s {
            "incoming" => Some(InboxPart::Incoming),
            "outgoing" => Some(InboxPart::Outgoing),
            "to_confirm" => Some(InboxPart::ToConfirm),
            _ => None,
        }
    }

    /// The moves of this part and what deciding them all means (agreeing, or the bureau's
    /// confirmation).
    pub fn of(self, inbox: Inbox) -> (Vec<exchange_move::Model>, Decision) {
        match self {
            InboxPart::Incoming => (inbox.incoming, Decision::Approve),
            InboxPart::Outgoing => (inbox.outgoing, Decision::Approve),
            InboxPart::ToConfirm => (inbox.to_confirm, Decision::Confirm),
        }
    }
}

/// Agrees to (or confirms) every move waiting in one part of the caller's inbox, each by the
/// same rules as one at a time: how many were decided, and how many another person had decided
/// meanwhile (left as they are).
pub async fn decide_all(app: &App, c: &Caller, part: InboxPart) -> Result<(usize, usize)> {
    let (list, decision) = part.of(inbox(app, c).await?);
    let (mut done, mut moved_on) = (0, 0);
    for m in list {
        match decide(app, c, m.id, decision, "").await {
            Ok(_) => done += 1,
            Err(AppError::Conflict(_) | AppError::Stale) => moved_on += 1,
            Err(e) => return Err(e),
        }
    }
    Ok((done, moved_on))
}

/// A decision someone may take on a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The caller's school agrees (sending or receiving, whichever it is).
    Approve,
    /// The caller's school, or the bureau, says no (a reason is required).
    Decline,
    /// The bureau confirms.
    Confirm,
    /// The proposer (or whoever may propose for both schools) takes it back.
    Withdraw,
    /// The bureau ends an active move now (a reason is required).
    EndEarly,
}

impl Decision {
    pub const ALL: &'static [Decision] = &[Decision::Approve, Decision::Decline, Decision::Confirm, Decision::Withdraw, Decision::EndEarly];

    pub fn code(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Decline => "decline",
            Decision::Confirm => "confirm",
            Decision::Withdraw => "withdraw",
            Decision::EndEarly => "end_early",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.iter().copied().find(|d| d.code() == s.trim())
    }
}

/// The decisions the caller may take on `m` now (for the buttons a page shows).
pub fn decisions(c: &Caller, m: &exchange_move::Model) -> Vec<Decision> {
    Decision::ALL.iter().copied().filter(|d| step_for(c, m, *d).is_ok()).collect()
}

/// The rule step a decision is for this caller, or why they may not take it.
fn step_for(c: &Caller, m: &exchange_move::Model, d: Decision) -> Result<Step> {
    let county = c.county();
    let decides = |school: i64| c.can(Action::Update, Resource::MoveDecision, &Target::school(county, school));
    let bureau = c.can(Action::Update, Resource::MoveDecision, &Target::county(county));
    let step = match d {
        Decision::Approve if decides(m.from_school_id) && m.sending_agreed_at.is_none() => Step::Approve(Side::Sending),
        Decision::Approve if decides(m.to_school_id) => Step::Approve(Side::Receiving),
        Decision::Decline if decides(m.from_school_id) || decides(m.to_school_id) || bureau => Step::Decline,
        Decision::Confirm if bureau => Step::Confirm,
        Decision::Withdraw
            if c.can(Action::Create, Resource::Exchange, &Target::school(county, m.from_school_id))
                && c.can(Action::Create, Resource::Exchange, &Target::school(county, m.to_school_id)) =>
        {
            Step::Withdraw
        }
        Decision::EndEarly if bureau => Step::EndEarly,
        _ => return Err(AppError::Forbidden),
    };
    let state = MoveState {
        status: status_of(m)?,
        sending_agreed: m.sending_agreed_at.is_some(),
        receiving_agreed: m.receiving_agreed_at.is_some(),
    };
    // A school that already agreed has nothing more to agree to.
    next(state, step).map_err(AppError::Conflict)?;
    Ok(step)
}

/// Takes a decision on a move and tells those who act next (or the proposer, of a refusal).
pub async fn decide(app: &App, c: &Caller, id: i64, decision: Decision, reason: &str) -> Result<exchange_move::Model> {
    let county = c.county();
    let m = get(app, c, id).await?;
    let step = step_for(c, &m, decision)?;
    let reason: String = reason.trim().chars().take(200).collect();
    if matches!(decision, Decision::Decline | Decision::EndEarly) && reason.is_empty() {
        return Err(AppError::invalid("reason", Problem::Required));
    }
    let state = MoveState {
        status: status_of(&m)?,
        sending_agreed: m.sending_agreed_at.is_some(),
        receiving_agreed: m.receiving_agreed_at.is_some(),
    };
    let after = next(state, step).map_err(AppError::Conflict)?;
    let d = MoveDecision {
        status: after.status,
        sending_agreed: step == Step::Approve(Side::Sending),
        receiving_agreed: step == Step::Approve(Side::Receiving),
        confirmed: step == Step::Confirm,
        decided: matches!(step, Step::Decline | Step::Withdraw | Step::EndEarly),
        reason: reason.clone(),
        returned: step == Step::EndEarly,
    };
    let teacher = app.store.teacher(county, m.teacher_id).await?.map(|t| t.name).unwrap_or_default();
    let args = serde_json::json!({"teacher": teacher, "by": c.username, "reason": reason});
    let link = format!("/exchange/moves/{}", m.id);
    let admins = |school: i64| app.store.school_admin_ids(county, school);
    let (kind, mut user_ids): (&'static str, Vec<i64>) = match (step, after.status) {
        (Step::Approve(_), MoveStatus::Approved) => ("exchange-agreed", app.store.bureau_admin_ids(county).await?),
        (Step::Approve(Side::Sending), _) => ("exchange-agreed-by-one", admins(m.to_school_id).await?),
        (Step::Approve(Side::Receiving), _) => ("exchange-agreed-by-one", admins(m.from_school_id).await?),
        (Step::Confirm, _) => ("exchange-confirmed", [admins(m.from_school_id).await?, admins(m.to_school_id).await?].concat()),
        (Step::Decline, _) => ("exchange-declined", [admins(m.from_school_id).await?, admins(m.to_school_id).await?].concat()),
        (Step::Withdraw, _) => ("exchange-withdrawn", [admins(m.from_school_id).await?, admins(m.to_school_id).await?].concat()),
        (Step::EndEarly, _) => ("exchange-ended", [admins(m.from_school_id).await?, admins(m.to_school_id).await?].concat()),
    };
    if matches!(step, Step::Decline | Step::Withdraw) {
        user_ids.extend(m.proposed_by);
    }
    user_ids.retain(|u| *u != c.actor.user_id);
    user_ids.sort_unstable();
    user_ids.dedup();
    // What asked others to decide this move is done once it is decided: settled before the
    // decision's own notice (which asks whoever acts next) is left. Should the decision fail
    // because someone decided first, those messages were stale all the same.
    app.store.settle_notices(county, &["exchange-agreed-by-one", "exchange-agreed"], &link, None).await?;
    let notice = Notice { user_ids, kind, args, link };
    let saved = app.store.decide_move(&c.ctx(), &m, &d, &[notice]).await?;
    settle_proposals(app, c, &saved).await?;
    if step == Step::Confirm && saved.starts_on <= crate::today() {
        // Confirmed on or after its start date: it begins now, not at the next sweep.
        advance(app, county, crate::today()).await?;
        return Ok(app.store.exchange_move(county, id).await?.unwrap_or(saved));
    }
    Ok(saved)
}

/// "教师交流申请，待你校审批" (one message per school for a batch of proposals) is done for a
/// school's admins once no move waits for that school's agreement.
async fn settle_proposals(app: &App, c: &Caller, m: &exchange_move::Model) -> Result<()> {
    let county = c.county();
    let waiting = app.store.exchange_moves(county, &MoveFilter { statuses: vec![MoveStatus::Proposed], ..Default::default() }).await?;
    for school in [m.from_school_id, m.to_school_id] {
        let waits = waiting.iter().any(|w| {
            (w.from_school_id == school && w.sending_agreed_at.is_none()) || (w.to_school_id == school && w.receiving_agreed_at.is_none())
        });
        if !waits {
            let admins = app.store.school_admin_ids(county, school).await?;
            app.store.settle_notices(county, &["exchange-proposed"], "/exchange/moves", Some(admins.as_slice())).await?;
        }
    }
    Ok(())
}

/// Starts the confirmed moves whose day has come and ends those past their end (in one county,
/// or all with 0); both schools' admins hear of each. The server runs it every minute.
pub async fn advance(app: &App, county: i64, today: NaiveDate) -> Result<usize> {
    Ok(app.store.advance_moves(county, today, Utc::now()).await?.len())
}

/// A teacher's exchange history and where they work today (home school, working school).
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub home_school_id: i64,
    pub working_school_id: i64,
    pub moves: Vec<exchange_move::Model>,
}

pub async fn history(app: &App, c: &Caller, teacher_id: i64) -> Result<History> {
    let county = c.county();
    c.require(Action::Read, Resource::Exchange, &Target::county(county))?;
    let t = app.store.teacher(county, teacher_id).await?.ok_or(AppError::NotFound)?;
    let moves = app.store.exchange_moves(county, &MoveFilter { teacher_id: Some(teacher_id), ..Default::default() }).await?;
    // The home school's people see the record, and so do those of a school the teacher is sent
    // to or comes from: a principal receiving a teacher reads where they have been.
    let sees = |school: i64| c.can(Action::Read, Resource::Exchange, &Target::school(county, school));
    if !sees(t.school_id) && !moves.iter().any(|m| sees(m.to_school_id) || sees(m.from_school_id)) {
        return Err(AppError::Forbidden);
    }
    let working = working_schools(std::slice::from_ref(&t), &moves, crate::today());
    Ok(History { home_school_id: t.school_id, working_school_id: working[&t.id], moves })
}
