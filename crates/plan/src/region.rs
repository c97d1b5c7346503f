//! A region: a few neighbouring clusters cut out of the whole solution, re-solved as a small
//! capacitated p-median problem and written back only when it got better. All moves of the search
//! (shift, swap, ejection chains, relocating a median, replacing a median) happen here, on local
//! indices and a cached cost table, so they cost the same whatever the size of the whole instance.

use rand::Rng;

use crate::context::Context;

/// Regions up to this many points search swaps and ejection chains over all pairs; larger ones
/// look only at each point's nearest neighbours.
const ALL_PAIRS: usize = 240;
/// Candidate medians tried when relocating the median of a large cluster.
const RELOCATE_CANDIDATES: usize = 48;
const EPS: f64 = 1e-9;

/// What does not change while a region is worked on.
pub struct Frame {
    /// Global point ids; local id = position.
    pub pts: Vec<usize>,
    /// Global cluster ids; local cluster = position.
    pub clusters: Vec<usize>,
    /// Local neighbours of each local point (empty for small regions: they use all pairs).
    pub near: Vec<Vec<u32>>,
    /// Local forbidden partners of each local point.
    pub partners: Vec<Vec<u32>>,
}

impl Frame {
    pub fn small(&self) -> bool {
        self.pts.len() <= ALL_PAIRS
    }
}

/// A candidate solution of the region.
#[derive(Clone)]
pub struct Trial {
    pub centre: Vec<usize>,
    pub asg: Vec<usize>,
    pub load: Vec<f64>,
    pub count: Vec<usize>,
    pub csum: Vec<f64>,
    pub ssum: Vec<f64>,
    /// `cost[i * q + c]`: cost of local point `i` in local cluster `c`.
    pub cost: Vec<f64>,
}

/// A local point not yet in any cluster.
pub const NONE: usize = usize::MAX;

impl Trial {
    pub fn q(&self) -> usize {
        self.centre.len()
    }

    pub fn new(cx: &Context, f: &Frame, centre: Vec<usize>, asg: Vec<usize>) -> Self {
        let q = centre.len();
        let mut t = Trial {
            centre,
            asg,
            load: vec![0.0; q],
            count: vec![0; q],
            csum: vec![0.0; q],
            ssum: vec![0.0; q],
            cost: vec![0.0; f.pts.len() * q],
        };
        for c in 0..q {
            t.fill_costs(cx, f, c);
        }
        t.totals(cx, f);
        t
    }

    fn fill_costs(&mut self, cx: &Context, f: &Frame, c: usize) {
        let q = self.q();
        let k = f.pts[self.centre[c]];
        for (i, &g) in f.pts.iter().enumerate() {
            self.cost[i * q + c] = cx.pb.cost(g, k);
        }
    }

    fn totals(&mut self, cx: &Context, f: &Frame) {
        let q = self.q();
        self.load.iter_mut().for_each(|x| *x = 0.0);
        self.count.iter_mut().for_each(|x| *x = 0);
        self.csum.iter_mut().for_each(|x| *x = 0.0);
        self.ssum.iter_mut().for_each(|x| *x = 0.0);
        for (i, &a) in self.asg.iter().enumerate() {
            if a == NONE {
                continue;
            }
            let g = f.pts[i];
            self.load[a] += cx.pb.demand[g];
            self.count[a] += 1;
            self.csum[a] += self.cost[i * q + a];
            self.ssum[a] += cx.pb.strength[g];
        }
    }

    pub fn score(&self, cx: &Context) -> f64 {
        (0..self.q()).map(|c| cx.cluster_score(self.csum[c], self.count[c], self.ssum[c])).sum()
    }

    #[inline]
    fn is_centre(&self, i: usize) -> bool {
        self.centre[self.asg[i]] == i
    }

