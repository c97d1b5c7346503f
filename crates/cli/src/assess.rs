//! `xuequ assess`: the balance assessment of a file, printed as a readable report or as JSON.

use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use xuequ_assess::standard::{Indicator, SET_2012, SET_2017};
use xuequ_assess::{Coefficients, Report, SectionInput};
use xuequ_i18n::Tr;
use xuequ_i18n::assessment::{exclusion_text, indicator_name, shortfall_text};
use xuequ_sheets::SheetRecord;

pub fn run(input: &Path, json: bool) -> Result<()> {
    let tr = Tr::default();
    let bytes = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    let name = input.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let table = xuequ_sheets::read_table(&bytes, &name).map_err(|p| anyhow::anyhow!("{}: {}", input.display(), tr.problem(&p.problem)))?;
    let (rows, problems) = xuequ_sheets::parse::<SectionInput>(&table);
    let place = |row: usize, column: &str, sheet: &str| {
        tr.with(
            "import-place",
            &[
                ("file", input.display().to_string()),
                ("sheet", sheet.to_string()),
                ("row", row.to_string()),
                ("column", column.to_string()),
            ],
        )
    };
    if !problems.is_empty() {
        for p in problems.iter().take(200) {
            eprintln!("{}：{}", place(p.row, &p.column, &p.sheet), tr.problem(&p.problem));
        }
        bail!("{}", tr.with("error-import-invalid", &[("count", problems.len().to_string())]));
    }
    let rows: Vec<SectionInput> = rows.into_iter().map(|(row, input)| SectionInput { row, ..input }).collect();
    match xuequ_assess::assess(&rows) {
        Ok(report) => {
            // Streamed: a national report is large and need not be held twice in memory.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if json {
                serde_json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
            } else {
                out.write_all(text(&report, &tr).as_bytes())?;
            }
            out.flush()?;
            Ok(())
        }
        Err(problems) => {
            for p in problems.iter().take(200) {
                let column = table.column_label(SectionInput::COLUMNS, p.field);
                eprintln!("{}：{}", place(p.row, &column, &table.sheet), tr.problem(&p.problem));
            }
            bail!("{}", tr.with("error-import-invalid", &[("count", problems.len().to_string())]))
        }
    }
}

fn verdict(tr: &Tr, passed: bool) -> String {
    tr.get(if passed { "assess-passed" } else { "assess-failed" })
}

/// Pads to a display width, counting a Chinese character as two columns.
fn pad(text: &str, width: usize) -> String {
    let shown = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(shown)))
}

const NAME_WIDTH: usize = 52;

fn coefficients_table(out: &mut String, tr: &Tr, c: &Coefficients, set: &[Indicator], per_indicator_limit: bool) {
    let right = |text: String, width: usize| {
        format!("{}{text}", " ".repeat(width.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()))))
    };
    let _ = writeln!(
        out,
        "  {}{} {}",
        pad(&tr.get("assess-indicator"), NAME_WIDTH),
        right(tr.get("assess-cv"), 10),
        right(tr.get("assess-limit"), 8)
    );
    for indicator in set {
        let cv = c.cv[indicator.key()];
        let mark = if per_indicator_limit { verdict(tr, cv <= c.cv_limit + 1e-9) } else { String::new() };
        let limit = if per_indicator_limit { format!("≤{:.2}", c.cv_limit) } else { String::new() };
        let _ = writeln!(out, "  {}{cv:>10.4} {limit:>8}  {mark}", pad(&indicator_name(tr, indicator.key()), NAME_WIDTH));
    }
    let composite_limit = if per_indicator_limit { String::new() } else { format!("≤{:.2}", c.cv_limit) };
    let _ = writeln!(out, "  {}{:>10.4} {composite_limit:>8}", pad(&tr.get("indicator-composite"), NAME_WIDTH), c.cv["composite"]);
}

