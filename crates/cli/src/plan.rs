//! `xuequ plan cpmp` and `xuequ bench cpmp`: the planner's engine on the literature's benchmark
//! instances, with the objective always recomputed from the assignment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use xuequ_plan::{Convention, Options, Outcome, Problem};

/// One row of `known.csv`.
struct Known {
    instance: String,
    file: String,
    n: usize,
    p: usize,
    best: f64,
    optimal: bool,
    distance: Convention,
}

fn read_known(path: &Path) -> Result<Vec<Known>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let r = record.with_context(|| format!("{}: line {line}", path.display()))?;
        let field = |i: usize, name: &str| -> Result<&str> {
            r.get(i).with_context(|| format!("{}: line {line}: column `{name}` is missing", path.display()))
        };
        let number = |i: usize, name: &str| -> Result<f64> {
            let text = field(i, name)?;
            text.trim().parse().with_context(|| format!("{}: line {line}, column `{name}`: `{text}` is not a number", path.display()))
        };
        let distance = field(6, "distance")?;
        rows.push(Known {
            instance: field(0, "instance")?.to_string(),
            file: field(1, "file")?.to_string(),
            n: number(2, "n")? as usize,
            p: number(3, "p")? as usize,
            best: number(4, "best")?,
            optimal: field(5, "proven_optimal")?.trim() == "true",
            distance: Convention::parse(distance).with_context(|| {
                format!("{}: line {line}, column `distance`: `{distance}` is neither euclidean nor euclidean_floor", path.display())
            })?,
        });
    }
    Ok(rows)
}

fn load(path: &Path, convention: Convention) -> Result<Problem> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Problem::parse_cpmp(&text, convention).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// The convention `known.csv` gives for a file, when the file sits in a benchmark directory.
fn convention_from_known(file: &Path) -> Option<Convention> {
    let name = file.file_name()?.to_str()?;
    let dir = file.parent()?;
    [dir.join("known.csv"), dir.parent()?.join("known.csv")]
        .iter()
        .filter(|k| k.exists())
        .find_map(|k| read_known(k).ok()?.into_iter().find(|r| r.file.ends_with(name)).map(|r| r.distance))
}

fn solve(problem: &Problem, time_limit: f64, seed: u64, bar: Option<&ProgressBar>) -> Result<Outcome> {
    let options = Options { seed, time_limit: Duration::from_secs_f64(time_limit), ..Options::default() };
    let progress = |fraction: f64, best: f64| {
        if let Some(bar) = bar {
            bar.set_message(format!("best {best:.2} ({:.0} %)", fraction * 100.0));
        }
    };
    Ok(xuequ_plan::solve(problem, &options, &progress)?)
}

/// What `--exact` established: a lower bound from the MIP, and whether it meets the plan.
struct Exact {
    lower_bound: Option<f64>,
    optimal: bool,
}

/// Runs the MIP from the heuristic's plan for up to `seconds`; keeps the MIP's plan when it is
/// better, so the reported plan is always the best one known.
#[cfg(feature = "exact")]
fn prove(problem: &Problem, out: &mut Outcome, seconds: f64) -> Result<Exact> {
    let proof = xuequ_plan::exact::prove(problem, Some(&out.solution), Duration::from_secs_f64(seconds))?;
    let mut optimal = proof.optimal;
    if let Some((solution, evaluation)) = proof.solution
        && evaluation.feasible()
    {
        if evaluation.objective < out.evaluation.objective {
            out.solution = solution;
            out.evaluation = evaluation;
        } else {
            optimal &= out.evaluation.objective <= evaluation.objective;
        }
    }
    Ok(Exact { lower_bound: proof.lower_bound, optimal })
}

#[cfg(not(feature = "exact"))]
fn prove(_: &Problem, _: &mut Outcome, _: f64) -> Result<Exact> {
    bail!("this xuequ was built without the MIP solver: build it with `--features exact`")
}

pub struct CpmpRun {
    pub distance: Option<Convention>,
    pub time_limit: f64,
    pub seed: u64,
    pub json: bool,
    pub exact: Option<f64>,
}

