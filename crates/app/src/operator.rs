//! What the machine's operator does from the command line, with no one signed in: opening the
//! database, filling it (the demo county, or the first admin account of a real installation),
//! choosing a county, backing up and restoring. Whoever runs these can read the database file
//! anyway, so they are not asked of the access policy.

use crate::{AppError, Result};
use std::path::Path;
use xuequ_demo::{DEMO_PASSWORD, DemoCounty};
use xuequ_store::accounts::{NewUser, random_password};
use xuequ_store::entities::school;
use xuequ_store::registry::import::{ImportError, ImportOptions};
use xuequ_store::{Ctx, Store};

/// Opens the database at `url` (`sqlite://…` or `postgres://…`), migrating it to this release.
pub async fn open(url: &str) -> Result<Store> {
    Ok(Store::open(url).await?)
}

/// The SQLite URL of the database file in a data directory.
pub fn sqlite_url(data_dir: &Path) -> String {
    Store::sqlite_url(data_dir)
}

fn fail(what: &str) -> impl Fn(ImportError) -> AppError + '_ {
    move |e| match e {
        ImportError::Rows(rows) => AppError::Internal(format!("demo {what}: {} problems, first {:?}", rows.len(), rows.first())),
        ImportError::Store(e) => AppError::Internal(format!("demo {what}: {e}")),
    }
}

fn context(what: String) -> impl Fn(xuequ_store::StoreError) -> AppError {
    move |e| AppError::Internal(format!("{what}: {e:?}"))
}

/// Loads the demo county and the small second county, unless they are there already.
pub async fn load_demo(store: &Store, verbose: bool) -> Result<()> {
    for county in [xuequ_demo::generate(), xuequ_demo::second_county()] {
        if store.county_by_code(&county.code).await?.is_some() {
            if verbose {
                println!("{} is already loaded", county.name);
            }
            continue;
        }
        load(store, county).await?;
    }
    Ok(())
}

async fn load(store: &Store, county: DemoCounty) -> Result<()> {
    let record = store.create_county(&county.code, &county.name).await?;
    let ctx = Ctx { county_id: record.id, user_id: None, username: "demo".into() };
    let opts = ImportOptions { update_existing: false, commit: true, allowed: &|_| true, today: xuequ_demo::reference_date() };
    let numbered = |n: usize| 2..n + 2;
    store.import_schools(&ctx, numbered(county.schools.len()).zip(county.schools).collect(), &opts).await.map_err(fail("schools"))?;
    store.import_stats(&ctx, numbered(county.stats.len()).zip(county.stats).collect(), &opts).await.map_err(fail("stats"))?;
    store.import_teachers(&ctx, numbered(county.teachers.len()).zip(county.teachers).collect(), &opts).await.map_err(fail("teachers"))?;
    store
        .import_facilities(&ctx, numbered(county.facilities.len()).zip(county.facilities).collect(), &opts)
        .await
        .map_err(fail("facilities"))?;
    for c in &county.clusters {
        let saved = store.create_cluster(&ctx, &c.draft).await.map_err(context(format!("demo cluster {}", c.draft.name)))?;
        for (code, joined) in &c.members {
            store.add_member(&ctx, saved.id, code, *joined).await.map_err(context(format!("demo member {code} of {}", c.draft.name)))?;
        }
        let mut officers = Vec::new();
        for (role, name, school) in &c.officers {
            let school_id = match school {
                Some(code) => store.school_by_code(record.id, code).await?.map(|s| s.id),
                None => None,
            };
            officers.push(xuequ_store::clusters::OfficerDraft { role: *role, person_name: name.clone(), school_id });
        }
        store.set_officers(&ctx, saved.id, &officers).await?;
    }
    let clusters = store.all_clusters(record.id).await?;
    let mut bureau = None;
    for a in &county.accounts {
        let school_id = match &a.school_code {
            Some(code) => Some(
                store.school_by_code(record.id, code).await?.ok_or_else(|| AppError::Internal(format!("demo account school {code}")))?.id,
            ),
            None => None,
        };
        let cluster_id = a.cluster_name.as_ref().and_then(|n| clusters.iter().find(|c| &c.name == n)).map(|c| c.id);
        let new = NewUser {
            username: a.username.into(),
            display_name: a.display_name.clone(),
            password: DEMO_PASSWORD.into(),
            role: a.role,
            school_id,
            cluster_id,
            must_change_password: false,
        };
        let user = store.create_user(&ctx, new).await.map_err(context(format!("demo account {}", a.username)))?;
        if a.role == xuequ_domain::Role::BureauAdmin && bureau.is_none() {
            bureau = Some(user);
        }
    }
    load_bookings(store, &ctx, &county.bookings).await?;
    match bureau {
        Some(admin) => load_exchange(store, &admin).await,
        None => Ok(()),
    }
}

