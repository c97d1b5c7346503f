//! Counties (tenants), user accounts, passwords and sessions.

pub mod entities;

use crate::entities::{cluster, county, school, session, user};
use crate::{Ctx, Page, Paging, Result, Store, StoreError, audit, json};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sha2::{Digest, Sha256};
use xuequ_domain::{Problem, Role};

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 8;

/// A new account as entered by a bureau admin.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub school_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub must_change_password: bool,
}

/// A change to an account's role, scope or state.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub display_name: String,
    pub role: Role,
    pub school_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub disabled: bool,
}

/// A freshly opened session: the token goes to the client once and is stored only hashed.
#[derive(Debug, Clone)]
pub struct OpenedSession {
    pub token: String,
    pub csrf: String,
}

pub fn hash_password(password: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let salt = SaltString::encode_b64(&bytes).expect("16 bytes make a valid salt");
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 hashing").to_string()
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A random password for a new admin or a reset: 16 characters without look-alikes.
pub fn random_password() -> String {
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| CHARS[*b as usize % CHARS.len()] as char).collect()
}

/// A person's name as the header shows it.
fn check_display_name(name: &str) -> Result<()> {
    let mut c = xuequ_domain::validate::Checker::default();
    c.text("display_name", name, true, 40);
    c.finish().map_err(StoreError::Invalid)
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(StoreError::invalid("password", Problem::WeakPassword { min: MIN_PASSWORD }));
    }
    Ok(())
}

