//! `xuequ evaluate`: a year's bundled cluster evaluation (捆绑考核) read from the database, as a
//! ranking or as JSON (the same results the round's page and `GET /evaluation/rounds/{id}/results`
//! give).

use anyhow::{Result, bail};
use std::fmt::Write as _;
use xuequ_app::evaluation::{Results, Round};
use xuequ_i18n::Tr;

/// Prints the results of `year` in the county (`None`: the first county).
pub async fn run(app: &xuequ_app::App, county: i64, year: i32, json: bool) -> Result<()> {
    let tr = Tr::default();
    let started = std::time::Instant::now();
    let (round, results) = match xuequ_app::evaluation::of_year(app, county, year).await {
        Ok(found) => found,
        Err(xuequ_app::AppError::Invalid(problems)) => {
            bail!("{}", problems.iter().map(|p| format!("{}: {}", p.field, tr.problem(&p.problem))).collect::<Vec<_>>().join("; "))
        }
        Err(e) => return Err(crate::failed(e)),
    };
    let seconds = started.elapsed().as_secs_f64();
    if json {
        let out = serde_json::json!({ "round": round, "results": results });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print!("{}", text(round.as_ref(), &results, &tr));
    }
    // On standard error, so that JSON on standard output stays clean (BENCHMARKS.md reads it).
    eprintln!(
        "{}",
        tr.with("evaluate-computed", &[("clusters", results.clusters.len().to_string()), ("seconds", format!("{seconds:.2}"))])
    );
    Ok(())
}

fn number(x: f64) -> String {
    format!("{x:.1}")
}

/// The ranking: rank, cluster, total (or what is known so far), the lead school's result.
fn text(round: Option<&Round>, results: &Results, tr: &Tr) -> String {
    let mut out = String::new();
    let share = format!("{:.0}%", results.lead_share * 100.0);
    let heading = match round {
        Some(r) => tr.with(
            "evaluate-round",
            &[("year", r.year.to_string()), ("status", tr.code("round-status", r.status.code())), ("share", share)],
        ),
        None => tr.with("evaluate-preview", &[("year", results.year.to_string()), ("share", share)]),
    };
    let _ = writeln!(out, "{heading}\n");
    let _ = writeln!(
        out,
        "{:>4}  {}  {}  {}",
        tr.get("evaluation-rank"),
        tr.get("evaluation-total"),
        tr.get("evaluation-lead"),
        tr.get("evaluation-cluster")
    );
    for k in &results.clusters {
        let rank = k.result.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into());
        let total = match k.result.total {
            Some(t) => number(t),
            None => {
                tr.with("evaluation-partial", &[("partial", number(k.result.partial)), ("known", format!("{:.0}", k.result.known_weight))])
            }
        };
        let lead = k.schools.iter().find(|s| s.lead).and_then(|s| s.total).map(number).unwrap_or_else(|| "—".into());
        let _ = writeln!(out, "{rank:>4}  {total}  {lead}  {}", k.name);
    }
    out
}
