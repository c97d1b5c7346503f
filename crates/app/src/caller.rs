//! Who is calling a use case: the access policy's actor and the name the audit log records.

use crate::{AppError, Result};
use xuequ_domain::access::{self, Action, Actor, Resource, Target, Visibility};
use xuequ_store::Ctx;

#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub username: String,
}

impl Caller {
    pub fn county(&self) -> i64 {
        self.actor.county_id
    }

    /// Who makes a change, for the store's scoping and audit entries.
    pub fn ctx(&self) -> Ctx {
        Ctx { county_id: self.county(), user_id: Some(self.actor.user_id), username: self.username.clone() }
    }

    pub fn can(&self, action: Action, resource: Resource, target: &Target) -> bool {
        access::can(&self.actor, action, resource, target)
    }

    /// Asks the access policy; a refusal is [`AppError::Forbidden`].
    pub fn require(&self, action: Action, resource: Resource, target: &Target) -> Result<()> {
        if self.can(action, resource, target) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    pub fn visibility(&self, resource: Resource) -> Visibility {
        access::visibility(&self.actor, resource)
    }
}