/// The demo's teacher exchange: last school year's rotation carried out (both schools agreed,
/// the bureau confirmed, the dates passed), this year's plan proposed with its moves at every
/// step — some confirmed, some agreed by one school, some waiting for both (the principal's
/// school among them) — teachers who rotated last year left out this year, and mentorship
/// pairs between cluster leads and members with their meetings.
async fn load_exchange(store: &Store, admin: &xuequ_store::entities::user::Model) -> Result<()> {
    use crate::exchange::school_year_of;
    use xuequ_domain::exchange::MoveStatus;
    use xuequ_store::exchange::MoveDecision;
    let app = crate::App::new(store.clone());
    let county = admin.county_id;
    let bureau = crate::Caller {
        actor: xuequ_domain::access::Actor {
            user_id: admin.id,
            county_id: county,
            role: xuequ_domain::Role::BureauAdmin,
            school_id: None,
            cluster_id: None,
            cluster_school_ids: Vec::new(),
        },
        username: admin.username.clone(),
    };
    let today = crate::today();
    let year = school_year_of(today);
    // The schools' admins are the principals; the demo signs their agreements in their names.
    let principals: std::collections::HashMap<i64, String> =
        store.all_schools(county).await?.into_iter().map(|s| (s.id, if s.principal.is_empty() { s.name } else { s.principal })).collect();
    let agree = async |m: &xuequ_store::entities::exchange_move::Model, sending: bool, receiving: bool, confirm: bool| -> Result<()> {
        let mut m = m.clone();
        let steps = [(sending, true, false, false), (receiving, false, true, false), (confirm, false, false, true)];
        for (wanted, s, r, c) in steps {
            if !wanted {
                continue;
            }
            let school = if s { m.from_school_id } else { m.to_school_id };
            let who = if c { admin.username.clone() } else { principals.get(&school).cloned().unwrap_or_default() };
            let both = (m.sending_agreed_at.is_some() || s) && (m.receiving_agreed_at.is_some() || r);
            let status = if c {
                MoveStatus::Confirmed
            } else if both {
                MoveStatus::Approved
            } else {
                MoveStatus::Proposed
            };
            let d = MoveDecision {
                status,
                sending_agreed: s,
                receiving_agreed: r,
                confirmed: c,
                decided: false,
                reason: String::new(),
                returned: false,
            };
            m = store.decide_move(&Ctx { county_id: county, user_id: None, username: who }, &m, &d, &[]).await?;
        }
        Ok(())
    };
    // Last year: the plan's moves the quota asks for (and a few more), carried out.
    let last = propose_some(&app, &bureau, year - 1).await?;
    for m in &last {
        agree(m, true, true, true).await?;
    }
    store.advance_moves(county, today, chrono::Utc::now()).await?;
    // Who rotated last year is left out this year.
    let ctx = bureau.ctx();
    for m in last.iter().take(12) {
        store
            .add_exclusion(&ctx, m.teacher_id, m.from_school_id, year, xuequ_domain::exchange::ExclusionReason::AlreadyRotated, "")
            .await?;
    }
    // This year: the plan proposed; a quarter confirmed, a quarter waiting for the bureau, a
    // quarter agreed by one school, the rest (and every move of the principal's school) waiting.
    let principal_school = store.school_admin_schools(county).await?;
    let this = propose_some(&app, &bureau, year).await?;
    for (i, m) in this.iter().enumerate() {
        let waits = principal_school.contains(&m.from_school_id) || principal_school.contains(&m.to_school_id);
        match (waits, i % 4) {
            (true, _) => {
                agree(m, !principal_school.contains(&m.from_school_id), !principal_school.contains(&m.to_school_id), false).await?
            }
            (false, 0) => agree(m, true, true, true).await?,
            (false, 1) => agree(m, true, true, false).await?,
            (false, 2) => agree(m, true, false, false).await?,
            _ => {}
        }
    }
    store.advance_moves(county, today, chrono::Utc::now()).await?;
    load_mentorships(store, &ctx, today).await
}