pub fn cpmp(file: &Path, run: CpmpRun) -> Result<()> {
    let CpmpRun { distance, time_limit, seed, json, exact } = run;
    let convention = distance.or_else(|| convention_from_known(file)).unwrap_or(Convention::Euclidean);
    let problem = load(file, convention)?;
    let bar = ProgressBar::new_spinner().with_style(ProgressStyle::with_template("{spinner} {elapsed} {msg}")?);
    bar.enable_steady_tick(Duration::from_millis(120));
    let mut out = solve(&problem, time_limit, seed, Some(&bar))?;
    let started = std::time::Instant::now();
    let proof = match exact {
        Some(seconds) => {
            bar.set_message(format!("proving with the MIP solver (up to {seconds} s)"));
            Some(prove(&problem, &mut out, seconds)?)
        }
        None => None,
    };
    let seconds = out.seconds + started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let e = &out.evaluation;
    if !e.feasible() {
        bail!("{}: the solution breaks {} rule(s), first: {:?}", file.display(), e.violations.len(), e.violations[0]);
    }
    if json {
        let mut value = serde_json::json!({
            "objective": e.travel,
            "medians": out.solution.medians,
            "assignment": out.solution.assignment,
            "seconds": seconds,
        });
        if let Some(proof) = &proof {
            value["lower_bound"] = serde_json::json!(proof.lower_bound);
            value["proven_optimal"] = serde_json::json!(proof.optimal);
        }
        println!("{value}");
    } else {
        println!("{}: n = {}, p = {}, distance {:?}", file.display(), problem.n(), out.solution.medians.len(), convention);
        println!("objective {:.2}  (longest assignment {:.2}; {} iterations; {seconds:.2} s)", e.travel, e.longest, out.iterations);
        if let Some(proof) = &proof {
            match (proof.optimal, proof.lower_bound) {
                (true, _) => println!("proven optimal by the MIP solver"),
                (false, Some(bound)) => println!("not proven: no plan costs less than {bound:.2} (gap {:.3} %)", gap(e.travel, bound)),
                (false, None) => println!("not proven: the MIP solver found no bound in the time given"),
            }
        }
    }
    Ok(())
}

/// Default time limit per instance: the budget for its set.
fn budget(row: &Known) -> f64 {
    match set_of(row).as_str() {
        "orlib" => 1.0,
        "sjc" => 10.0,
        _ if row.n < 1000 => 30.0,
        _ => 120.0,
    }
}

fn set_of(row: &Known) -> String {
    let dir = row.file.split('/').next().unwrap_or("");
    if dir == "stefanello" { row.instance.split('_').next().unwrap_or(dir).to_string() } else { dir.to_string() }
}

/// How far `value` lies above `reference`, in per cent of the reference.
fn gap(value: f64, reference: f64) -> f64 {
    (value - reference) / reference.abs().max(f64::MIN_POSITIVE) * 100.0
}

pub struct BenchRun {
    pub known: Option<PathBuf>,
    pub time_limit: Option<f64>,
    pub only: Option<String>,
    pub seed: u64,
    pub exact: Option<f64>,
}

