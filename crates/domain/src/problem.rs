//! What can be wrong with a value a user gave us. Every form, API call and spreadsheet import
//! reports its errors as [`Problem`]s attached to a field; the web and CLI layers translate them
//! through the i18n bundles, so the rule and its wording live in one place each.

use serde::Serialize;

/// One thing wrong with one value, with the facts needed to explain it.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    #[error("required")]
    Required,
    #[error("{count} schools have no figures for {year}: {schools}")]
    MissingFigures { year: String, count: usize, schools: String },
    #[error("`{value}` is not a number")]
    NotANumber { value: String },
    #[error("{value} has more than two decimals")]
    TooManyDecimals { value: String },
    #[error("`{value}` is not a whole number")]
    NotAnInteger { value: String },
    #[error("`{value}` is not a date (YYYY-MM-DD)")]
    NotADate { value: String },
    #[error("`{value}` is not yes/no")]
    NotABoolean { value: String },
    #[error("`{value}` is outside {min}..{max}")]
    OutOfRange { value: String, min: String, max: String },
    #[error("`{value}` is not one of {allowed}")]
    UnknownValue { value: String, allowed: String },
    #[error("longer than {max} characters")]
    TooLong { max: usize },
    #[error("`{value}` is not a valid code (letters, digits, - and _)")]
    BadCode { value: String },
    #[error("`{value}` already appears in row {first_row}")]
    DuplicateInFile { value: String, first_row: usize },
    #[error("`{value}` already exists")]
    AlreadyExists { value: String },
    #[error("no record `{value}` exists to update")]
    NotFound { value: String },
    #[error("no school with code `{value}` in this county")]
    UnknownSchool { value: String },
    #[error("no active school named or coded `{value}` in this county")]
    NoSuchSchool { value: String },
    #[error("`{value}` is not two schools (or a school and a number)")]
    NotAPair { value: String },
    #[error("the end is not after the start")]
    EndBeforeStart,
    #[error("the date is already past")]
    PastDate,
    #[error("{date} is a day off ({reason})")]
    DayOff { date: String, reason: String },
    #[error("{date} is outside the term")]
    OutsideTerm { date: String },
    #[error("not lent then: {reason}")]
    InBlackout { reason: String },
    #[error("outside the opening hours (weekday {weekday}: {hours})")]
    OutsideOpeningHours { weekday: String, hours: String },
    #[error("{minutes} minutes is longer than the {max_minutes} allowed")]
    BookingTooLong { max_minutes: usize, minutes: usize },
    #[error("must be booked at least {hours} hours ahead")]
    TooShortNotice { hours: usize },
    #[error("may be booked at most {days} days ahead")]
    TooFarAhead { days: usize },
    #[error("{attendees} people is more than the {capacity} it holds")]
    OverCapacity { capacity: usize, attendees: usize },
    #[error("over the weekly quota of {quota_hours} hours ({used_hours} used)")]
    OverWeeklyQuota { quota_hours: String, used_hours: String },
    #[error("the facility is not shared with this school")]
    NotShared,
    #[error("collides with booking {booking} ({start}–{end})")]
    Collides { booking: String, start: String, end: String },
    #[error("it has not begun yet ({when})")]
    NotBegunYet { when: String },
    #[error("a repeat of {count} dates is more than the {max} allowed")]
    TooManyDates { count: usize, max: usize },
    #[error("not allowed to change records of this school")]
    OutOfScope,
    #[error("a {school_type} school has no {section} students")]
    SectionNotTaught { school_type: String, section: String },
    #[error("the date is in the future")]
    FutureDate,
    #[error("the cluster already has its maximum of {max} schools")]
    ClusterFull { max: usize },
    #[error("the school is already in cluster `{cluster}` at this level")]
    AlreadyInCluster { cluster: String },
    #[error("the school is not a current member")]
    NotAMember,
    #[error("the lead school cannot leave its cluster")]
    LeadCannotLeave,
    #[error("`{file}` is not a spreadsheet (xlsx, xls, ods or csv)")]
    NotASpreadsheet { file: String },
    #[error("the plan was applied on {on}")]
    PlanApplied { on: String },
    #[error("the plan breaks {count} rule(s); adjust it before applying")]
    PlanBreaksRules { count: usize },
    #[error("`{school}` is in `{cluster}`, which the plan does not replace")]
    KeptElsewhere { school: String, cluster: String },
    #[error("no plan fits: {reason}")]
    NoPlan { reason: String },
    #[error("the column `{column}` is missing")]
    MissingColumn { column: String },
    #[error("the file cannot be read: {reason}")]
    BadFile { reason: String },
    /// An account may not lock itself out: disable itself, change its own role or scope, or reset
    /// its own password as an administrator (it changes it like everyone, knowing the old one).
    #[error("this is your own account")]
    OwnAccount,
    /// A request the API's document does not allow (ill-formed JSON, a value of the wrong type).
    #[error("malformed: {reason}")]
    Malformed { reason: String },
    #[error("the file has more than {max} rows")]
    TooManyRows { max: usize },
    #[error("the sheet uses column {column}; at most {max} columns are read")]
    TooManyColumns { column: String, max: usize },
    #[error("the sheet holds more than {max} cells")]
    TooManyCells { max: usize },
    #[error("the file unpacks to more than {max_mb} MB")]
    TooLargeUnpacked { max_mb: usize },
    #[error("the file has no data rows")]
    EmptyFile,
    #[error("someone else changed the record meanwhile")]
    ChangedMeanwhile,
    #[error("changed meanwhile to `{value}`")]
    TheirValue { value: String },
    #[error("the text holds a control character")]
    ControlCharacter,
    #[error("{what} is in use by {by}")]
    InUse { what: String, by: String },
    #[error("the password must have at least {min} characters")]
    WeakPassword { min: usize },
    /// A password that is easy to guess (`why`: common, keyboard, repeat, sequence, date, word,
    /// personal, other); `score` is the estimator's 0–4, `min_score` the lowest accepted.
    #[error("the password is easy to guess ({why}; strength {score}/4, at least {min_score} needed)")]
    GuessablePassword { why: String, score: u8, min_score: u8 },
    #[error("`{value}` differs from `{other}` given for the same school in row {first_row}")]
    Disagrees { value: String, other: String, first_row: usize },
    #[error("the current password is not right")]
    WrongPassword,
    #[error("the two new passwords differ")]
    PasswordsDiffer,
    #[error("not possible while it is {status}")]
    WrongStep { status: String },
    #[error("the two schools are the same")]
    SameSchool,
    #[error("the mentor and the mentee are the same person")]
    SamePerson,
    #[error("{months} months is outside the {min}–{max} months this form lasts")]
    MonthsOutOfRange { months: String, min: String, max: String },
    #[error("the teacher already has exchange {other} in that period")]
    TeacherBusy { other: String },
    #[error("`{file}`: only these kinds of file are accepted: {allowed}")]
    FileTypeNotAllowed { file: String, allowed: String },
    #[error("`{file}` says it is {claimed} but its content is {actual}")]
    ContentMismatch { file: String, claimed: String, actual: String },
    #[error("`{file}` is empty")]
    EmptyUpload { file: String },
    #[error("`{file}` is larger than {max_mb} MB")]
    FileTooLarge { file: String, max_mb: usize },
    #[error("`{file}` is not a plain file name (no folders, no `..`)")]
    BadFileName { file: String },
    #[error("`{file}` unpacks to far more than it holds (more than {max_mb} MB or too many parts)")]
    PackedBomb { file: String, max_mb: usize },
    #[error("check-in is open from {opens} to {closes}")]
    CheckinClosed { opens: String, closes: String },
    #[error("the check-in code is not the one shown now")]
    WrongCheckinCode,
    #[error("too many wrong check-in codes; try again in {minutes} minute(s)")]
    TooManyCheckinAttempts { minutes: i64 },
    #[error("the sources add up to {sources} but the categories to {lines}")]
    BudgetUnbalanced { sources: String, lines: String },
    #[error("{category} would be {amount}, below the {spent} already spent of it")]
    BelowSpent { category: String, amount: String, spent: String },
    #[error("{amount} is more than the {balance} left in this category")]
    OverBudget { balance: String, amount: String },
    #[error("at most {max} files at once")]
    TooManyFiles { max: usize },
    #[error("this account is not linked to a teacher record")]
    NoTeacherRecord,
    #[error("already checked in at {at}")]
    AlreadyCheckedIn { at: String },
    #[error("sign-up closed at {deadline}")]
    SignupClosed { deadline: String },
    #[error("the activity is full ({capacity} places)")]
    ActivityFull { capacity: usize },
    #[error("the activity was cancelled")]
    ActivityCancelled,
    #[error("the activity has begun and can no longer be cancelled")]
    ActivityBegun,
    #[error("the activity is not open to this school")]
    NotInvited,
    #[error("this teacher record is already linked to {account}")]
    TeacherLinked { account: String },
    #[error("the evaluation round of {year} is closed")]
    RoundClosed { year: String },
    #[error("the weights under {level:?} sum to {sum}, not 100")]
    WeightsNot100 { level: String, sum: String },
    #[error("the top-level weights sum to {sum}, not 100")]
    TopWeightsNot100 { sum: String },
    #[error("indicator {indicator:?}: {what}")]
    BadIndicator { indicator: String, what: String },
    #[error("{value} is not a leaf scored by evaluators")]
    NotScored { value: String },
}