/// Proposes the moves of a year's plan out of sending schools the quota asks for, then a few
/// more (a county does not move everyone the norm says it could).
async fn propose_some(app: &crate::App, bureau: &crate::Caller, year: i32) -> Result<Vec<xuequ_store::entities::exchange_move::Model>> {
    use crate::exchange::moves::{Proposal, propose};
    let (view, plan) = crate::exchange::plan(app, bureau, Some(year), None, 25.0).await?;
    let sending: std::collections::HashSet<i64> = view.schools.iter().filter(|s| s.sending).map(|s| s.school_id).collect();
    let mut chosen: Vec<&xuequ_rotate::Move> =
        plan.moves.iter().filter(|m| sending.contains(&m.from)).take(view.required_moves.max(1)).collect();
    chosen.extend(plan.moves.iter().filter(|m| !sending.contains(&m.from)).take(10));
    // The demo's moves run with the school year, from 1 September.
    let september = crate::exchange::year_start(year)?;
    let proposals: Vec<Proposal> = chosen.iter().map(|m| Proposal::rotation(september, m)).collect();
    if proposals.is_empty() {
        return Ok(Vec::new());
    }
    propose(app, bureau, &proposals, xuequ_domain::exchange::MoveOrigin::Plan).await
}

/// One pair per active cluster: the lead school's longest-serving backbone teacher guides the
/// newest teacher of the same subject at a member school; a meeting every two weeks since they
/// were paired, two months ago.
async fn load_mentorships(store: &Store, ctx: &Ctx, today: chrono::NaiveDate) -> Result<()> {
    use xuequ_store::exchange::{NewMeeting, NewMentorship};
    let teachers = store.active_teachers(ctx.county_id).await?;
    let backbone = |t: &&xuequ_store::entities::teacher::Model| t.backbone.county_or_higher();
    let starts_on = today - chrono::Days::new(60);
    let kinds = ["observation", "demonstration", "planning", "review"];
    for k in store.all_clusters(ctx.county_id).await?.into_iter().filter(|k| k.status == xuequ_domain::Status::Active) {
        let members = store.cluster_school_ids(ctx.county_id, k.id).await?;
        let Some(mentor) = teachers.iter().filter(|t| t.school_id == k.lead_school_id).filter(backbone).min_by_key(|t| t.joined_school_on)
        else {
            continue;
        };
        let mentee = teachers
            .iter()
            .filter(|t| t.school_id != k.lead_school_id && members.contains(&t.school_id) && t.subject == mentor.subject)
            .max_by_key(|t| t.joined_school_on);
        let Some(mentee) = mentee else { continue };
        let pair = NewMentorship {
            mentor_id: mentor.id,
            mentee_id: mentee.id,
            subject: mentor.subject.to_string(),
            starts_on,
            ends_on: starts_on + chrono::Days::new(365),
            goal: "一学年内独立上好一节区级公开课".into(),
        };
        let saved = store.create_mentorship(ctx, &pair).await?;
        for (i, day) in (0..).map(|w| starts_on + chrono::Days::new(7 + 14 * w)).take_while(|d| *d <= today).enumerate() {
            let meeting = NewMeeting {
                mentorship_id: saved.id,
                held_on: day,
                minutes: 45 + 15 * (i as i32 % 3),
                kind: kinds[i % kinds.len()].into(),
                notes: format!(
                    "第 {} 次活动：{}",
                    i + 1,
                    ["听徒弟的课并逐段点评", "师傅上示范课", "一起备下周的单元", "评课，定下一步改进点"][i % 4]
                ),
            };
            store.add_meeting(ctx, &meeting).await?;
        }
    }
    Ok(())
}

