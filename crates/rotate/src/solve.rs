//! Building the flow of each subject, reading the moves out of it, the quotas on top, and the
//! objective recomputed from the moves alone.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::time::Instant;

use serde::Serialize;

use crate::flow::Network;
use crate::problem::{Input, ProblemError};

/// One teacher's move.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Move {
    pub teacher: i64,
    pub from: i64,
    pub to: i64,
    pub subject: String,
    pub km: f64,
}

/// A shortage the plan leaves, and why.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Unfilled {
    pub school: i64,
    pub subject: String,
    pub missing: u32,
    /// `no_teacher_within_reach` (no school within `max_km` can spare one) or `not_worth_the_distance`
    /// (the nearest that can is farther than a missing teacher weighs).
    pub reason: &'static str,
}

/// The quotas: what they ask, what the plan does, and by how much it falls short.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Quota {
    pub eligible_at_sending: usize,
    pub required_moves: usize,
    pub sending_moves: usize,
    pub moves: usize,
    pub backbone_moves: usize,
    pub required_backbone: usize,
    /// Moves out of sending schools still missing, and backbone moves still missing.
    pub moves_short: usize,
    pub backbone_short: usize,
}

/// A plan with its objective (recomputed from the moves), what it leaves unfilled, the quotas,
/// and what is proven: the quota-free optimum bounds every plan from below.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Plan {
    pub objective: f64,
    pub moves: Vec<Move>,
    pub unfilled: Vec<Unfilled>,
    pub quota: Quota,
    pub lower_bound: f64,
    pub proven_optimal: bool,
}

/// The teachers, schools and counts the solver works on, by index.
struct Data<'a> {
    input: &'a Input,
    index: HashMap<i64, usize>,
    subjects: Vec<String>,
    /// Each subject's family: the index of the first subject with the same text before `@`
    /// (`math@primary` and `math@junior` are one family), for the rule against trading places.
    family: Vec<usize>,
    /// (school, subject) → teachers present.
    have: HashMap<(usize, usize), u32>,
    /// (school, subject, backbone) → eligible teacher ids, in id order.
    eligible: BTreeMap<(usize, usize, bool), Vec<i64>>,
    backbone: BTreeSet<i64>,
    /// Eligible teachers at sending schools, and the moves out of them the quota asks.
    required: (usize, usize),
}

impl<'a> Data<'a> {
    fn new(input: &'a Input) -> Self {
        let index: HashMap<i64, usize> = input.schools.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        let mut names: BTreeSet<&str> = input.teachers.iter().map(|t| t.subject.as_str()).collect();
        names.extend(input.schools.iter().flat_map(|s| s.need.keys().map(String::as_str)));
        let subjects: Vec<String> = names.into_iter().map(String::from).collect();
        let subject_of: HashMap<&str, usize> = subjects.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
        let base = |s: &str| s.split('@').next().unwrap_or(s).to_string();
        let family = subjects.iter().map(|s| subjects.iter().position(|t| base(t) == base(s)).unwrap_or(0)).collect();
        let mut have = HashMap::new();
        let mut eligible: BTreeMap<(usize, usize, bool), Vec<i64>> = BTreeMap::new();
        for t in &input.teachers {
            let key = (index[&t.school], subject_of[t.subject.as_str()]);
            *have.entry(key).or_insert(0) += 1;
            if t.eligible {
                eligible.entry((key.0, key.1, t.backbone)).or_default().push(t.id);
            }
        }
        for list in eligible.values_mut() {
            list.sort_unstable();
        }
        let backbone = input.teachers.iter().filter(|t| t.backbone).map(|t| t.id).collect();
        Data { input, index, subjects, family, have, eligible, backbone, required: input.required_moves() }
    }

    fn need(&self, school: usize, subject: usize) -> u32 {
        self.input.schools[school].need.get(&self.subjects[subject]).copied().unwrap_or(0)
    }

    fn have(&self, school: usize, subject: usize) -> u32 {
        self.have.get(&(school, subject)).copied().unwrap_or(0)
    }

    fn eligible(&self, school: usize, subject: usize, backbone: bool) -> &[i64] {
        self.eligible.get(&(school, subject, backbone)).map(Vec::as_slice).unwrap_or(&[])
    }

    fn within(&self, a: usize, b: usize) -> bool {
        a != b && self.input.km(a, b) <= self.input.max_km + 1e-9
    }
}

/// Moves of one subject as counts: (from, to, backbone) → how many.
type Flows = BTreeMap<(usize, usize, bool), i64>;