    /// Could local point `i` enter cluster `c` as it stands (with `leaving` leaving it)?
    #[inline]
    fn fits(&self, cx: &Context, f: &Frame, i: usize, c: usize, leaving: Option<usize>) -> bool {
        let (g, k) = (f.pts[i], f.pts[self.centre[c]]);
        if !cx.pb.allowed(g, k) {
            return false;
        }
        let (out_load, out_count) = match leaving {
            Some(j) => (cx.pb.demand[f.pts[j]], 1),
            None => (0.0, 0),
        };
        if self.load[c] - out_load + cx.pb.demand[g] > cx.pb.capacity[k] + EPS {
            return false;
        }
        if let Some(max) = cx.pb.max_members
            && self.count[c] + 1 - out_count > max
        {
            return false;
        }
        f.partners[i].iter().all(|&p| {
            let p = p as usize;
            self.asg[p] != c || Some(p) == leaving
        })
    }

    /// Score change when clusters `a` and `b` change by the given amounts.
    #[inline]
    fn delta2(&self, cx: &Context, a: usize, a_change: (f64, isize, f64), b: usize, b_change: (f64, isize, f64)) -> f64 {
        if !cx.extra {
            return a_change.0 + b_change.0;
        }
        let before =
            cx.cluster_score(self.csum[a], self.count[a], self.ssum[a]) + cx.cluster_score(self.csum[b], self.count[b], self.ssum[b]);
        let after = cx.cluster_score(self.csum[a] + a_change.0, (self.count[a] as isize + a_change.1) as usize, self.ssum[a] + a_change.2)
            + cx.cluster_score(self.csum[b] + b_change.0, (self.count[b] as isize + b_change.1) as usize, self.ssum[b] + b_change.2);
        after - before
    }

    fn place(&mut self, cx: &Context, f: &Frame, i: usize, c: usize) {
        let g = f.pts[i];
        self.asg[i] = c;
        self.load[c] += cx.pb.demand[g];
        self.count[c] += 1;
        self.csum[c] += self.cost[i * self.q() + c];
        self.ssum[c] += cx.pb.strength[g];
    }

    fn unplace(&mut self, cx: &Context, f: &Frame, i: usize) {
        let c = self.asg[i];
        let g = f.pts[i];
        self.load[c] -= cx.pb.demand[g];
        self.count[c] -= 1;
        self.csum[c] -= self.cost[i * self.q() + c];
        self.ssum[c] -= cx.pb.strength[g];
        self.asg[i] = NONE;
    }

    /// Assigns every point afresh to the current medians: medians and fixed points first, then
    /// the others by decreasing regret (the points with the most to lose choose first).
    /// When that fails (tight capacities can strand a heavy point), fixed points and then the
    /// heaviest first.
    pub fn assign_all<R: Rng>(&mut self, cx: &Context, f: &Frame, rng: &mut R) -> bool {
        let rest = self.only_medians(cx, f);
        if self.insert(cx, f, rest.clone(), rng) {
            return true;
        }
        self.only_medians(cx, f);
        let mut heaviest = rest;
        let key = |i: usize| (cx.pb.fixed_to[f.pts[i]].is_none(), -cx.pb.demand[f.pts[i]]);
        heaviest.sort_by(|&a, &b| key(a).0.cmp(&key(b).0).then(key(a).1.total_cmp(&key(b).1)).then(a.cmp(&b)));
        self.place_cheapest(cx, f, heaviest.into_iter())
    }

