//! Times in the API. A request may give a moment as RFC 3339 with an offset
//! (`2026-12-08T14:00:00+08:00`, `2026-12-08T06:00:00Z`) — what the document's `date-time`
//! promises — or, as a convenience for people typing by hand, as Beijing time without one
//! (`2026-12-08T14:00`, seconds optional). Answers always carry the offset: a moment of the
//! county's day as `…+08:00`, a record's timestamp as UTC `…Z`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use xuequ_domain::booking::{ZONE, to_local, to_utc};

/// A moment in the county's day (a booking's start, an activity's end), held as Beijing local
/// time, which is what the rules work in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment(pub NaiveDateTime);

impl Moment {
    pub fn local(self) -> NaiveDateTime {
        self.0
    }

    pub fn utc(self) -> DateTime<Utc> {
        to_utc(self.0)
    }

    pub fn of_utc(at: DateTime<Utc>) -> Self {
        Moment(to_local(at))
    }

    /// Reads RFC 3339 with an offset, or Beijing time without one.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Some(Moment(at.with_timezone(&ZONE).naive_local()));
        }
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .map(Moment)
    }
}

impl From<NaiveDateTime> for Moment {
    fn from(local: NaiveDateTime) -> Self {
        Moment(local)
    }
}

impl Serialize for Moment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Through the zone, not a fixed "+08:00" suffix, so the offset is always the zone's own.
        let at = to_utc(self.0).with_timezone(&ZONE);
        s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Secs, false))
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Moment::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a time: RFC 3339 with an offset (2026-12-08T14:00:00+08:00) or Beijing time (2026-12-08T14:00)"
            ))
        })
    }
}

/// An optional moment of a request: left out, it is none (`#[serde(default)]`); given, it must be
/// a time — `null` and `""` are refused as the document (a string, not nullable) says.
pub fn optional_moment<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Moment>, D::Error> {
    Moment::deserialize(d).map(Some)
}

/// An optional day of a request (`YYYY-MM-DD`): left out, none; given, a date.
pub fn optional_day<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let text = String::deserialize(d)?;
    text.trim().parse().map(Some).map_err(|_| serde::de::Error::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
}

impl utoipa::PartialSchema for Moment {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .description(Some(
                "RFC 3339 with an offset; answers use the county's +08:00. A request may also give Beijing time without an offset (`2026-12-08T14:00`).",
            ))
            .examples([serde_json::json!("2026-12-08T14:00:00+08:00")])
            .into()
    }
}

impl utoipa::ToSchema for Moment {}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    #[test]
    fn offsets_are_converted_to_beijing_time_and_bare_times_are_beijing_time() {
        let two_pm = local("2026-12-08T14:00:00");
        for text in [
            "2026-12-08T14:00:00+08:00",
            "2026-12-08T06:00:00Z",
            "2026-12-08T07:00:00+01:00",
            "2026-12-08T14:00",
            "2026-12-08T14:00:00",
            "2026-12-08 14:00",
        ] {
            assert_eq!(Moment::parse(text), Some(Moment(two_pm)), "{text}");
        }
        for text in ["2026-12-08", "14:00", "2026-13-08T14:00", "tomorrow", ""] {
            assert_eq!(Moment::parse(text), None, "{text}");
        }
    }

    #[test]
    fn answers_carry_the_offset_and_read_back_to_the_same_moment() {
        let m = Moment(local("2026-12-08T14:00:00"));
        let text = serde_json::to_value(m).unwrap();
        assert_eq!(text, "2026-12-08T14:00:00+08:00");
        assert_eq!(serde_json::from_value::<Moment>(text).unwrap(), m);
        assert_eq!(m.utc().to_rfc3339(), "2026-12-08T06:00:00+00:00");
    }
}