/// The cheapest moves of one subject without the quotas: a min-cost flow in which school `j`
/// may give up to its surplus, take up to its shortage (each unit worth the shortage weight),
/// and pass teachers on through its eligible ones.
fn subject_flows(d: &Data, s: usize) -> Flows {
    let n = d.input.schools.len();
    let (source, sink) = (0, 1);
    let school = |j: usize| 2 + j;
    let out = |j: usize, b: bool| 2 + n + 2 * j + b as usize;
    let mut net = Network::new(2 + 3 * n);
    let can_pass = |j: usize| !d.eligible(j, s, false).is_empty() || !d.eligible(j, s, true).is_empty();
    let mut move_arcs = Vec::new();
    for j in 0..n {
        let (need, have) = (d.need(j, s), d.have(j, s));
        if have > need {
            net.add(source, school(j), (have - need) as i64, 0.0);
        }
        if need > have {
            net.add(school(j), sink, (need - have) as i64, -d.input.shortage_weight);
        }
        for b in [false, true] {
            let count = d.eligible(j, s, b).len() as i64;
            if count == 0 {
                continue;
            }
            net.add(school(j), out(j, b), count, 0.0);
            for k in (0..n).filter(|&k| d.within(j, k) && (d.need(k, s) > d.have(k, s) || can_pass(k))) {
                move_arcs.push(((j, k, b), net.add(out(j, b), school(k), count, d.input.cost(j, k))));
            }
        }
    }
    net.min_cost_flow(source, sink);
    move_arcs.into_iter().filter_map(|(key, arc)| Some((key, net.flow(arc))).filter(|(_, f)| *f > 0)).collect()
}

/// Solves the rotation problem: the quota-free optimum per subject, then the quotas.
pub fn solve(input: &Input) -> Result<Plan, ProblemError> {
    solve_until(input, None)
}

/// As [`solve`], but stops meeting the quotas at `deadline` and returns the plan so far (not
/// proven optimal, the quotas' shortfall said).
pub fn solve_until(input: &Input, deadline: Option<Instant>) -> Result<Plan, ProblemError> {
    input.validate()?;
    let d = Data::new(input);
    let mut moves = Vec::new();
    let mut used: BTreeSet<i64> = BTreeSet::new();
    for s in 0..d.subjects.len() {
        for ((j, k, b), count) in subject_flows(&d, s) {
            let chosen: Vec<i64> = d.eligible(j, s, b).iter().copied().filter(|t| !used.contains(t)).take(count as usize).collect();
            for t in chosen {
                used.insert(t);
                moves.push(Move {
                    teacher: t,
                    from: input.schools[j].id,
                    to: input.schools[k].id,
                    subject: d.subjects[s].clone(),
                    km: input.km(j, k),
                });
            }
        }
    }
    let lower_bound = evaluate(input, &moves);
    meet_quotas(&d, &mut moves, &mut used, deadline);
    moves.sort_by_key(|m| m.teacher);
    let objective = evaluate(input, &moves);
    let quota = quota_of(&d, &moves);
    let met = quota.moves_short == 0 && quota.backbone_short == 0;
    Ok(Plan {
        proven_optimal: met && objective <= lower_bound + 1e-6,
        objective,
        unfilled: unfilled(&d, &moves),
        quota,
        lower_bound,
        moves,
    })
}

/// The objective of any set of moves: the weighted shortage left plus the kilometres moved.
pub fn evaluate(input: &Input, moves: &[Move]) -> f64 {
    let mut count: HashMap<(i64, &str), i64> = HashMap::new();
    for t in &input.teachers {
        *count.entry((t.school, t.subject.as_str())).or_default() += 1;
    }
    for m in moves {
        *count.entry((m.from, m.subject.as_str())).or_default() -= 1;
        *count.entry((m.to, m.subject.as_str())).or_default() += 1;
    }
    let mut shortage = 0i64;
    for s in &input.schools {
        for (subject, need) in &s.need {
            shortage += (*need as i64 - count.get(&(s.id, subject.as_str())).copied().unwrap_or(0)).max(0);
        }
    }
    // A move between clusters costs its kilometres plus the county's penalty for leaving the
    // cluster (none on the CLI's model).
    let cluster: HashMap<i64, Option<i64>> = input.schools.iter().map(|s| (s.id, s.cluster)).collect();
    let crossing = |m: &Move| if cluster.get(&m.from) != cluster.get(&m.to) { input.cross_cluster_km } else { 0.0 };
    input.shortage_weight * shortage as f64 + moves.iter().map(|m| m.km + crossing(m)).sum::<f64>()
}

