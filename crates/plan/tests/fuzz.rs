//! The CPMP reader on anything: random text and damaged instances never panic and never
//! reserve what a header merely claims; the answer is a plan problem or an error naming a line.

use proptest::prelude::*;
use xuequ_plan::{Convention, Problem};

fn instance() -> impl Strategy<Value = String> {
    (1usize..8, 1usize..4, prop::collection::vec((0.0f64..100.0, 0.0f64..100.0, 1.0f64..50.0, 1.0f64..10.0), 1..8)).prop_map(
        |(n, p, pts)| {
            let mut text = format!("{n} {p}\n");
            for (x, y, c, d) in pts {
                text.push_str(&format!("{x} {y} {c} {d}\n"));
            }
            text
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_read_or_refused(text in "\\PC{0,200}") {
        let _ = Problem::parse_cpmp(&text, Convention::Euclidean);
    }

    #[test]
    fn damaged_instances_are_read_or_refused(text in instance(), cut in 0usize..200, junk in "[0-9eE.+-]{0,12}", at in 0usize..200) {
        let mut damaged = text.clone();
        damaged.truncate(cut.min(damaged.len()));
        let at = at.min(damaged.len());
        if damaged.is_char_boundary(at) {
            damaged.insert_str(at, &junk);
        }
        let _ = Problem::parse_cpmp(&damaged, Convention::Euclidean);
    }
}

#[test]
fn a_header_claiming_billions_of_points_is_refused_without_reserving_them() {
    for header in ["1e18 3\n0 0 1 1\n", "18446744073709551615 1\n", "NaN 1\n", "-5 1\n", "3.5 1\n", "3 9\n"] {
        assert!(Problem::parse_cpmp(header, Convention::Euclidean).is_err(), "{header:?}");
    }
}