impl Problem {
    /// The i18n message id for this problem (`problem-<code>`).
    pub fn message_id(&self) -> String {
        let value = serde_json::to_value(self).expect("problems serialize");
        let code = value["code"].as_str().unwrap_or("unknown").replace('_', "-");
        format!("problem-{code}")
    }

    /// The facts of the problem as name/value pairs, for message arguments.
    pub fn args(&self) -> Vec<(String, String)> {
        let value = serde_json::to_value(self).expect("problems serialize");
        value
            .as_object()
            .map(|o| {
                o.iter()
                    .filter(|(k, _)| k.as_str() != "code")
                    .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A problem attached to a named field (the English key; sheets map it to its column header).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldProblem {
    pub field: &'static str,
    pub problem: Problem,
}

impl FieldProblem {
    pub fn new(field: &'static str, problem: Problem) -> Self {
        FieldProblem { field, problem }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_and_args_come_from_the_variant() {
        let p = Problem::OutOfRange { value: "7".into(), min: "0".into(), max: "5".into() };
        assert_eq!(p.message_id(), "problem-out-of-range");
        let args = p.args();
        assert!(args.contains(&("max".to_string(), "5".to_string())));
        assert_eq!(Problem::Required.message_id(), "problem-required");
        assert_eq!(Problem::ClusterFull { max: 10 }.args(), vec![("max".to_string(), "10".to_string())]);
    }
}
