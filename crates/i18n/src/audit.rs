//! The audit log in words: who did what to which record, with the changed fields before → after,
//! names instead of ids and coded values in the reader's language.

use crate::Tr;
use serde_json::Value;
use std::collections::HashMap;

/// One entry of the log as stored: the actor, the action, the kind of record and its JSON
/// before and after.
pub struct Entry<'a> {
    pub who: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

/// The kinds of record the log holds, in the order its filter offers them. Every kind the
/// store writes is here, and each has a name in both languages (tested below).
pub const KINDS: &[&str] = &[
    "school",
    "school_stat",
    "teacher",
    "facility",
    "cluster",
    "plan",
    "user",
    "booking",
    "facility_rule",
    "school_calendar",
    "bell_schedule",
    "activity",
    "training_record",
    "work_plan",
    "plan_task",
    "task",
    "council_member",
    "council_meeting",
    "meeting",
    "meeting_decision",
    "budget",
    "expenditure",
    "running_settings",
    "library_resource",
    "library_collection",
    "library_comment",
    "exchange_move",
    "exchange_exclusion",
    "exchange_settings",
    "mentorship",
    "mentorship_meeting",
    "evaluation_tree",
    "evaluation_round",
    "evaluation_assignment",
    "evaluation_score",
    "evaluation_evidence",
    "student_score",
];

/// What was done, as the store records it: the plain actions, then the statuses a record is
/// moved to (a booking confirmed, a move under way, a resource taken down).
pub const ACTIONS: &[&str] = &[
    "create",
    "update",
    "retire",
    "delete",
    "import",
    "add_member",
    "remove_member",
    "set_officers",
    "apply",
    "reset_password",
    "change_password",
    "link_teacher",
    "attach",
    "replace",
    "set",
    "end",
    "record",
    "record_attendance",
    "add_attendees",
    "remove_attendee",
    "mark_absent",
    "rebook",
    "collect",
    "uncollect",
    "proposed",
    "pending",
    "awaiting_bureau",
    "approved",
    "confirmed",
    "declined",
    "cancelled",
    "scheduled",
    "active",
    "returned",
    "withdrawn",
    "taken_down",
    "expire",
    "expired",
    "no_show",
    "close",
    "assign",
    "score",
];

/// Names of the records and people an entry refers to.
pub trait Names {
    fn school(&self, id: i64) -> Option<String>;
    fn cluster(&self, id: i64) -> Option<String>;
    fn teacher(&self, id: i64) -> Option<String>;
    /// A person's name by their username.
    fn person(&self, username: &str) -> Option<String>;
}

/// Names from maps of id (or username) → name.
pub struct NameMaps<'a> {
    pub schools: &'a HashMap<i64, String>,
    pub clusters: &'a HashMap<i64, String>,
    pub teachers: &'a HashMap<i64, String>,
    pub people: &'a HashMap<String, String>,
}

impl Names for NameMaps<'_> {
    fn school(&self, id: i64) -> Option<String> {
        self.schools.get(&id).cloned()
    }
    fn cluster(&self, id: i64) -> Option<String> {
        self.clusters.get(&id).cloned()
    }
    fn teacher(&self, id: i64) -> Option<String> {
        self.teachers.get(&id).cloned()
    }
    fn person(&self, username: &str) -> Option<String> {
        self.people.get(username).cloned()
    }
}

