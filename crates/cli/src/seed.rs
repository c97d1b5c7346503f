//! Filling a database: the demo county, or the first admin account of a real installation.

use anyhow::{Context, Result, anyhow};
use xuequ_demo::{DEMO_PASSWORD, DemoCounty};
use xuequ_store::accounts::{NewUser, random_password};
use xuequ_store::imports::{ImportError, ImportOptions};
use xuequ_store::{Ctx, Store};

fn fail(what: &str) -> impl Fn(ImportError) -> anyhow::Error + '_ {
    move |e| match e {
        ImportError::Rows(rows) => anyhow!("demo {what}: {} problems, first {:?}", rows.len(), rows.first()),
        ImportError::Store(e) => anyhow!("demo {what}: {e}"),
    }
}

/// Loads the demo county and the small second county, unless they are there already.
pub async fn demo(store: &Store, verbose: bool) -> Result<()> {
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
        let saved = store.create_cluster(&ctx, &c.draft).await.map_err(|e| anyhow!("demo cluster {}: {e:?}", c.draft.name))?;
        for (code, joined) in &c.members {
            store.add_member(&ctx, saved.id, code, *joined).await.map_err(|e| anyhow!("demo member {code} of {}: {e:?}", c.draft.name))?;
        }
        let mut officers = Vec::new();
        for (role, name, school) in &c.officers {
            let school_id = match school {
                Some(code) => store.school_by_code(record.id, code).await?.map(|s| s.id),
                None => None,
            };
            officers.push(xuequ_store::clusters::OfficerDraft { role: *role, person_name: name.clone(), school_id });
        }
        store.set_officers(&ctx, saved.id, &officers).await.map_err(|e| anyhow!("{e:?}"))?;
    }
    let clusters = store.all_clusters(record.id).await?;
    for a in county.accounts {
        let school_id = match &a.school_code {
            Some(code) => Some(store.school_by_code(record.id, code).await?.context("demo account school")?.id),
            None => None,
        };
        let cluster_id = a.cluster_name.as_ref().and_then(|n| clusters.iter().find(|c| &c.name == n)).map(|c| c.id);
        let new = NewUser {
            username: a.username.into(),
            display_name: a.display_name,
            password: DEMO_PASSWORD.into(),
            role: a.role,
            school_id,
            cluster_id,
            must_change_password: false,
        };
        store.create_user(&ctx, new).await.map_err(|e| anyhow!("demo account {}: {e:?}", a.username))?;
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
    store.create_user(&ctx, new).await.map_err(|e| anyhow!("{e:?}"))?;
    if given.is_none() {
        println!("first start: created the account `admin` with the one-time password {password}");
    }
    Ok(())
}
