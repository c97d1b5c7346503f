//! Checking in at an activity from a phone. The venue shows a six-digit number (and the same
//! as a QR code) that changes every [`STEP_SECONDS`]: an HMAC of the activity's secret and the
//! time step, like a one-time-password app. A code is accepted for the step it was shown in and
//! the one before (someone scanning as it changes), and only inside the activity's window — from
//! [`EARLY_MINUTES`] before the start to [`LATE_MINUTES`] after the end. A number passed on to
//! someone who is not there is stale within a minute; the store keeps one check-in per teacher
//! per activity.

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
    fn codes_change_every_step_and_look_random() {
        let secret = b"0123456789abcdef";
        let codes: std::collections::BTreeSet<String> = (0..200).map(|i| code_at(secret, t(6, 0, 0) + Duration::seconds(30 * i))).collect();
        assert!(codes.len() >= 195, "few repeats in 200 steps: {}", codes.len());
    }
}
