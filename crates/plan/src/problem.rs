//! What is to be solved: the capacitated p-median core and the rules the school planner adds.

use crate::metric::{Convention, Metric};

/// Stage masks: a point may join a centre when their masks share a bit. 小学 = PRIMARY,
/// 初中 = JUNIOR, 九年一贯制 = both, so it fits either.
pub const PRIMARY: u8 = 0b01;
pub const JUNIOR: u8 = 0b10;
pub const ANY_STAGE: u8 = 0b11;

/// A capacitated p-median problem with optional side rules. The plain benchmark problem uses only
/// `metric`, `demand`, `capacity` and `p`; the rest default to "no rule".
#[derive(Debug, Clone)]
pub struct Problem {
    pub metric: Metric,
    /// Number of medians; `None` asks for the fewest that satisfy the capacities.
    pub p: Option<usize>,
    /// Demand of each point against its median's capacity (students, or the instance's demand).
    pub demand: Vec<f64>,
    /// Capacity of each point when it is a median.
    pub capacity: Vec<f64>,
    /// Most points in one cluster, the median included (学区: at most 10 schools).
    pub max_members: Option<usize>,
    /// Fewest points in one cluster, the median included.
    pub min_members: usize,
    /// Which points may be medians (eligible leads).
    pub can_lead: Vec<bool>,
    /// Points that must be medians (leads designated by the bureau, fixed bundles).
    pub must_lead: Vec<bool>,
    /// Stage mask per point; a point joins a median only when the masks intersect.
    pub stage: Vec<u8>,
    /// A point that must be assigned to a given median (kept bundles).
    pub fixed_to: Vec<Option<usize>>,
    /// Pairs that must not be in the same cluster.
    pub forbidden: Vec<(usize, usize)>,
    /// Re-planning: the current cluster label of each point, and what moving a point costs.
    pub current: Vec<Option<u32>>,
    pub move_penalty: f64,
    /// Balance (强弱搭配): strength per point and the weight of the spread of cluster means.
    pub strength: Vec<f64>,
    pub balance_weight: f64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProblemError {
    #[error("line {line}: {what}")]
    Line { line: usize, what: String },
    #[error("{field}: {what}")]
    Field { field: &'static str, what: String },
}

/// The most points a problem file may announce.
pub const MAX_POINTS: usize = 1_000_000;

impl Problem {
    /// The plain capacitated p-median problem.
    pub fn cpmp(metric: Metric, p: usize, demand: Vec<f64>, capacity: Vec<f64>) -> Self {
        let n = metric.len();
        Self {
            metric,
            p: Some(p),
            demand,
            capacity,
            max_members: None,
            min_members: 0,
            can_lead: vec![true; n],
            must_lead: vec![false; n],
            stage: vec![ANY_STAGE; n],
            fixed_to: vec![None; n],
            forbidden: Vec::new(),
            current: vec![None; n],
            move_penalty: 0.0,
            strength: vec![0.0; n],
            balance_weight: 0.0,
        }
    }

    pub fn n(&self) -> usize {
        self.metric.len()
    }

    /// Reads the benchmark format: first line `n p`, then `n` lines `x y capacity demand`,
    /// separated by spaces or tabs.
    pub fn parse_cpmp(text: &str, convention: Convention) -> Result<Self, ProblemError> {
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let (_, head) = lines.next().ok_or(ProblemError::Line { line: 1, what: "the file is empty".into() })?;
        let head = numbers(head, 1)?;
        let [n, p] = head[..] else {
            return Err(ProblemError::Line { line: 1, what: format!("expected `n p`, found {} numbers", head.len()) });
        };
        // The header is the file's word only: a count that is no whole number in range is refused
        // before anything is reserved for it.
        let whole_in = |v: f64, max: f64| v.fract() == 0.0 && (1.0..=max).contains(&v);
        if !(whole_in(n, MAX_POINTS as f64) && whole_in(p, n)) {
            return Err(ProblemError::Line {
                line: 1,
                what: format!("`{n} {p}`: n must be a whole number from 1 to {MAX_POINTS}, p from 1 to n"),
            });
        }
        let (n, p) = (n as usize, p as usize);
        let (mut xy, mut demand, mut capacity) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
        for (index, line) in lines.by_ref().take(n) {
            let v = numbers(line, index + 1)?;
            let [x, y, cap, dem] = v[..] else {
                return Err(ProblemError::Line {
                    line: index + 1,
                    what: format!("expected `x y capacity demand`, found {} numbers", v.len()),
                });
            };
            xy.push((x, y));
            capacity.push(cap);
            demand.push(dem);
        }
        if xy.len() != n {
            return Err(ProblemError::Line { line: 1, what: format!("the header promises {n} points, the file has {}", xy.len()) });
        }
        if let Some((index, _)) = lines.next() {
            return Err(ProblemError::Line { line: index + 1, what: format!("more than the {n} points the header promises") });
        }
        let problem = Self::cpmp(Metric::planar(convention, xy), p, demand, capacity);
        problem.validate()?;
        Ok(problem)
    }

    /// Checks that the vectors agree in length and the numbers make sense.
    pub fn validate(&self) -> Result<(), ProblemError> {
        let n = self.n();
        let field = |field: &'static str, what: String| Err(ProblemError::Field { field, what });
        for (name, len) in [
            ("demand", self.demand.len()),
            ("capacity", self.capacity.len()),
            ("can_lead", self.can_lead.len()),
            ("must_lead", self.must_lead.len()),
            ("stage", self.stage.len()),
            ("fixed_to", self.fixed_to.len()),
            ("current", self.current.len()),
            ("strength", self.strength.len()),
        ] {
            if len != n {
                return field(name, format!("has {len} entries for {n} points"));
            }
        }
        if n == 0 {
            return field("points", "there are no points".into());
        }
        if let Some(p) = self.p
            && (p == 0 || p > n)
        {
            return field("p", format!("{p} medians for {n} points"));
        }
        if let Some(i) =
            (0..n).find(|&i| self.demand[i].is_nan() || self.capacity[i].is_nan() || self.demand[i] < 0.0 || self.capacity[i] < 0.0)
        {
            return field("demand", format!("point {i} has a negative or missing demand or capacity"));
        }
        if let Some(m) = self.max_members
            && (m == 0 || m < self.min_members)
        {
            return field("max_members", format!("{m} is below the minimum {}", self.min_members));
        }
        for (i, f) in self.fixed_to.iter().enumerate() {
            if let Some(f) = *f
                && (f >= n || !self.must_lead[f])
            {
                return field("fixed_to", format!("point {i} is fixed to {f}, which is not a designated lead"));
            }
        }
        if let Some(i) = (0..n).find(|&i| self.must_lead[i] && !self.can_lead[i]) {
            return field("must_lead", format!("point {i} must lead but is not eligible"));
        }
        if !self.can_lead.iter().any(|&c| c) {
            return field("can_lead", "no point may lead".into());
        }
        Ok(())
    }

    /// May point `k` lead a cluster: eligible, not bound to another lead, and able to hold its
    /// own demand (a lead is a member of its cluster).
    #[inline]
    pub fn may_lead(&self, k: usize) -> bool {
        self.can_lead[k] && self.fixed_to[k].is_none() && self.demand[k] <= self.capacity[k]
    }

    /// May point `i` join the cluster led by `k` (stage and fixed rules only; capacity is the
    /// solver's business)?
    #[inline]
    pub fn allowed(&self, i: usize, k: usize) -> bool {
        if i == k {
            return true;
        }
        if self.stage[i] & self.stage[k] == 0 {
            return false;
        }
        match self.fixed_to[i] {
            Some(f) => f == k,
            None => !self.must_lead[i],
        }
    }

    /// What assigning `i` to the median `k` costs: the distance, plus the re-planning penalty when
    /// `i` leaves the cluster it is in today.
    #[inline]
    pub fn cost(&self, i: usize, k: usize) -> f64 {
        let d = self.metric.d(i, k);
        if self.move_penalty > 0.0
            && let Some(c) = self.current[i]
            && self.current[k] != Some(c)
        {
            return d + self.move_penalty;
        }
        d
    }
}

fn numbers(line: &str, line_no: usize) -> Result<Vec<f64>, ProblemError> {
    line.split_whitespace()
        .map(|t| t.parse::<f64>().map_err(|_| ProblemError::Line { line: line_no, what: format!("`{t}` is not a number") }))
        .collect()
}
