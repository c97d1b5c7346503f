//! Checking in at an activity from a phone. The venue shows a six-digit number (and the same
//! as a QR code) that changes every [`STEP_SECONDS`]: an HMAC of the activity's secret and the
//! time step, like a one-time-password app. A code is accepted for the step it was shown in and
//! the one before (someone scanning as it changes), and only inside the activity's window — from
//! [`EARLY_MINUTES`] before the start to [`LATE_MINUTES`] after the end. A number passed on to
//! someone who is not there is stale within a minute; the store keeps one check-in per teacher
//! per activity.
//!
//! Six digits can be guessed by trying, so wrong codes are counted ([`throttle`]): at most
//! [`WRONG_PER_ACCOUNT`] per account and activity in [`ACCOUNT_WINDOW_SECONDS`], and
//! [`WRONG_PER_ACTIVITY`] per activity (any accounts) in [`ACTIVITY_WINDOW_SECONDS`]. Past either
//! limit every code is refused — the right one too — until the window has passed, so guessing
//! one code of a million takes years instead of half an hour.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Problem;

/// How long one code is shown.
pub const STEP_SECONDS: i64 = 30;
/// Check-in opens this long before the start…
pub const EARLY_MINUTES: i64 = 30;
/// … and closes this long after the end.
pub const LATE_MINUTES: i64 = 15;

/// Wrong codes one account may type for one activity within [`ACCOUNT_WINDOW_SECONDS`].
pub const WRONG_PER_ACCOUNT: usize = 5;
pub const ACCOUNT_WINDOW_SECONDS: i64 = 10 * 60;
/// Wrong codes all accounts together may type for one activity within
/// [`ACTIVITY_WINDOW_SECONDS`] (many accounts guessing at once).
pub const WRONG_PER_ACTIVITY: usize = 30;
pub const ACTIVITY_WINDOW_SECONDS: i64 = 60;

/// Whether `user` may try a code at `now`, given the earlier wrong (or still unanswered)
/// attempts at the activity as `(account, when)`; otherwise the seconds to wait.
pub fn throttle(earlier: &[(i64, DateTime<Utc>)], user: i64, now: DateTime<Utc>) -> Result<(), i64> {
    // The wait ends when the `limit`-th most recent attempt leaves the window.
    let wait = |mut times: Vec<DateTime<Utc>>, limit: usize, window: i64| -> Option<i64> {
        times.retain(|t| *t > now - Duration::seconds(window));
        if times.len() < limit {
            return None;
        }
        times.sort_unstable_by(|a, b| b.cmp(a));
        let ends = times[limit - 1] + Duration::seconds(window);
        Some(((ends - now).num_milliseconds() + 999).div_euclid(1000).max(1))
    };
    let mine = earlier.iter().filter(|(u, _)| *u == user).map(|(_, t)| *t).collect();
    let all = earlier.iter().map(|(_, t)| *t).collect();
    match (wait(mine, WRONG_PER_ACCOUNT, ACCOUNT_WINDOW_SECONDS), wait(all, WRONG_PER_ACTIVITY, ACTIVITY_WINDOW_SECONDS)) {
        (None, None) => Ok(()),
        (a, b) => Err(a.unwrap_or(0).max(b.unwrap_or(0))),
    }
}

/// When check-in is open for an activity from `starts` to `ends`.
pub fn window(starts: DateTime<Utc>, ends: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (starts - Duration::minutes(EARLY_MINUTES), ends + Duration::minutes(LATE_MINUTES))
}

fn step_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECONDS)
}

/// The code shown at `at` for the activity with `secret` (at least 16 random bytes kept by the
/// store).
pub fn code_at(secret: &[u8], at: DateTime<Utc>) -> String {
    code_of_step(secret, step_of(at))
}

fn code_of_step(secret: &[u8], step: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    // Dynamic truncation as in RFC 4226: four bytes at an offset the digest chooses.
    let offset = (digest[31] & 0x0f) as usize;
    let number = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    format!("{:06}", number % 1_000_000)
}

