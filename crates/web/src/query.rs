//! Query strings of list pages and list APIs, read into the store's list filter and paging.

use std::collections::HashMap;
use xuequ_app::Paging;
use xuequ_store::registry::ListFilter;

/// A list request from a query string: `q`, `sort`, `desc`, `page`, `per_page`, `school_id`,
/// `include_retired`; any other key is an equality filter the list's spec may honour.
pub fn list_request(query: &HashMap<String, String>) -> (ListFilter, Paging) {
    let num = |k: &str| query.get(k).and_then(|v| v.parse::<u64>().ok());
    let reserved = ["q", "sort", "desc", "page", "per_page", "school_id", "include_retired", "lang"];
    let filter = ListFilter {
        q: query.get("q").cloned(),
        eq: query.iter().filter(|(k, v)| !reserved.contains(&k.as_str()) && !v.is_empty()).map(|(k, v)| (k.clone(), v.clone())).collect(),
        school_id: query.get("school_id").and_then(|v| v.parse().ok()),
        include_retired: query.get("include_retired").is_some_and(|v| v == "1" || v == "true"),
        sort: query.get("sort").cloned(),
        desc: query.get("desc").is_some_and(|v| v == "1" || v == "true"),
        found: None,
        total: None,
    };
    (filter, Paging::new(num("page"), num("per_page")))
}

/// The audit log's filters: `entity`, `action`, `username`, and the days `from`–`to`
/// (YYYY-MM-DD); a date that does not read is a problem on its field.
pub fn audit_filter(query: &HashMap<String, String>) -> Result<xuequ_store::accounts::AuditFilter, xuequ_app::AppError> {
    let date = |key: &'static str| -> Result<Option<chrono::NaiveDate>, xuequ_app::AppError> {
        match query.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| xuequ_app::AppError::invalid(key, xuequ_domain::Problem::NotADate { value: v.chars().take(40).collect() })),
        }
    };
    Ok(xuequ_store::accounts::AuditFilter {
        entity: query.get("entity").cloned(),
        action: query.get("action").cloned(),
        username: query.get("username").cloned(),
        from: date("from")?,
        to: date("to")?,
    })
}
