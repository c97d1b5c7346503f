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
        post: Some(Post::Teacher),
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

/// `xuequ bench make-evaluation`: loads the generated province with a year of records, a
/// spinner naming each part as it runs (the whole takes minutes).
pub async fn make_evaluation(app: &xuequ_app::App, copies: usize) -> Result<()> {
    let tr = xuequ_i18n::Tr::default();
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let started = std::time::Instant::now();
    let (_, schools, clusters) =
        operator::load_province(app, copies, &|part| spinner.set_message(tr.get(part))).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    spinner.finish_and_clear();
    println!(
        "{} ({:.0} s)",
        tr.with("bench-province-loaded", &[("schools", schools.to_string()), ("clusters", clusters.to_string())]),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `xuequ bench library`: indexes `docs` generated resources in `dir` (spread over 200 schools
/// and 20 clusters of one county, a third each shared with the school, the cluster, the county)
/// and times `queries` searches of each kind as a teacher who sees their school, their cluster
/// and the county's shared resources.
pub fn library(docs: usize, queries: usize, dir: &Path) -> Result<()> {
    use xuequ_search::fulltext::{Access, Library, Reader, ResourceDoc, SearchRequest};
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("emptying {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir)?;
    let library = Library::in_dir(dir).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bar = indicatif::ProgressBar::new(docs as u64);
    let started = std::time::Instant::now();
    const BATCH: usize = 10_000;
    for first in (0..docs).step_by(BATCH) {
        let lessons = xuequ_demo::lessons::generate(BATCH.min(docs - first), first as u64);
        let batch: Vec<ResourceDoc> = lessons
            .into_iter()
            .enumerate()
            .map(|(k, l)| {
                let id = (first + k) as i64;
                let school = id % 200;
                ResourceDoc {
                    id,
                    county_id: 1,
                    school_id: school,
                    access: match id % 3 {
                        0 => Access::School(school),
                        1 => Access::Cluster(school % 20),
                        _ => Access::County(1),
                    },
                    title: l.title,
                    description: l.description,
                    tags: l.tags,
                    body: l.body,
                    subject: l.subject.to_string(),
                    grade: l.grade.to_string(),
                    kind: l.kind.to_string(),
                    edition: l.edition.to_string(),
                    created: 1_700_000_000 + id,
                    downloads: (id * 7919 % 1000) as u64,
                    rating: (id * 31 % 500) as u64,
                    cluster_id: (id % 3 == 1).then_some(school % 20),
                    uploader_id: 1000 + id % 5000,
                    revision: 1,
                }
            })
            .collect();
        library.put(&batch).map_err(|e| anyhow::anyhow!("{e}"))?;
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();
    let indexing = started.elapsed().as_secs_f64();
    let size: u64 = std::fs::read_dir(dir)?.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum();
    println!("indexed {docs} resources in {indexing:.1} s ({:.0}/s); index {:.1} MB", docs as f64 / indexing, size as f64 / 1e6);
    let reader = Reader { county_id: 1, everything: false, schools: vec![7], clusters: vec![7] };
    const WORDS: [&str; 8] = ["一元二次方程", "光合作用", "朱自清", "浮力", "分数", "求根公式", "勾股定理", "欧姆定律"];
    type MakeRequest = Box<dyn Fn(usize) -> SearchRequest>;
    let kinds: [(&str, MakeRequest); 3] = [
        ("one word", Box::new(|i| SearchRequest { text: WORDS[i % WORDS.len()].to_string(), limit: 20, ..Default::default() })),
        (
            "phrase",
            Box::new(|i| SearchRequest {
                text: ["\"平均分成若干份\"", "\"买橘子的背影\"", "\"释放氧气\""][i % 3].to_string(),
                limit: 20,
                ..Default::default()
            }),
        ),
        (
            "word + filters",
            Box::new(|i| {
                let mut r = SearchRequest { text: WORDS[i % WORDS.len()].to_string(), limit: 20, ..Default::default() };
                r.filters.insert("grade".into(), ((i % 9) + 1).to_string());
                r.filters.insert("kind".into(), "lesson_plan".into());
                r
            }),
        ),
    ];
    for (name, request) in kinds {
        let mut times = Vec::with_capacity(queries);
        let mut found = 0;
        for i in 0..queries {
            let r = request(i);
            let t = std::time::Instant::now();
            found += library.search(&r, &reader).map_err(|e| anyhow::anyhow!("{e}"))?.total;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        println!("{name}: p50 {:.2} ms, p99 {:.2} ms ({} hits a query on average)", at(0.50), at(0.99), found / queries.max(1));
    }
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM")).map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string()))
        .and_then(|kb| kb.parse::<u64>().ok())
        .unwrap_or(0);
    println!("peak memory {:.0} MB", peak as f64 / 1024.0);
    Ok(())
}
