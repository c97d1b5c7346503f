//! Charts for printed and on-screen reports, rendered on the server as SVG.

use plotters::prelude::*;

/// Bars of difference coefficients against their limit (a red line): green at or under it, red
/// above. Bars are numbered 1..n; the page's table names them.
pub fn coefficient_bars(values: &[f64], limit: f64) -> String {
    coefficient_bars_with(values, limit, |v| if v <= limit + 1e-9 { RGBColor(6, 118, 71) } else { RGBColor(180, 35, 24) }, "")
}

fn coefficient_bars_with(values: &[f64], limit: f64, colour_of: impl Fn(f64) -> RGBColor, unit: &str) -> String {
    const SIZE: (u32, u32) = (520, 240);
    const LEFT: i32 = 40;
    const BOTTOM: i32 = 30;
    const TOP: i32 = 20;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let _ = root.fill(&WHITE);
        let top = values.iter().copied().fold(limit * 1.25, f64::max).max(0.01);
        let height = (SIZE.1 as i32 - BOTTOM - TOP) as f64;
        let y = |v: f64| SIZE.1 as i32 - BOTTOM - (v / top * height) as i32;
        let slot = (SIZE.0 as i32 - LEFT - 10) / values.len().max(1) as i32;
        let axis = RGBColor(150, 150, 150);
        let _ = root.draw(&PathElement::new(vec![(LEFT, y(0.0)), (SIZE.0 as i32 - 10, y(0.0))], axis));
        for (i, v) in values.iter().enumerate() {
            let x0 = LEFT + i as i32 * slot + slot / 5;
            let x1 = x0 + slot * 3 / 5;
            let colour = colour_of(*v);
            let _ = root.draw(&Rectangle::new([(x0, y(*v)), (x1, y(0.0))], colour.filled()));
            let label = if unit.is_empty() { format!("{v:.3}") } else { format!("{v:.0}{unit}") };
            let _ = root.draw(&Text::new(label, (x0, y(*v) - 14), ("sans-serif", 11).into_font().color(&BLACK)));
            let _ =
                root.draw(&Text::new(format!("{}", i + 1), ((x0 + x1) / 2 - 3, y(0.0) + 6), ("sans-serif", 12).into_font().color(&BLACK)));
        }
        let red = RGBColor(180, 35, 24);
        let _ = root.draw(&PathElement::new(vec![(LEFT, y(limit)), (SIZE.0 as i32 - 10, y(limit))], red.stroke_width(2)));
        let limit_label = if unit.is_empty() { format!("{limit:.2}") } else { format!("{limit:.0}{unit}") };
        let _ = root.draw(&Text::new(limit_label, (4, y(limit) - 6), ("sans-serif", 11).into_font().color(&red)));
        let _ = root.present();
    }
    svg
}

/// A school's indicators as a share of their thresholds: bars at or over 100 % green, at or over
/// 85 % amber, below red; the 100 % line marks the threshold.
pub fn threshold_bars(shares: &[f64]) -> String {
    let values: Vec<f64> = shares.iter().map(|s| s * 100.0).collect();
    let mut svg = coefficient_bars_with(
        &values,
        100.0,
        |v| {
            if v >= 100.0 - 1e-9 {
                RGBColor(6, 118, 71)
            } else if v >= 85.0 - 1e-9 {
                RGBColor(181, 71, 8)
            } else {
                RGBColor(180, 35, 24)
            }
        },
        "%",
    );
    svg.shrink_to_fit();
    svg
}

/// Hours lent and borrowed per school as pairs of horizontal bars (lent blue, borrowed amber),
/// one row a school, its name on the left; `labels` names the two bars in the legend.
pub fn lent_borrowed(rows: &[(&str, f64, f64)], labels: (&str, &str)) -> String {
    const WIDTH: i32 = 640;
    const NAME: i32 = 170;
    const ROW: i32 = 26;
    const TOP: i32 = 28;
    let height = TOP + ROW * rows.len().max(1) as i32 + 10;
    let (lent, borrowed) = (RGBColor(21, 112, 239), RGBColor(220, 104, 3));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH as u32, height as u32)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let most = rows.iter().map(|r| r.1.max(r.2)).fold(0.0f64, f64::max).max(0.1);
        let span = (WIDTH - NAME - 60) as f64;
        let x = |v: f64| NAME + (v / most * span) as i32;
        let font = ("sans-serif", 12).into_font().color(&BLACK);
        for (i, (colour, label)) in [(lent, labels.0), (borrowed, labels.1)].into_iter().enumerate() {
            let left = NAME + i as i32 * 110;
            let _ = root.draw(&Rectangle::new([(left, 8), (left + 12, 20)], colour.filled()));
            let _ = root.draw(&Text::new(label.to_string(), (left + 16, 8), font.clone()));
        }
        for (i, (name, l, b)) in rows.iter().enumerate() {
            let y = TOP + i as i32 * ROW;
            let _ = root.draw(&Text::new(name.chars().take(12).collect::<String>(), (4, y + 6), font.clone()));
            for (j, (value, colour)) in [(*l, lent), (*b, borrowed)].into_iter().enumerate() {
                let top = y + 2 + j as i32 * 11;
                let _ = root.draw(&Rectangle::new([(NAME, top), (x(value).max(NAME + 1), top + 9)], colour.filled()));
                let _ = root.draw(&Text::new(format!("{value:.1}"), (x(value) + 4, top - 1), ("sans-serif", 10).into_font().color(&BLACK)));
            }
        }
        let _ = root.present();
    }
    svg
}

