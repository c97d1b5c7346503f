//! The readers on random and damaged files: a random small workbook reads back as written (XLSX
//! and CSV); bytes flipped, cut or inserted into real files of every format never panic and are
//! answered quickly with a table or a problem. Proptest stands in for a fuzzer: a few seconds
//! of cases on every test run.

use proptest::prelude::*;
use rust_xlsxwriter::Workbook;
use xuequ_sheets::{Cell, read_table};

/// Grids of text and whole numbers, with holes.
fn grid() -> impl Strategy<Value = Vec<Vec<Option<String>>>> {
    let cell = prop_oneof![
        3 => "[a-z\u{4e00}-\u{4e50}]{1,8}".prop_map(Some),
        1 => (0u32..100_000).prop_map(|n| Some(n.to_string())),
        1 => Just(None),
    ];
    (1usize..6).prop_flat_map(move |width| prop::collection::vec(prop::collection::vec(cell.clone(), width), 2..12))
}

fn xlsx(grid: &[Vec<Option<String>>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in grid.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if let Some(v) = value {
                match v.parse::<f64>() {
                    Ok(n) => sheet.write_number(r as u32, c as u16, n).map(|_| ()),
                    Err(_) => sheet.write_string(r as u32, c as u16, v).map(|_| ()),
                }
                .unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn csv(grid: &[Vec<Option<String>>]) -> Vec<u8> {
    grid.iter()
        .map(|row| row.iter().map(|v| v.clone().unwrap_or_default()).collect::<Vec<_>>().join(",") + "\n")
        .collect::<String>()
        .into_bytes()
}

fn text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        Cell::Text(s) => Some(s.clone()),
        Cell::Number(n) => Some(format!("{n}")),
        other => Some(format!("{other:?}")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_random_workbook_reads_back_as_written(grid in grid()) {
        // A header that is whole: the table starts at the first used row and column.
        let mut grid = grid;
        for (c, h) in grid[0].iter_mut().enumerate() {
            *h = Some(format!("列{c}"));
        }
        for (bytes, name) in [(xlsx(&grid), "g.xlsx"), (csv(&grid), "g.csv")] {
            let table = read_table(&bytes, name).unwrap();
            prop_assert_eq!(table.headers.iter().map(|h| Some(h.clone())).collect::<Vec<_>>(), grid[0].clone());
            let want: Vec<Vec<Option<String>>> = grid[1..].iter().filter(|r| r.iter().any(Option::is_some)).cloned().collect();
            let got: Vec<Vec<Option<String>>> = table.rows.iter().map(|(_, r)| r.iter().map(text).collect()).collect();
            prop_assert_eq!(got, want, "{}", name);
        }
    }
}

/// Real files of each format to damage.
fn seeds() -> Vec<(Vec<u8>, &'static str)> {
    let grid: Vec<Vec<Option<String>>> =
        (0..20).map(|r| (0..5).map(|c| Some(if r == 0 { format!("列{c}") } else { format!("值{r}-{c}") })).collect()).collect();
    vec![(xlsx(&grid), "seed.xlsx"), (csv(&grid), "seed.csv"), (xuequ_testkit::hostile::ods_repeating(3, 5), "seed.ods")]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn damaged_files_are_read_or_refused_without_panic(
        which in 0usize..3,
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..16),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let (mut bytes, name) = seeds().swap_remove(which);
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        let started = std::time::Instant::now();
        let _ = read_table(&bytes, name);
        prop_assert!(started.elapsed().as_secs() < 5, "{} took too long", name);
    }
}