    /// The last resort of a first solution when greedy orders strand a point (capacities that only
    /// an exact partition fits): every point in its cheapest admissible cluster, capacity ignored,
    /// then the moves and swaps that most reduce the excess over capacity until none is left or
    /// none helps. Each step looks at every move, so only small regions are repaired (and not
    /// inside the search: it would cost more than it finds).
    pub fn repair(&mut self, cx: &Context, f: &Frame) -> bool {
        if !f.small() {
            return false;
        }
        let q = self.q();
        for i in self.only_medians(cx, f) {
            let c = (0..q)
                .filter(|&c| self.admissible(cx, f, i, c, None))
                .min_by(|&a, &b| self.cost[i * q + a].total_cmp(&self.cost[i * q + b]).then(a.cmp(&b)));
            match c {
                Some(c) => self.place(cx, f, i, c),
                None => return false,
            }
        }
        let n = f.pts.len();
        loop {
            if (0..q).all(|c| self.excess(cx, f, c, 0.0, 0) <= EPS) {
                return true;
            }
            // The move that lowers the total excess most: (excess change, cost change, move).
            let mut best: (f64, f64, usize, usize) = (-EPS, 0.0, NONE, NONE);
            for i in (0..n).filter(|&i| !self.is_centre(i)) {
                let a = self.asg[i];
                let di = cx.pb.demand[f.pts[i]];
                for b in (0..q).filter(|&b| b != a && self.admissible(cx, f, i, b, None)) {
                    let gain = self.excess(cx, f, a, -di, -1) + self.excess(cx, f, b, di, 1)
                        - self.excess(cx, f, a, 0.0, 0)
                        - self.excess(cx, f, b, 0.0, 0);
                    let cost = self.cost[i * q + b] - self.cost[i * q + a];
                    if (gain, cost) < (best.0, best.1) {
                        best = (gain, cost, i, b);
                    }
                }
                for j in (i + 1)..n {
                    let b = self.asg[j];
                    if b == a || self.is_centre(j) || !self.admissible(cx, f, i, b, Some(j)) || !self.admissible(cx, f, j, a, Some(i)) {
                        continue;
                    }
                    let dj = cx.pb.demand[f.pts[j]];
                    let gain = self.excess(cx, f, a, dj - di, 0) + self.excess(cx, f, b, di - dj, 0)
                        - self.excess(cx, f, a, 0.0, 0)
                        - self.excess(cx, f, b, 0.0, 0);
                    let cost = self.cost[i * q + b] + self.cost[j * q + a] - self.cost[i * q + a] - self.cost[j * q + b];
                    if (gain, cost) < (best.0, best.1) {
                        best = (gain, cost, i, NONE - 1 - j);
                    }
                }
            }
            let (_, _, i, to) = best;
            if i == NONE {
                return false;
            }
            let a = self.asg[i];
            self.unplace(cx, f, i);
            if to < q {
                self.place(cx, f, i, to);
            } else {
                let j = NONE - 1 - to;
                let b = self.asg[j];
                self.unplace(cx, f, j);
                self.place(cx, f, i, b);
                self.place(cx, f, j, a);
            }
        }
    }

    /// How far cluster `c`, changed by `load` and `count`, is over its capacity and member cap
    /// (each as a fraction of the limit).
    fn excess(&self, cx: &Context, f: &Frame, c: usize, load: f64, count: isize) -> f64 {
        let cap = cx.pb.capacity[f.pts[self.centre[c]]];
        let over_load = (self.load[c] + load - cap).max(0.0) / cap.max(EPS);
        let over_count = cx.pb.max_members.map_or(0.0, |m| ((self.count[c] as isize + count) as f64 - m as f64).max(0.0) / m as f64);
        over_load + over_count
    }

    /// May local point `i` be in cluster `c` (stage, fixed lead, forbidden partners; capacity
    /// aside), with `leaving` leaving it?
    fn admissible(&self, cx: &Context, f: &Frame, i: usize, c: usize, leaving: Option<usize>) -> bool {
        cx.pb.allowed(f.pts[i], f.pts[self.centre[c]])
            && f.partners[i].iter().all(|&p| self.asg[p as usize] != c || Some(p as usize) == leaving)
    }

    /// Empties every cluster but its median; returns the points left out.
    fn only_medians(&mut self, cx: &Context, f: &Frame) -> Vec<usize> {
        self.asg.iter_mut().for_each(|a| *a = NONE);
        self.totals(cx, f);
        for c in 0..self.q() {
            let k = self.centre[c];
            self.place(cx, f, k, c);
        }
        (0..f.pts.len()).filter(|&i| self.asg[i] == NONE).collect()
    }