/// Scores of 0–100 as horizontal bars, one row a name (a cluster, a school): the score's bar
/// and number, or a dash where it is missing (never a bar of 0 in its place).
pub fn score_bars(rows: &[(&str, Option<f64>)]) -> String {
    const WIDTH: i32 = 640;
    const NAME: i32 = 190;
    const ROW: i32 = 22;
    let height = ROW * rows.len().max(1) as i32 + 8;
    let bar = RGBColor(21, 112, 239);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH as u32, height as u32)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let span = (WIDTH - NAME - 50) as f64;
        let font = ("sans-serif", 12).into_font().color(&BLACK);
        for (i, (name, score)) in rows.iter().enumerate() {
            let y = 4 + i as i32 * ROW;
            let _ = root.draw(&Text::new(name.chars().take(14).collect::<String>(), (4, y + 3), font.clone()));
            match score {
                Some(v) => {
                    let end = NAME + (v.clamp(0.0, 100.0) / 100.0 * span) as i32;
                    let _ = root.draw(&Rectangle::new([(NAME, y + 2), (end.max(NAME + 1), y + ROW - 6)], bar.filled()));
                    let _ = root.draw(&Text::new(format!("{v:.1}"), (end + 4, y + 3), font.clone()));
                }
                None => {
                    let _ = root.draw(&Text::new("—".to_string(), (NAME + 4, y + 3), font.clone()));
                }
            }
        }
        let _ = root.present();
    }
    svg
}

/// Value-added of schools (增值): each school's estimate as a dot on its 95 % interval, zero as
/// a grey line; green when the interval lies above zero, red when below, blue otherwise.
/// Rows: name, estimate, low, high, mark (+1, −1, 0).
pub fn intervals(rows: &[(&str, f64, f64, f64, i8)]) -> String {
    const WIDTH: i32 = 640;
    const NAME: i32 = 170;
    const ROW: i32 = 20;
    const TOP: i32 = 18;
    let height = TOP + ROW * rows.len().max(1) as i32 + 8;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH as u32, height as u32)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let reach = rows.iter().flat_map(|r| [r.2.abs(), r.3.abs()]).fold(0.1f64, f64::max);
        let (left, right) = (NAME + 10, WIDTH - 20);
        let x = |v: f64| left + ((v + reach) / (2.0 * reach) * (right - left) as f64) as i32;
        let grey = RGBColor(150, 150, 150);
        let _ = root.draw(&PathElement::new(vec![(x(0.0), TOP - 4), (x(0.0), height - 4)], grey));
        let small = ("sans-serif", 10).into_font().color(&grey);
        for v in [-reach, 0.0, reach] {
            let _ = root.draw(&Text::new(format!("{v:+.2}"), (x(v) - 14, 2), small.clone()));
        }
        let font = ("sans-serif", 12).into_font().color(&BLACK);
        for (i, (name, value, lo, hi, mark)) in rows.iter().enumerate() {
            let y = TOP + i as i32 * ROW + ROW / 2;
            let colour = match mark {
                1 => RGBColor(6, 118, 71),
                -1 => RGBColor(180, 35, 24),
                _ => RGBColor(21, 112, 239),
            };
            let _ = root.draw(&Text::new(name.chars().take(12).collect::<String>(), (4, y - 7), font.clone()));
            let _ = root.draw(&PathElement::new(vec![(x(*lo), y), (x(*hi), y)], colour.stroke_width(2)));
            let _ = root.draw(&Circle::new((x(*value), y), 4, colour.filled()));
        }
        let _ = root.present();
    }
    svg
}

