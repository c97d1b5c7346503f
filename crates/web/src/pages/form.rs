//! Posted page forms: one extractor, [`Posted`], that checks the CSRF token of the signed-in
//! viewer's session and reads the body into a typed struct with `serde_html_form` (repeated keys,
//! such as a list of check boxes, go into a `Vec`).
//!
//! The structs hold what a person types as `String`, `Option<String>` or `Vec<String>` (with
//! `#[serde(default)]`), so reading never fails on a value: the domain and app validation name
//! every problem at once, at its field, and the form comes back with the values as typed. Only a
//! body no page of ours sends (a typed field given text, say) is refused here, with the problem
//! named at its field.
//!
//! Multipart forms (uploads) are read by [`posted_upload`], which checks the token the same way.

use crate::App;
use crate::auth::Viewer;
use crate::error::AppError;
use axum::extract::{FromRequest, FromRequestParts, RawForm, Request};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use xuequ_domain::{FieldProblem, Problem};

use super::PageError;

/// The field that carries the session's CSRF token on every page form.
pub const CSRF_FIELD: &str = "_csrf";

/// A form posted from one of our pages by the signed-in viewer, its CSRF token checked.
pub struct Posted<T>(pub T);

/// The values of a form as posted, by field name (the last one of a repeated field), for the
/// generic record forms whose fields are listed at run time.
pub type Values = HashMap<String, String>;

impl<T: DeserializeOwned + Send> FromRequest<App> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, app: &App) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, app).await.map_err(IntoResponse::into_response)?;
        let RawForm(bytes) = RawForm::from_request(Request::from_parts(parts, body), app).await.map_err(IntoResponse::into_response)?;
        let pairs: Vec<(String, String)> = serde_html_form::from_bytes(&bytes).unwrap_or_default();
        let token = pairs.iter().rev().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.as_str()).unwrap_or("");
        viewer.check_csrf(token).map_err(|e| PageError(e).into_response())?;
        read(&bytes, &pairs).map(Posted).map_err(|problems| PageError(AppError::Invalid(problems)).into_response())
    }
}

/// Reads the body into `T`; a repeated key where `T` takes one value keeps the last (a browser
/// never sends that, a hand-made request may). What still cannot be read is named at its field.
fn read<T: DeserializeOwned>(bytes: &[u8], pairs: &[(String, String)]) -> Result<T, Vec<FieldProblem>> {
    let error = match serde_html_form::from_bytes::<T>(bytes) {
        Ok(value) => return Ok(value),
        Err(e) => e.to_string(),
    };
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut last: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        match at.get(k.as_str()) {
            Some(&i) => last[i].1.clone_from(v),
            None => {
                at.insert(k, last.len());
                last.push((k.clone(), v.clone()));
            }
        }
    }
    // A key sent twice for a single field (a hidden default before its check box) keeps its last
    // value; a key that is a list field keeps all of them: each repeated key is given back its
    // values where the form reads that way.
    let Ok(mut value) = from_pairs::<T>(&last) else {
        return Err(unreadable::<T>(&last, &error));
    };
    let mut kept = last.clone();
    for (key, _) in &last {
        if pairs.iter().filter(|(k, _)| k == key).count() < 2 {
            continue;
        }
        let mut wider: Vec<(String, String)> = kept.iter().filter(|(k, _)| k != key).cloned().collect();
        wider.extend(pairs.iter().filter(|(k, _)| k == key).cloned());
        if let Ok(read) = from_pairs::<T>(&wider) {
            (value, kept) = (read, wider);
        }
    }
    Ok(value)
}

fn from_pairs<T: DeserializeOwned>(pairs: &[(String, String)]) -> Result<T, String> {
    let body = serde_html_form::to_string(pairs).map_err(|e| e.to_string())?;
    serde_html_form::from_str(&body).map_err(|e| e.to_string())
}