/// Who did it, as people know them: `王建国（admin）`, the system's own work as 系统.
pub fn who(tr: &Tr, username: &str, names: &dyn Names) -> String {
    match names.person(username).filter(|n| !n.is_empty() && n != username) {
        Some(name) => format!("{name}（{username}）"),
        None if username == "system" || username.is_empty() => tr.get("audit-system"),
        None => username.to_string(),
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
    // Accounts were once recorded under their table's name.
    let entity = if entity == "app_user" { "user" } else { entity };
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
    let record = e.after.or(e.before).filter(|r| r.is_object());
    let name = record.map(|r| record_name(tr, e.entity, r, names)).unwrap_or_default();
    // The name comes with its quotes, so a record without one reads "新建了教研活动", not "“”".
    let name = if name.is_empty() { name } else { format!("“{name}”") };
    let kind = tr.code("audit-entity", e.entity);
    let who = who(tr, e.who, names);
    let args = |extra: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
        let mut all = vec![("who", who.clone()), ("kind", kind.clone()), ("name", name.clone())];
        all.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
        all
    };
    let field = |key: &str| record.and_then(|r| r.get(key)).map(text).unwrap_or_default();
    let mut out = Sentence { text: String::new(), changes: vec![], records: vec![] };
    out.text = match e.action {
        "import" => {
            let keys = |k: &str| record.and_then(|r| r.get(k)).and_then(Value::as_array).cloned().unwrap_or_default();
            out.records = keys("created_keys").iter().chain(keys("updated_keys").iter()).map(text).collect();
            // Early entries of some imports stored only how many rows they made.
            let count = |k: &str| match (record, e.after) {
                (Some(_), _) => record.and_then(|r| r.get(k)).map(text).unwrap_or_else(|| "0".into()),
                (None, Some(n)) if k == "created" => text(n),
                _ => "0".into(),
            };
            tr.with("audit-says-import", &args(&[("created", count("created")), ("updated", count("updated"))]))
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
            // The sentence of this kind and action (a move "under way"), else of the action,
            // else the general one naming the action.
            let specific = format!("audit-says-{}-{}", e.entity, action).replace('_', "-");
            let general = format!("audit-says-{action}").replace('_', "-");
            match [specific, general].iter().find(|k| tr.has(k)) {
                Some(key) => tr.with(key, &args(&[])),
                None => tr.with("audit-says-other", &args(&[("action", tr.code("audit-action", action))])),
            }
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
        "exchange_move" | "exchange_exclusion" => {
            let teacher = id_of(Some(record), "teacher_id").and_then(|id| names.teacher(id)).unwrap_or_default();
            match id_of(Some(record), "to_school_id").and_then(|id| names.school(id)) {
                Some(to) => format!("{teacher} → {to}"),
                None => teacher,
            }
        }
        "mentorship" => {
            let person = |k: &str| id_of(Some(record), k).and_then(|id| names.teacher(id)).unwrap_or_default();
            format!("{} — {}", person("mentor_id"), person("mentee_id"))
        }
        "evaluation_tree" | "evaluation_round" | "student_score" => record.get("year").map(text).unwrap_or_default(),
        "evaluation_assignment" | "evaluation_score" => {
            id_of(Some(record), "cluster_id").and_then(|id| names.cluster(id)).unwrap_or_default()
        }
        "evaluation_evidence" => {
            let cluster = id_of(Some(record), "cluster_id").and_then(|id| names.cluster(id)).unwrap_or_default();
            format!("{cluster} {} {}", record.get("code").map(text).unwrap_or_default(), record.get("name").map(text).unwrap_or_default())
        }
        "budget" => {
            let cluster = id_of(Some(record), "cluster_id").and_then(|id| names.cluster(id)).unwrap_or_default();
            let year = record.get("year").map(text).unwrap_or_default();
            format!("{cluster} {year}")
        }
        "school_calendar" | "bell_schedule" | "facility_rule" | "running_settings" | "exchange_settings" => {
            id_of(Some(record), "school_id").and_then(|id| names.school(id)).unwrap_or_default()
        }
        _ => ["name", "title", "person_name", "purpose", "text"]
            .iter()
            .find_map(|k| record.get(*k).map(text).filter(|t| !t.is_empty()))
            .map(|t| if t.chars().count() > 40 { format!("{}…", t.chars().take(40).collect::<String>()) } else { t })
            .unwrap_or_default(),
    }
}

/// The fields an update changed, labelled and in words, in the record's field order.
fn changes(tr: &Tr, e: &Entry<'_>, names: &dyn Names) -> Vec<(String, String, String)> {
    let (Some(Value::Object(before)), Some(Value::Object(after))) = (e.before, e.after) else { return vec![] };
    after
        .iter()
        .filter(|(key, _)| !HIDDEN.contains(&key.as_str()))
        .filter(|(key, value)| before.get(*key) != Some(*value))
        .filter(|(key, _)| !key.ends_with("_hash") && key.as_str() != "revision")
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
        // A list inside a record (a plan's clusters) reads as how many, not as JSON.
        (_, Value::Array(items)) if items.iter().all(|i| i.is_string() || i.is_number()) && items.len() <= 8 => {
            items.iter().map(text).collect::<Vec<_>>().join("、")
        }
        (_, Value::Array(items)) => tr.with("audit-items", &[("count", items.len().to_string())]),
        (_, Value::Object(_)) => tr.get("audit-details"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    /// The filters offer every kind and action by name, in both languages.
    #[test]
    fn every_kind_and_action_has_a_name() {
        for lang in [Lang::Zh, Lang::En] {
            let tr = Tr::new(lang);
            for kind in KINDS {
                assert!(tr.has(&format!("audit-entity-{kind}").replace('_', "-")), "{lang:?}: kind {kind}");
            }
            for action in ACTIONS {
                assert!(tr.has(&format!("audit-action-{action}").replace('_', "-")), "{lang:?}: action {action}");
            }
        }
    }

    /// What the store writes with a literal kind and action is in the lists (the statuses it
    /// writes through a code are listed by hand from the vocabularies).
    #[test]
    fn the_store_writes_only_listed_kinds_and_actions() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/src");
        let mut files = vec![root];
        let mut calls = 0;
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for call in flat.split("audit(").skip(1) {
                let quoted: Vec<&str> = call.split(')').next().unwrap_or("").split('"').skip(1).step_by(2).collect();
                if let [action, kind, ..] = quoted[..] {
                    assert!(ACTIONS.contains(&action), "{}: action {action}", path.display());
                    assert!(KINDS.contains(&kind), "{}: kind {kind}", path.display());
                    calls += 1;
                }
            }
        }
        assert!(calls > 40, "found the store's audit calls ({calls})");
    }

    struct NoNames;
    impl Names for NoNames {
        fn school(&self, _: i64) -> Option<String> {
            None
        }
        fn cluster(&self, _: i64) -> Option<String> {
            None
        }
        fn teacher(&self, id: i64) -> Option<String> {
            (id == 7).then(|| "张磊洋".to_string())
        }
        fn person(&self, u: &str) -> Option<String> {
            (u == "head").then(|| "李校长".to_string())
        }
    }

    #[test]
    fn every_status_a_record_moves_to_reads_as_a_sentence() {
        let tr = Tr::new(Lang::Zh);
        let after = serde_json::json!({"teacher_id": 7, "title": "同课异构"});
        for kind in KINDS {
            // A membership names its school and cluster, tested with the clusters' own entries.
            for action in ACTIONS.iter().filter(|a| !a.ends_with("_member")) {
                let s = describe(&tr, &Entry { who: "head", action, entity: kind, before: None, after: Some(&after) }, &NoNames);
                assert!(!s.text.contains("Unknown") && !s.text.contains("audit-") && !s.text.contains("“”"), "{kind} {action}: {}", s.text);
            }
        }
        let moved =
            describe(&tr, &Entry { who: "head", action: "active", entity: "exchange_move", before: None, after: Some(&after) }, &NoNames);
        assert_eq!(moved.text, "教师交流“张磊洋”开始，教师已到岗");
        let created =
            describe(&tr, &Entry { who: "head", action: "create", entity: "activity", before: None, after: Some(&after) }, &NoNames);
        assert_eq!(created.text, "李校长（head） 新建了教研活动“同课异构”");
    }

    #[test]
    fn a_list_in_a_record_reads_as_how_many() {
        let tr = Tr::new(Lang::Zh);
        let before = serde_json::json!({"name": "方案一", "clusters": [{"lead": 93}]});
        let after = serde_json::json!({"name": "方案一", "clusters": [{"lead": 93}, {"lead": 12}]});
        let s =
            describe(&tr, &Entry { who: "admin", action: "update", entity: "plan", before: Some(&before), after: Some(&after) }, &NoNames);
        assert_eq!(s.changes.len(), 1);
        assert_eq!((s.changes[0].1.as_str(), s.changes[0].2.as_str()), ("1 项", "2 项"));
    }

    #[test]
    fn an_import_of_hours_says_how_many() {
        let tr = Tr::new(Lang::Zh);
        let n = serde_json::json!(12);
        let s =
            describe(&tr, &Entry { who: "system", action: "import", entity: "training_record", before: None, after: Some(&n) }, &NoNames);
        assert_eq!(s.text, "系统 导入了培训学时：新建 12 条，更新 0 条");
    }
}
