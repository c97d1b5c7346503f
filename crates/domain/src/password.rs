//! Whether a password someone chooses is strong enough: long enough, and not guessable by the
//! zxcvbn estimator (common passwords, keyboard rows, repeats, sequences, dates, single words,
//! the person's own name). zxcvbn's words are English; the reason is given as a code that the
//! i18n bundles word in both languages.

use crate::problem::Problem;

/// The fewest characters a password may have.
pub const MIN_LENGTH: usize = 8;

/// The lowest zxcvbn score accepted (0–4; 3 means about 10^10 guesses).
pub const MIN_SCORE: u8 = 3;

/// Checks a chosen password; `inputs` are what others know of the person (username, display
/// name), which the password should not be built from.
pub fn check(password: &str, inputs: &[&str]) -> Result<(), Problem> {
    if password.chars().count() < MIN_LENGTH {
        return Err(Problem::WeakPassword { min: MIN_LENGTH });
    }
    let inputs: Vec<&str> = inputs.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    let lower = password.to_lowercase();
    if inputs.iter().any(|i| i.chars().count() >= 3 && lower.contains(&i.to_lowercase())) {
        return Err(Problem::GuessablePassword { why: "personal".into(), score: 0, min_score: MIN_SCORE });
    }
    // The estimator's work grows with the length: the first 100 characters decide (a longer
    // password is strong by its length alone unless its start is guessable).
    let sample: String = password.chars().take(100).collect();
    let estimate = zxcvbn::zxcvbn(&sample, &inputs);
    let score = u8::from(estimate.score());
    if score >= MIN_SCORE {
        return Ok(());
    }
    Err(Problem::GuessablePassword { why: why(estimate.feedback().and_then(|f| f.warning())).into(), score, min_score: MIN_SCORE })
}

/// zxcvbn's warning as one of our reason codes (worded by the i18n bundles).
fn why(warning: Option<zxcvbn::feedback::Warning>) -> &'static str {
    use zxcvbn::feedback::Warning as W;
    match warning {
        Some(W::ThisIsATop10Password | W::ThisIsATop100Password | W::ThisIsACommonPassword | W::ThisIsSimilarToACommonlyUsedPassword) => {
            "common"
        }
        Some(W::StraightRowsOfKeysAreEasyToGuess | W::ShortKeyboardPatternsAreEasyToGuess) => "keyboard",
        Some(W::RepeatsLikeAaaAreEasyToGuess | W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess) => "repeat",
        Some(W::SequencesLikeAbcAreEasyToGuess) => "sequence",
        Some(W::RecentYearsAreEasyToGuess | W::DatesAreOftenEasyToGuess) => "date",
        Some(W::AWordByItselfIsEasyToGuess | W::NamesAndSurnamesByThemselvesAreEasyToGuess | W::CommonNamesAndSurnamesAreEasyToGuess) => {
            "word"
        }
        None => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(password: &str, inputs: &[&str]) -> Option<String> {
        match check(password, inputs) {
            Ok(()) => None,
            Err(Problem::GuessablePassword { why, .. }) => Some(why),
            Err(Problem::WeakPassword { .. }) => Some("short".into()),
            Err(p) => panic!("{p:?}"),
        }
    }

    #[test]
    fn common_and_guessable_passwords_are_refused_with_a_reason() {
        assert_eq!(reason("1234567", &[]).as_deref(), Some("short"));
        assert_eq!(reason("12345678", &[]).as_deref(), Some("common"));
        assert_eq!(reason("password", &[]).as_deref(), Some("common"));
        assert_eq!(reason("qwertyuiop", &[]).as_deref(), Some("common"));
        assert_eq!(reason("zhang.wei", &["zhang.wei", "张伟"]).as_deref(), Some("personal"));
        assert_eq!(reason("Zhang.Wei-2026", &["zhang.wei"]).as_deref(), Some("personal"));
        assert!(reason("aaaaaaaaaa", &[]).is_some());
        assert!(reason("abcdefghij", &[]).is_some());
    }

    #[test]
    fn strong_passwords_pass() {
        assert_eq!(reason("Lan-qiu-shi-2026!", &["teacher"]), None);
        assert_eq!(reason("correct horse battery staple", &[]), None);
    }
}