/// The demo's term of facility sharing: the county's calendar of this school year, and the
/// bookings placed in the weeks around the current one (skipping days off).
async fn load_bookings(store: &Store, ctx: &Ctx, list: &[xuequ_demo::DemoBooking]) -> Result<()> {
    use chrono::Datelike;
    use xuequ_domain::booking::{BookingStatus, to_utc};
    if list.is_empty() {
        return Ok(());
    }
    let today = crate::today();
    let year = if today.month() >= 8 { today.year() } else { today.year() - 1 };
    let calendar = xuequ_demo::school_calendar(year);
    store.save_calendar(ctx, None, year, &calendar).await?;
    let monday = crate::bookings::week_of(today);
    let schools = store.all_schools(ctx.county_id).await?;
    let facilities = store.active_facilities(ctx.county_id).await?;
    let id_of = |name: &str| schools.iter().find(|s| s.name == name).map(|s| s.id);
    for b in list {
        let (Some(owner), Some(borrower)) = (id_of(b.owner), id_of(b.borrower)) else { continue };
        let Some(facility) = facilities.iter().find(|f| f.school_id == owner && f.kind == b.kind) else { continue };
        let bells = xuequ_domain::booking::BellSchedule::primary();
        let Some((start, end)) = bells.span(b.periods.0, b.periods.1) else { continue };
        let slots: Vec<_> = b
            .weeks
            .clone()
            .map(|w| monday + chrono::Duration::weeks(w) + chrono::Duration::days(b.weekday as i64 - 1))
            .filter(|day| calendar.day_off(*day).is_none())
            .map(|day| (to_utc(day.and_time(start)), to_utc(day.and_time(end))))
            .collect();
        if slots.is_empty() {
            continue;
        }
        let holds = matches!(b.status, BookingStatus::Pending | BookingStatus::Confirmed);
        let new = xuequ_store::bookings::NewBooking {
            facility_id: facility.id,
            owner_school_id: owner,
            school_id: borrower,
            requested_by: None,
            requested_by_name: format!("{}教师", b.borrower),
            slots,
            status: if holds { b.status } else { BookingStatus::Pending },
            purpose: b.purpose.into(),
            group_name: b.group.into(),
            attendees: Some(40),
        };
        let made = store.create_bookings(ctx, &new).await?;
        if b.status == BookingStatus::Pending {
            let notice = xuequ_store::bookings::Notice {
                user_ids: store.decider_ids(ctx.county_id, owner).await?,
                kind: "booking-requested",
                args: serde_json::json!({"facility": facility.name, "school": b.borrower, "when": xuequ_domain::booking::show(made[0].starts_at), "count": made.len()}),
                link: format!("/bookings/{}", made[0].id),
            };
            store.notify(ctx.county_id, &notice).await?;
        }
        if !holds {
            for m in made {
                store.decide_booking(ctx, m.id, &[BookingStatus::Pending], b.status, b.reason, None).await?;
            }
        }
    }
    Ok(())
}

/// On the first start of a real installation: a county and an admin whose one-time password is
/// printed once (or taken from `XUEQU_ADMIN_PASSWORD`).
pub async fn first_admin(store: &Store) -> Result<()> {
    if store.user_count().await? > 0 {
        return Ok(());
    }
    let name = std::env::var("XUEQU_COUNTY_NAME").unwrap_or_else(|_| "本县".into());
    let county = match store.counties().await?.into_iter().next() {
        Some(c) => c,
        None => store.create_county("COUNTY", &name).await?,
    };
    let given = std::env::var("XUEQU_ADMIN_PASSWORD").ok();
    if let Some(p) = &given {
        // The installation's first admin keeps this password: it must not be guessable.
        crate::accounts::check_strength("XUEQU_ADMIN_PASSWORD", p, &["admin"])?;
    }
    let password = given.clone().unwrap_or_else(random_password);
    let ctx = Ctx { county_id: county.id, user_id: None, username: "setup".into() };
    let new = NewUser {
        username: "admin".into(),
        display_name: "教育局管理员".into(),
        password: password.clone(),
        role: xuequ_domain::Role::BureauAdmin,
        school_id: None,
        cluster_id: None,
        must_change_password: given.is_none(),
    };
    store.create_user(&ctx, new).await?;
    if given.is_none() {
        println!("first start: created the account `admin` with the one-time password {password}");
    }
    Ok(())
}

/// The county with this code, or the first one when no code is given.
pub async fn county_id(store: &Store, code: Option<&str>) -> Result<i64> {
    let found = match code {
        Some(code) => store.county_by_code(code).await?,
        None => store.counties().await?.into_iter().next(),
    };
    found.map(|c| c.id).ok_or(AppError::NotFound)
}

/// Every school of a county (the bench's generated files spread records over them).
pub async fn schools(store: &Store, county: i64) -> Result<Vec<school::Model>> {
    Ok(store.all_schools(county).await?)
}

/// A consistent copy of the database while the server runs (see `xuequ_store::backup`).
/// What a backup folder holds, written last as `manifest.json`: a backup without it is
/// unfinished and is refused at restore.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// 1: `database` (a SQLite file or a `pg_dump` archive) and `files/ab/cd/<sha256>`.
    pub format: u32,
    pub database: String,
    pub made_at: chrono::DateTime<chrono::Utc>,
    /// Every stored file the database points at: its SHA-256 and size.
    pub files: Vec<(String, u64)>,
}

pub const MANIFEST: &str = "manifest.json";

/// What a backup or a restore did, for the operator.
#[derive(Debug, Default)]
pub struct Copied {
    pub files: usize,
    pub bytes: u64,
}