/// Lines of values over years (the balance coefficients' trend): one colour per series, a
/// dot per year with a value and no line across a missing year; `limits` draws each series'
/// limit as a dashed line of its colour. Series: (name, values by year).
pub fn trend_lines(years: &[i32], series: &[(&str, Vec<Option<f64>>)], limits: &[f64]) -> String {
    const SIZE: (u32, u32) = (560, 220);
    const LEFT: i32 = 46;
    const BOTTOM: i32 = 26;
    const TOP: i32 = 24;
    const RIGHT: i32 = 16;
    let colours = [RGBColor(21, 112, 239), RGBColor(220, 104, 3), RGBColor(6, 118, 71)];
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let _ = root.fill(&WHITE);
        let top = series.iter().flat_map(|(_, v)| v.iter().flatten().copied()).chain(limits.iter().copied()).fold(0.01f64, f64::max) * 1.15;
        let height = (SIZE.1 as i32 - BOTTOM - TOP) as f64;
        let y = |v: f64| SIZE.1 as i32 - BOTTOM - (v / top * height) as i32;
        let step = (SIZE.0 as i32 - LEFT - RIGHT) / (years.len().max(2) as i32 - 1);
        let x = |i: usize| LEFT + i as i32 * step;
        let grey = RGBColor(150, 150, 150);
        let small = ("sans-serif", 11).into_font().color(&BLACK);
        let _ = root.draw(&PathElement::new(vec![(LEFT, y(0.0)), (SIZE.0 as i32 - RIGHT, y(0.0))], grey));
        for (i, year) in years.iter().enumerate() {
            let _ = root.draw(&Text::new(year.to_string(), (x(i) - 14, y(0.0) + 6), small.clone()));
        }
        for (k, (name, values)) in series.iter().enumerate() {
            let colour = colours[k % colours.len()];
            let _ = root.draw(&Rectangle::new([(LEFT + k as i32 * 120, 6), (LEFT + k as i32 * 120 + 12, 16)], colour.filled()));
            let _ = root.draw(&Text::new(name.to_string(), (LEFT + k as i32 * 120 + 16, 5), small.clone()));
            if let Some(limit) = limits.get(k) {
                let mut dash = x(0);
                while dash < SIZE.0 as i32 - RIGHT {
                    let _ =
                        root.draw(&PathElement::new(vec![(dash, y(*limit)), ((dash + 6).min(SIZE.0 as i32 - RIGHT), y(*limit))], colour));
                    dash += 12;
                }
            }
            for (i, pair) in values.windows(2).enumerate() {
                if let [Some(a), Some(b)] = pair {
                    let _ = root.draw(&PathElement::new(vec![(x(i), y(*a)), (x(i + 1), y(*b))], colour.stroke_width(2)));
                }
            }
            for (i, v) in values.iter().enumerate() {
                if let Some(v) = v {
                    let _ = root.draw(&Circle::new((x(i), y(*v)), 3, colour.filled()));
                    let _ =
                        root.draw(&Text::new(format!("{v:.3}"), (x(i) - 14, y(*v) - 16), ("sans-serif", 10).into_font().color(&colour)));
                }
            }
        }
        let _ = root.present();
    }
    svg
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_trend_skips_missing_years() {
        let svg = super::trend_lines(&[2022, 2023, 2024], &[("小学", vec![Some(0.41), None, Some(0.36)])], &[0.5]);
        assert!(svg.contains("0.410") && svg.contains("0.360") && svg.contains("2023"));
        // No line joins a year to a missing one: two dots, no segment of width 2.
        assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
        assert!(!svg.contains("stroke-width=\"2\""), "{svg}");
    }

    #[test]
    fn a_missing_score_is_a_dash_not_a_bar() {
        let svg = super::score_bars(&[("城关学区", Some(72.5)), ("东坪片区", None)]);
        assert!(svg.contains("72.5") && svg.contains("—"));
        // Background and one bar: the missing score draws none.
        assert_eq!(svg.matches("<rect").count(), 2, "{svg}");
    }

    #[test]
    fn value_added_intervals_are_coloured_by_their_mark() {
        let svg = super::intervals(&[("城关一小", 0.3, 0.1, 0.5, 1), ("东坪小学", -0.2, -0.4, -0.05, -1), ("柳湾小学", 0.0, -0.2, 0.2, 0)]);
        assert!(svg.contains("城关一小") && svg.contains("+0.50") && svg.contains("-0.50"));
        for colour in ["#067647", "#B42318", "#1570EF"] {
            assert!(svg.to_uppercase().contains(colour), "{colour} in {svg}");
        }
    }

    #[test]
    fn lent_and_borrowed_bars_per_school_scaled_to_the_most() {
        let svg = super::lent_borrowed(&[("城关一小", 12.0, 0.0), ("东坪小学", 0.0, 6.0)], ("借出", "借入"));
        assert!(svg.contains("城关一小") && svg.contains("东坪小学") && svg.contains("借出") && svg.contains("借入"));
        assert!(svg.contains("12.0") && svg.contains("6.0"));
        // Background, two legend swatches, two bars a school.
        assert_eq!(svg.matches("<rect").count(), 1 + 2 + 4);
    }

    #[test]
    fn a_bar_per_coefficient_coloured_by_the_limit() {
        let svg = super::coefficient_bars(&[0.2, 0.6, 0.1], 0.5);
        assert_eq!(svg.matches("<rect").count(), 3 + 1, "three bars and the background");
        assert!(svg.contains("0.600") && svg.contains("0.50"));
        assert!(svg.contains("#B42318") || svg.to_lowercase().contains("#b42318"), "the bar over the limit is red");
    }

    #[test]
    fn threshold_bars_show_shares_in_percent() {
        let svg = super::threshold_bars(&[1.2, 0.9, 0.5]).to_lowercase();
        assert!(svg.contains("120%") && svg.contains("90%") && svg.contains("50%") && svg.contains("100%"));
        assert!(svg.contains("#067647") && svg.contains("#b54708") && svg.contains("#b42318"), "green, amber, red");
    }
}