impl Store {
    pub async fn create_county(&self, code: &str, name: &str) -> Result<county::Model> {
        Ok(county::ActiveModel {
            code: Set(code.to_string()),
            name: Set(name.to_string()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await?)
    }

    pub async fn county(&self, id: i64) -> Result<Option<county::Model>> {
        Ok(county::Entity::find_by_id(id).one(&self.db).await?)
    }

    pub async fn county_by_code(&self, code: &str) -> Result<Option<county::Model>> {
        Ok(county::Entity::find().filter(county::Column::Code.eq(code)).one(&self.db).await?)
    }

    pub async fn counties(&self) -> Result<Vec<county::Model>> {
        Ok(county::Entity::find().order_by_asc(county::Column::Id).all(&self.db).await?)
    }

    pub async fn user_count(&self) -> Result<u64> {
        Ok(user::Entity::find().count(&self.db).await?)
    }

    /// Checks that the role's scope (school or cluster) exists in the county.
    async fn check_scope(&self, county_id: i64, role: Role, school_id: Option<i64>, cluster_id: Option<i64>) -> Result<()> {
        if role.needs_school() {
            let ok = match school_id {
                Some(id) => school::Entity::find_by_id(id).filter(school::Column::CountyId.eq(county_id)).one(&self.db).await?.is_some(),
                None => false,
            };
            if !ok {
                return Err(StoreError::invalid("school_id", Problem::Required));
            }
        }
        if role.needs_cluster() {
            let ok = match cluster_id {
                Some(id) => cluster::Entity::find_by_id(id).filter(cluster::Column::CountyId.eq(county_id)).one(&self.db).await?.is_some(),
                None => false,
            };
            if !ok {
                return Err(StoreError::invalid("cluster_id", Problem::Required));
            }
        }
        Ok(())
    }

    pub async fn create_user(&self, ctx: &Ctx, new: NewUser) -> Result<user::Model> {
        let username = new.username.trim().to_string();
        if username.is_empty() || username.len() > 40 || !username.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
            return Err(StoreError::invalid("username", Problem::BadCode { value: username }));
        }
        check_password(&new.password)?;
        check_display_name(&new.display_name)?;
        self.check_scope(ctx.county_id, new.role, new.school_id, new.cluster_id).await?;
        let model = user::ActiveModel {
            county_id: Set(ctx.county_id),
            username: Set(username.clone()),
            display_name: Set(new.display_name.trim().to_string()),
            password_hash: Set(hash_password(&new.password)),
            role: Set(new.role),
            school_id: Set(new.school_id.filter(|_| new.role.needs_school())),
            cluster_id: Set(new.cluster_id.filter(|_| new.role.needs_cluster())),
            disabled: Set(false),
            must_change_password: Set(new.must_change_password),
            created_at: Set(Utc::now()),
            last_login_at: Set(None),
            updated_at: Set(Some(Utc::now())),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .map_err(|e| crate::conflict_on_unique(e, &username))?;
        audit(&self.db, ctx, "create", "user", Some(model.id), None, Some(json(&model))).await?;
        Ok(model)
    }

    pub async fn users(&self, county_id: i64, paging: Paging) -> Result<Page<user::Model>> {
        let query = user::Entity::find().filter(user::Column::CountyId.eq(county_id));
        let total = query.clone().count(&self.db).await?;
        let items = query.order_by_asc(user::Column::Username).offset(paging.offset()).limit(paging.per_page).all(&self.db).await?;
        Ok(Page { items, total })
    }

    pub async fn user(&self, county_id: i64, id: i64) -> Result<Option<user::Model>> {
        Ok(user::Entity::find_by_id(id).filter(user::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn update_user(&self, ctx: &Ctx, id: i64, update: UserUpdate, expected: Option<crate::Version>) -> Result<user::Model> {
        let before = self.user(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        check_display_name(&update.display_name)?;
        self.check_scope(ctx.county_id, update.role, update.school_id, update.cluster_id).await?;
        let mut model: user::ActiveModel = before.clone().into();
        model.display_name = Set(update.display_name.trim().to_string());
        model.role = Set(update.role);
        model.school_id = Set(update.school_id.filter(|_| update.role.needs_school()));
        model.cluster_id = Set(update.cluster_id.filter(|_| update.role.needs_cluster()));
        model.disabled = Set(update.disabled);
        model.updated_at = Set(Some(Utc::now()));
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        crate::claim(&txn, "app_user", id, expected).await?;
        let after = model.update(&txn).await?;
        if after.disabled || after.role != before.role {
            // A disabled account or a changed role must not keep its open sessions.
            session::Entity::delete_many().filter(session::Column::UserId.eq(id)).exec(&txn).await?;
        }
        audit(&txn, ctx, "update", "user", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn set_password(&self, ctx: &Ctx, id: i64, password: &str, must_change: bool) -> Result<()> {
        check_password(password)?;
        let before = self.user(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        let mut model: user::ActiveModel = before.into();
        model.password_hash = Set(hash_password(password));
        model.must_change_password = Set(must_change);
        model.update(&self.db).await?;
        session::Entity::delete_many().filter(session::Column::UserId.eq(id)).exec(&self.db).await?;
        audit(&self.db, ctx, "reset_password", "user", Some(id), None, None).await?;
        Ok(())
    }

    /// A user changes their own password, proving the current one. Their other sessions end.
    pub async fn change_own_password(&self, ctx: &Ctx, user_id: i64, current: &str, new: &str, keep_session: &str) -> Result<()> {
        let found = self.user(ctx.county_id, user_id).await?.ok_or(StoreError::NotFound)?;
        if !verify_password(current, &found.password_hash) {
            return Err(StoreError::invalid("current_password", Problem::WrongPassword));
        }
        // Checked once the current password is proven: common and guessable ones (or ones made
        // of the person's user name or name) are refused, saying why.
        xuequ_domain::password::check(new, &[&found.username, &found.display_name]).map_err(|p| StoreError::invalid("new_password", p))?;
        let mut model: user::ActiveModel = found.into();
        model.password_hash = Set(hash_password(new));
        model.must_change_password = Set(false);
        model.update(&self.db).await?;
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::TokenHash.ne(token_hash(keep_session)))
            .exec(&self.db)
            .await?;
        audit(&self.db, ctx, "change_password", "user", Some(user_id), None, None).await?;
        Ok(())
    }

    /// The account for these credentials, if they are right and the account is enabled.
    pub async fn authenticate(&self, username: &str, password: &str) -> Result<Option<user::Model>> {
        let found = user::Entity::find().filter(user::Column::Username.eq(username.trim())).one(&self.db).await?;
        let Some(found) = found else {
            // Spend the same time as a real check so that timing does not reveal user names.
            let _ = verify_password(password, &hash_password("timing-equaliser"));
            return Ok(None);
        };
        if found.disabled || !verify_password(password, &found.password_hash) {
            return Ok(None);
        }
        let mut model: user::ActiveModel = found.into();
        model.last_login_at = Set(Some(Utc::now()));
        Ok(Some(model.update(&self.db).await?))
    }

    pub async fn open_session(&self, user_id: i64, kind: &str, ttl: Duration) -> Result<OpenedSession> {
        let token = random_token();
        let csrf = random_token();
        let now = Utc::now();
        session::ActiveModel {
            token_hash: Set(token_hash(&token)),
            user_id: Set(user_id),
            kind: Set(kind.to_string()),
            csrf: Set(csrf.clone()),
            created_at: Set(now),
            expires_at: Set(now + ttl),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(OpenedSession { token, csrf })
    }

    /// The live session for a token and its (enabled) user.
    pub async fn session(&self, token: &str) -> Result<Option<(session::Model, user::Model)>> {
        let found = session::Entity::find().filter(session::Column::TokenHash.eq(token_hash(token))).one(&self.db).await?;
        let Some(found) = found else { return Ok(None) };
        if found.expires_at < Utc::now() {
            session::Entity::delete_by_id(found.id).exec(&self.db).await?;
            return Ok(None);
        }
        let owner = user::Entity::find_by_id(found.user_id).one(&self.db).await?;
        Ok(owner.filter(|u| !u.disabled).map(|u| (found, u)))
    }

    /// Ends the session of `token`; answers its account, if it was open.
    pub async fn close_session(&self, token: &str) -> Result<Option<i64>> {
        let found = session::Entity::find().filter(session::Column::TokenHash.eq(token_hash(token))).one(&self.db).await?;
        session::Entity::delete_many().filter(session::Column::TokenHash.eq(token_hash(token))).exec(&self.db).await?;
        Ok(found.map(|s| s.user_id))
    }
}

impl Store {
    /// The audit log of a county, newest first, optionally of one kind of record.
    /// One page of the county's audit log, newest first, narrowed by `filter`.
    pub async fn audit_entries(
        &self,
        county_id: i64,
        filter: &AuditFilter,
        paging: Paging,
    ) -> Result<Page<crate::entities::audit_log::Model>> {
        use crate::entities::audit_log;
        let mut query = audit_log::Entity::find().filter(audit_log::Column::CountyId.eq(county_id));
        let given = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
        if let Some(e) = given(&filter.entity) {
            query = query.filter(audit_log::Column::Entity.eq(e));
        }
        if let Some(a) = given(&filter.action) {
            query = query.filter(audit_log::Column::Action.eq(a));
        }
        if let Some(u) = given(&filter.username) {
            query = query.filter(audit_log::Column::Username.eq(u));
        }
        if let Some(from) = filter.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
            query = query.filter(audit_log::Column::At.gte(from.and_utc()));
        }
        if let Some(to) = filter.to.and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)) {
            query = query.filter(audit_log::Column::At.lt(to.and_utc()));
        }
        let total = query.clone().count(&self.db).await?;
        let items = query.order_by_desc(audit_log::Column::Id).offset(paging.offset()).limit(paging.per_page).all(&self.db).await?;
        Ok(Page { items, total })
    }

    /// Every account's name by username (the audit log and the pages name people, not logins).
    pub async fn display_names(&self, county_id: i64) -> Result<std::collections::HashMap<String, String>> {
        Ok(user::Entity::find()
            .select_only()
            .column(user::Column::Username)
            .column(user::Column::DisplayName)
            .filter(user::Column::CountyId.eq(county_id))
            .into_tuple::<(String, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect())
    }

    /// Every teacher's name by id, those who left too (old records still name them).
    pub async fn teacher_names(&self, county_id: i64) -> Result<std::collections::HashMap<i64, String>> {
        use crate::entities::teacher;
        Ok(teacher::Entity::find()
            .select_only()
            .column(teacher::Column::Id)
            .column(teacher::Column::Name)
            .filter(teacher::Column::CountyId.eq(county_id))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect())
    }

    /// Everyone who appears in the county's audit log, for its filter.
    pub async fn audit_usernames(&self, county_id: i64) -> Result<Vec<String>> {
        use crate::entities::audit_log;
        Ok(audit_log::Entity::find()
            .select_only()
            .column(audit_log::Column::Username)
            .distinct()
            .filter(audit_log::Column::CountyId.eq(county_id))
            .order_by_asc(audit_log::Column::Username)
            .into_tuple::<String>()
            .all(&self.db)
            .await?)
    }
}

/// What the audit log is narrowed to: kind of record, action, person, and a range of days.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub action: Option<String>,
    pub username: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}