/// Writes a backup folder `to` (which must not exist): a consistent copy of the database, then
/// every stored file that copy points at, checked by its hash, then the manifest. `progress`
/// hears (files done, files in all).
pub async fn backup(
    store: &Store,
    archive: &crate::library::Archive,
    to: &Path,
    url: &str,
    progress: &dyn Fn(usize, usize),
) -> Result<Copied> {
    if to.exists() {
        return Err(AppError::Invalid(vec![xuequ_domain::FieldProblem::new(
            "to",
            xuequ_domain::Problem::AlreadyExists { value: to.display().to_string() },
        )]));
    }
    std::fs::create_dir_all(to).map_err(AppError::internal)?;
    let database = if url.starts_with("sqlite:") { "xuequ.db" } else { "xuequ.pgdump" };
    store.backup_to(&to.join(database), url).await?;
    // Read after the copy: files are only ever added while a record points at them, so this is
    // every file the copy needs (and perhaps a few newer ones).
    let hashes = store.stored_file_hashes().await?;
    let mut copied = Copied::default();
    let mut files = Vec::with_capacity(hashes.len());
    for (done, hash) in hashes.iter().enumerate() {
        let bytes = archive.get(hash).await?;
        let path = to.join("files").join(crate::library::archive::relative(hash));
        std::fs::create_dir_all(path.parent().expect("a folder")).map_err(AppError::internal)?;
        std::fs::write(&path, &bytes).map_err(AppError::internal)?;
        copied.files += 1;
        copied.bytes += bytes.len() as u64;
        files.push((hash.clone(), bytes.len() as u64));
        progress(done + 1, hashes.len());
    }
    let manifest = Manifest { format: 1, database: database.into(), made_at: chrono::Utc::now(), files };
    std::fs::write(to.join(MANIFEST), serde_json::to_vec_pretty(&manifest).map_err(AppError::internal)?).map_err(AppError::internal)?;
    Ok(copied)
}

/// A running server's hold on its data directory: an exclusive lock on `xuequ.lock` (which
/// names the server's process), released when the server ends however it ends.
pub struct DataDirLock {
    _file: std::fs::File,
}

const LOCK_FILE: &str = "xuequ.lock";

/// Takes the data directory for a server; refuses if another server holds it.
pub fn hold_data_dir(data_dir: &Path) -> Result<DataDirLock> {
    std::fs::create_dir_all(data_dir).map_err(AppError::internal)?;
    let path = data_dir.join(LOCK_FILE);
    let mut file =
        std::fs::OpenOptions::new().create(true).truncate(false).read(true).write(true).open(&path).map_err(AppError::internal)?;
    if file.try_lock().is_err() {
        return Err(AppError::Conflict(xuequ_domain::Problem::InUse { what: data_dir.display().to_string(), by: holder(&path) }));
    }
    use std::io::{Seek, Write};
    file.set_len(0).and_then(|_| file.rewind()).and_then(|_| write!(file, "{}", std::process::id())).map_err(AppError::internal)?;
    Ok(DataDirLock { _file: file })
}

/// The process that holds a lock file, as written in it.
fn holder(path: &Path) -> String {
    std::fs::read_to_string(path).map(|pid| format!("pid {}", pid.trim())).unwrap_or_else(|_| "another process".into())
}

/// Refuses while a server holds the data directory: a restore under a running server would be
/// overwritten by the server's next writes, and acknowledged writes would vanish.
fn ensure_no_server(data_dir: &Path) -> Result<()> {
    let path = data_dir.join(LOCK_FILE);
    let Ok(file) = std::fs::OpenOptions::new().read(true).write(true).open(&path) else { return Ok(()) };
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(_) => Err(AppError::Conflict(xuequ_domain::Problem::InUse { what: data_dir.display().to_string(), by: holder(&path) })),
    }
}

/// Brings back a copy made by [`backup`]: SQLite into the data directory, PostgreSQL into `url`.
/// Refused while a server runs on the data directory.
///
/// A backup folder is checked whole before anything is written (its manifest, and every file
/// there with the size and hash the manifest gives); its files go into `archive` first, then
/// the database is put in place. A bare database file (an older backup) is restored as such.
pub async fn restore(from: &Path, data_dir: &Path, postgres_url: Option<&str>, archive: &crate::library::Archive) -> Result<Copied> {
    ensure_no_server(data_dir)?;
    let mut copied = Copied::default();
    let database = if from.is_dir() {
        let bad =
            |reason: String| AppError::Invalid(vec![xuequ_domain::FieldProblem::new("from", xuequ_domain::Problem::BadFile { reason })]);
        let text = std::fs::read(from.join(MANIFEST)).map_err(|e| bad(format!("{}: {e}", from.join(MANIFEST).display())))?;
        let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| bad(format!("{MANIFEST}: {e}")))?;
        let mut held = Vec::with_capacity(manifest.files.len());
        for (hash, size) in &manifest.files {
            if !crate::library::archive::is_hash(hash) {
                return Err(bad(format!("{MANIFEST}: `{hash}` is not a SHA-256")));
            }
            let path = from.join("files").join(crate::library::archive::relative(hash));
            let bytes = std::fs::read(&path).map_err(|e| bad(format!("{}: {e}", path.display())))?;
            if bytes.len() as u64 != *size || crate::library::archive::hash_of(&bytes) != *hash {
                return Err(bad(format!("{}: the file is damaged (its size or hash differs from the manifest)", path.display())));
            }
            held.push(bytes);
        }
        for bytes in held {
            copied.bytes += bytes.len() as u64;
            archive.put(&bytes).await?;
            copied.files += 1;
        }
        from.join(&manifest.database)
    } else {
        from.to_path_buf()
    };
    match postgres_url {
        Some(url) => match xuequ_store::backup::restore_postgres(&database, url) {
            Ok(true) => Ok(copied),
            Ok(false) => Err(AppError::Internal("pg_restore failed".into())),
            Err(e) => Err(AppError::internal(e)),
        },
        None => {
            xuequ_store::backup::restore_sqlite(&database, data_dir).await?;
            Ok(copied)
        }
    }
}

