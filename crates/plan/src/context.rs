//! What every part of the search shares: the problem, each point's nearest neighbours, the
//! forbidden partners, and how a cluster is scored.

use crate::problem::Problem;
use crate::solution::mean_strength;

/// Neighbours kept per point (swap candidates in large regions, nearby medians).
pub const NEIGHBOURS: usize = 24;

pub struct Context<'a> {
    pub pb: &'a Problem,
    /// `knn[i]`: the nearest points to `i`, nearest first.
    pub knn: Vec<Vec<u32>>,
    pub partners: Vec<Vec<u32>>,
    mu: f64,
    /// A cost that outweighs any travel: paid per member a cluster lacks below the minimum.
    big: f64,
    /// Whether any term besides the assignment cost is in play (balance, minimum size).
    pub extra: bool,
}

impl<'a> Context<'a> {
    pub fn new(pb: &'a Problem, threads: usize) -> Self {
        let n = pb.n();
        let mut partners = vec![Vec::new(); n];
        for &(a, b) in &pb.forbidden {
            partners[a].push(b as u32);
            partners[b].push(a as u32);
        }
        let far = (0..n).map(|i| pb.metric.d(0, i)).fold(0.0, f64::max) * 2.0 + 1.0;
        Self {
            pb,
            knn: nearest(pb, threads),
            partners,
            mu: mean_strength(pb),
            big: far * n as f64 + pb.move_penalty * n as f64,
            extra: pb.balance_weight > 0.0 || pb.min_members > 1,
        }
    }

    #[inline]
    pub fn cluster_score(&self, csum: f64, count: usize, ssum: f64) -> f64 {
        if !self.extra {
            return csum;
        }
        let mut s = csum;
        if count > 0 && self.pb.balance_weight > 0.0 {
            s += self.pb.balance_weight * (ssum / count as f64 - self.mu).powi(2);
        }
        if count < self.pb.min_members {
            s += self.big * (self.pb.min_members - count) as f64;
        }
        s
    }
}

/// Each point's nearest neighbours by brute force, split over the threads (n² distances:
/// 10,000 points take a fraction of a second, and it works for any metric).
fn nearest(pb: &Problem, threads: usize) -> Vec<Vec<u32>> {
    let n = pb.n();
    let k = NEIGHBOURS.min(n.saturating_sub(1));
    let rows = |range: std::ops::Range<usize>| -> Vec<Vec<u32>> {
        let mut buf: Vec<(f64, u32)> = Vec::with_capacity(n);
        range
            .map(|i| {
                buf.clear();
                buf.extend((0..n).filter(|&j| j != i).map(|j| (pb.metric.d(i, j), j as u32)));
                if k < buf.len() {
                    buf.select_nth_unstable_by(k, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                }
                let mut row: Vec<(f64, u32)> = buf[..k].to_vec();
                row.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                row.into_iter().map(|(_, j)| j).collect()
            })
            .collect()
    };
    let threads = threads.clamp(1, 8);
    if threads == 1 || n < 2000 {
        return rows(0..n);
    }
    let chunk = n.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads).map(|t| s.spawn(move || rows(t * chunk..((t + 1) * chunk).min(n)))).collect();
        handles.into_iter().flat_map(|h| h.join().expect("neighbour thread")).collect()
    })
}
