//! How far apart two points are: planar Euclidean (as the benchmark sets define it, real or rounded
//! down), great-circle kilometres from latitude/longitude, or a supplied travel matrix.

use serde::{Deserialize, Serialize};

/// A distance between points `0..n`. Cheap to evaluate; the solver calls it in its inner loops
/// instead of keeping an n×n matrix, so that 10,000 schools fit in a few megabytes.
#[derive(Debug, Clone)]
pub enum Metric {
    /// Real Euclidean distance between `(x, y)` points.
    Euclidean(Vec<(f64, f64)>),
    /// Euclidean distance rounded down to an integer (the OR-Library convention).
    EuclideanFloor(Vec<(f64, f64)>),
    /// Great-circle kilometres between `(latitude, longitude)` points in degrees.
    GreatCircle(Vec<(f64, f64)>),
    /// A full `n × n` matrix, row-major (travel minutes or road kilometres).
    Matrix { n: usize, values: Vec<f64> },
}

/// Which convention a benchmark instance uses; names as in `known.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Convention {
    Euclidean,
    EuclideanFloor,
}

impl Convention {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "euclidean" => Some(Self::Euclidean),
            "euclidean_floor" => Some(Self::EuclideanFloor),
            _ => None,
        }
    }
}

const EARTH_RADIUS_KM: f64 = 6371.0088;

impl Metric {
    pub fn planar(convention: Convention, points: Vec<(f64, f64)>) -> Self {
        match convention {
            Convention::Euclidean => Self::Euclidean(points),
            Convention::EuclideanFloor => Self::EuclideanFloor(points),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Self::Euclidean(p) | Self::EuclideanFloor(p) | Self::GreatCircle(p) => p.len(),
            Self::Matrix { n, .. } => *n,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    pub fn d(&self, i: usize, j: usize) -> f64 {
        match self {
            Self::Euclidean(p) => euclid(p[i], p[j]),
            Self::EuclideanFloor(p) => euclid(p[i], p[j]).floor(),
            Self::GreatCircle(p) => haversine_km(p[i], p[j]),
            Self::Matrix { n, values } => values[i * n + j],
        }
    }
}

#[inline]
fn euclid(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
    (dx * dx + dy * dy).sqrt()
}

/// Great-circle distance in kilometres (haversine; exact enough for a county or a province).
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions() {
        let pts = vec![(0.0, 0.0), (3.0, 4.5)];
        assert!((Metric::Euclidean(pts.clone()).d(0, 1) - 5.408326913195984).abs() < 1e-12);
        assert_eq!(Metric::EuclideanFloor(pts).d(0, 1), 5.0);
    }

    #[test]
    fn great_circle_beijing_shanghai() {
        // 39.9042 N 116.4074 E to 31.2304 N 121.4737 E: about 1,067 km as the crow flies.
        let d = haversine_km((39.9042, 116.4074), (31.2304, 121.4737));
        assert!((d - 1067.0).abs() < 5.0, "{d}");
    }
}