    /// Inserts unassigned points by decreasing regret into the cheapest cluster that fits.
    pub fn insert<R: Rng>(&mut self, cx: &Context, f: &Frame, mut rest: Vec<usize>, rng: &mut R) -> bool {
        let q = self.q();
        let noise = 0.05;
        let mut keyed: Vec<(f64, usize)> = rest
            .drain(..)
            .map(|i| {
                let (mut b1, mut b2) = (f64::INFINITY, f64::INFINITY);
                for c in 0..q {
                    if !cx.pb.allowed(f.pts[i], f.pts[self.centre[c]]) {
                        continue;
                    }
                    let x = self.cost[i * q + c];
                    if x < b1 {
                        b2 = b1;
                        b1 = x;
                    } else if x < b2 {
                        b2 = x;
                    }
                }
                let fixed = cx.pb.fixed_to[f.pts[i]].is_some();
                let regret = if fixed || b2.is_infinite() { f64::INFINITY } else { (b2 - b1) * (1.0 + noise * rng.random::<f64>()) };
                (regret, i)
            })
            .collect();
        keyed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        self.place_cheapest(cx, f, keyed.into_iter().map(|(_, i)| i))
    }

    /// Places the points in this order, each in the cheapest cluster that fits it.
    fn place_cheapest(&mut self, cx: &Context, f: &Frame, order: impl Iterator<Item = usize>) -> bool {
        let q = self.q();
        for i in order {
            // The cheapest cluster that fits (a scan, not a sort: regions of a whole province
            // have a thousand clusters).
            let mut best = (f64::INFINITY, NONE);
            for c in 0..q {
                let x = self.cost[i * q + c];
                if x < best.0 && self.fits(cx, f, i, c, None) {
                    best = (x, c);
                }
            }
            if best.1 == NONE {
                return false;
            }
            self.place(cx, f, i, best.1);
        }
        true
    }

    /// Moves single points to a better cluster with room, until none is left.
    fn shift_pass(&mut self, cx: &Context, f: &Frame) -> bool {
        let q = self.q();
        let mut any = false;
        for i in 0..f.pts.len() {
            if self.is_centre(i) {
                continue;
            }
            let a = self.asg[i];
            let g = f.pts[i];
            let s = cx.pb.strength[g];
            let mut best = (-EPS, NONE);
            for b in 0..q {
                if b == a || self.cost[i * q + b] - self.cost[i * q + a] >= 0.0 && !cx.extra {
                    continue;
                }
                if !self.fits(cx, f, i, b, None) {
                    continue;
                }
                let d = self.delta2(cx, a, (-self.cost[i * q + a], -1, -s), b, (self.cost[i * q + b], 1, s));
                if d < best.0 {
                    best = (d, b);
                }
            }
            if best.1 != NONE {
                self.unplace(cx, f, i);
                self.place(cx, f, i, best.1);
                any = true;
            }
        }
        any
    }

    /// Exchanges two points of different clusters when both fit and the cost falls.
    fn swap_pass(&mut self, cx: &Context, f: &Frame) -> bool {
        let n = f.pts.len();
        let mut any = false;
        for i in 0..n {
            if self.is_centre(i) {
                continue;
            }
            if f.small() {
                for j in (i + 1)..n {
                    any |= self.try_swap(cx, f, i, j);
                }
            } else {
                for idx in 0..f.near[i].len() {
                    let j = f.near[i][idx] as usize;
                    any |= self.try_swap(cx, f, i, j);
                }
            }
        }
        any
    }