/// The stored files the database points at that the file storage does not hold (after a
/// restore: none, or the database came without its files).
pub async fn missing_files(store: &Store, archive: &crate::library::Archive) -> Result<Vec<String>> {
    let mut missing = Vec::new();
    for hash in store.stored_file_hashes().await? {
        if !archive.holds(&hash).await {
            missing.push(hash);
        }
    }
    Ok(missing)
}

/// Fills the first county for the booking benchmarks: facilities added at its schools until it
/// has `facilities`, then `bookings` confirmed bookings spread over them (school days, lesson
/// hours, from ten weeks back), written through the store's own booking path. Answers every
/// facility as `(id, owner school id)`; `progress` hears how many bookings are made.
pub async fn bench_bookings(store: &Store, facilities: usize, bookings: usize, progress: &dyn Fn(usize)) -> Result<Vec<(i64, i64)>> {
    use xuequ_domain::booking::{BookingStatus, to_utc};
    use xuequ_domain::drafts::FacilityDraft;
    let county = county_id(store, None).await?;
    let ctx = Ctx { county_id: county, user_id: None, username: "bench".into() };
    let schools = schools(store, county).await?;
    let have = store.active_facilities(county).await?.len();
    let extra: Vec<(usize, FacilityDraft)> = (have..facilities)
        .enumerate()
        .map(|(i, n)| {
            let draft = FacilityDraft {
                school_code: schools[i % schools.len()].code.clone(),
                name: format!("共享教室{n}"),
                kind: xuequ_domain::FacilityKind::ALL[i % xuequ_domain::FacilityKind::ALL.len()],
                capacity: 40 + (i % 5) as i32 * 10,
                area: None,
                open_hours: "周一至周五 8:00-17:30".into(),
                shareable: true,
            };
            (i + 2, draft)
        })
        .collect();
    if !extra.is_empty() {
        let opts = ImportOptions { update_existing: false, commit: true, allowed: &|_| true, today: crate::today() };
        store.import_facilities(&ctx, extra, &opts).await.map_err(fail("facilities"))?;
    }
    let all = store.active_facilities(county).await?;
    let monday = crate::bookings::week_of(crate::today());
    // A little more per facility than the even share, for the few the demo already books.
    let per = bookings.div_ceil(all.len().max(1)) + 2;
    let mut made = 0;
    for (n, f) in all.iter().enumerate() {
        if made >= bookings {
            break;
        }
        // One slot a school day from ten weeks back, at an hour that moves with the facility,
        // so that every lesson hour of every day is held somewhere.
        let slots: Vec<_> = (0..per.min(bookings - made))
            .map(|k| {
                let day = monday - chrono::Duration::weeks(10) + chrono::Duration::days((k / 5 * 7 + k % 5) as i64);
                let start = day.and_hms_opt(8 + ((n + k) % 9) as u32, 0, 0).expect("a time");
                (to_utc(start), to_utc(start + chrono::Duration::minutes(50)))
            })
            .collect();
        let new = xuequ_store::bookings::NewBooking {
            facility_id: f.id,
            owner_school_id: f.school_id,
            school_id: f.school_id,
            requested_by: None,
            requested_by_name: "bench".into(),
            slots,
            status: BookingStatus::Confirmed,
            purpose: "基准测试".into(),
            group_name: String::new(),
            attendees: None,
        };
        // A facility the demo already books is left as it is.
        match store.create_bookings(&ctx, &new).await {
            Ok(saved) => made += saved.len(),
            Err(xuequ_store::StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
        progress(made);
    }
    Ok(all.iter().map(|f| (f.id, f.school_id)).collect())
}

/// The demo's resource library: a few hundred lesson plans, courseware, tests and research
/// across subjects and grades, as real Word, PDF and text files, shared with schools, clusters
/// and the county by teachers of many schools, downloaded and rated over the last months by
/// the demo accounts of other schools. Nothing happens when the county has resources already.
pub async fn load_demo_library(app: &crate::App) -> Result<()> {
    for (county, count) in app.store.counties().await?.into_iter().zip([300usize, 12]) {
        if !app.store.resources_of(county.id, None, None).await?.is_empty() {
            continue;
        }
        demo_library(app, county.id, count).await?;
    }
    crate::library::catch_up(app).await.map(|_| ())
}

async fn demo_library(app: &crate::App, county: i64, count: usize) -> Result<()> {
    use xuequ_domain::library::{Kind, Sharing};
    use xuequ_store::library::{NewResource, ResourceFields};
    let users = app.store.users(county, xuequ_store::Paging::new(Some(1), Some(100))).await?.items;
    let Some(bureau) = users.iter().find(|u| u.role == xuequ_domain::Role::BureauAdmin) else { return Ok(()) };
    let schools = app.store.all_schools(county).await?;
    let teachers = app.store.active_teachers(county).await?;
    let mut in_cluster = std::collections::HashMap::new();
    for c in app.store.all_clusters(county).await? {
        for s in app.store.cluster_school_ids(county, c.id).await? {
            in_cluster.entry(s).or_insert(c.id);
        }
    }
    let now = chrono::Utc::now();
    let lessons = xuequ_demo::lessons::generate(count, 2026 + county as u64);
    let section_of_grade = |grade: u8| if grade <= 6 { xuequ_domain::Section::Primary } else { xuequ_domain::Section::Junior };
    let teaches =
        |school: i64, grade: u8| schools.iter().any(|s| s.id == school && s.school_type.sections().contains(&section_of_grade(grade)));
    for (i, lesson) in lessons.into_iter().enumerate() {
        // The demo's own accounts upload some, so their pages have something of their own —
        // only for the grades their school teaches (no grade-9 physics from a primary school).
        let own = users
            .iter()
            .filter(|u| u.school_id.is_some() && u.role != xuequ_domain::Role::BureauAdmin)
            .nth(i % 7)
            .filter(|u| u.school_id.is_some_and(|s| teaches(s, lesson.grade)));
        let mut fitting: Vec<i64> = schools.iter().map(|s| s.id).filter(|s| teaches(*s, lesson.grade)).collect();
        if fitting.is_empty() {
            // A county without schools of that section (a small test county): any school.
            fitting = schools.iter().map(|s| s.id).collect();
        }
        let school = own.and_then(|u| u.school_id).unwrap_or_else(|| fitting[(i * 7) % fitting.len()]);
        let author = teachers.iter().filter(|t| t.school_id == school).nth(i % 3).map(|t| format!("{}老师", t.name));
        let ctx = Ctx {
            county_id: county,
            user_id: Some(own.map_or(bureau.id, |u| u.id)),
            username: own.map(|u| u.display_name.clone()).or(author).unwrap_or_else(|| bureau.display_name.clone()),
        };
        let sharing = match (i % 3, in_cluster.get(&school)) {
            (0, _) => Sharing::County,
            (1, Some(_)) => Sharing::Cluster,
            (1, None) => Sharing::County,
            _ => Sharing::School,
        };
        let lines: Vec<&str> = lesson.body.lines().collect();
        let (name, bytes) = match i % 4 {
            0 => (format!("{}.pdf", lesson.title), xuequ_demo::files::pdf(&lesson.title, &lines)),
            3 => (format!("{}.txt", lesson.title), lesson.body.clone().into_bytes()),
            _ => (format!("{}.docx", lesson.title), xuequ_demo::files::docx(&lesson.title, &lines)),
        };
        let incoming = crate::library::upload::Incoming { name, bytes };
        let (t, text) = crate::library::upload::prepare(app, std::slice::from_ref(&incoming)).await?.remove(0);
        let file = crate::library::upload::store_file(app, &incoming, &t, text).await?;
        let kind = Kind::parse(lesson.kind).unwrap_or(Kind::Other);
        let new = NewResource {
            school_id: Some(school),
            created_at: now - chrono::Duration::hours((count - i) as i64 * 11),
            uploader_name: ctx.username.clone(),
            fields: ResourceFields {
                title: lesson.title.clone(),
                description: lesson.description.clone(),
                subject: xuequ_domain::Subject::parse(lesson.subject)
                    .ok_or_else(|| AppError::internal(format!("unknown subject {}", lesson.subject)))?,
                grade: lesson.grade as i32,
                edition: lesson.edition.to_string(),
                chapter: lesson.tags.first().cloned().unwrap_or_default(),
                kind,
                tags: lesson.tags.join(","),
                sharing,
                cluster_id: (sharing == Sharing::Cluster).then(|| in_cluster.get(&school).copied()).flatten(),
            },
            file,
        };
        let saved = app.store.create_resources(&ctx, &[new]).await?;
        // Colleagues of other schools download and rate what is shared beyond the school.
        if sharing != Sharing::School {
            for (k, u) in users.iter().enumerate().filter(|(_, u)| u.school_id.is_some() && u.school_id != Some(school)) {
                if (i + k) % 3 != 0 {
                    continue;
                }
                let who = Ctx { county_id: county, user_id: Some(u.id), username: u.display_name.clone() };
                let at = now - chrono::Duration::hours(((i * 37 + k * 101) % (24 * 150)) as i64);
                app.store.record_download(&who, saved[0].resource.id, u.school_id, at).await?;
                if (i + k) % 2 == 0 {
                    app.store.rate_resource(&who, saved[0].resource.id, u.school_id, 3 + ((i + k) % 3) as i32, at).await?;
                }
            }
        }
    }
    Ok(())
}

/// Loads the benchmarks' generated province (`xuequ bench make-evaluation`): `copies` demo
/// counties side by side in one county, with what a school year leaves behind — the exchange's
/// moves and mentorships, facilities lent by lead schools to their members through a term,
/// resources shared and downloaded, the clusters' running year, pupils' scores, last year's
/// round closed and this year's open. `step` hears each part as it starts (a message id).
/// Answers the county, its schools and its clusters.
pub async fn load_province(app: &crate::App, copies: usize, step: &dyn Fn(&str)) -> Result<(i64, usize, usize)> {
    if app.store.county_by_code(xuequ_demo::PROVINCE).await?.is_some() {
        return Err(AppError::Internal(format!("county {} is loaded already: use a fresh data directory", xuequ_demo::PROVINCE)));
    }
    step("bench-step-registry");
    load(&app.store, xuequ_demo::province(copies)).await?;
    let county = county_id(&app.store, Some(xuequ_demo::PROVINCE)).await?;
    step("bench-step-bookings");
    province_bookings(&app.store, county).await?;
    step("bench-step-library");
    demo_library(app, county, copies * 100).await?;
    step("bench-step-running");
    crate::running::demo::county_year(app, county).await?;
    step("bench-step-evaluation");
    crate::evaluation::demo::county_rounds(app, county).await?;
    Ok((county, app.store.all_schools(county).await?.len(), app.store.all_clusters(county).await?.len()))
}

/// Each active cluster's lead school lends its first shareable facility to every member one
/// lesson a week over the last twenty weeks (days off included: a benchmark has no calendar).
async fn province_bookings(store: &Store, county: i64) -> Result<()> {
    use xuequ_domain::booking::{BookingStatus, to_utc};
    let ctx = Ctx { county_id: county, user_id: None, username: "bench".into() };
    let facilities = store.active_facilities(county).await?;
    let monday = crate::bookings::week_of(crate::today());
    for (ci, k) in store.all_clusters(county).await?.into_iter().filter(|k| k.status == xuequ_domain::Status::Active).enumerate() {
        let Some(f) = facilities.iter().find(|f| f.school_id == k.lead_school_id && f.shareable) else { continue };
        let members = store.cluster_school_ids(county, k.id).await?;
        for (mi, school) in members.into_iter().filter(|s| *s != k.lead_school_id).enumerate() {
            // A weekday and an hour of its own for each member, so that no two collide.
            let (weekday, hour) = ((mi % 5) as i64, 8 + ((mi / 5 + ci) % 9) as u32);
            let slots: Vec<_> = (1..=20)
                .map(|w| {
                    let day = monday - chrono::Duration::weeks(w) + chrono::Duration::days(weekday);
                    let start = day.and_hms_opt(hour, 0, 0).expect("a time");
                    (to_utc(start), to_utc(start + chrono::Duration::minutes(45)))
                })
                .collect();
            let new = xuequ_store::bookings::NewBooking {
                facility_id: f.id,
                owner_school_id: f.school_id,
                school_id: school,
                requested_by: None,
                requested_by_name: "bench".into(),
                slots,
                status: BookingStatus::Confirmed,
                purpose: "科学实验课".into(),
                group_name: String::new(),
                attendees: Some(40),
            };
            match store.create_bookings(&ctx, &new).await {
                Ok(_) | Err(xuequ_store::StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(())
}
