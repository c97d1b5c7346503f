//! The audit log in words: who did what to which record, with the changed fields before → after,
//! names instead of ids and coded values in the reader's language.

use crate::Tr;
use serde_json::Value;

/// One entry of the log as stored: the actor, the action, the kind of record and its JSON
/// before and after.
pub struct Entry<'a> {
    pub who: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

/// Names of the records an entry refers to by id.
pub trait Names {
    fn school(&self, id: i64) -> Option<String>;
    fn cluster(&self, id: i64) -> Option<String>;
}

/// Names from maps of id → name.
pub struct NameMaps<'a> {
    pub schools: &'a std::collections::HashMap<i64, String>,
    pub clusters: &'a std::collections::HashMap<i64, String>,
}

impl Names for NameMaps<'_> {
    fn school(&self, id: i64) -> Option<String> {
        self.schools.get(&id).cloned()
    }
    fn cluster(&self, id: i64) -> Option<String> {
        self.clusters.get(&id).cloned()
    }
}

/// An entry as stored (its before and after as JSON text) told as a sentence.
pub fn describe_stored(
    tr: &Tr,
    who: &str,
    action: &str,
    entity: &str,
    before: Option<&str>,
    after: Option<&str>,
    names: &dyn Names,
) -> Sentence {
    let parse = |j: Option<&str>| j.and_then(|j| serde_json::from_str::<Value>(j).ok());
    let (before, after) = (parse(before), parse(after));
    describe(tr, &Entry { who, action, entity, before: before.as_ref(), after: after.as_ref() }, names)
}

/// An entry told as a sentence, the fields it changed (label, before, after) and the records
/// an import wrote.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Sentence {
    pub text: String,
    pub changes: Vec<(String, String, String)>,
    pub records: Vec<String>,
}

/// Fields that are bookkeeping, not something a person changed.
const HIDDEN: &[&str] = &["id", "county_id", "created_at", "updated_at", "password_hash", "must_change_password", "last_login_at"];

pub fn describe(tr: &Tr, e: &Entry<'_>, names: &dyn Names) -> Sentence {
    let record = e.after.or(e.before);
    let name = record.map(|r| record_name(tr, e.entity, r, names)).unwrap_or_default();
    let kind = tr.code("audit-entity", e.entity);
    let args = |extra: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
        let mut all = vec![("who", e.who.to_string()), ("kind", kind.clone()), ("name", name.clone())];
        all.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
        all
    };
    let field = |key: &str| record.and_then(|r| r.get(key)).map(text).unwrap_or_default();
    let mut out = Sentence { text: String::new(), changes: vec![], records: vec![] };
    out.text = match e.action {
        "import" => {
            let keys = |k: &str| record.and_then(|r| r.get(k)).and_then(Value::as_array).cloned().unwrap_or_default();
            out.records = keys("created_keys").iter().chain(keys("updated_keys").iter()).map(text).collect();
            tr.with("audit-says-import", &args(&[("created", field("created")), ("updated", field("updated"))]))
        }
        "add_member" | "remove_member" => {
            let school = id_of(record, "school_id").and_then(|id| names.school(id)).unwrap_or_default();
            let cluster = id_of(record, "cluster_id").and_then(|id| names.cluster(id)).unwrap_or_default();
            let on = if e.action == "add_member" { field("joined_on") } else { field("left_on") };
            tr.with(&format!("audit-says-{}", e.action.replace('_', "-")), &args(&[("school", school), ("cluster", cluster), ("on", on)]))
        }
        "apply" => tr.with("audit-says-apply", &args(&[("on", field("applied_on"))])),
        action => {
            if action == "update" {
                out.changes = changes(tr, e, names);
            }
            let key = format!("audit-says-{}", action.replace('_', "-"));
            let said = tr.with(&key, &args(&[]));
            if said == key { tr.with("audit-says-other", &args(&[("action", tr.code("audit-action", action))])) } else { said }
        }
    };
    out
}

/// What a person calls the record: its name (a school's statistics: the school and the year).
fn record_name(tr: &Tr, entity: &str, record: &Value, names: &dyn Names) -> String {
    match entity {
        "school_stat" => {
            let school = id_of(Some(record), "school_id").and_then(|id| names.school(id)).unwrap_or_default();
            let year = record.get("year").and_then(Value::as_i64).unwrap_or_default();
            tr.with("audit-stat-name", &[("school", school), ("year", format!("{}–{}", year, year + 1))])
        }
        "user" => {
            let user = record.get("username").map(text).unwrap_or_default();
            match record.get("display_name").map(text).filter(|d| !d.is_empty() && *d != user) {
                Some(display) => format!("{display}（{user}）"),
                None => user,
            }
        }
        _ => record.get("name").map(text).unwrap_or_default(),
    }
}

/// The fields an update changed, labelled and in words, in the record's field order.
fn changes(tr: &Tr, e: &Entry<'_>, names: &dyn Names) -> Vec<(String, String, String)> {
    let (Some(Value::Object(before)), Some(Value::Object(after))) = (e.before, e.after) else { return vec![] };
    after
        .iter()
        .filter(|(key, _)| !HIDDEN.contains(&key.as_str()))
        .filter(|(key, value)| before.get(*key) != Some(*value))
        .map(|(key, value)| {
            let shown = |v: Option<&Value>| v.map(|v| value_text(tr, e.entity, key, v, names)).unwrap_or_default();
            (tr.field(e.entity, key), shown(before.get(key)), shown(Some(value)))
        })
        .collect()
}

/// A stored value as a person reads it: names for ids, labels for codes, 是/否 for flags.
fn value_text(tr: &Tr, entity: &str, key: &str, value: &Value, names: &dyn Names) -> String {
    let id = value.as_i64();
    match (key, value) {
        (_, Value::Null) => String::new(),
        (_, Value::Bool(b)) => tr.get(if *b { "audit-yes" } else { "audit-no" }),
        ("school_id" | "lead_school_id" | "campus_of", _) => id.and_then(|id| names.school(id)).unwrap_or_else(|| text(value)),
        ("cluster_id", _) => id.and_then(|id| names.cluster(id)).unwrap_or_else(|| text(value)),
        _ => match code_kind(entity, key) {
            Some(kind) => tr.code(kind, &text(value)),
            None => text(value),
        },
    }
}

/// The vocabulary a coded field's values come from.
fn code_kind(entity: &str, key: &str) -> Option<&'static str> {
    Some(match (entity, key) {
        ("cluster", "form") => "cluster_form",
        ("cluster", "level") => "cluster_level",
        ("facility", "kind") => "facility_kind",
        (_, "school_type") => "school_type",
        (_, "locality") => "locality",
        (_, "gender") => "gender",
        (_, "subject") => "subject",
        (_, "section") => "section",
        (_, "degree") => "degree",
        (_, "title") => "title",
        (_, "backbone") => "backbone",
        (_, "status") => "status",
        (_, "role") => "role",
        _ => return None,
    })
}

fn id_of(record: Option<&Value>, key: &str) -> Option<i64> {
    record?.get(key)?.as_i64()
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
