//! Minimum-cost flow by successive shortest paths with node potentials.
//!
//! The networks here have negative costs only on arcs into the sink and no cycle of negative
//! cost, so a first Bellman-Ford pass gives potentials under which every residual arc costs at
//! least zero; each later search is Dijkstra's. Flow is pushed while a path still lowers the
//! cost, which gives the cheapest flow of any amount.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Debug, Clone)]
struct Arc {
    to: usize,
    cap: i64,
    cost: f64,
    /// Index of the reverse arc in `arcs`.
    rev: usize,
}

/// A directed network with capacities and costs.
#[derive(Debug, Clone, Default)]
pub struct Network {
    arcs: Vec<Arc>,
    out: Vec<Vec<usize>>,
}

const EPS: f64 = 1e-9;

#[derive(PartialEq)]
struct Entry(f64, usize);
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// The smallest distance first (a max-heap reversed).
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then(other.1.cmp(&self.1))
    }
}

impl Network {
    pub fn new(nodes: usize) -> Self {
        Network { arcs: Vec::new(), out: vec![Vec::new(); nodes] }
    }

    /// Adds an arc and returns its id (for reading its flow later).
    pub fn add(&mut self, from: usize, to: usize, cap: i64, cost: f64) -> usize {
        let id = self.arcs.len();
        self.arcs.push(Arc { to, cap, cost, rev: id + 1 });
        self.arcs.push(Arc { to: from, cap: 0, cost: -cost, rev: id });
        self.out[from].push(id);
        self.out[to].push(id + 1);
        id
    }

    /// The flow on an arc: what its reverse can give back.
    pub fn flow(&self, arc: usize) -> i64 {
        self.arcs[arc + 1].cap
    }

    /// Pushes flow from `s` to `t` along cheapest paths while a path costs less than zero;
    /// returns the flow sent and its cost.
    pub fn min_cost_flow(&mut self, s: usize, t: usize) -> (i64, f64) {
        let n = self.out.len();
        let mut potential = self.bellman_ford(s);
        let (mut sent, mut total) = (0i64, 0.0f64);
        loop {
            let (dist, parent) = self.dijkstra(s, &potential);
            if !dist[t].is_finite() {
                break;
            }
            for v in 0..n {
                if dist[v].is_finite() {
                    potential[v] += dist[v];
                }
            }
            // The real cost of the path found (reduced costs telescope to the potentials).
            let path_cost = potential[t] - potential[s];
            if path_cost >= -EPS {
                break;
            }
            let mut push = i64::MAX;
            let mut v = t;
            while v != s {
                let a = parent[v];
                push = push.min(self.arcs[a].cap);
                v = self.arcs[self.arcs[a].rev].to;
            }
            let mut v = t;
            while v != s {
                let a = parent[v];
                self.arcs[a].cap -= push;
                let r = self.arcs[a].rev;
                self.arcs[r].cap += push;
                v = self.arcs[r].to;
            }
            sent += push;
            total += push as f64 * path_cost;
        }
        (sent, total)
    }

    fn bellman_ford(&self, s: usize) -> Vec<f64> {
        let n = self.out.len();
        let mut dist = vec![f64::INFINITY; n];
        dist[s] = 0.0;
        // Queue-based (SPFA): each node is relaxed again only when its distance fell.
        let mut queued = vec![false; n];
        let mut queue = std::collections::VecDeque::from([s]);
        queued[s] = true;
        while let Some(u) = queue.pop_front() {
            queued[u] = false;
            for &a in &self.out[u] {
                let arc = &self.arcs[a];
                if arc.cap > 0 && dist[u] + arc.cost < dist[arc.to] - EPS {
                    dist[arc.to] = dist[u] + arc.cost;
                    if !queued[arc.to] {
                        queued[arc.to] = true;
                        queue.push_back(arc.to);
                    }
                }
            }
        }
        // Nodes out of reach keep a potential of zero; no residual arc leads to them.
        dist.into_iter().map(|d| if d.is_finite() { d } else { 0.0 }).collect()
    }

    fn dijkstra(&self, s: usize, potential: &[f64]) -> (Vec<f64>, Vec<usize>) {
        let n = self.out.len();
        let mut dist = vec![f64::INFINITY; n];
        let mut parent = vec![usize::MAX; n];
        let mut heap = BinaryHeap::new();
        dist[s] = 0.0;
        heap.push(Entry(0.0, s));
        while let Some(Entry(d, u)) = heap.pop() {
            if d > dist[u] + EPS {
                continue;
            }
            for &a in &self.out[u] {
                let arc = &self.arcs[a];
                if arc.cap <= 0 {
                    continue;
                }
                // Reduced costs are ≥ 0 up to rounding; clamp so that rounding cannot loop.
                let reduced = (arc.cost + potential[u] - potential[arc.to]).max(0.0);
                if d + reduced < dist[arc.to] - EPS {
                    dist[arc.to] = d + reduced;
                    parent[arc.to] = a;
                    heap.push(Entry(dist[arc.to], arc.to));
                }
            }
        }
        (dist, parent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_only_what_pays() {
        // s → a → t pays 5 − 2 per unit (2 units); s → b → t would cost 1 net: not sent.
        let mut net = Network::new(4);
        let (s, a, b, t) = (0, 1, 2, 3);
        net.add(s, a, 2, 2.0);
        let paid = net.add(a, t, 5, -5.0);
        net.add(s, b, 3, 6.0);
        net.add(b, t, 3, -5.0);
        let (sent, cost) = net.min_cost_flow(s, t);
        assert_eq!((sent, net.flow(paid)), (2, 2));
        assert!((cost + 6.0).abs() < 1e-9, "{cost}");
    }

    #[test]
    fn reroutes_through_reverse_arcs() {
        // Two sources, two sinks: the greedy first path must be undone for the optimum.
        let mut net = Network::new(6);
        let (s, a, b, x, y, t) = (0, 1, 2, 3, 4, 5);
        net.add(s, a, 1, 0.0);
        net.add(s, b, 1, 0.0);
        net.add(a, x, 1, 1.0);
        net.add(a, y, 1, 2.0);
        net.add(b, x, 1, 1.0);
        net.add(x, t, 1, -10.0);
        net.add(y, t, 1, -10.0);
        let (sent, cost) = net.min_cost_flow(s, t);
        assert_eq!(sent, 2);
        assert!((cost - (2.0 + 1.0 - 20.0)).abs() < 1e-9, "{cost}");
    }
}
