//! The demo county's evaluation: pupils' entry and exit scores for last school year and this
//! one (generated, with each school adding a little more or less than predicted), last year's
//! plan and budget in every cluster, last year's round scored by the inspector and closed, and
//! this year's round open with part of its clusters scored, each scored cluster with the
//! council's minutes as evidence — so the results, the reports and
//! the dashboard mean something out of the box.

use xuequ_domain::{Role, SchoolType, Status};
use xuequ_store::Ctx;
use xuequ_store::evaluation::{NewScore, NewStudentScore};

use crate::exchange::school_year_of;
use crate::{App, Caller, Result};

/// A number in `[0, 1)` that depends on `seed` alone (the demo is the same on every machine).
fn unit(seed: u64) -> f64 {
    let mut x = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// A standard normal number from `seed` (Box–Muller).
fn normal(seed: u64) -> f64 {
    let (u, v) = (unit(seed.wrapping_mul(2)).max(1e-12), unit(seed.wrapping_mul(2).wrapping_add(1)));
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn score(x: f64) -> f64 {
    (x.clamp(0.0, 100.0) * 2.0).round() / 2.0
}

/// The grades and subjects a school's pupils are tested in.
fn tested(kind: SchoolType) -> &'static [(&'static str, &'static str)] {
    match kind {
        SchoolType::Primary | SchoolType::TeachingPoint => &[("六年级", "语文"), ("六年级", "数学")],
        SchoolType::Junior => &[("九年级", "数学"), ("九年级", "英语")],
        SchoolType::NineYear => &[("六年级", "数学"), ("九年级", "数学")],
        _ => &[],
    }
}

/// Generated scores of a county's pupils in school year `year`.
async fn pupils(app: &App, county: i64, year: i32) -> Result<Vec<NewStudentScore>> {
    let stats = app.store.all_stats(county, None).await?;
    let mut out = Vec::new();
    for s in app.store.all_schools(county).await?.into_iter().filter(|s| s.status == Status::Active) {
        let pupils =
            stats.iter().filter(|t| t.school_id == s.id).max_by_key(|t| t.year).map_or(0, |t| t.students_primary + t.students_junior);
        // One class's worth or so per tested grade: a sixth of the school, 8 to 45.
        let n = (pupils / 6).clamp(8, 45) as usize;
        // The school's own contribution, in tenths of a standard deviation, steady over years.
        let effect = normal(s.id as u64 * 7919) * 0.25;
        for (g, (grade, subject)) in tested(s.school_type).iter().enumerate() {
            for i in 0..n {
                let seed = (s.id as u64) << 20 | (g as u64) << 12 | i as u64;
                let entry = 68.0 + 14.0 * normal(seed ^ (year as u64) << 40);
                let exit = 0.75 * entry + 17.0 + 14.0 * effect + 7.0 * normal(seed.wrapping_mul(31) ^ (year as u64) << 41);
                out.push(NewStudentScore {
                    school_id: s.id,
                    student: format!("{}{:02}{:03}", s.code, g, i + 1),
                    grade: grade.to_string(),
                    subject: subject.to_string(),
                    entry: score(entry),
                    exit: score(exit),
                });
            }
        }
    }
    Ok(out)
}

/// Loads the evaluation into the generated counties that have no round yet (never a real
/// county: a closed round cannot be undone).
pub async fn load(app: &App) -> Result<()> {
    for county in app.store.counties().await? {
        if xuequ_demo::DEMO_COUNTIES.contains(&county.code.as_str()) && app.store.evaluation_rounds(county.id).await?.is_empty() {
            county_rounds(app, county.id).await?;
        }
    }
    Ok(())
}

fn caller(u: &xuequ_store::entities::user::Model) -> Caller {
    let actor = xuequ_domain::access::Actor {
        user_id: u.id,
        county_id: u.county_id,
        role: u.role,
        school_id: u.school_id,
        cluster_id: u.cluster_id,
        cluster_school_ids: Vec::new(),
    };
    Caller { actor, username: u.username.clone() }
}

/// One county's evaluation: pupils' scores of two years, last year's plans and budgets, last year's
/// round closed and this year's open with half of the clusters scored.
pub async fn county_rounds(app: &App, county: i64) -> Result<()> {
    let users = app.store.users(county, xuequ_store::Paging::new(Some(1), Some(100))).await?.items;
    let (Some(bureau), Some(inspector)) =
        (users.iter().find(|u| u.role == Role::BureauAdmin), users.iter().find(|u| u.role == Role::Inspector))
    else {
        return Ok(());
    };
    let (bureau, inspector) = (caller(bureau), caller(inspector));
    let year = school_year_of(crate::today());
    let last = year - 1;
    for y in [last, year] {
        let rows = pupils(app, county, y).await?;
        app.store.replace_student_scores(&bureau.ctx(), y, &rows).await?;
    }
    crate::running::demo::past_year(app, county, last).await?;
    let clusters: Vec<i64> =
        app.store.all_clusters(county).await?.into_iter().filter(|c| c.status == Status::Active).map(|c| c.id).collect();
    // Last year: every cluster scored by the inspector, the round closed.
    let before = super::open_round(app, &bureau, last, 0.3).await?;
    evaluate(app, &bureau, &inspector, before.id, &clusters, last, usize::MAX).await?;
    super::close(app, &bureau, before.id).await?;
    // This year: open, the inspector through half of the clusters.
    let now = super::open_round(app, &bureau, year, 0.3).await?;
    evaluate(app, &bureau, &inspector, now.id, &clusters, year, clusters.len() / 2).await
}

const COMMENTS: &[&str] = &[
    "一体化管理制度健全，理事会按期议事，成员校执行到位。",
    "集体备课和同课异构常态化，成员校课堂教学明显改进。",
    "制度有了，落实还不够，成员校参与教研的积极性有待提高。",
    "资源共享做得扎实，乡村成员校借用实验室和功能室较多。",
];

/// Assigns the inspector to every cluster of a round and scores the first `scored` of them.
async fn evaluate(app: &App, bureau: &Caller, inspector: &Caller, round: i64, clusters: &[i64], year: i32, scored: usize) -> Result<()> {
    let tree = super::year_tree(app, bureau.county(), year).await?.tree;
    let leaves: Vec<String> =
        tree.all().into_iter().filter(|i| i.leaf() == Some(xuequ_evaluate::tree::Leaf::Scored)).map(|i| i.code.clone()).collect();
    for (k, cluster) in clusters.iter().enumerate() {
        super::assign(app, bureau, round, *cluster, &[inspector.actor.user_id]).await?;
        if k >= scored {
            continue;
        }
        let scores: Vec<NewScore> = leaves
            .iter()
            .enumerate()
            .map(|(i, code)| {
                let seed = (*cluster as u64) << 8 | i as u64 | (year as u64) << 32;
                NewScore {
                    cluster_id: *cluster,
                    code: code.clone(),
                    score: (70.0 + unit(seed) * 25.0).round(),
                    comment: COMMENTS[(seed % COMMENTS.len() as u64) as usize].to_string(),
                }
            })
            .collect();
        let ctx = Ctx { county_id: inspector.county(), user_id: Some(inspector.actor.user_id), username: inspector.username.clone() };
        app.store.save_evaluation_scores(&ctx, round, &scores).await?;
        // The minutes of the council the first scored leaf rests on, as the evaluator's evidence.
        if let Some(code) = leaves.first() {
            let pdf = xuequ_demo::files::pdf(
                &format!("{year} 学年学区理事会会议纪要"),
                &[COMMENTS[*cluster as usize % COMMENTS.len()], "附：成员校落实情况检查表"],
            );
            let file = xuequ_store::running::Attachment {
                name: format!("{year}学年理事会会议纪要.pdf"),
                hash: app.library.put(&pdf).await?,
                size: pdf.len() as i64,
                mime: "application/pdf".into(),
                family: "pdf".into(),
            };
            app.store.add_evidence(&ctx, round, *cluster, code, &[file]).await?;
        }
    }
    Ok(())
}
