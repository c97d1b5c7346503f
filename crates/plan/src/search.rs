//! The solver: a large-neighbourhood search over regions of neighbouring clusters.
//!
//! Why this shape: the strongest published CPMP methods (Stefanello, de Araújo & Müller 2015;
//! Gnägi & Baumann 2021) work on a few neighbouring clusters at a time, re-solving that small
//! problem well and keeping the rest. We do the same without a MIP solver: each iteration cuts out
//! a region (a random cluster and its nearest clusters), improves it by local search (shift, swap,
//! ejection chains, median relocation), then tries a few perturbed re-solves (medians replaced,
//! points re-inserted by regret), and writes the region back only when its cost fell. Work per
//! iteration depends on the region, not on n, so large p scales.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::context::Context;
use crate::problem::{Problem, ProblemError};
use crate::region::{Frame, NONE, Trial};
use crate::solution::{Evaluation, Solution, evaluate};

/// Points a region aims at (see `search`).
const REGION_POINTS: usize = 80;

/// How long and how to search.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    /// Hard limit on wall time.
    pub time_limit: Duration,
    /// Stop each thread after this many iterations without improvement (deterministic stop).
    pub stall: u64,
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { seed: 1, time_limit: Duration::from_secs(10), stall: 20_000, threads: 2 }
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub solution: Solution,
    /// Recomputed from the solution, never taken from the search's own bookkeeping.
    pub evaluation: Evaluation,
    pub iterations: u64,
    pub seconds: f64,
    /// True when the time limit, not the stall criterion, ended the search.
    pub timed_out: bool,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    #[error(transparent)]
    Problem(#[from] ProblemError),
    #[error("no plan satisfies the capacities and rules: {0}")]
    Infeasible(String),
}

/// Progress of a run: fraction of the time limit used and the best objective so far.
pub type ProgressFn<'a> = &'a (dyn Fn(f64, f64) + Sync);

/// Solves the problem. With the same seed and options, a run that stops by the stall criterion
/// returns the same solution every time; a run cut by the time limit depends on the machine.
pub fn solve(pb: &Problem, opts: &Options, progress: ProgressFn) -> Result<Outcome, SolveError> {
    pb.validate()?;
    let start = Instant::now();
    let deadline = start + opts.time_limit;
    let threads = opts.threads.max(1);
    let cx = Context::new(pb, threads);
    let p = match pb.p {
        Some(p) => p,
        None => fewest(&cx, opts.seed)?,
    };
    let runs: Vec<(f64, State, u64, bool)> = std::thread::scope(|s| {
        let cx = &cx;
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(t as u64));
                    let report = |best: f64| {
                        if t == 0 {
                            progress(start.elapsed().as_secs_f64() / opts.time_limit.as_secs_f64().max(1e-9), best)
                        }
                    };
                    search(cx, p, &mut rng, deadline, opts.stall, &report)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("search thread")).collect::<Result<Vec<_>, _>>()
    })?;
    let iterations = runs.iter().map(|r| r.2).sum();
    let timed_out = runs.iter().any(|r| r.3);
    let best = runs.into_iter().min_by(|a, b| a.0.total_cmp(&b.0)).expect("at least one thread");
    let solution = best.1.solution();
    let evaluation = evaluate(pb, &solution);
    Ok(Outcome { solution, evaluation, iterations, seconds: start.elapsed().as_secs_f64(), timed_out })
}

/// The whole solution as the search keeps it.
#[derive(Clone)]
struct State {
    centre: Vec<usize>,
    of: Vec<usize>,
    members: Vec<Vec<usize>>,
    score: Vec<f64>,
}

impl State {
    fn total(&self) -> f64 {
        self.score.iter().sum()
    }

    fn solution(&self) -> Solution {
        Solution { medians: self.centre.clone(), assignment: self.of.clone() }
    }