pub fn bench_cpmp(dir: &Path, run: BenchRun) -> Result<()> {
    let BenchRun { known, time_limit, only, seed, exact } = run;
    let known = known.unwrap_or_else(|| dir.join("known.csv"));
    let rows: Vec<Known> = read_known(&known)?
        .into_iter()
        .filter(|r| only.as_deref().is_none_or(|o| r.instance.starts_with(o) || r.file.starts_with(o)))
        .collect();
    if rows.is_empty() {
        bail!("{}: no instance to run", known.display());
    }
    let bar = ProgressBar::new(rows.len() as u64).with_style(ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")?);
    // Per set: (gap %, seconds, at the best known value: within the rounding of the published
    // two decimals, proven optimal by --exact).
    let mut sets: BTreeMap<String, Vec<(f64, f64, bool, bool)>> = BTreeMap::new();
    let proof_head = if exact.is_some() { format!(" {:>14} {:>7}", "lower bound", "proved") } else { String::new() };
    bar.suspend(|| {
        println!("{:<14} {:>5} {:>5} {:>14} {:>14} {:>8} {:>8}{proof_head}", "instance", "n", "p", "best known", "ours", "gap %", "seconds")
    });
    for row in &rows {
        bar.set_message(row.instance.clone());
        let problem = load(&dir.join(&row.file), row.distance)?;
        if problem.n() != row.n || problem.p != Some(row.p) {
            bail!("{}: known.csv says n = {}, p = {}; the file says n = {}, p = {:?}", row.file, row.n, row.p, problem.n(), problem.p);
        }
        let mut out = solve(&problem, time_limit.unwrap_or_else(|| budget(row)), seed, None)?;
        let started = std::time::Instant::now();
        let proof = exact.map(|seconds| prove(&problem, &mut out, seconds)).transpose()?;
        let seconds = out.seconds + started.elapsed().as_secs_f64();
        let e = &out.evaluation;
        let gap = gap(e.travel, row.best);
        let proof_cells = proof.as_ref().map_or(String::new(), |p| {
            let bound = p.lower_bound.map_or("-".to_string(), |b| format!("{b:.2}"));
            format!(" {bound:>14} {:>7}", if p.optimal { "yes" } else { "no" })
        });
        let mark = if !e.feasible() {
            " INFEASIBLE"
        } else if row.optimal && e.travel < row.best - 1e-6 * row.best.abs().max(1.0) {
            " BELOW PROVEN OPTIMUM"
        } else {
            ""
        };
        bar.suspend(|| {
            println!(
                "{:<14} {:>5} {:>5} {:>14.2} {:>14.2} {:>8.3} {:>8.2}{proof_cells}{mark}",
                row.instance, row.n, row.p, row.best, e.travel, gap, seconds
            )
        });
        let at_best = e.feasible() && e.travel <= row.best + 0.005 + 1e-9 * row.best.abs();
        let proved = proof.is_some_and(|p| p.optimal);
        sets.entry(set_of(row)).or_default().push((gap, seconds, at_best, proved));
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!();
    let proved_head = if exact.is_some() { format!(" {:>7}", "proved") } else { String::new() };
    println!(
        "{:<12} {:>9} {:>10} {:>10} {:>8} {:>12}{proved_head}",
        "set", "instances", "mean gap %", "max gap %", "at best", "max seconds"
    );
    for (set, runs) in &sets {
        let mean = runs.iter().map(|r| r.0).sum::<f64>() / runs.len() as f64;
        let max = runs.iter().map(|r| r.0).fold(f64::MIN, f64::max);
        let at_best = runs.iter().filter(|r| r.2).count();
        let secs = runs.iter().map(|r| r.1).fold(0.0, f64::max);
        let proved = if exact.is_some() { format!(" {:>7}", runs.iter().filter(|r| r.3).count()) } else { String::new() };
        println!("{set:<12} {:>9} {mean:>10.3} {max:>10.3} {at_best:>8} {secs:>12.2}{proved}", runs.len());
    }
    Ok(())
}

/// Plans a synthetic province with the platform's default rules (10 schools per district at most,
/// 3 at least, leads from the strongest 20 %, stages apart, balance weight 1) and prints the
/// time, the plan's measures and the peak memory.
pub fn bench_schools(n: usize, time_limit: f64, seed: u64) -> Result<()> {
    use xuequ_plan::schools::{self, LeadRule, Rules};
    let points = schools::synthetic(n, seed);
    let rules = Rules { min_schools: 3, lead_rule: LeadRule::TopPercent(20.0), ..Rules::default() };
    let options = Options { seed, time_limit: Duration::from_secs_f64(time_limit), ..Options::default() };
    let bar = ProgressBar::new_spinner().with_style(ProgressStyle::with_template("{spinner} {elapsed} {msg}")?);
    bar.enable_steady_tick(Duration::from_millis(120));
    let progress = |fraction: f64, best: f64| bar.set_message(format!("best {best:.1} ({:.0} %)", fraction * 100.0));
    let start = std::time::Instant::now();
    let (solution, m) = schools::plan(&points, &rules, &options, &progress)?;
    let seconds = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    println!("schools {n}, clusters {}, seconds {seconds:.2}", solution.medians.len());
    println!(
        "total {:.1} km, mean {:.2} km, longest {:.1} km, spread of cluster means {:.2} (sd {:.2}), rules broken {}",
        m.total,
        m.total / n as f64,
        m.longest,
        m.spread,
        m.spread_sd,
        m.violations.len()
    );
    if let Some(mib) = crate::bench::peak_memory_mib() {
        println!("peak memory {mib:.0} MiB");
    }
    Ok(())
}

/// `xuequ plan rotation`: reads the rotation model, solves it, and prints the plan (JSON, or a
/// summary a person reads).
pub fn rotation(file: &Path, time_limit: f64, json: bool) -> Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let input: xuequ_rotate::Input = serde_json::from_str(&text).with_context(|| format!("{}: not a rotation model", file.display()))?;
    let started = std::time::Instant::now();
    anyhow::ensure!(time_limit.is_finite() && time_limit > 0.0, "--time-limit must be a positive number of seconds");
    let deadline = started + std::time::Duration::from_secs_f64(time_limit.min(86_400.0));
    let plan = xuequ_rotate::solve_until(&input, Some(deadline)).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let timed_out = std::time::Instant::now() > deadline;
    if json {
        let mut value = serde_json::to_value(&plan)?;
        value["seconds"] = serde_json::json!(seconds);
        value["timed_out"] = serde_json::json!(timed_out);
        println!("{value}");
        return Ok(());
    }
    let q = &plan.quota;
    println!(
        "objective {:.3} (lower bound {:.3}{}) in {seconds:.3} s",
        plan.objective,
        plan.lower_bound,
        if plan.proven_optimal { ", optimal" } else { "" }
    );
    println!(
        "{} moves, {} out of sending schools (at least {} needed), {} backbone (at least {})",
        q.moves, q.sending_moves, q.required_moves, q.backbone_moves, q.required_backbone
    );
    if timed_out {
        println!("stopped at the time limit of {time_limit} s while meeting the quotas");
    }
    if q.moves_short > 0 || q.backbone_short > 0 {
        println!("quota not met: {} moves out of sending schools and {} backbone moves short", q.moves_short, q.backbone_short);
    }
    println!("{} shortages left unfilled", plan.unfilled.iter().map(|u| u.missing).sum::<u32>());
    Ok(())
}
