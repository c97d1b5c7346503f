//! Generated instances for benchmarks: a town of strong sending schools among rural schools
//! spread over a square, each school needing teachers per subject by its size, rural schools
//! short of the subjects the seeds name (体育, 音乐, 美术, 科学, 英语, 信息技术), towns with
//! a few too many, about a third of teachers eligible (six years at their school).

use std::collections::BTreeMap;

use crate::problem::{Input, School, Teacher};

/// Subjects and their share of a school's teachers (the national curriculum's weights, roughly).
const SUBJECTS: [(&str, f64); 9] = [
    ("语文", 0.24),
    ("数学", 0.18),
    ("英语", 0.10),
    ("科学", 0.08),
    ("体育", 0.10),
    ("音乐", 0.08),
    ("美术", 0.08),
    ("信息技术", 0.06),
    ("道德与法治", 0.08),
];
/// The subjects rural schools lack.
const RURAL_SHORT: [&str; 6] = ["体育", "音乐", "美术", "科学", "英语", "信息技术"];

/// A deterministic generator (SplitMix64): the same seed, the same county.
struct Random(u64);

impl Random {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A county (or province) of `schools` schools and about `teachers` teachers over a square of
/// `side_km`, with a move allowed up to `max_km`.
pub fn county(schools: usize, teachers: usize, side_km: f64, max_km: f64, seed: u64) -> Input {
    let mut rng = Random(seed);
    // Villages keep about 60 % of what they need in half of the subjects: scaled so that the
    // county has about `teachers` teachers in all.
    let per_school = 1.46 * teachers as f64 / schools.max(1) as f64;
    let mut out = Input {
        max_km,
        quota: 0.10,
        backbone_share: 0.20,
        shortage_weight: 50.0,
        cross_cluster_km: 0.0,
        no_swaps: false,
        schools: Vec::new(),
        teachers: Vec::new(),
    };
    for i in 0..schools {
        // One school in eight is a town school: near a town centre, larger, and sending.
        let town = i % 8 == 0;
        let (cx, cy) = ((i / 64) as f64 * 37.0 % side_km, (i / 64) as f64 * 53.0 % side_km);
        let (x, y) = if town {
            ((cx + rng.next() * 8.0).min(side_km), (cy + rng.next() * 8.0).min(side_km))
        } else {
            (rng.next() * side_km, rng.next() * side_km)
        };
        let size = per_school * if town { 2.2 } else { 0.8 } * (0.6 + 0.8 * rng.next());
        let mut need = BTreeMap::new();
        for (subject, share) in SUBJECTS {
            let needed = (size * share).round() as u32;
            need.insert(subject.to_string(), needed);
            // Towns have a little more than they need; villages lack the subjects the seeds name.
            let have = if town {
                needed + (rng.next() * 2.0) as u32
            } else if RURAL_SHORT.contains(&subject) {
                (needed as f64 * rng.next() * 0.8) as u32
            } else {
                needed
            };
            for _ in 0..have {
                let id = out.teachers.len() as i64 + 1;
                out.teachers.push(Teacher {
                    id,
                    school: i as i64 + 1,
                    subject: subject.to_string(),
                    eligible: rng.next() < 0.35,
                    backbone: rng.next() < 0.15,
                });
            }
        }
        out.schools.push(School { id: i as i64 + 1, x_km: x, y_km: y, sending: town, need, cluster: None });
    }
    out
}
