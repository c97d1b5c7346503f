//! Maps of clusters: schools placed by latitude and longitude, the lead larger, a line from each
//! member to its lead, every school named in a tooltip (`<title>`) and, where there is room, in
//! a label that does not cover another. Written as SVG with a view box, so the same map prints,
//! scales with the page and can be enlarged (app.js) without losing sharpness.

use std::fmt::Write;

#[derive(Clone)]
pub struct MapPoint {
    pub lat: f64,
    pub lon: f64,
    pub label: String,
    pub lead: bool,
}

const SIZE: (f64, f64) = (640.0, 480.0);
const MARGIN: f64 = 40.0;
const FONT: f64 = 11.0;

/// Kelly's colours of maximum contrast (without white and black), in the order that keeps the
/// first ones furthest apart: up to this many districts each get their own colour.
pub const PALETTE: [&str; 20] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#f3c300", "#875692",
    "#f38400", "#a1caf1", "#be0032", "#c2b280", "#008856", "#e68fac", "#0067a5", "#604e97",
];

pub fn cluster_svg(points: &[MapPoint]) -> String {
    plan_svg(&[points.to_vec()], &[PALETTE[0]], false)
}

/// A colour for every district. With no more districts than colours each has its own; beyond
/// that, districts whose schools lie near each other never share one (greedy colouring of the
/// neighbour graph), and the map numbers every district so that two far apart in the same
/// colour are still told apart.
pub fn district_colours(groups: &[Vec<MapPoint>]) -> Vec<&'static str> {
    if groups.len() <= PALETTE.len() {
        return (0..groups.len()).map(|g| PALETTE[g]).collect();
    }
    let centre = |g: &[MapPoint]| {
        let n = g.len().max(1) as f64;
        (g.iter().map(|p| p.lat).sum::<f64>() / n, g.iter().map(|p| p.lon).sum::<f64>() / n)
    };
    let centres: Vec<(f64, f64)> = groups.iter().map(|g| centre(g)).collect();
    let distance = |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    // Neighbours: the districts whose centres are among the nearest to this one.
    const NEAREST: usize = 8;
    let mut colour: Vec<usize> = vec![usize::MAX; groups.len()];
    for g in 0..groups.len() {
        let mut others: Vec<usize> = (0..groups.len()).filter(|&o| o != g).collect();
        others.sort_by(|&a, &b| distance(centres[g], centres[a]).total_cmp(&distance(centres[g], centres[b])));
        let taken: Vec<usize> = others.iter().take(NEAREST).map(|&o| colour[o]).collect();
        colour[g] = (0..PALETTE.len()).find(|c| !taken.contains(c)).unwrap_or(g % PALETTE.len());
    }
    colour.into_iter().map(|c| PALETTE[c]).collect()
}