    #[inline]
    fn try_swap(&mut self, cx: &Context, f: &Frame, i: usize, j: usize) -> bool {
        let q = self.q();
        let (a, b) = (self.asg[i], self.asg[j]);
        if a == b || self.is_centre(j) || self.is_centre(i) {
            return false;
        }
        let gain = self.cost[i * q + b] + self.cost[j * q + a] - self.cost[i * q + a] - self.cost[j * q + b];
        if gain >= -EPS && !cx.extra {
            return false;
        }
        if !self.fits(cx, f, i, b, Some(j)) || !self.fits(cx, f, j, a, Some(i)) {
            return false;
        }
        let (si, sj) = (cx.pb.strength[f.pts[i]], cx.pb.strength[f.pts[j]]);
        let d = self.delta2(
            cx,
            a,
            (self.cost[j * q + a] - self.cost[i * q + a], 0, sj - si),
            b,
            (self.cost[i * q + b] - self.cost[j * q + b], 0, si - sj),
        );
        if d >= -EPS {
            return false;
        }
        self.unplace(cx, f, i);
        self.unplace(cx, f, j);
        self.place(cx, f, i, b);
        self.place(cx, f, j, a);
        true
    }

    /// Ejection chains of length two: `i` moves into a full cluster `b` whose member `j` moves on
    /// to a third cluster `c`. Tight capacities make single moves and swaps stall; these free them.
    fn eject_pass(&mut self, cx: &Context, f: &Frame) -> bool {
        if !f.small() {
            return false;
        }
        let q = self.q();
        let n = f.pts.len();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); q];
        for (i, &a) in self.asg.iter().enumerate() {
            if !self.is_centre(i) {
                members[a].push(i);
            }
        }
        let mut any = false;
        for i in 0..n {
            if self.is_centre(i) || cx.pb.fixed_to[f.pts[i]].is_some() {
                continue;
            }
            let a = self.asg[i];
            for b in 0..q {
                let step1 = self.cost[i * q + b] - self.cost[i * q + a];
                if b == a || step1 >= 0.0 && !cx.extra {
                    continue;
                }
                if let Some((j, c)) = self.best_ejection(cx, f, i, a, b, step1, &members[b]) {
                    self.unplace(cx, f, i);
                    self.unplace(cx, f, j);
                    self.place(cx, f, i, b);
                    self.place(cx, f, j, c);
                    members[b].retain(|&x| x != j);
                    members[b].push(i);
                    members[a].retain(|&x| x != i);
                    members[c].push(j);
                    any = true;
                    break;
                }
            }
        }
        any
    }

    #[allow(clippy::too_many_arguments)]
    fn best_ejection(&self, cx: &Context, f: &Frame, i: usize, a: usize, b: usize, step1: f64, in_b: &[usize]) -> Option<(usize, usize)> {
        let q = self.q();
        if !cx.pb.allowed(f.pts[i], f.pts[self.centre[b]]) {
            return None;
        }
        let mut best = (-EPS, NONE, NONE);
        for &j in in_b {
            let leave = step1 - self.cost[j * q + b];
            if leave + self.cost[j * q + a].min(0.0) >= best.0 && !cx.extra && leave >= best.0 {
                continue;
            }
            // i enters b while j leaves it.
            if !self.fits(cx, f, i, b, Some(j)) {
                continue;
            }
            for c in 0..q {
                if c == b || c == a {
                    continue;
                }
                let total = leave + self.cost[j * q + c];
                if total >= best.0 && !cx.extra {
                    continue;
                }
                if !self.fits(cx, f, j, c, None) {
                    continue;
                }
                let total = if cx.extra { self.chain_delta(cx, f, i, a, b, j, c) } else { total };
                if total < best.0 {
                    best = (total, j, c);
                }
            }
        }
        (best.1 != NONE).then_some((best.1, best.2))
    }

    /// Score change of the chain `i`: a → b, `j`: b → c (with balance or minimum size in play).
    #[allow(clippy::too_many_arguments)]
    fn chain_delta(&self, cx: &Context, f: &Frame, i: usize, a: usize, b: usize, j: usize, c: usize) -> f64 {
        let q = self.q();
        let (si, sj) = (cx.pb.strength[f.pts[i]], cx.pb.strength[f.pts[j]]);
        let score = |cl: usize, dc: f64, dn: isize, ds: f64| {
            cx.cluster_score(self.csum[cl] + dc, (self.count[cl] as isize + dn) as usize, self.ssum[cl] + ds)
        };
        let before: f64 = [a, b, c].iter().map(|&x| cx.cluster_score(self.csum[x], self.count[x], self.ssum[x])).sum();
        let after = score(a, -self.cost[i * q + a], -1, -si)
            + score(b, self.cost[i * q + b] - self.cost[j * q + b], 0, si - sj)
            + score(c, self.cost[j * q + c], 1, sj);
        after - before
    }

    /// One point of cluster `a` for two of cluster `b`: when capacities are tight a swap may not
    /// fit where trading a big point for two small ones does, even between only two clusters
    /// (where no ejection chain exists). Plain travel only (with balance or a minimum size the
    /// change is not a sum of per-point terms); points with forbidden partners stay out.
    /// Applies the first improving exchange found.
    fn two_for_one_pass(&mut self, cx: &Context, f: &Frame) -> bool {
        if cx.extra || !f.small() {
            return false;
        }
        let q = self.q();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); q];
        for (i, &a) in self.asg.iter().enumerate() {
            if !self.is_centre(i) && f.partners[i].is_empty() {
                members[a].push(i);
            }
        }
        let mut gains: Vec<(f64, usize)> = Vec::new();
        for a in 0..q {
            let ka = f.pts[self.centre[a]];
            if cx.pb.max_members.is_some_and(|m| self.count[a] + 1 > m) {
                continue;
            }
            for b in (0..q).filter(|&b| b != a) {
                let kb = f.pts[self.centre[b]];
                // b's members by what moving them to a costs, cheapest first.
                gains.clear();
                gains.extend(
                    members[b].iter().filter(|&&j| cx.pb.allowed(f.pts[j], ka)).map(|&j| (self.cost[j * q + a] - self.cost[j * q + b], j)),
                );
                if gains.len() < 2 {
                    continue;
                }
                gains.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                for &i in &members[a] {
                    let di = self.cost[i * q + b] - self.cost[i * q + a];
                    if di + gains[0].0 + gains[1].0 >= -EPS || !cx.pb.allowed(f.pts[i], kb) {
                        continue;
                    }
                    if let Some((j, k)) = self.two_that_fit(cx, f, i, a, b, di, &gains) {
                        self.unplace(cx, f, i);
                        self.unplace(cx, f, j);
                        self.unplace(cx, f, k);
                        self.place(cx, f, i, b);
                        self.place(cx, f, j, a);
                        self.place(cx, f, k, a);
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Two members of `b` (from `gains`, cheapest first) that may take `i`'s place in `a` with
    /// both capacities kept and the total cost falling.
    #[allow(clippy::too_many_arguments)]
    fn two_that_fit(
        &self,
        cx: &Context,
        f: &Frame,
        i: usize,
        a: usize,
        b: usize,
        di: f64,
        gains: &[(f64, usize)],
    ) -> Option<(usize, usize)> {
        let (cap_a, cap_b) = (cx.pb.capacity[f.pts[self.centre[a]]], cx.pb.capacity[f.pts[self.centre[b]]]);
        let demand = |x: usize| cx.pb.demand[f.pts[x]];
        let room_a = cap_a - self.load[a] + demand(i);
        let need_b = self.load[b] + demand(i) - cap_b;
        for u in 0..gains.len() - 1 {
            if di + gains[u].0 + gains[u + 1].0 >= -EPS {
                break;
            }
            for v in (u + 1)..gains.len() {
                if di + gains[u].0 + gains[v].0 >= -EPS {
                    break;
                }
                let (j, k) = (gains[u].1, gains[v].1);
                let out = demand(j) + demand(k);
                if out <= room_a + EPS && out + EPS >= need_b {
                    return Some((j, k));
                }
            }
        }
        None
    }

    /// Moves each cluster's median to the member that serves the cluster most cheaply.
    fn relocate_pass(&mut self, cx: &Context, f: &Frame) -> bool {
        let q = self.q();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); q];
        for (i, &a) in self.asg.iter().enumerate() {
            members[a].push(i);
        }
        let mut any = false;
        for (c, m) in members.iter_mut().enumerate() {
            let k0 = self.centre[c];
            if cx.pb.must_lead[f.pts[k0]] || m.len() < 2 {
                continue;
            }
            if m.len() > RELOCATE_CANDIDATES {
                let g0 = f.pts[k0];
                m.select_nth_unstable_by(RELOCATE_CANDIDATES, |&x, &y| {
                    cx.pb.metric.d(g0, f.pts[x]).total_cmp(&cx.pb.metric.d(g0, f.pts[y]))
                });
            }
            let candidates = &m[..m.len().min(RELOCATE_CANDIDATES)];
            let mut best = (self.csum[c] - EPS, NONE);
            for &k in candidates {
                let gk = f.pts[k];
                if k == k0 || !cx.pb.may_lead(gk) || cx.pb.capacity[gk] + EPS < self.load[c] {
                    continue;
                }
                let mut total = 0.0;
                let mut ok = true;
                for &x in m.iter() {
                    let gx = f.pts[x];
                    if !cx.pb.allowed(gx, gk) && x != k {
                        ok = false;
                        break;
                    }
                    total += cx.pb.cost(gx, gk);
                    if total >= best.0 {
                        ok = false;
                        break;
                    }
                }
                if ok {
                    best = (total, k);
                }
            }
            if best.1 != NONE {
                self.centre[c] = best.1;
                self.fill_costs(cx, f, c);
                self.csum[c] = m.iter().map(|&x| self.cost[x * q + c]).sum();
                any = true;
            }
        }
        any
    }

    /// Local search to a local optimum of all neighbourhoods.
    pub fn improve(&mut self, cx: &Context, f: &Frame) {
        loop {
            loop {
                let a = self.shift_pass(cx, f);
                let b = self.swap_pass(cx, f);
                let c = self.eject_pass(cx, f);
                if !(a || b || c || self.two_for_one_pass(cx, f)) {
                    break;
                }
            }
            if !self.relocate_pass(cx, f) {
                break;
            }
        }
    }

    /// Replaces the median of one cluster (or two) by another eligible point of the region and
    /// re-inserts the points this displaces. Returns false when nothing could be changed.
    pub fn perturb<R: Rng>(&mut self, cx: &Context, f: &Frame, rng: &mut R, replacements: usize) -> bool {
        let n = f.pts.len();
        let q = self.q();
        let movable: Vec<usize> = (0..q).filter(|&c| !cx.pb.must_lead[f.pts[self.centre[c]]]).collect();
        if movable.is_empty() {
            return false;
        }
        let mut displaced = Vec::new();
        let mut changed = false;
        for _ in 0..replacements {
            let x = rng.random_range(0..n);
            let gx = f.pts[x];
            if self.asg[x] == NONE || self.is_centre(x) || !cx.pb.may_lead(gx) {
                continue;
            }
            // Mostly replace the median of x's own cluster or a neighbouring one.
            let c = if rng.random_bool(0.6) && movable.contains(&self.asg[x]) {
                self.asg[x]
            } else {
                movable[rng.random_range(0..movable.len())]
            };
            for i in 0..n {
                if self.asg[i] == c {
                    self.unplace(cx, f, i);
                    displaced.push(i);
                }
            }
            if self.asg[x] != NONE {
                self.unplace(cx, f, x);
            }
            displaced.retain(|&i| i != x);
            self.centre[c] = x;
            self.fill_costs(cx, f, c);
            self.place(cx, f, x, c);
            changed = true;
        }
        if !changed {
            return false;
        }
        // Points displaced earlier may sit in a cluster whose cost column changed: recount.
        self.totals(cx, f);
        displaced.sort_unstable();
        displaced.dedup();
        displaced.retain(|&i| self.asg[i] == NONE);
        self.insert(cx, f, displaced, rng)
    }
}
