//! Who may see accounts and the audit log: the bureau manages accounts; the bureau and
//! inspectors read the log.

use super::{Actor, Resource, Visibility};
use crate::Role;

pub(super) fn visibility(actor: &Actor, resource: Resource) -> Visibility {
    match (actor.role, resource) {
        (Role::BureauAdmin, _) => Visibility::County,
        (Role::Inspector, Resource::AuditLog) => Visibility::County,
        _ => Visibility::Nothing,
    }
}