    /// Cuts out cluster `c0` and its `q - 1` nearest clusters (by median distance).
    fn frame(&self, cx: &Context, c0: usize, q: usize, loc: &mut [u32]) -> Frame {
        let k0 = self.centre[c0];
        let mut by_distance: Vec<(f64, usize)> =
            (0..self.centre.len()).filter(|&c| c != c0).map(|c| (cx.pb.metric.d(k0, self.centre[c]), c)).collect();
        let take = (q - 1).min(by_distance.len());
        if take < by_distance.len() && take > 0 {
            by_distance.select_nth_unstable_by(take - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        let mut clusters = vec![c0];
        clusters.extend(by_distance[..take].iter().map(|x| x.1));
        clusters.sort_unstable();
        frame_of(cx, self, clusters, loc)
    }

    /// The clusters nearest to cluster `c0` (by median distance), `c0` and `skip` left out.
    fn nearest_clusters(&self, cx: &Context, c0: usize, take: usize, skip: &[usize]) -> Vec<usize> {
        let k0 = self.centre[c0];
        let mut by_distance: Vec<(f64, usize)> =
            (0..self.centre.len()).filter(|&c| c != c0 && !skip.contains(&c)).map(|c| (cx.pb.metric.d(k0, self.centre[c]), c)).collect();
        let take = take.min(by_distance.len());
        if take > 0 && take < by_distance.len() {
            by_distance.select_nth_unstable_by(take - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        by_distance[..take].iter().map(|x| x.1).collect()
    }

    fn trial(&self, cx: &Context, f: &Frame, loc: &[u32]) -> Trial {
        let centre = f.clusters.iter().map(|&c| loc[self.centre[c]] as usize).collect();
        let mut asg = vec![NONE; f.pts.len()];
        for (lc, &c) in f.clusters.iter().enumerate() {
            for &g in &self.members[c] {
                asg[loc[g] as usize] = lc;
            }
        }
        Trial::new(cx, f, centre, asg)
    }

    fn commit(&mut self, cx: &Context, f: &Frame, t: &Trial) {
        for (lc, &c) in f.clusters.iter().enumerate() {
            self.centre[c] = f.pts[t.centre[lc]];
            self.members[c].clear();
            self.score[c] = cx.cluster_score(t.csum[lc], t.count[lc], t.ssum[lc]);
        }
        for (i, &lc) in t.asg.iter().enumerate() {
            let c = f.clusters[lc];
            self.of[f.pts[i]] = c;
            self.members[c].push(f.pts[i]);
        }
    }
}

fn frame_of(cx: &Context, st: &State, clusters: Vec<usize>, loc: &mut [u32]) -> Frame {
    frame_with(cx, st, clusters, &[], loc)
}

/// A frame of these clusters' members plus `extra` points that are in none of them yet.
fn frame_with(cx: &Context, st: &State, clusters: Vec<usize>, extra: &[usize], loc: &mut [u32]) -> Frame {
    let pts: Vec<usize> = clusters.iter().flat_map(|&c| st.members[c].iter().copied()).chain(extra.iter().copied()).collect();
    for (i, &g) in pts.iter().enumerate() {
        loc[g] = i as u32;
    }
    let local = |list: &Vec<u32>, loc: &[u32]| list.iter().filter(|&&g| loc[g as usize] != u32::MAX).map(|&g| loc[g as usize]).collect();
    let mut f = Frame { near: Vec::new(), partners: pts.iter().map(|&g| local(&cx.partners[g], loc)).collect(), clusters, pts };
    if !f.small() {
        f.near = f.pts.iter().map(|&g| local(&cx.knn[g], loc)).collect();
    }
    f
}

fn clear(loc: &mut [u32], f: &Frame) {
    for &g in &f.pts {
        loc[g] = u32::MAX;
    }
}

/// One thread's search: construct, then improve region by region; when the current solution has
/// not improved for a while, go back to the best one and kick it (re-solve a random region and keep
/// the result even if worse): an iterated local search over regions.
fn search(
    cx: &Context,
    p: usize,
    rng: &mut ChaCha8Rng,
    deadline: Instant,
    stall: u64,
    report: &dyn Fn(f64),
) -> Result<(f64, State, u64, bool), SolveError> {
    let n = cx.pb.n();
    let mut loc = vec![u32::MAX; n];
    let mut st = construct(cx, p, rng, &mut loc, 50)?;
    // `best` is a copy of the best solution taken at a kick; `record` may be newer and held only
    // by `st` (copying O(n) at every improvement would dominate runs with many clusters).
    let mut best = st.clone();
    let mut best_total = st.total();
    let mut current_total = best_total;
    let mut record = best_total;
    let (mut changed_at, mut searched_at) = (vec![0u64; p], vec![0u64; p]);
    let (mut iterations, mut since_best, mut since_current) = (0u64, 0u64, 0u64);
    // Many clusters mean many regions to revisit before a stall means anything.
    let stall = stall.max(500 * p as u64);
    let kick_after = 100 + 2 * p as u64;
    // Small instances are one region: a kick must move more medians to leave a local optimum.
    let kick_strength = if n <= 2 * REGION_POINTS { 3 } else { 2 };
    let mut last_report = Instant::now();
    // Regions of about REGION_POINTS points: large enough to re-balance several clusters at once,
    // small enough for exhaustive swaps and ejection chains.
    let max_q = p.min(if n <= 2 * REGION_POINTS {
        16
    } else if n / p > 60 {
        4
    } else {
        (REGION_POINTS * p / n.max(1)).clamp(6, 16)
    });
    loop {
        if Instant::now() >= deadline || since_best >= stall {
            let timed_out = since_best < stall;
            return Ok(if current_total < best_total {
                (current_total, st, iterations, timed_out)
            } else {
                (best_total, best, iterations, timed_out)
            });
        }
        iterations += 1;
        since_best += 1;
        since_current += 1;
        let kick = since_current >= kick_after;
        if kick {
            if current_total < best_total - 1e-9 {
                best = st.clone();
                best_total = current_total;
            } else if current_total > best_total + 1e-9 {
                st = best.clone();
                current_total = best_total;
            }
            since_current = 0;
        }
        if p >= 8 && !kick && rng.random_bool(0.2) {
            if let Some(touched) = migrate(cx, &mut st, rng, &mut loc, max_q) {
                touched.iter().for_each(|&c| changed_at[c] = iterations);
                current_total = st.total();
                since_current = 0;
                if current_total < record - 1e-9 {
                    record = current_total;
                    since_best = 0;
                }
            }
            continue;
        }
        let c0 = rng.random_range(0..p);
        let q = if max_q <= 1 { 1 } else { rng.random_range(2..=max_q) };
        let f = st.frame(cx, c0, q, &mut loc);
        let current = st.trial(cx, &f, &loc);
        clear(&mut loc, &f);
        let base = f.clusters.iter().map(|&c| st.score[c]).sum::<f64>();
        // Local search on the region as it stands only pays when one of its clusters changed since
        // it was last searched that way.
        let settled = f.clusters.iter().all(|&c| changed_at[c] < searched_at[c]);
        if !settled {
            f.clusters.iter().for_each(|&c| searched_at[c] = iterations);
        }
        let trial = if kick { kicked(cx, &f, current, kick_strength, rng) } else { improve_region(cx, &f, current, base, !settled, rng) };
        if let Some(t) = trial {
            st.commit(cx, &f, &t);
            f.clusters.iter().for_each(|&c| changed_at[c] = iterations);
            let total = st.total();
            if total < current_total - 1e-9 {
                since_current = 0;
            }
            current_total = total;
            if total < record - 1e-9 {
                record = total;
                since_best = 0;
            }
        }
        if last_report.elapsed() > Duration::from_millis(200) {
            report(record);
            last_report = Instant::now();
        }
    }
}

/// Moves a median across the map: closes cluster `c` (its members join the neighbouring clusters)
/// and opens it again at a point of another, costly area. Regions keep their number of medians;
/// this move is how the medians' spread over the map changes. Commits when the total falls.
fn migrate(cx: &Context, st: &mut State, rng: &mut ChaCha8Rng, loc: &mut [u32], max_q: usize) -> Option<Vec<usize>> {
    let p = st.centre.len();
    let c = rng.random_range(0..p);
    if cx.pb.must_lead[st.centre[c]] {
        return None;
    }
    // The costliest of three random clusters is where a median is missing most.
    let d = (0..3).map(|_| rng.random_range(0..p)).max_by(|&a, &b| st.score[a].total_cmp(&st.score[b]))?;
    let mut a_clusters = st.nearest_clusters(cx, c, rng.random_range(1..max_q.max(2)), &[]);
    if d == c || a_clusters.contains(&d) {
        return None;
    }
    let candidates: Vec<usize> = st.members[d].iter().copied().filter(|&g| g != st.centre[d] && cx.pb.may_lead(g)).collect();
    if candidates.is_empty() {
        return None;
    }
    let x = candidates[rng.random_range(0..candidates.len())];
    let mut b_clusters = vec![d];
    let mut skip = a_clusters.clone();
    skip.push(c);
    b_clusters.extend(st.nearest_clusters(cx, d, rng.random_range(0..max_q.max(1)), &skip));
    a_clusters.sort_unstable();
    b_clusters.sort_unstable();
    let before: f64 = a_clusters.iter().chain(&b_clusters).map(|&k| st.score[k]).sum::<f64>() + st.score[c];

    // Region A without c: c's members re-inserted into the neighbours.
    let fa = frame_with(cx, st, a_clusters.clone(), &st.members[c], loc);
    let mut ta = st.trial(cx, &fa, loc);
    clear(loc, &fa);
    let orphans: Vec<usize> = (0..fa.pts.len()).filter(|&i| ta.asg[i] == NONE).collect();
    if !ta.insert(cx, &fa, orphans, rng) {
        return None;
    }
    ta.improve(cx, &fa);

    // Region B with c reopened at x.
    let mut fb = frame_of(cx, st, b_clusters.clone(), loc);
    fb.clusters.push(c);
    let mut centre: Vec<usize> = b_clusters.iter().map(|&k| loc[st.centre[k]] as usize).collect();
    centre.push(loc[x] as usize);
    let mut asg = vec![NONE; fb.pts.len()];
    for (lc, &k) in b_clusters.iter().enumerate() {
        for &g in &st.members[k] {
            asg[loc[g] as usize] = lc;
        }
    }
    asg[loc[x] as usize] = b_clusters.len();
    clear(loc, &fb);
    let mut tb = Trial::new(cx, &fb, centre, asg);
    tb.improve(cx, &fb);

    if ta.score(cx) + tb.score(cx) < before - 1e-9 {
        st.commit(cx, &fa, &ta);
        st.commit(cx, &fb, &tb);
        let mut touched = a_clusters;
        touched.extend(fb.clusters);
        return Some(touched);
    }
    None
}

/// A kick: the region re-solved after replacing `strength` medians, kept even when worse.
fn kicked(cx: &Context, f: &Frame, current: Trial, strength: usize, rng: &mut ChaCha8Rng) -> Option<Trial> {
    let mut t = current;
    // Under tight capacities the displaced points may not fit around the others; a kick is rare
    // enough to afford assigning every point afresh to the new medians.
    if !t.perturb(cx, f, rng, strength) && !t.assign_all(cx, f, rng) {
        return None;
    }
    t.improve(cx, f);
    Some(t)
}

/// Local search on the region as it is, then perturbed re-solves; the first that beats `base`.
fn improve_region(cx: &Context, f: &Frame, current: Trial, base: f64, search_first: bool, rng: &mut ChaCha8Rng) -> Option<Trial> {
    if search_first {
        let mut t = current.clone();
        t.improve(cx, f);
        if t.score(cx) < base - 1e-9 {
            return Some(t);
        }
    }
    for attempt in 0..3 {
        let mut t = current.clone();
        let ok = if attempt == 2 && rng.random_bool(0.3) {
            t.perturb(cx, f, rng, 1) && t.assign_all(cx, f, rng)
        } else {
            t.perturb(cx, f, rng, 1 + attempt % 2)
        };
        if !ok {
            continue;
        }
        t.improve(cx, f);
        if t.score(cx) < base - 1e-9 {
            return Some(t);
        }
    }
    None
}

/// A first solution: designated leads plus k-means++ seeding, then regret insertion.
fn construct(cx: &Context, p: usize, rng: &mut ChaCha8Rng, loc: &mut [u32], tries: usize) -> Result<State, SolveError> {
    let pb = cx.pb;
    let n = pb.n();
    let must: Vec<usize> = (0..n).filter(|&i| pb.must_lead[i]).collect();
    if must.len() > p {
        return Err(SolveError::Infeasible(format!("{} designated leads but only {p} clusters", must.len())));
    }
    if let Some(&k) = must.iter().find(|&&k| !pb.may_lead(k)) {
        return Err(SolveError::Infeasible(format!("point {k} must lead but its demand exceeds its capacity")));
    }
    let eligible = (0..n).filter(|&i| pb.may_lead(i)).count();
    if eligible < p {
        return Err(SolveError::Infeasible(format!("{p} clusters but only {eligible} eligible leads")));
    }
    for attempt in 0..tries {
        // Spread medians first; every other start draws them uniformly, since under tight
        // capacities the points that must lead are not the spread-out ones.
        let centres = if attempt % 2 == 0 { seed_centres(cx, p, &must, rng) } else { uniform_centres(cx, p, &must, rng) };
        let st = State {
            of: vec![0; n],
            members: {
                let mut m = vec![Vec::new(); p];
                m[0] = (0..n).collect();
                m
            },
            centre: centres,
            score: vec![0.0; p],
        };
        let f = frame_of(cx, &st, (0..p).collect(), loc);
        let centre_local: Vec<usize> = st.centre.iter().map(|&g| loc[g] as usize).collect();
        clear(loc, &f);
        let mut t = Trial::new(cx, &f, centre_local, vec![0; n]);
        if t.assign_all(cx, &f, rng) || t.repair(cx, &f) {
            let mut st = st;
            st.commit(cx, &f, &t);
            return Ok(st);
        }
    }
    Err(SolveError::Infeasible(format!("no assignment to {p} clusters fits the capacities (tried {tries} starts)")))
}

/// k-means++ seeding among eligible points: each new median drawn with probability proportional
/// to the squared distance to the nearest median so far, so medians spread over the map.
fn seed_centres(cx: &Context, p: usize, must: &[usize], rng: &mut ChaCha8Rng) -> Vec<usize> {
    let pb = cx.pb;
    let n = pb.n();
    let eligible: Vec<usize> = (0..n).filter(|&i| pb.may_lead(i) && !pb.must_lead[i]).collect();
    let mut centres: Vec<usize> = must.to_vec();
    let mut near = vec![f64::INFINITY; n];
    let mut chosen = vec![false; n];
    let update = |near: &mut Vec<f64>, k: usize| {
        for (i, d) in near.iter_mut().enumerate() {
            *d = d.min(pb.metric.d(i, k));
        }
    };
    for &k in &centres {
        chosen[k] = true;
        update(&mut near, k);
    }
    while centres.len() < p {
        let weights: f64 = eligible.iter().filter(|&&i| !chosen[i]).map(|&i| w(near[i])).sum();
        let pick = if weights > 0.0 && weights.is_finite() {
            let mut r = rng.random::<f64>() * weights;
            let mut pick = None;
            for &i in eligible.iter().filter(|&&i| !chosen[i]) {
                r -= w(near[i]);
                pick = Some(i);
                if r <= 0.0 {
                    break;
                }
            }
            pick
        } else {
            let free: Vec<usize> = eligible.iter().copied().filter(|&i| !chosen[i]).collect();
            (!free.is_empty()).then(|| free[rng.random_range(0..free.len())])
        };
        let Some(k) = pick else { break };
        chosen[k] = true;
        centres.push(k);
        update(&mut near, k);
    }
    centres
}

/// The designated leads plus eligible points drawn uniformly.
fn uniform_centres(cx: &Context, p: usize, must: &[usize], rng: &mut ChaCha8Rng) -> Vec<usize> {
    let pb = cx.pb;
    let mut free: Vec<usize> = (0..pb.n()).filter(|&i| pb.may_lead(i) && !pb.must_lead[i]).collect();
    let mut centres = must.to_vec();
    while centres.len() < p && !free.is_empty() {
        centres.push(free.swap_remove(rng.random_range(0..free.len())));
    }
    centres
}

fn w(d: f64) -> f64 {
    if d.is_infinite() { 1.0 } else { d * d }
}

/// The fewest clusters for which a start fits the capacities, from the counting lower bound up.
fn fewest(cx: &Context, seed: u64) -> Result<usize, SolveError> {
    let pb = cx.pb;
    let n = pb.n();
    let demand: f64 = pb.demand.iter().sum();
    let biggest = (0..n).filter(|&i| pb.can_lead[i]).map(|i| pb.capacity[i]).fold(0.0, f64::max);
    let by_demand = if biggest > 0.0 { (demand / biggest).ceil() as usize } else { n };
    let by_count = pb.max_members.map_or(1, |m| n.div_ceil(m));
    let must = pb.must_lead.iter().filter(|&&m| m).count();
    let lo = by_demand.max(by_count).max(must).max(1);
    let hi = if pb.min_members > 1 { n / pb.min_members } else { n }.max(lo);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut loc = vec![u32::MAX; n];
    // Step up from the bound by about 1 % at a time, then search back between the last count that
    // failed and the first that fitted.
    let step = (lo / 100).max(1);
    let fits = |p: usize, rng: &mut ChaCha8Rng, loc: &mut Vec<u32>| construct(cx, p, rng, loc, 3).is_ok();
    let mut failed = lo - 1;
    let mut p = lo;
    while p <= hi {
        if fits(p, &mut rng, &mut loc) {
            while p - failed > 1 {
                let mid = failed + (p - failed) / 2;
                if fits(mid, &mut rng, &mut loc) { p = mid } else { failed = mid }
            }
            return Ok(p);
        }
        failed = p;
        p = (p + step).min(hi.max(p + 1));
        if failed == hi {
            break;
        }
    }
    Err(SolveError::Infeasible(format!("no number of clusters from {lo} to {hi} fits the capacities")))
}