/// The fields whose value alone cannot be read into `T` (or, failing that, the field serde names).
fn unreadable<T: DeserializeOwned>(pairs: &[(String, String)], error: &str) -> Vec<FieldProblem> {
    let mut problems: Vec<FieldProblem> = pairs
        .iter()
        .filter(|pair| from_pairs::<T>(std::slice::from_ref(*pair)).is_err_and(|e| !e.starts_with("missing field")))
        .map(|(k, v)| {
            FieldProblem::new(field_name::<T>(k), Problem::UnknownValue { value: v.chars().take(40).collect(), allowed: String::new() })
        })
        .collect();
    if problems.is_empty() {
        let named = error.split('`').nth(1).unwrap_or("form");
        let problem = if error.starts_with("missing field") { Problem::Required } else { Problem::BadFile { reason: error.to_string() } };
        problems.push(FieldProblem::new(field_name::<T>(named), problem));
    }
    problems
}

/// The field of `T` a posted name stands for, as the `'static` name a [`FieldProblem`] carries
/// (`form` for a name `T` does not have).
fn field_name<T: DeserializeOwned>(name: &str) -> &'static str {
    let mut names: &'static [&'static str] = &[];
    let _ = T::deserialize(Names(&mut names));
    names.iter().copied().find(|n| *n == name).unwrap_or("form")
}

/// A deserializer that only learns the field names of the struct asked of it.
struct Names<'a>(&'a mut &'static [&'static str]);

impl<'de> serde::Deserializer<'de> for Names<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(serde::de::Error::custom("names only"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// A form that posts nothing but its token (sign out, withdraw, …).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// The form of a confirmed change: `confirmed=yes` from its confirmation page, and the day it
/// takes effect (`on`; empty for today).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Confirm {
    pub confirmed: String,
    pub on: String,
}

impl Confirm {
    pub fn confirmed(&self) -> bool {
        super::confirmed(&self.confirmed)
    }

    pub fn on(&self) -> Result<chrono::NaiveDate, AppError> {
        super::effective_date(&self.on, "on")
    }
}

/// Text of an optional field, trimmed (empty when absent).
pub fn text(value: &Option<String>) -> &str {
    value.as_deref().map(str::trim).unwrap_or("")
}

/// The fields and files of a posted multipart form (an upload), its CSRF token checked. A form
/// that cannot be read (a file over the limit, too many files) is that error, so the page can
/// show it on the form; a wrong token is [`AppError::Forbidden`] before anything is looked at.
pub async fn posted_upload(app: &App, v: &Viewer, form: axum::extract::Multipart) -> Result<crate::api::library::Form, AppError> {
    let form = crate::api::library::read_form(app, form).await?;
    upload_token(v, form.fields.get(CSRF_FIELD).map(String::as_str).unwrap_or(""))?;
    Ok(form)
}

/// The CSRF check of a multipart form a page reads itself (a spreadsheet import): the same rule
/// and error as [`Posted`].
pub fn upload_token(v: &Viewer, token: &str) -> Result<(), AppError> {
    v.check_csrf(token)
}

/// A path parameter of a page. One that does not read (`/bookings/feed` where an id belongs) is
/// a page that is not there, answered in the person's language with the menu, not axum's
/// English "Invalid URL".
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, PageError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(_) => Err(AppError::NotFound.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Default, Debug)]
    #[serde(default)]
    struct Example {
        title: String,
        invite: Vec<String>,
    }

    #[derive(Deserialize, Debug)]
    struct Typed {
        #[allow(dead_code)]
        count: i32,
    }

    fn pairs(body: &str) -> Vec<(String, String)> {
        serde_html_form::from_str(body).unwrap()
    }

    #[test]
    fn repeated_keys_fill_a_list_and_a_single_field_keeps_the_last() {
        let body = "title=a&invite=1&invite=2&title=b";
        let form: Example = read(body.as_bytes(), &pairs(body)).unwrap();
        assert_eq!(form.title, "b");
        assert_eq!(form.invite, ["1", "2"]);
        let body = "x=1&x=2&y=3";
        let values: Values = read(body.as_bytes(), &pairs(body)).unwrap();
        assert_eq!(values["x"], "2");
        assert_eq!(values["y"], "3");
    }

    #[test]
    fn a_value_that_does_not_read_is_named_at_its_field() {
        let body = "count=many&other=1";
        let problems = read::<Typed>(body.as_bytes(), &pairs(body)).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "count");
        assert!(matches!(&problems[0].problem, Problem::UnknownValue { value, .. } if value == "many"));
        let problems = read::<Typed>(b"", &[]).unwrap_err();
        assert_eq!((problems[0].field, &problems[0].problem), ("count", &Problem::Required));
    }
}
