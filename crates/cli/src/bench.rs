//! Inputs for the benchmarks in BENCHMARKS.md: a large teacher file for the import benchmark.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::path::Path;
use xuequ_app::{Store, operator};
use xuequ_domain::drafts::{SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_domain::*;
use xuequ_sheets::{Format, Kind, SheetRecord};

/// Writes `rows` teachers spread over the schools of the first county, as XLSX or CSV.
pub async fn make_teachers(store: &Store, rows: usize, out: &Path) -> Result<()> {
    let county = operator::county_id(store, None).await.map_err(|_| anyhow::anyhow!("load a county first (xuequ demo)"))?;
    let schools = operator::schools(store, county).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(!schools.is_empty(), "the county has no schools");
    let format = if out.extension().is_some_and(|e| e == "csv") { Format::Csv } else { Format::Xlsx };
    let cells: Vec<_> = (0..rows).map(|i| teacher(i, &schools[i % schools.len()].code).cells()).collect();
    std::fs::write(out, xuequ_sheets::write(Kind::Teachers, &cells, format)).with_context(|| format!("writing {}", out.display()))?;
    println!("wrote {rows} teachers to {}", out.display());
    Ok(())
}

/// A varied, deterministic teacher (no randomness: the file is the same every time).
fn teacher(i: usize, school_code: &str) -> TeacherDraft {
    let pick = |n: usize, len: usize| (i * 7 + n) % len;
    TeacherDraft {
        staff_no: format!("B{i:07}"),
        name: format!("教师{i}"),
        gender: Gender::ALL[i % 2],
        school_code: school_code.to_string(),
        subject: Subject::ALL[pick(1, Subject::ALL.len())],
        section: None,
        degree: Degree::ALL[1 + pick(2, Degree::ALL.len() - 1)],
        title: Title::ALL[pick(3, Title::ALL.len())],
        backbone: Backbone::ALL[pick(4, Backbone::ALL.len())],
        joined_school_on: NaiveDate::from_ymd_opt(2000 + (i % 25) as i32, 1 + (i % 12) as u32, 1 + (i % 28) as u32).expect("valid date"),
        birth_year: Some(1965 + (i % 35) as i32),
    }
}

/// The process's peak resident memory in MiB (Linux), for the import's closing line.
pub fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Writes the synthetic national-scale assessment input (see `xuequ_assess::synthetic`).
pub fn make_sections(rows: usize, out: &Path) -> Result<()> {
    let format = if out.extension().is_some_and(|e| e == "csv") { Format::Csv } else { Format::Xlsx };
    let cells: Vec<_> = xuequ_assess::synthetic(rows).iter().map(|r| r.cells()).collect();
    let bytes =
        xuequ_sheets::write_columns(<xuequ_assess::SectionInput as SheetRecord>::COLUMNS, xuequ_sheets::ASSESSMENT_SHEET, &cells, format);
    std::fs::write(out, bytes).with_context(|| format!("writing {}", out.display()))?;
    println!("wrote {rows} school sections to {}", out.display());
    Ok(())
}

/// Writes a province-sized registry to add to a county: `schools` primary and junior schools
/// (codes `P0000001`…) with a year of statistics each, and `teachers` teachers spread over them,
/// as `schools.xlsx`, `stats.xlsx` and `teachers.xlsx` in `dir` (import them in that order).
pub fn make_province(schools: usize, teachers: usize, year: i32, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let code = |i: usize| format!("P{i:07}");
    let school = |i: usize| SchoolDraft {
        code: code(i),
        name: format!("第{i}学校"),
        school_type: if i.is_multiple_of(4) { SchoolType::Junior } else { SchoolType::Primary },
        locality: Locality::ALL[i % Locality::ALL.len()],
        township: format!("第{}镇", i / 20),
        address: String::new(),
        latitude: Some(30.0 + (i % 60) as f64 * 0.05),
        longitude: Some(110.0 + (i / 60) as f64 * 0.05),
        legal_person: true,
        campus_of: None,
        principal: String::new(),
        phone: String::new(),
    };
    let stats = |i: usize| {
        let junior = i.is_multiple_of(4);
        let students = 200 + (i * 37) % 900;
        let classes = (students / 40).max(1) as i32;
        StatsDraft {
            school_code: code(i),
            year,
            students_primary: if junior { 0 } else { students as i32 },
            students_junior: if junior { students as i32 } else { 0 },
            classes_primary: if junior { 0 } else { classes },
            classes_junior: if junior { classes } else { 0 },
            max_class_size: Some(45),
            teaching_area: students as f64 * (3.0 + (i % 5) as f64),
            sports_area: students as f64 * (4.0 + (i % 7) as f64),
            equipment_value: students as f64 * (1500.0 + (i % 11) as f64 * 300.0),
            multimedia_rooms: classes / 2 + (i % 3) as i32,
            books: students as i32 * 30,
            computers: students as i32 / 8,
        }
    };
    let write = |kind: Kind, cells: Vec<Vec<xuequ_sheets::Cell>>, name: &str| -> Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, xuequ_sheets::write(kind, &cells, Format::Xlsx)).with_context(|| format!("writing {}", path.display()))
    };
    write(Kind::Schools, (0..schools).map(|i| school(i).cells()).collect(), "schools.xlsx")?;
    write(Kind::Stats, (0..schools).map(|i| stats(i).cells()).collect(), "stats.xlsx")?;
    write(Kind::Teachers, (0..teachers).map(|i| teacher(i, &code(i % schools)).cells()).collect(), "teachers.xlsx")?;
    println!("wrote {schools} schools, their {year} statistics and {teachers} teachers to {}", dir.display());
    Ok(())
}

/// Fills the first county for the booking benchmarks (see `operator::bench_bookings`) with a
/// progress bar, and writes `facility_id owner_school_id` lines to `ids` for the load scripts.
pub async fn make_bookings(store: &Store, facilities: usize, bookings: usize, ids: &Path) -> Result<()> {
    let bar = indicatif::ProgressBar::new(bookings as u64);
    let all = operator::bench_bookings(store, facilities, bookings, &|made| bar.set_position(made as u64))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish();
    let lines: Vec<String> = all.iter().map(|(f, s)| format!("{f} {s}")).collect();
    std::fs::write(ids, lines.join("\n") + "\n").with_context(|| format!("writing {}", ids.display()))?;
    println!("{} facilities, {} bookings; ids in {}", all.len(), bar.position(), ids.display());
    Ok(())
}
