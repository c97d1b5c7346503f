//! A cluster's map: its schools placed by latitude and longitude, the lead larger, a line from
//! each member to the lead. Rendered on the server as SVG (printable, no JavaScript).

use plotters::prelude::*;

pub struct MapPoint {
    pub lat: f64,
    pub lon: f64,
    pub label: String,
    pub lead: bool,
}

const SIZE: (u32, u32) = (560, 420);
const MARGIN: f64 = 40.0;

pub fn cluster_svg(points: &[MapPoint]) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let _ = root.fill(&WHITE);
        if points.is_empty() {
            drop(root);
            return svg;
        }
        let (min_lat, max_lat) = bounds(points.iter().map(|p| p.lat));
        let (min_lon, max_lon) = bounds(points.iter().map(|p| p.lon));
        // Keep the same scale on both axes (1° longitude ≈ cos(lat) × 1° latitude).
        let k = ((min_lat + max_lat) / 2.0).to_radians().cos();
        let span = ((max_lon - min_lon) * k).max(max_lat - min_lat).max(0.01);
        let scale = ((SIZE.0.min(SIZE.1)) as f64 - 2.0 * MARGIN) / span;
        // Centre the drawing in both directions.
        let x0 = (SIZE.0 as f64 - (max_lon - min_lon) * k * scale) / 2.0;
        let y0 = (SIZE.1 as f64 + (max_lat - min_lat) * scale) / 2.0;
        let at = |p: &MapPoint| -> (i32, i32) {
            let x = x0 + (p.lon - min_lon) * k * scale;
            let y = y0 - (p.lat - min_lat) * scale;
            (x as i32, y as i32)
        };
        let lead = points.iter().find(|p| p.lead).map(at);
        if let Some(lead) = lead {
            for p in points.iter().filter(|p| !p.lead) {
                let _ = root.draw(&PathElement::new(vec![lead, at(p)], RGBColor(150, 170, 200).stroke_width(2)));
            }
        }
        for p in points {
            let (radius, colour) = if p.lead { (9, RGBColor(200, 40, 40)) } else { (6, RGBColor(11, 92, 173)) };
            let xy = at(p);
            let _ = root.draw(&Circle::new(xy, radius, colour.filled()));
            let _ = root.draw(&Text::new(p.label.clone(), (xy.0 + 10, xy.1 - 6), ("sans-serif", 12).into_font().color(&BLACK)));
        }
        let _ = root.present();
    }
    svg
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_has_a_dot_per_school_and_a_line_per_member() {
        let points = vec![
            MapPoint { lat: 34.6, lon: 110.3, label: "龙头".into(), lead: true },
            MapPoint { lat: 34.7, lon: 110.4, label: "成员一".into(), lead: false },
            MapPoint { lat: 34.5, lon: 110.2, label: "成员二".into(), lead: false },
        ];
        let svg = cluster_svg(&points);
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert_eq!(svg.matches("<polyline").count() + svg.matches("<path").count() + svg.matches("<line").count(), 2);
        assert!(svg.contains("成员一"));
    }
}