/// Several clusters on one map, each in its colour; `numbered` writes each district's number
/// next to its lead (when colours repeat).
pub fn plan_svg(groups: &[Vec<MapPoint>], colours: &[&str], numbered: bool) -> String {
    let (w, h) = SIZE;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" class="school-map" data-enlarge><rect width="{w}" height="{h}" fill="#fff"/>"##
    );
    let all: Vec<&MapPoint> = groups.iter().flatten().collect();
    if all.is_empty() {
        svg.push_str("</svg>");
        return svg;
    }
    let at = projection(&all);
    let mut labels = Labels::default();
    // Lines first, dots over them, names last over everything.
    for (g, points) in groups.iter().enumerate() {
        let colour = colours.get(g).copied().unwrap_or(PALETTE[0]);
        if let Some(lead) = points.iter().find(|p| p.lead).map(&at) {
            for p in points.iter().filter(|p| !p.lead) {
                let (x, y) = at(p);
                let _ = write!(
                    svg,
                    r#"<line x1="{:.1}" y1="{:.1}" x2="{x:.1}" y2="{y:.1}" stroke="{colour}" stroke-opacity="0.6" stroke-width="2"/>"#,
                    lead.0, lead.1
                );
            }
        }
    }
    for (g, points) in groups.iter().enumerate() {
        let colour = colours.get(g).copied().unwrap_or(PALETTE[0]);
        for p in points {
            let (x, y) = at(p);
            let title = escape(&p.label);
            if p.lead {
                let _ =
                    write!(svg, r##"<circle cx="{x:.1}" cy="{y:.1}" r="9" fill="{colour}" stroke="#000"><title>{title}</title></circle>"##);
            } else {
                let _ = write!(svg, r#"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{colour}"><title>{title}</title></circle>"#);
            }
        }
    }
    // Leads' names first (they matter most), then members' while the map is not crowded.
    let mut named: Vec<(usize, &MapPoint)> = groups.iter().enumerate().flat_map(|(g, ps)| ps.iter().map(move |p| (g, p))).collect();
    named.sort_by_key(|(_, p)| !p.lead);
    let crowded = all.len() > 60;
    for (g, p) in named.into_iter().filter(|(_, p)| p.lead || !crowded) {
        let text = if numbered && p.lead { format!("{} {}", g + 1, p.label) } else { p.label.clone() };
        if let Some((x, y)) = labels.place(at(p), &text, if p.lead { 9.0 } else { 5.0 }) {
            let weight = if p.lead { r#" font-weight="600""# } else { "" };
            let _ = write!(
                svg,
                r##"<text x="{x:.1}" y="{y:.1}" font-size="{FONT}" font-family="sans-serif"{weight} paint-order="stroke" stroke="#fff" stroke-width="3">{}</text>"##,
                escape(&text)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Latitude and longitude to the drawing, at the same scale both ways (1° of longitude is
/// cos(latitude) × 1° of latitude), centred.
fn projection(all: &[&MapPoint]) -> impl Fn(&MapPoint) -> (f64, f64) + use<> {
    let (w, h) = SIZE;
    let (min_lat, max_lat) = bounds(all.iter().map(|p| p.lat));
    let (min_lon, max_lon) = bounds(all.iter().map(|p| p.lon));
    let k = ((min_lat + max_lat) / 2.0).to_radians().cos();
    let span_x = ((max_lon - min_lon) * k).max(0.005);
    let span_y = (max_lat - min_lat).max(0.005);
    let scale = ((w - 2.0 * MARGIN) / span_x).min((h - 2.0 * MARGIN) / span_y);
    let x0 = (w - (max_lon - min_lon) * k * scale) / 2.0;
    let y0 = (h + (max_lat - min_lat) * scale) / 2.0;
    move |p: &MapPoint| (x0 + (p.lon - min_lon) * k * scale, y0 - (p.lat - min_lat) * scale)
}

/// The boxes of the labels placed so far.
#[derive(Default)]
struct Labels {
    boxes: Vec<(f64, f64, f64, f64)>,
}

impl Labels {
    /// Where a label of `text` for a dot at `at` (of radius `r`) fits without covering another
    /// label or leaving the map: right, left, above or below the dot; `None` if nowhere.
    fn place(&mut self, at: (f64, f64), text: &str, r: f64) -> Option<(f64, f64)> {
        let width: f64 = text.chars().map(|c| if c.is_ascii() { FONT * 0.6 } else { FONT }).sum();
        let (x, y) = at;
        let candidates = [
            (x + r + 3.0, y + FONT / 3.0),
            (x - r - 3.0 - width, y + FONT / 3.0),
            (x - width / 2.0, y - r - 4.0),
            (x - width / 2.0, y + r + FONT + 2.0),
        ];
        for (lx, ly) in candidates {
            let b = (lx, ly - FONT, lx + width, ly + 2.0);
            let inside = b.0 >= 0.0 && b.2 <= SIZE.0 && b.1 >= 0.0 && b.3 <= SIZE.1;
            if inside && !self.boxes.iter().any(|o| b.0 < o.2 && o.0 < b.2 && b.1 < o.3 && o.1 < b.3) {
                self.boxes.push(b);
                return Some((lx, ly));
            }
        }
        None
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(lat: f64, lon: f64, label: &str, lead: bool) -> MapPoint {
        MapPoint { lat, lon, label: label.into(), lead }
    }

    #[test]
    fn the_map_has_a_dot_and_a_tooltip_per_school_and_a_line_per_member() {
        let points = vec![point(34.6, 110.3, "龙头", true), point(34.7, 110.4, "成员一", false), point(34.5, 110.2, "成员<二>", false)];
        let svg = cluster_svg(&points);
        assert!(svg.starts_with("<svg") && svg.contains("viewBox"));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert_eq!(svg.matches("<title>").count(), 3, "every school has a tooltip");
        assert_eq!(svg.matches("<line").count(), 2);
        assert!(svg.contains("<title>成员&lt;二&gt;</title>"), "names are escaped");
    }

    #[test]
    fn every_district_has_its_own_colour_while_the_palette_lasts() {
        let groups: Vec<Vec<MapPoint>> = (0..11).map(|g| vec![point(34.0 + g as f64 * 0.01, 110.0, "龙头", true)]).collect();
        let colours = district_colours(&groups);
        let distinct: std::collections::HashSet<_> = colours.iter().collect();
        assert_eq!(distinct.len(), 11, "11 districts, 11 colours");
    }

    #[test]
    fn beyond_the_palette_neighbours_never_share_a_colour() {
        // 40 districts on a line: each one's nearest neighbours differ from it.
        let groups: Vec<Vec<MapPoint>> = (0..40).map(|g| vec![point(34.0, 110.0 + g as f64 * 0.01, "龙头", true)]).collect();
        let colours = district_colours(&groups);
        for g in 0usize..40 {
            for o in g.saturating_sub(4)..(g + 5).min(40) {
                if o != g {
                    assert_ne!(colours[g], colours[o], "districts {g} and {o} are neighbours");
                }
            }
        }
    }

    #[test]
    fn labels_do_not_cover_each_other() {
        // Ten schools on almost the same spot: the labels that are drawn do not overlap.
        let points: Vec<MapPoint> = (0..10).map(|i| point(34.6, 110.3, &format!("学校{i}"), i == 0)).collect();
        let svg = plan_svg(&[points], &[PALETTE[0]], false);
        let mut labels = Labels::default();
        let placed = (0..10).filter(|i| labels.place((100.0, 100.0), &format!("学校{i}"), 5.0).is_some()).count();
        assert!(placed <= 4, "at most one label per side of a crowded spot");
        assert!(svg.matches("<text").count() <= 4);
        assert_eq!(svg.matches("<title>").count(), 10, "but every school keeps its tooltip");
    }
}
