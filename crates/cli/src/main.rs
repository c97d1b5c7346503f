//! `xuequ`: serve the platform, load the demo county, import, export, back up and restore.

mod assess;
mod bench;
mod evaluate;
mod plan;
mod value_added;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use xuequ_app::{AppError, Store, operator};
use xuequ_sheets::{Format, Kind};

#[derive(Parser)]
#[command(name = "xuequ", version, about = "学区 — a county education bureau runs its schools as clusters")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Db {
    /// Where the embedded SQLite database (and later, uploaded files) live.
    #[arg(long, env = "XUEQU_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// A `postgres://` URL to use PostgreSQL instead of the embedded SQLite file.
    #[arg(long, env = "XUEQU_DATABASE_URL")]
    database_url: Option<String>,
}

impl Db {
    fn url(&self) -> Result<String> {
        match &self.database_url {
            Some(url) => Ok(url.clone()),
            None => {
                std::fs::create_dir_all(&self.data_dir).with_context(|| format!("creating data directory {}", self.data_dir.display()))?;
                Ok(operator::sqlite_url(&self.data_dir))
            }
        }
    }

    async fn open(&self) -> Result<(Store, String)> {
        let url = self.url()?;
        let store = operator::open(&url).await.map_err(failed).with_context(|| "opening the database")?;
        Ok((store, url))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Start the web platform and API.
    Serve {
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        files: Files,
        /// Address and port to listen on.
        #[arg(long, env = "XUEQU_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Fill a generated demo county (the same every time) and show the demo accounts.
        #[arg(long)]
        demo: bool,
        /// Mark cookies `Secure` (when served behind TLS).
        #[arg(long, env = "XUEQU_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// Load the demo county into the database (nothing happens if it is there already).
    Demo {
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        files: Files,
    },
    /// Rebuild the resource library's search index from the database.
    Reindex {
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        files: Files,
    },
    /// Import a spreadsheet (XLSX, XLS, ODS or CSV), all or nothing.
    Import {
        /// schools | stats | teachers | facilities
        kind: String,
        #[arg(long)]
        file: PathBuf,
        /// Update records whose school code / staff number already exists.
        #[arg(long)]
        update_existing: bool,
        /// The county's code (default: the first county).
        #[arg(long)]
        county: Option<String>,
        #[command(flatten)]
        db: Db,
    },
    /// Export records as CSV or XLSX; the file re-imports unchanged.
    Export {
        /// schools | stats | teachers | facilities
        kind: String,
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        county: Option<String>,
        #[command(flatten)]
        db: Db,
    },
    /// The balance assessment (优质均衡 2017, 基本均衡 2012) of a file with one row per school section.
    Assess {
        /// A CSV or XLSX file (columns: see README).
        #[arg(long)]
        input: PathBuf,
        /// Print JSON instead of the readable report.
        #[arg(long)]
        json: bool,
    },
    /// Value-added (增值评价) of a file of students' entry and exit scores (columns 学号, 学校代码,
    /// 年级, 学科, 入口成绩, 出口成绩, or student, school, grade, subject, entry, exit).
    ValueAdded {
        /// A CSV or XLSX file.
        #[arg(long)]
        input: PathBuf,
        /// Print JSON instead of the readable table.
        #[arg(long)]
        json: bool,
    },
    /// A year's bundled cluster evaluation from the database: the round's ranking (frozen if it
    /// is closed, from today's records if it is open; with no round, what one opened now would
    /// give).
    Evaluate {
        /// The school year (its first calendar year).
        #[arg(long)]
        year: i32,
        /// The county's code (default: the first county).
        #[arg(long)]
        county: Option<String>,
        /// Print {"round", "results"} as JSON (the results as the API gives them).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: Db,
    },
    /// Write a backup folder while the server runs: a consistent copy of the database and
    /// every stored file it points at, with a manifest.
    Backup {
        /// The folder to create (it must not exist).
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        files: Files,
    },
    /// Make the inputs of the benchmarks (see BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
    /// Plan clusters (see `xuequ plan cpmp --help`).
    Plan {
        #[command(subcommand)]
        what: PlanCommand,
    },
    /// Bring back a backup folder, database and files (stop the server first).
    Restore {
        #[arg(long)]
        from: PathBuf,
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        files: Files,
    },
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Solve one capacitated p-median instance (first line `n p`, then `x y capacity demand`).
    Cpmp {
        file: PathBuf,
        /// Distance convention; by default the one known.csv gives for the file, else euclidean.
        #[arg(long, value_parser = parse_convention)]
        distance: Option<xuequ_plan::Convention>,
        #[arg(long, default_value_t = 10.0)]
        time_limit: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print {"objective", "medians", "assignment", "seconds"} as JSON (with `--exact`, also
        /// "lower_bound" and "proven_optimal").
        #[arg(long)]
        json: bool,
        /// Then try to prove the plan optimal with the MIP solver, for up to SECONDS (small
        /// instances; feature `exact`).
        #[arg(long, value_name = "SECONDS")]
        exact: Option<f64>,
    },
    /// Plan teacher rotation (教师交流轮岗) from a JSON model: {"max_km", "quota",
    /// "backbone_share", "shortage_weight", "schools": [{"id", "x_km", "y_km", "sending", "need"}],
    /// "teachers": [{"id", "school", "subject", "eligible", "backbone"}]}.
    Rotation {
        #[arg(long)]
        input: PathBuf,
        /// Seconds for meeting the quotas after the exact quota-free optimum; at the limit the
        /// plan found so far is printed (not proven optimal, the shortfall said).
        #[arg(long, default_value_t = 30.0)]
        time_limit: f64,
        /// Print {"objective", "moves", "unfilled", "quota", "lower_bound", "proven_optimal"}.
        #[arg(long)]
        json: bool,
    },
}

fn parse_convention(text: &str) -> Result<xuequ_plan::Convention, String> {
    xuequ_plan::Convention::parse(text).ok_or_else(|| format!("`{text}`: use euclidean or euclidean_floor"))
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Write a generated rotation model (see `xuequ plan rotation`): a county of 150 schools and
    /// 3,000 teachers by default.
    MakeRotation {
        #[arg(long, default_value_t = 150)]
        schools: usize,
        #[arg(long, default_value_t = 3000)]
        teachers: usize,
        /// The side of the square the schools stand in.
        #[arg(long, default_value_t = 60.0)]
        side_km: f64,
        #[arg(long, default_value_t = 20.0)]
        max_km: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Index generated Chinese teaching resources (in a fresh directory) and time queries: one
    /// word, a phrase, a word with filters; prints the indexing time, the index's size, the peak
    /// memory and the latency percentiles.
    Library {
        #[arg(long, default_value_t = 100_000)]
        docs: usize,
        #[arg(long, default_value_t = 1_000)]
        queries: usize,
        /// Where the index is built (emptied first).
        #[arg(long)]
        dir: PathBuf,
    },
    /// Run the planner on the CPMP benchmark sets and compare with the best published values.
    Cpmp {
        #[arg(long)]
        dir: PathBuf,
        /// The table of instances and best values (default: DIR/known.csv).
        #[arg(long)]
        known: Option<PathBuf>,
        /// Seconds per instance (default: the budget for the instance's set).
        #[arg(long)]
        time_limit: Option<f64>,
        /// Only instances whose name or file starts with this.
        #[arg(long)]
        only: Option<String>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also try to prove each plan optimal with the MIP solver, for up to SECONDS each.
        #[arg(long, value_name = "SECONDS")]
        exact: Option<f64>,
    },
    /// Write a file of N teachers of the first county's schools (XLSX, or CSV by extension).
    MakeTeachers {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        db: Db,
    },
    /// Plan a synthetic province of N schools (the planner's scale benchmark).
    PlanSchools {
        #[arg(long, default_value_t = 10_000)]
        schools: usize,
        #[arg(long, default_value_t = 60.0)]
        time_limit: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Add facilities and bookings to the first county for the booking benchmarks.
    MakeBookings {
        #[arg(long, default_value_t = 2_000)]
        facilities: usize,
        #[arg(long, default_value_t = 200_000)]
        bookings: usize,
        /// Where to write `facility_id owner_school_id` lines.
        #[arg(long)]
        ids: PathBuf,
        #[command(flatten)]
        db: Db,
    },
    /// Write a province-sized registry (schools, a year of statistics, teachers) to import.
    MakeProvince {
        #[arg(long, default_value_t = 3_000)]
        schools: usize,
        #[arg(long, default_value_t = 60_000)]
        teachers: usize,
        /// The school year of the statistics (its first calendar year).
        #[arg(long, default_value_t = 2025)]
        year: i32,
        #[arg(long)]
        dir: PathBuf,
    },
    /// Load a province-sized county (code PV) with a year of records into the database, for
    /// `xuequ evaluate --county PV`: COPIES demo counties side by side (19 give 3,000 schools).
    MakeEvaluation {
        #[arg(long, default_value_t = 19)]
        copies: usize,
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        files: Files,
    },
    /// Write N synthetic school sections for `xuequ assess` (CSV or XLSX by extension).
    MakeSections {
        #[arg(long, default_value_t = 200_000)]
        rows: usize,
        #[arg(long)]
        out: PathBuf,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("XUEQU_LOG").unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()))
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve { db, files, listen, demo, secure_cookies } => serve(db, files, &listen, demo, secure_cookies).await,
        Command::Reindex { db, files } => reindex(db, files).await,
        Command::Demo { db, files } => {
            let (store, _) = db.open().await?;
            operator::load_demo(&store, true).await.map_err(failed)?;
            let app = files.app(&db, store)?;
            operator::load_demo_library(&app).await.map_err(failed)?;
            xuequ_app::running::demo::load(&app).await.map_err(failed)?;
            xuequ_app::evaluation::demo::load(&app).await.map_err(failed)
        }
        Command::Import { kind, file, update_existing, county, db } => import(db, &kind, &file, update_existing, county).await,
        Command::Export { kind, format, out, county, db } => export(db, &kind, &format, out, county).await,
        Command::Backup { to, db, files } => backup(db, files, &to).await,
        Command::Restore { from, db, files } => restore(db, files, &from).await,
        Command::Assess { input, json } => assess::run(&input, json),
        Command::ValueAdded { input, json } => value_added::run(&input, json),
        Command::Evaluate { year, county, json, db } => {
            let (store, _) = db.open().await?;
            let county = operator::county_id(&store, county.as_deref()).await.map_err(failed)?;
            evaluate::run(&xuequ_app::App::new(store), county, year, json).await
        }
        Command::Bench { what: BenchCommand::MakeEvaluation { copies, db, files } } => {
            let (store, _) = db.open().await?;
            let app = files.app(&db, store)?;
            bench::make_evaluation(&app, copies).await
        }
        Command::Bench { what: BenchCommand::MakeSections { rows, out } } => bench::make_sections(rows, &out),
        Command::Bench { what: BenchCommand::PlanSchools { schools, time_limit, seed } } => plan::bench_schools(schools, time_limit, seed),
        Command::Bench { what: BenchCommand::Cpmp { dir, known, time_limit, only, seed, exact } } => {
            plan::bench_cpmp(&dir, plan::BenchRun { known, time_limit, only, seed, exact })
        }
        Command::Plan { what: PlanCommand::Cpmp { file, distance, time_limit, seed, json, exact } } => {
            plan::cpmp(&file, plan::CpmpRun { distance, time_limit, seed, json, exact })
        }
        Command::Plan { what: PlanCommand::Rotation { input, time_limit, json } } => plan::rotation(&input, time_limit, json),
        Command::Bench { what: BenchCommand::Library { docs, queries, dir } } => bench::library(docs, queries, &dir),
        Command::Bench { what: BenchCommand::MakeRotation { schools, teachers, side_km, max_km, seed, out } } => {
            let model = xuequ_rotate::sample::county(schools, teachers, side_km, max_km, seed);
            std::fs::write(&out, serde_json::to_string(&model)?).with_context(|| format!("writing {}", out.display()))?;
            println!(
                "{}: {} schools, {} teachers ({} eligible)",
                out.display(),
                model.schools.len(),
                model.teachers.len(),
                model.teachers.iter().filter(|t| t.eligible).count()
            );
            Ok(())
        }
        Command::Bench { what: BenchCommand::MakeBookings { facilities, bookings, ids, db } } => {
            let (store, _) = db.open().await?;
            bench::make_bookings(&store, facilities, bookings, &ids).await
        }
        Command::Bench { what: BenchCommand::MakeProvince { schools, teachers, year, dir } } => {
            bench::make_province(schools, teachers, year, &dir)
        }
        Command::Bench { what: BenchCommand::MakeTeachers { rows, out, db } } => {
            let (store, _) = db.open().await?;
            bench::make_teachers(&store, rows, &out).await
        }
    }
}

async fn serve(db: Db, files: Files, listen: &str, demo: bool, secure_cookies: bool) -> Result<()> {
    // Held until the server ends, so that `xuequ restore` refuses to run under it.
    let _held = operator::hold_data_dir(&db.data_dir).map_err(failed)?;
    let (store, _) = db.open().await?;
    if demo {
        operator::load_demo(&store, false).await.map_err(failed)?;
    } else {
        operator::first_admin(&store).await.map_err(failed)?;
    }
    let app = files.app(&db, store)?;
    if demo {
        operator::load_demo_library(&app).await.map_err(failed)?;
        xuequ_app::running::demo::load(&app).await.map_err(failed)?;
        xuequ_app::evaluation::demo::load(&app).await.map_err(failed)?;
    }
    // After a crash the index may lag the database: the database wins.
    let caught_up = xuequ_app::library::catch_up(&app).await.map_err(failed)?;
    if caught_up > 0 {
        tracing::info!("the library's index caught up with {caught_up} resources");
    }
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    let address = listener.local_addr()?;
    let state = xuequ_web::AppState::with(app, demo, secure_cookies);
    println!("xuequ listening on http://{address}");
    if demo {
        println!(
            "demo accounts (password {}): admin, inspector, head, principal, teacher; other county: other-admin",
            xuequ_demo::DEMO_PASSWORD
        );
    }
    xuequ_web::serve(listener, state, shutdown()).await?;
    Ok(())
}

/// Where the resource library keeps its files, and how large one may be.
#[derive(clap::Args)]
struct Files {
    /// S3-compatible storage for the library's files (`s3://bucket/prefix`; endpoint and keys
    /// from `AWS_ENDPOINT`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
    /// `AWS_ALLOW_HTTP`). Default: the `files` folder of the data directory.
    #[arg(long, env = "XUEQU_FILES_URL")]
    files_url: Option<String>,
    /// The largest file of the library, in MB.
    #[arg(long, env = "XUEQU_MAX_FILE_MB", default_value_t = xuequ_app::library::archive::DEFAULT_MAX_FILE_MB)]
    max_file_mb: u64,
    /// Stored bytes no record points at (a refused new version, an interrupted upload) are
    /// removed at start and every hour once older than this many minutes.
    #[arg(long, env = "XUEQU_ORPHAN_GRACE_MINUTES", default_value_t = xuequ_app::library::archive::DEFAULT_ORPHAN_GRACE_MINUTES)]
    orphan_grace_minutes: u64,
}

impl Files {
    /// The use cases on `store` with the library's files and index of the data directory.
    fn app(&self, db: &Db, store: Store) -> Result<xuequ_app::App> {
        let archive = xuequ_app::library::Archive::open(&db.data_dir, self.files_url.as_deref(), self.max_file_mb)
            .map_err(failed)?
            .with_orphan_grace(self.orphan_grace_minutes);
        tracing::info!("library files: {}", archive.described);
        Ok(xuequ_app::App::with_library(store, archive))
    }
}

/// `xuequ reindex`: the index emptied and rebuilt from the database, with a progress bar.
async fn reindex(db: Db, files: Files) -> Result<()> {
    let _held = operator::hold_data_dir(&db.data_dir).map_err(failed)?;
    let (store, _) = db.open().await?;
    let app = files.app(&db, store)?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} resources {elapsed}").expect("a valid template"));
    let started = std::time::Instant::now();
    let done = xuequ_app::library::reindex(&app, 2_000, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .map_err(failed)?;
    bar.finish_and_clear();
    println!("{done} resources indexed in {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Ctrl-C or SIGTERM (what systemd and container runtimes send): the server stops taking
/// connections and finishes the requests in flight before it exits.
async fn shutdown() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

async fn county_id(store: &Store, code: Option<String>) -> Result<i64> {
    match operator::county_id(store, code.as_deref()).await {
        Ok(id) => Ok(id),
        Err(AppError::NotFound) => match code {
            Some(code) => bail!("no county with code {code}"),
            None => bail!("the database has no county yet"),
        },
        Err(e) => Err(failed(e)),
    }
}

/// A use case's error for the terminal.
fn failed(e: AppError) -> anyhow::Error {
    let tr = xuequ_i18n::Tr::default();
    match &e {
        AppError::Conflict(p) => anyhow::anyhow!("{}", tr.problem(p)),
        AppError::Invalid(problems) => {
            anyhow::anyhow!(
                "{}",
                problems.iter().map(|p| format!("{}：{}", p.field, tr.problem(&p.problem))).collect::<Vec<_>>().join("；")
            )
        }
        _ => anyhow::anyhow!("{e}"),
    }
}

fn kind(text: &str) -> Result<Kind> {
    Kind::parse(text).with_context(|| format!("unknown kind `{text}`: schools, stats, teachers or facilities"))
}

/// How many problems a terminal shows before summing up the rest.
const SHOWN_PROBLEMS: usize = 200;

async fn import(db: Db, kind_text: &str, file: &std::path::Path, update_existing: bool, county: Option<String>) -> Result<()> {
    let kind = kind(kind_text)?;
    let (store, _) = db.open().await?;
    let county_id = county_id(&store, county).await?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let progress = indicatif::ProgressBar::new_spinner().with_message(format!("importing {}", file.display()));
    progress.enable_steady_tick(std::time::Duration::from_millis(120));
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let started = std::time::Instant::now();
    let app = xuequ_app::App::new(store);
    let result = xuequ_app::sheets::import_county(&app, county_id, "cli", kind, &bytes, &name, update_existing).await;
    progress.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let tr = xuequ_i18n::Tr::default();
    match result {
        Ok(summary) => {
            println!("{}", tr.with("import-done", &[("created", summary.created.to_string()), ("updated", summary.updated.to_string())]));
            let peak = bench::peak_memory_mib().map(|m| format!(", peak memory {m:.0} MiB")).unwrap_or_default();
            eprintln!("{} in {elapsed:.2} s{peak}", file.display());
            Ok(())
        }
        Err(AppError::Import(problems)) => {
            for p in problems.iter().take(SHOWN_PROBLEMS) {
                let place = [
                    ("file", file.display().to_string()),
                    ("sheet", p.sheet.clone()),
                    ("row", p.row.to_string()),
                    ("column", p.column.clone()),
                ];
                eprintln!("{}：{}", tr.with("import-place", &place), tr.problem(&p.problem));
            }
            if problems.len() > SHOWN_PROBLEMS {
                eprintln!("{}", tr.with("import-more", &[("count", (problems.len() - SHOWN_PROBLEMS).to_string())]));
            }
            bail!("{}", tr.with("error-import-invalid", &[("count", problems.len().to_string())]))
        }
        Err(e) => Err(failed(e)),
    }
}

async fn export(db: Db, kind_text: &str, format: &str, out: Option<PathBuf>, county: Option<String>) -> Result<()> {
    let kind = kind(kind_text)?;
    let format = Format::parse(format).with_context(|| format!("unknown format `{format}`: csv or xlsx"))?;
    let (store, _) = db.open().await?;
    let county_id = county_id(&store, county).await?;
    let bytes = xuequ_app::sheets::export_county(&xuequ_app::App::new(store), county_id, kind, format).await.map_err(failed)?;
    match out {
        Some(path) => std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?,
        None => std::io::Write::write_all(&mut std::io::stdout(), &bytes)?,
    }
    Ok(())
}

/// `xuequ backup`: the database and its files, with a progress bar over the files.
async fn backup(db: Db, files: Files, to: &std::path::Path) -> Result<()> {
    let (store, url) = db.open().await?;
    let archive = xuequ_app::library::Archive::files_only(&db.data_dir, files.files_url.as_deref()).map_err(failed)?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}").expect("a valid template"));
    let copied = operator::backup(&store, &archive, to, &url, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await
    .map_err(failed)?;
    bar.finish_and_clear();
    println!("backup written to {}: the database and {} files ({:.1} MB)", to.display(), copied.files, copied.bytes as f64 / 1e6);
    Ok(())
}

/// `xuequ restore`: the files first, then the database; then every file the database points at
/// is looked for, and a restore that left any missing fails saying how many.
async fn restore(db: Db, files: Files, from: &std::path::Path) -> Result<()> {
    let archive = xuequ_app::library::Archive::files_only(&db.data_dir, files.files_url.as_deref()).map_err(failed)?;
    let copied = operator::restore(from, &db.data_dir, db.database_url.as_deref(), &archive).await.map_err(failed)?;
    let (store, _) = db.open().await?;
    let missing = operator::missing_files(&store, &archive).await.map_err(failed)?;
    if !missing.is_empty() {
        anyhow::bail!(
            "restored the database from {}, but {} stored files it points at are missing (first: {}): restore a backup folder made by `xuequ backup`, which holds them",
            from.display(),
            missing.len(),
            missing[0]
        );
    }
    println!("restored from {}: the database and {} files ({:.1} MB)", from.display(), copied.files, copied.bytes as f64 / 1e6);
    Ok(())
}
