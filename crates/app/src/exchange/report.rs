//! The exchange report: the year's agreed moves by form, subject and school, the moves of every
//! year, and the quota and backbone share of the county and of each cluster.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use xuequ_domain::Status;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::exchange::Form;
use xuequ_store::exchange::MoveFilter;

use super::{Overview, moves};
use crate::{App, Caller, Result};

/// Agreed moves (approved or further), and of them carried out (begun or over).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Count {
    pub agreed: usize,
    pub done: usize,
}

/// A school's moves of the year.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolMoves {
    pub school_id: i64,
    pub name: String,
    pub out: Count,
    pub came: Count,
    pub out_backbone: usize,
}

/// The quota of the county or a cluster.
#[derive(Debug, Clone, Serialize)]
pub struct QuotaRow {
    /// The cluster's name, or None for the county (the schools the caller sees).
    pub cluster: Option<String>,
    pub eligible_at_sending: usize,
    pub required: usize,
    pub agreed: usize,
    pub done: usize,
    pub required_backbone: usize,
    pub agreed_backbone: usize,
    pub met: bool,
}

impl QuotaRow {
    fn of(cluster: Option<String>, v: &Overview) -> QuotaRow {
        QuotaRow {
            cluster,
            eligible_at_sending: v.eligible_at_sending,
            required: v.required_moves,
            agreed: v.agreed,
            done: v.done,
            required_backbone: v.required_backbone,
            agreed_backbone: v.agreed_backbone,
            met: v.quota_met() && v.backbone_met(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub year: i32,
    pub by_form: BTreeMap<Form, Count>,
    pub by_subject: BTreeMap<String, Count>,
    pub by_school: Vec<SchoolMoves>,
    /// Every school year with moves: agreed and done.
    pub by_year: BTreeMap<i32, Count>,
    pub quota: Vec<QuotaRow>,
}

pub async fn report(app: &App, c: &Caller, year: Option<i32>) -> Result<Report> {
    let county = c.county();
    let view = super::overview(app, c, year, None).await?;
    let year = view.year;
    let backbone: HashSet<i64> =
        app.store.active_teachers(county).await?.into_iter().filter(|t| t.backbone.county_or_higher()).map(|t| t.id).collect();
    let all = moves::list(app, c, MoveFilter::default()).await?;
    let agreed = |m: &&xuequ_store::entities::exchange_move::Model| m.status.agreed();
    let done = |m: &xuequ_store::entities::exchange_move::Model| m.status.done();
    let add = |count: &mut Count, m: &xuequ_store::entities::exchange_move::Model| {
        count.agreed += 1;
        count.done += done(m) as usize;
    };
    let mut by_year: BTreeMap<i32, Count> = BTreeMap::new();
    for m in all.iter().filter(agreed) {
        add(by_year.entry(m.year).or_default(), m);
    }
    let mut by_form: BTreeMap<Form, Count> = BTreeMap::new();
    let mut by_subject: BTreeMap<String, Count> = BTreeMap::new();
    let mut by_school: HashMap<i64, SchoolMoves> = view
        .schools
        .iter()
        .map(|s| {
            (
                s.school_id,
                SchoolMoves {
                    school_id: s.school_id,
                    name: s.name.clone(),
                    out: Count::default(),
                    came: Count::default(),
                    out_backbone: 0,
                },
            )
        })
        .collect();
    for m in all.iter().filter(agreed).filter(|m| m.year == year) {
        add(by_form.entry(m.form).or_default(), m);
        add(by_subject.entry(m.subject.to_string()).or_default(), m);
        if let Some(s) = by_school.get_mut(&m.from_school_id) {
            add(&mut s.out, m);
            s.out_backbone += backbone.contains(&m.teacher_id) as usize;
        }
        if let Some(s) = by_school.get_mut(&m.to_school_id) {
            add(&mut s.came, m);
        }
    }
    let mut quota = vec![QuotaRow::of(None, &view)];
    for k in crate::clusters::all(app, c).await?.into_iter().filter(|k| k.status == Status::Active) {
        if !c.can(Action::Read, Resource::Exchange, &Target::cluster(county, k.id)) {
            continue;
        }
        let v = super::overview(app, c, Some(year), Some(k.id)).await?;
        quota.push(QuotaRow::of(Some(k.name), &v));
    }
    let mut by_school: Vec<SchoolMoves> = by_school.into_values().collect();
    by_school.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Report { year, by_form, by_subject, by_school, by_year, quota })
}