fn quota_of(d: &Data, moves: &[Move]) -> Quota {
    let (eligible_at_sending, required_moves) = d.required;
    let backbone = &d.backbone;
    let sending_moves = moves.iter().filter(|m| d.input.schools[d.index[&m.from]].sending).count();
    let backbone_moves = moves.iter().filter(|m| backbone.contains(&m.teacher)).count();
    let required_backbone = (d.input.backbone_share * moves.len() as f64 - 1e-9).ceil().max(0.0) as usize;
    Quota {
        eligible_at_sending,
        required_moves,
        sending_moves,
        moves: moves.len(),
        backbone_moves,
        required_backbone,
        moves_short: required_moves.saturating_sub(sending_moves),
        backbone_short: required_backbone.saturating_sub(backbone_moves),
    }
}

/// Meets the quotas at the least extra cost the plan can find: a backbone teacher of the same
/// school and subject moves instead of another (free); then rings of teachers of one subject
/// among schools within reach of each other — each takes the next one's place, so the counts
/// stay — cheapest per quota move first, backbone teachers first while the share is short. A
/// ring is two schools trading places (the published model), or three when `no_swaps` forbids
/// two teachers of a subject trading places between the same two schools.
///
/// The candidate rings (schools and subject) are ranked once in a heap; a candidate whose
/// schools have no free teacher left is dropped for good (teachers are only ever used up), one
/// that still has some goes back for the next ring. So the work is the rings within reach, not
/// rings × moves.
fn meet_quotas(d: &Data, moves: &mut Vec<Move>, used: &mut BTreeSet<i64>, deadline: Option<Instant>) {
    prefer_backbone(d, moves, used);
    let mut free = FreeTeachers::default();
    let mut tally = Tally::of(d, moves);
    let mut arcs = Arcs::of(d, moves);
    // Moves out of sending schools first: a ring adds one for each sending school in it.
    if tally.moves_short(d) > 0 {
        let sending = |ring: &[usize]| ring.iter().filter(|&&j| d.input.schools[j].sending).count().max(1) as f64;
        let mut heap = candidates(d, true, |ring| ring_cost(d, ring) / sending(ring));
        while tally.moves_short(d) > 0 {
            if deadline.is_some_and(|t| Instant::now() > t) {
                return;
            }
            let Some(Reverse((cost, ring, s))) = heap.pop() else { break };
            let backbone_first = tally.backbone_short(d) > 0;
            let Some(teachers) = ring_teachers(d, &mut free, used, &ring, s, backbone_first) else { continue };
            if !arcs.allows(d, &ring, s) {
                continue;
            }
            rotate(d, moves, used, &mut tally, &mut arcs, &teachers, &ring, s);
            heap.push(Reverse((cost, ring, s)));
        }
    }
    // Then the backbone share: each ring must move at least one backbone teacher and lower
    // what is missing.
    if tally.backbone_short(d) > 0 {
        let mut heap = candidates(d, false, |ring| ring_cost(d, ring));
        while tally.backbone_short(d) > 0 {
            if deadline.is_some_and(|t| Instant::now() > t) {
                return;
            }
            let Some(Reverse((cost, ring, s))) = heap.pop() else { break };
            let Some(teachers) = ring_teachers(d, &mut free, used, &ring, s, true) else { continue };
            let mut after = tally.clone();
            for (t, &j) in teachers.iter().zip(ring.iter()) {
                after.add(d, j, d.backbone.contains(t));
            }
            if after.backbone_short(d) >= tally.backbone_short(d) || !arcs.allows(d, &ring, s) {
                // No backbone teacher is left at these schools, one is not enough at this
                // share, or the ring would trade places with a move already made: this ring
                // cannot help again.
                continue;
            }
            rotate(d, moves, used, &mut tally, &mut arcs, &teachers, &ring, s);
            heap.push(Reverse((cost, ring, s)));
        }
    }
}

/// What a ring costs: each school's teacher goes to the next school, the last to the first.
fn ring_cost(d: &Data, ring: &[usize]) -> f64 {
    (0..ring.len()).map(|i| d.input.cost(ring[i], ring[(i + 1) % ring.len()])).sum()
}

/// A free teacher of the subject at every school of the ring, or None when one has none.
fn ring_teachers(
    d: &Data,
    free: &mut FreeTeachers,
    used: &BTreeSet<i64>,
    ring: &[usize],
    s: usize,
    backbone_first: bool,
) -> Option<Vec<i64>> {
    ring.iter().map(|&j| free.peek(d, used, j, s, backbone_first)).collect()
}

