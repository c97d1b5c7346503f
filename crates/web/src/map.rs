//! A cluster's map: its schools placed by latitude and longitude, the lead larger, a line from
//! each member to the lead. Rendered on the server as SVG (printable, no JavaScript).

use plotters::prelude::*;

#[derive(Clone)]
pub struct MapPoint {
    pub lat: f64,
    pub lon: f64,
    pub label: String,
    pub lead: bool,
}

const SIZE: (u32, u32) = (560, 420);
const MARGIN: f64 = 40.0;

pub fn cluster_svg(points: &[MapPoint]) -> String {
    plan_svg(&[points.to_vec()], false)
}

/// Colours that stay apart on screen and on a grey printer, cycled for more clusters.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Several clusters on one map: each in its own colour, a line from every member to its lead,
/// the lead larger with a dark ring. `labels` writes every school's name (small maps only).
pub fn plan_svg(groups: &[Vec<MapPoint>], coloured: bool) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let _ = root.fill(&WHITE);
        let all: Vec<&MapPoint> = groups.iter().flatten().collect();
        if all.is_empty() {
            drop(root);
            return svg;
        }
        let (min_lat, max_lat) = bounds(all.iter().map(|p| p.lat));
        let (min_lon, max_lon) = bounds(all.iter().map(|p| p.lon));
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
        let labels = all.len() <= 40;
        for (g, points) in groups.iter().enumerate() {
            let colour = if coloured { PALETTE[g % PALETTE.len()] } else { RGBColor(11, 92, 173) };
            let line = if coloured { colour.mix(0.6) } else { RGBColor(150, 170, 200).mix(1.0) };
            if let Some(lead) = points.iter().find(|p| p.lead).map(at) {
                for p in points.iter().filter(|p| !p.lead) {
                    let _ = root.draw(&PathElement::new(vec![lead, at(p)], line.stroke_width(2)));
                }
            }
            for p in points {
                let xy = at(p);
                if p.lead {
                    let fill = if coloured { colour } else { RGBColor(200, 40, 40) };
                    let _ = root.draw(&Circle::new(xy, 9, fill.filled()));
                    let _ = root.draw(&Circle::new(xy, 9, BLACK.stroke_width(1)));
                } else {
                    let _ = root.draw(&Circle::new(xy, 5, colour.filled()));
                }
                if labels || p.lead {
                    let _ = root.draw(&Text::new(p.label.clone(), (xy.0 + 10, xy.1 - 6), ("sans-serif", 11).into_font().color(&BLACK)));
                }
            }
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
        // A dot per school, and a dark ring around the lead's dot.
        assert_eq!(svg.matches("<circle").count(), 3 + 1);
        assert_eq!(svg.matches("<polyline").count() + svg.matches("<path").count() + svg.matches("<line").count(), 2);
        assert!(svg.contains("成员一"));
    }

    #[test]
    fn a_plan_map_gives_each_cluster_its_own_colour() {
        let group = |lat: f64| {
            vec![
                MapPoint { lat, lon: 110.3, label: "龙头".into(), lead: true },
                MapPoint { lat: lat + 0.05, lon: 110.4, label: "成员".into(), lead: false },
            ]
        };
        let svg = plan_svg(&[group(34.5), group(34.9)], true);
        let colour = |c: RGBColor| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
        assert!(svg.contains(&colour(PALETTE[0])), "first cluster's colour");
        assert!(svg.contains(&colour(PALETTE[1])), "second cluster's colour");
        assert_eq!(svg.matches("<circle").count(), 4 + 2);
    }
}