/// Whether `code` typed (or scanned) at `now` checks in to the activity; why not otherwise.
pub fn verify(secret: &[u8], code: &str, now: DateTime<Utc>, starts: DateTime<Utc>, ends: DateTime<Utc>) -> Result<(), Problem> {
    let (opens, closes) = window(starts, ends);
    if now < opens || now > closes {
        let at = |t: DateTime<Utc>| t.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d %H:%M").to_string();
        return Err(Problem::CheckinClosed { opens: at(opens), closes: at(closes) });
    }
    let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let step = step_of(now);
    if [step, step - 1].iter().any(|s| code_of_step(secret, *s) == typed) { Ok(()) } else { Err(Problem::WrongCheckinCode) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, h, m, s).unwrap()
    }

    #[test]
    fn a_code_works_while_shown_and_just_after_inside_the_window_only() {
        let secret = b"0123456789abcdef-activity-7";
        let (starts, ends) = (t(6, 0, 0), t(8, 0, 0));
        let shown = code_at(secret, t(6, 10, 5));
        assert_eq!(shown.len(), 6);
        assert!(verify(secret, &shown, t(6, 10, 29), starts, ends).is_ok());
        assert!(verify(secret, &format!(" {} ", &shown), t(6, 10, 35), starts, ends).is_ok(), "the next step still takes it");
        assert_eq!(verify(secret, &shown, t(6, 11, 5), starts, ends), Err(Problem::WrongCheckinCode), "a minute later it is stale");
        assert_eq!(verify(b"another activity's secret", &shown, t(6, 10, 20), starts, ends), Err(Problem::WrongCheckinCode));
        let early = code_at(secret, t(5, 20, 0));
        assert!(matches!(verify(secret, &early, t(5, 20, 0), starts, ends), Err(Problem::CheckinClosed { .. })), "before the window");
        assert!(verify(secret, &code_at(secret, t(5, 31, 0)), t(5, 31, 0), starts, ends).is_ok(), "half an hour early is fine");
        assert!(verify(secret, &code_at(secret, t(8, 14, 0)), t(8, 14, 0), starts, ends).is_ok());
        let late = verify(secret, &code_at(secret, t(8, 16, 0)), t(8, 16, 0), starts, ends);
        assert_eq!(late, Err(Problem::CheckinClosed { opens: "2026-11-30 13:30".into(), closes: "2026-11-30 16:15".into() }));
    }

    #[test]
    fn wrong_codes_are_counted_per_account_and_per_activity() {
        let now = t(6, 30, 0);
        let ago = |s: i64| now - Duration::seconds(s);
        // Four wrong codes: a fifth try is allowed; five: the sixth waits until the oldest of
        // the five counted leaves the ten minutes.
        let four: Vec<(i64, DateTime<Utc>)> = (1..=4).map(|i| (7, ago(i * 10))).collect();
        assert_eq!(throttle(&four, 7, now), Ok(()));
        let five: Vec<(i64, DateTime<Utc>)> = (1..=5).map(|i| (7, ago(i * 10))).collect();
        assert_eq!(throttle(&five, 7, now), Err(600 - 50));
        assert_eq!(throttle(&five, 8, now), Ok(()), "another account is not held up by them");
        // Older than ten minutes: forgotten.
        let old: Vec<(i64, DateTime<Utc>)> = (1..=5).map(|i| (7, ago(600 + i))).collect();
        assert_eq!(throttle(&old, 7, now), Ok(()));
        // Thirty wrong codes of thirty accounts within a minute hold everyone for the rest of it.
        let crowd: Vec<(i64, DateTime<Utc>)> = (0..30).map(|i| (100 + i, ago(1 + i))).collect();
        assert_eq!(throttle(&crowd, 9, now), Err(60 - 30));
        assert_eq!(throttle(&crowd[..29], 9, now), Ok(()));
    }

    #[test]
    fn codes_change_every_step_and_look_random() {
        let secret = b"0123456789abcdef";
        let codes: std::collections::BTreeSet<String> = (0..200).map(|i| code_at(secret, t(6, 0, 0) + Duration::seconds(30 * i))).collect();
        assert!(codes.len() >= 195, "few repeats in 200 steps: {}", codes.len());
    }
}