/// The moves made so far as (from, to, subject), to keep rings from trading places with them.
struct Arcs(BTreeSet<(usize, usize, usize)>);

impl Arcs {
    fn of(d: &Data, moves: &[Move]) -> Arcs {
        let subject_of: HashMap<&str, usize> = d.subjects.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
        Arcs(moves.iter().map(|m| (d.index[&m.from], d.index[&m.to], d.family[subject_of[m.subject.as_str()]])).collect())
    }

    /// Whether a ring may be added: always under the published model; with `no_swaps` only
    /// when none of its moves goes back along one already made of the same subject (a subject
    /// planned per section, `math@primary` and `math@junior`, is one subject here).
    fn allows(&self, d: &Data, ring: &[usize], s: usize) -> bool {
        let f = d.family[s];
        !d.input.no_swaps || (0..ring.len()).all(|i| !self.0.contains(&(ring[(i + 1) % ring.len()], ring[i], f)))
    }
}

/// A cost that orders (kilometres are finite and not negative).
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrderedCost(f64);

impl Eq for OrderedCost {}

impl PartialOrd for OrderedCost {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedCost {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Two or three schools (by index), in the order teachers move; kept inline, not on the heap
/// of the allocator: a province ranks millions of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Ring {
    at: [usize; 3],
    len: usize,
}

impl Ring {
    fn of(schools: &[usize]) -> Ring {
        let mut at = [0; 3];
        at[..schools.len()].copy_from_slice(schools);
        Ring { at, len: schools.len() }
    }
}

impl std::ops::Deref for Ring {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        &self.at[..self.len]
    }
}

type Candidate = Reverse<(OrderedCost, Ring, usize)>;

/// How many of a school's nearest neighbours (with a teacher of the subject) a three-school
/// ring may pass through: rings through farther ones cost more than these and are not needed.
const RING_NEIGHBOURS: usize = 6;

/// Every ring of schools within reach of each other where each has an eligible teacher of the
/// subject, by cost: pairs, or with `no_swaps` triples through near neighbours;
/// `sending_only`: the first school must be a sending one.
fn candidates(d: &Data, sending_only: bool, cost: impl Fn(&[usize]) -> f64) -> BinaryHeap<Candidate> {
    let n = d.input.schools.len();
    let has = |j: usize, s: usize| !d.eligible(j, s, false).is_empty() || !d.eligible(j, s, true).is_empty();
    // The schools within reach of each, found once (not once per subject).
    let reach: Vec<Vec<usize>> = (0..n).map(|j| (0..n).filter(|&k| d.within(j, k)).collect()).collect();
    let near = |j: usize, s: usize| {
        let mut list: Vec<usize> = reach[j].iter().copied().filter(|&k| has(k, s)).collect();
        if d.input.no_swaps {
            list.sort_by(|&a, &b| d.input.cost(j, a).total_cmp(&d.input.cost(j, b)));
            list.truncate(RING_NEIGHBOURS);
        }
        list
    };
    let mut nearest: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    let mut heap = BinaryHeap::new();
    for j in (0..n).filter(|&j| !sending_only || d.input.schools[j].sending) {
        for s in (0..d.subjects.len()).filter(|&s| has(j, s)) {
            for k in near(j, s) {
                if !d.input.no_swaps {
                    heap.push(Reverse((OrderedCost(cost(&[j, k])), Ring::of(&[j, k]), s)));
                    continue;
                }
                let onward = nearest.entry((k, s)).or_insert_with(|| near(k, s));
                for &l in onward.iter().filter(|&&l| l != j && d.within(l, j)) {
                    heap.push(Reverse((OrderedCost(cost(&[j, k, l])), Ring::of(&[j, k, l]), s)));
                }
            }
        }
    }
    heap
}

/// The next unused eligible teacher of a school, subject and kind, by a cursor per list (a
/// teacher once used stays used).
#[derive(Default)]
struct FreeTeachers {
    cursor: HashMap<(usize, usize, bool), usize>,
}

impl FreeTeachers {
    fn peek_exact(&mut self, d: &Data, used: &BTreeSet<i64>, j: usize, s: usize, backbone: bool) -> Option<i64> {
        let list = d.eligible(j, s, backbone);
        let at = self.cursor.entry((j, s, backbone)).or_insert(0);
        while *at < list.len() && used.contains(&list[*at]) {
            *at += 1;
        }
        list.get(*at).copied()
    }

