//! Query strings of list pages and list APIs, read into the store's list filter and paging.

use std::collections::HashMap;
use xuequ_app::Paging;
use xuequ_app::records::{AuditFilter, ListFilter};

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

/// A list request of the API: as [`list_request`], but a parameter the document types (`page`,
/// `per_page`, `desc`, `include_retired`, `school_id`) that does not read, or lies outside its
/// declared range, is a 400 naming it rather than a silent default.
pub fn api_list_request(query: &HashMap<String, String>) -> Result<(ListFilter, Paging), crate::error::ApiError> {
    let malformed = |key: &str, value: &str, what: &str| {
        crate::error::ApiError(xuequ_app::AppError::Malformed(vec![xuequ_domain::FieldProblem::new(
            match key {
                "page" => "page",
                "per_page" => "per_page",
                "desc" => "desc",
                "include_retired" => "include_retired",
                _ => "school_id",
            },
            xuequ_domain::Problem::Malformed { reason: format!("`{}` is not {what}", value.chars().take(40).collect::<String>()) },
        )]))
    };
    let number = |key: &str| -> Result<Option<u64>, crate::error::ApiError> {
        query.get(key).map(|v| v.parse::<u64>().map_err(|_| malformed(key, v, "a whole number"))).transpose()
    };
    for key in ["desc", "include_retired"] {
        if let Some(v) = query.get(key)
            && !["true", "false", "1", "0"].contains(&v.as_str())
        {
            return Err(malformed(key, v, "true or false"));
        }
    }
    if let Some(v) = query.get("school_id")
        && v.parse::<i64>().is_err()
    {
        return Err(malformed("school_id", v, "a whole number"));
    }
    let paging = crate::api::paging(number("page")?, number("per_page")?)?;
    let (filter, _) = list_request(query);
    Ok((filter, paging))
}

/// The audit log's filters: `entity`, `action`, `username`, and the days `from`–`to`
/// (YYYY-MM-DD); a date that does not read is a problem on its field.
pub fn audit_filter(query: &HashMap<String, String>) -> Result<AuditFilter, xuequ_app::AppError> {
    let date = |key: &'static str| -> Result<Option<chrono::NaiveDate>, xuequ_app::AppError> {
        match query.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| xuequ_app::AppError::invalid(key, xuequ_domain::Problem::NotADate { value: v.chars().take(40).collect() })),
        }
    };
    Ok(AuditFilter {
        entity: query.get("entity").cloned(),
        action: query.get("action").cloned(),
        username: query.get("username").cloned(),
        from: date("from")?,
        to: date("to")?,
    })
}
