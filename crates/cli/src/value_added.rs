//! `xuequ value-added`: value-added (增值评价) of a scores file, as JSON or a readable table.

use anyhow::{Context, Result, bail};
use std::path::Path;
use xuequ_evaluate::value_added::{Group, value_added};
use xuequ_i18n::Tr;

pub fn run(input: &Path, json: bool) -> Result<()> {
    let tr = Tr::default();
    let bytes = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    let name = input.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let table = xuequ_sheets::read_table(&bytes, &name).map_err(|p| anyhow::anyhow!("{}: {}", input.display(), tr.problem(&p.problem)))?;
    let scores = match xuequ_sheets::read_scores(&table) {
        Ok(scores) => scores,
        Err(problems) => {
            for p in problems.iter().take(200) {
                let place = tr.with(
                    "import-place",
                    &[
                        ("file", input.display().to_string()),
                        ("sheet", p.sheet.clone()),
                        ("row", p.row.to_string()),
                        ("column", p.column.clone()),
                    ],
                );
                eprintln!("{place}：{}", tr.problem(&p.problem));
            }
            bail!("{}", tr.with("error-import-invalid", &[("count", problems.len().to_string())]));
        }
    };
    let groups = value_added(&scores);
    if json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "groups": groups_json(&groups) }))?);
    } else {
        print!("{}", text(&groups, &tr));
    }
    Ok(())
}

/// `{"grade|subject": {"a", "b", "sigma2", "tau2", "schools": {code: {"n", "raw", "shrunk", "lo", "hi"}}}}`.
fn groups_json(groups: &std::collections::BTreeMap<String, Group>) -> serde_json::Value {
    groups
        .iter()
        .map(|(key, g)| {
            let schools: serde_json::Map<String, serde_json::Value> = g
                .schools
                .iter()
                .map(|(code, v)| (code.clone(), serde_json::json!({"n": v.n, "raw": v.raw, "shrunk": v.shrunk, "lo": v.lo, "hi": v.hi})))
                .collect();
            (key.clone(), serde_json::json!({"a": g.a, "b": g.b, "sigma2": g.sigma2, "tau2": g.tau2, "schools": schools}))
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn text(groups: &std::collections::BTreeMap<String, Group>, tr: &Tr) -> String {
    let mut out = String::new();
    for g in groups.values() {
        out.push_str(&tr.with(
            "value-added-group",
            &[
                ("grade", g.grade.clone()),
                ("subject", g.subject.clone()),
                ("students", g.students.to_string()),
                ("b", format!("{:.3}", g.b)),
                ("sigma2", format!("{:.4}", g.sigma2)),
                ("tau2", format!("{:.4}", g.tau2)),
            ],
        ));
        out.push('\n');
        for (code, v) in &g.schools {
            let mark = match v.mark() {
                1 => tr.get("value-added-above"),
                -1 => tr.get("value-added-below"),
                _ => String::new(),
            };
            out.push_str(&format!("  {code:<12} n={:<5} {:>+8.3} → {:>+8.3}  [{:+.3}, {:+.3}] {mark}\n", v.n, v.raw, v.shrunk, v.lo, v.hi));
        }
    }
    out
}
