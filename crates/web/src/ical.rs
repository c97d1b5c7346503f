//! Calendar feeds (RFC 5545) for calendar programs: a person's or a facility's bookings (and a
//! person's activities), in the
//! county's time zone, a repeat as one event with its RRULE and the dates it skips as EXDATE.

use icalendar::{Calendar, Component, Event, EventLike, Property};
use xuequ_app::bookings::FeedEvent;
use xuequ_domain::booking::ZONE;

const STAMP: &str = "%Y%m%dT%H%M%S";

fn local(name: &str, at: chrono::NaiveDateTime) -> Property {
    Property::new(name, at.format(STAMP).to_string()).add_parameter("TZID", ZONE.name()).done()
}

/// The feed as iCalendar text.
pub fn calendar(title: &str, events: &[FeedEvent], activities: &[xuequ_app::running::calendar::Event], tr: &crate::i18n::Tr) -> String {
    let mut cal = Calendar::new();
    cal.name(title).timezone(ZONE.name());
    cal.append_property(Property::new("PRODID", "-//xuequ//bookings//ZH"));
    for e in events {
        let summary = format!("{} · {}", e.facility, e.school);
        let description = format!("{} · {} · {}", e.purpose, e.owner, tr.code("booking_status", &e.status));
        let event = |start: chrono::NaiveDateTime, uid: String| {
            let mut ev = Event::new();
            ev.uid(&uid).summary(&summary).description(&description).location(&e.owner);
            ev.append_property(local("DTSTART", start));
            ev.append_property(local("DTEND", start + chrono::Duration::minutes(e.minutes)));
            if e.status == "pending" {
                ev.append_property(Property::new("STATUS", "TENTATIVE"));
            } else {
                ev.append_property(Property::new("STATUS", "CONFIRMED"));
            }
            ev
        };
        match &e.rule {
            Some(rule) => {
                let mut ev = event(e.start, format!("booking-{}@xuequ", e.id));
                ev.append_property(Property::new("RRULE", format!("FREQ=WEEKLY;INTERVAL={};COUNT={}", rule.every_weeks, rule.count)));
                for skipped in &rule.skipped {
                    ev.append_multi_property(local("EXDATE", *skipped));
                }
                cal.push(ev.done());
            }
            None => {
                for (i, start) in e.starts.iter().enumerate() {
                    cal.push(event(*start, format!("booking-{}-{i}@xuequ", e.id)).done());
                }
            }
        }
    }
    for a in activities {
        let mut ev = Event::new();
        let kind = match &a.what {
            xuequ_app::running::calendar::What::Activity { kind, cancelled } => {
                ev.append_property(Property::new("STATUS", if *cancelled { "CANCELLED" } else { "CONFIRMED" }));
                tr.code("activity-kind", kind.code())
            }
            xuequ_app::running::calendar::What::Booking { facility, .. } => facility.clone(),
        };
        ev.uid(&format!("activity-{}@xuequ", a.id)).summary(&a.title).description(&kind).location(&a.place);
        ev.append_property(local("DTSTART", a.start));
        ev.append_property(local("DTEND", a.end));
        cal.push(ev.done());
    }
    with_time_zone(&cal.to_string())
}

/// The county's time zone as a VTIMEZONE block, so that programs which do not know the IANA
/// name still read `TZID=Asia/Shanghai` right: China Standard Time, +08:00 all year.
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
                         TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nTZNAME:CST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// The icalendar crate builds no VTIMEZONE (it has no public way to make a component of another
/// kind), so the block goes in as text before the first event (or the end of an empty feed).
fn with_time_zone(text: &str) -> String {
    let at = text.find("BEGIN:VEVENT").or_else(|| text.find("END:VCALENDAR")).unwrap_or(text.len());
    format!("{}{VTIMEZONE}{}", &text[..at], &text[at..])
}