/// The readable report.
pub fn text(report: &Report, tr: &Tr) -> String {
    let mut out = String::new();
    let stage = |s: xuequ_domain::Section| tr.code("section", s.code());
    let _ = writeln!(out, "{}\n", tr.get("assess-title"));
    for (section, c) in &report.sections {
        let args = [("stage", stage(*section)), ("schools", c.schools.to_string()), ("students", format!("{:.0}", c.students))];
        let _ = writeln!(out, "{}", tr.with("assess-stage", &args));
        coefficients_table(&mut out, tr, c, &SET_2017, true);
        let _ = writeln!(out, "  {}\n", tr.with("assess-stage-verdict", &[("stage", stage(*section)), ("verdict", verdict(tr, c.passed))]));
    }
    if !report.basic_2012.is_empty() {
        let _ = writeln!(out, "{}\n", tr.get("assess-basic-title"));
        for (section, c) in &report.basic_2012 {
            let args = [("stage", stage(*section)), ("schools", c.schools.to_string()), ("students", format!("{:.0}", c.students))];
            let _ = writeln!(out, "{}", tr.with("assess-stage", &args));
            coefficients_table(&mut out, tr, c, &SET_2012, false);
            let _ =
                writeln!(out, "  {}\n", tr.with("assess-stage-verdict", &[("stage", stage(*section)), ("verdict", verdict(tr, c.passed))]));
        }
    }
    let passed = report.schools.iter().filter(|s| s.passed).count();
    let _ = writeln!(out, "{}", tr.get("assess-schools"));
    let summary = [
        ("total", (report.schools.len() + report.excluded.len()).to_string()),
        ("passed", passed.to_string()),
        ("failed", (report.schools.len() - passed).to_string()),
        ("excluded", report.excluded.len().to_string()),
    ];
    let _ = writeln!(out, "{}", tr.with("assess-summary", &summary));
    for s in &report.schools {
        let met = s.met.values().filter(|m| **m).count();
        let args = [
            ("code", s.code.clone()),
            ("name", s.name.clone()),
            ("stage", stage(s.section)),
            ("met", met.to_string()),
            ("verdict", verdict(tr, s.passed)),
        ];
        let _ = writeln!(out, "{}", tr.with("assess-school-line", &args));
        for f in &s.shortfalls {
            let what = shortfall_text(tr, f);
            let _ = writeln!(out, "    {}", tr.with("assess-shortfall", &[("what", what)]));
        }
        if s.class_size_ok == Some(false) {
            let limit = xuequ_assess::standard::max_class_size(s.section);
            let _ = writeln!(out, "    {}", tr.with("assess-class-size", &[("limit", limit.to_string())]));
        }
        if !s.school_size_ok {
            let _ = writeln!(out, "    {}", tr.with("assess-school-size", &[("limit", "2000 / 2500".to_string())]));
        }
    }
    if !report.excluded.is_empty() {
        let _ = writeln!(out, "\n{}", tr.get("assess-excluded"));
        for e in &report.excluded {
            let reason = exclusion_text(tr, e.reason);
            let _ = writeln!(
                out,
                "{}",
                tr.with(
                    "assess-excluded-line",
                    &[("code", e.code.clone()), ("name", e.name.clone()), ("stage", stage(e.section)), ("reason", reason)]
                )
            );
        }
    }
    let _ = writeln!(out, "\n{}", tr.get("assess-advice"));
    // Only coefficients above zero, and only schools whose coming to the mean lowers them.
    for a in report.advice.iter().filter(|a| a.cv > 1e-9) {
        let _ = writeln!(out, "{} · {} ({:.4})", stage(a.section), indicator_name(tr, a.indicator.key()), a.cv);
        for l in a.levers.iter().filter(|l| l.cv_if_at_mean < a.cv - 1e-9).take(3) {
            let args = [
                ("name", l.name.clone()),
                ("value", format!("{:.2}", l.value)),
                ("from", format!("{:.4}", a.cv)),
                ("to", format!("{:.4}", l.cv_if_at_mean)),
            ];
            let _ = writeln!(out, "    {}", tr.with("assess-lever", &args));
        }
    }
    out
}
