//! Validation shared by every draft: required and bounded texts, codes, ranges, each problem
//! named by its field.

use crate::problem::{FieldProblem, Problem};

/// Collects field problems while validating one draft.
#[derive(Default)]
pub struct Checker {
    pub problems: Vec<FieldProblem>,
}

impl Checker {
    pub fn push(&mut self, field: &'static str, problem: Problem) {
        self.problems.push(FieldProblem::new(field, problem));
    }

    /// A text of at most `max` characters, with no control characters but line breaks and tabs
    /// (a NUL byte would be refused by PostgreSQL and breaks exports).
    pub fn text(&mut self, field: &'static str, value: &str, required: bool, max: usize) {
        if required && value.trim().is_empty() {
            self.push(field, Problem::Required);
        } else if value.chars().count() > max {
            self.push(field, Problem::TooLong { max });
        } else if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            self.push(field, Problem::ControlCharacter);
        }
    }

    /// Codes are what spreadsheets key on: keep them to characters Excel will not mangle.
    pub fn code(&mut self, field: &'static str, value: &str) {
        if value.trim().is_empty() {
            self.push(field, Problem::Required);
        } else if value.len() > 32 || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            self.push(field, Problem::BadCode { value: value.to_string() });
        }
    }

    pub fn range<T: PartialOrd + ToString>(&mut self, field: &'static str, value: T, min: T, max: T) {
        if value < min || value > max {
            self.push(field, Problem::OutOfRange { value: value.to_string(), min: min.to_string(), max: max.to_string() });
        }
    }

    pub fn finish(self) -> Result<(), Vec<FieldProblem>> {
        if self.problems.is_empty() { Ok(()) } else { Err(self.problems) }
    }
}