    /// A free teacher, of the preferred kind if there is one.
    fn peek(&mut self, d: &Data, used: &BTreeSet<i64>, j: usize, s: usize, backbone_first: bool) -> Option<i64> {
        self.peek_exact(d, used, j, s, backbone_first).or_else(|| self.peek_exact(d, used, j, s, !backbone_first))
    }
}

/// Running counts of the moves for the quotas.
#[derive(Debug, Clone, Default)]
struct Tally {
    moves: usize,
    sending: usize,
    backbone: usize,
}

impl Tally {
    fn of(d: &Data, moves: &[Move]) -> Tally {
        let mut t = Tally::default();
        for m in moves {
            t.add(d, d.index[&m.from], d.backbone.contains(&m.teacher));
        }
        t
    }

    fn add(&mut self, d: &Data, from: usize, backbone: bool) {
        self.moves += 1;
        self.sending += d.input.schools[from].sending as usize;
        self.backbone += backbone as usize;
    }

    fn moves_short(&self, d: &Data) -> usize {
        d.required.1.saturating_sub(self.sending)
    }

    fn backbone_short(&self, d: &Data) -> usize {
        let required = (d.input.backbone_share * self.moves as f64 - 1e-9).ceil().max(0.0) as usize;
        required.saturating_sub(self.backbone)
    }
}

/// The ring's teachers each take the next school's place (subject `s`).
#[allow(clippy::too_many_arguments)]
fn rotate(
    d: &Data,
    moves: &mut Vec<Move>,
    used: &mut BTreeSet<i64>,
    tally: &mut Tally,
    arcs: &mut Arcs,
    teachers: &[i64],
    ring: &[usize],
    s: usize,
) {
    for (i, (&teacher, &from)) in teachers.iter().zip(ring).enumerate() {
        let to = ring[(i + 1) % ring.len()];
        used.insert(teacher);
        tally.add(d, from, d.backbone.contains(&teacher));
        arcs.0.insert((from, to, d.family[s]));
        moves.push(Move {
            teacher,
            from: d.input.schools[from].id,
            to: d.input.schools[to].id,
            subject: d.subjects[s].clone(),
            km: d.input.km(from, to),
        });
    }
}

/// Where a move's school has an unmoved eligible backbone teacher of the subject, they go
/// instead of a non-backbone one: the same cost, a better share.
fn prefer_backbone(d: &Data, moves: &mut [Move], used: &mut BTreeSet<i64>) {
    let backbone = &d.backbone;
    let subject_of: HashMap<&str, usize> = d.subjects.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    for m in moves.iter_mut() {
        let q = quota_of_counts(d, backbone, used);
        if q {
            return;
        }
        if backbone.contains(&m.teacher) {
            continue;
        }
        let (j, s) = (d.index[&m.from], subject_of[m.subject.as_str()]);
        if let Some(&b) = d.eligible(j, s, true).iter().find(|t| !used.contains(t)) {
            used.remove(&m.teacher);
            used.insert(b);
            m.teacher = b;
        }
    }
}

/// Whether the backbone share is met by the teachers in `used` (every used teacher moves).
fn quota_of_counts(d: &Data, backbone: &BTreeSet<i64>, used: &BTreeSet<i64>) -> bool {
    let backbone_moves = used.iter().filter(|t| backbone.contains(t)).count();
    backbone_moves as f64 >= d.input.backbone_share * used.len() as f64 - 1e-9
}

/// The shortages left, each with why no move fills it.
fn unfilled(d: &Data, moves: &[Move]) -> Vec<Unfilled> {
    let mut delta: HashMap<(i64, &str), i64> = HashMap::new();
    for m in moves {
        *delta.entry((m.from, m.subject.as_str())).or_default() -= 1;
        *delta.entry((m.to, m.subject.as_str())).or_default() += 1;
    }
    let mut out = Vec::new();
    for (k, school) in d.input.schools.iter().enumerate() {
        for (s, subject) in d.subjects.iter().enumerate() {
            let now = d.have(k, s) as i64 + delta.get(&(school.id, subject.as_str())).copied().unwrap_or(0);
            let missing = d.need(k, s) as i64 - now;
            if missing <= 0 {
                continue;
            }
            let reachable = (0..d.input.schools.len()).any(|j| {
                d.within(j, k) && d.have(j, s) > d.need(j, s) && !(d.eligible(j, s, false).is_empty() && d.eligible(j, s, true).is_empty())
            });
            out.push(Unfilled {
                school: school.id,
                subject: subject.clone(),
                missing: missing as u32,
                reason: if reachable { "not_worth_the_distance" } else { "no_teacher_within_reach" },
            });
        }
    }
    out
}
