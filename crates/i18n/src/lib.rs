//! The words people read, in zh-CN (the default) and English: fluent bundles with one file per
//! feature under `locales/<lang>/` (common, codes, problems, registry, clusters, sheets,
//! accounts, assessment, planning). Pages, the API's error messages and the CLI's reports all
//! take their words from here, so no user-facing string is written in a handler.
//!
//! A new feature adds `locales/zh-CN/<feature>.ftl` and `locales/en/<feature>.ftl`; the loader
//! reads every file of a language, and the test below checks both languages have the same keys.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};
use xuequ_domain::Problem;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "zh-CN",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static ZH: LazyLock<LanguageIdentifier> = LazyLock::new(|| "zh-CN".parse().expect("valid language id"));
static EN: LazyLock<LanguageIdentifier> = LazyLock::new(|| "en".parse().expect("valid language id"));

/// The languages of the interface. Chinese is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" => Some(Lang::Zh),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// A translator for one language; templates call `t.get("key")`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    /// A message without arguments. Pages ask for the same few hundred labels again and again,
    /// so each is formatted once per language and then served from memory.
    pub fn get(&self, key: &str) -> String {
        self.memo(key, || LOCALES.lookup(self.lang.id(), key))
    }

    fn memo(&self, key: &str, make: impl FnOnce() -> String) -> String {
        static MEMO: LazyLock<RwLock<HashMap<(Lang, String), String>>> = LazyLock::new(Default::default);
        if let Some(text) = MEMO.read().expect("i18n memo lock").get(&(self.lang, key.to_string())) {
            return text.clone();
        }
        let text = make();
        MEMO.write().expect("i18n memo lock").insert((self.lang, key.to_string()), text.clone());
        text
    }

    pub fn with(&self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> =
            args.iter().map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.clone()))).collect();
        LOCALES.lookup_with_args(self.lang.id(), key, &map)
    }

    /// The label of a field of a kind of record: `{entity}-{field}` if the bundle has it, else
    /// the shared `field-{field}`.
    pub fn field(&self, entity: &str, name: &str) -> String {
        let specific = format!("{entity}-{name}").replace('_', "-");
        let general = format!("field-{name}").replace('_', "-");
        match [specific, general].into_iter().find(|k| self.has(k)) {
            Some(key) => self.get(&key),
            // A field nobody named yet reads as its words, never as a missing key.
            None => name.replace('_', " "),
        }
    }

    /// Whether the bundle of this language has a message for `key`.
    pub fn has(&self, key: &str) -> bool {
        // Formatting without its arguments fails for a message that takes some: it is there.
        // (fluent-templates does not export its error type, so its variant is read by name.)
        match LOCALES.lookup_single_language::<&str>(self.lang.id(), key, None) {
            Ok(_) => true,
            Err(e) => format!("{e:?}").starts_with("FluentError"),
        }
    }

    /// The label of a coded value: `enum_label("school_type", "primary")` → 小学.
    pub fn code(&self, kind: &str, code: &str) -> String {
        let key = format!("{kind}-{code}").replace('_', "-");
        self.memo(&key, || LOCALES.try_lookup(self.lang.id(), &key).unwrap_or_else(|| code.to_string()))
    }

    pub fn problem(&self, problem: &Problem) -> String {
        let args = problem.args();
        let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        self.with(&problem.message_id(), &args)
    }
}

pub mod assessment;
pub mod audit;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_the_default_and_english_is_there() {
        assert_eq!(Tr::new(Lang::Zh).get("nav-schools"), "学校");
        assert_eq!(Tr::new(Lang::En).get("nav-schools"), "Schools");
        assert_eq!(Tr::new(Lang::Zh).code("school_type", "nine_year"), "九年一贯制");
    }

    /// Each feature's file has the same keys in both languages, so no page falls back to the
    /// other language or shows a key.
    #[test]
    fn both_languages_have_the_same_keys_in_every_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let keys = |lang: &str, file: &str| -> Vec<String> {
            let text = std::fs::read_to_string(dir.join(lang).join(file)).unwrap_or_default();
            let mut keys: Vec<String> = text
                .lines()
                .filter(|l| !l.starts_with('#') && l.contains('='))
                .map(|l| l.split('=').next().unwrap_or("").trim().to_string())
                .collect();
            keys.sort();
            keys
        };
        let mut files = 0;
        for entry in std::fs::read_dir(dir.join("zh-CN")).expect("zh-CN locale folder") {
            let file = entry.expect("locale file").file_name().to_string_lossy().to_string();
            assert_eq!(keys("zh-CN", &file), keys("en", &file), "{file}: zh-CN and en differ");
            files += 1;
        }
        assert!(files >= 9, "one file per feature");
    }

    /// A key defined twice (in two files) stops the bundles from loading at all.
    #[test]
    fn no_key_is_defined_twice() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        for lang in ["zh-CN", "en"] {
            let mut seen = std::collections::BTreeMap::new();
            for entry in std::fs::read_dir(dir.join(lang)).expect("locale folder") {
                let path = entry.expect("locale file").path();
                for line in std::fs::read_to_string(&path).unwrap_or_default().lines() {
                    let Some((key, _)) = line.split_once('=') else { continue };
                    let key = key.trim();
                    if line.starts_with(char::is_alphabetic) && !key.contains(' ') {
                        let file = path.file_name().unwrap().to_string_lossy().to_string();
                        if let Some(first) = seen.insert(key.to_string(), file.clone()) {
                            panic!("{lang}: {key} is in {first} and {file}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_status_in_a_problem_reads_as_words() {
        let p = Problem::WrongStep { status: "returned".into() };
        assert!(Tr::new(Lang::Zh).problem(&p).contains("已返回"), "{}", Tr::new(Lang::Zh).problem(&p));
        assert!(Tr::new(Lang::En).problem(&p).contains("returned"));
    }

    #[test]
    fn every_problem_has_a_message_in_both_languages() {
        use Problem::*;
        let all = [
            Required,
            MissingFigures { year: "2026–2027".into(), count: 102, schools: "a、b".into() },
            NotANumber { value: "x".into() },
            NotAnInteger { value: "x".into() },
            NotADate { value: "x".into() },
            NotABoolean { value: "x".into() },
            OutOfRange { value: "1".into(), min: "2".into(), max: "3".into() },
            UnknownValue { value: "x".into(), allowed: "a / b".into() },
            TooLong { max: 3 },
            BadCode { value: "x".into() },
            DuplicateInFile { value: "x".into(), first_row: 2 },
            AlreadyExists { value: "x".into() },
            NotFound { value: "x".into() },
            UnknownSchool { value: "x".into() },
            NoSuchSchool { value: "x".into() },
            NotAPair { value: "x".into() },
            EndBeforeStart,
            DayOff { date: "2026-10-01".into(), reason: "国庆节".into() },
            OutsideTerm { date: "2026-08-01".into() },
            InBlackout { reason: "本校实验课".into() },
            OutsideOpeningHours { weekday: "sat".into(), hours: "—".into() },
            BookingTooLong { max_minutes: 240, minutes: 270 },
            TooShortNotice { hours: 24 },
            TooFarAhead { days: 60 },
            OverCapacity { capacity: 30, attendees: 40 },
            OverWeeklyQuota { quota_hours: "2".into(), used_hours: "1.5".into() },
            NotShared,
            Collides { booking: "7".into(), start: "2026-09-22 14:00".into(), end: "15:30".into() },
            TooManyDates { count: 72, max: 60 },
            NotBegunYet { when: "2026-09-22 14:00".into() },
            OutOfScope,
            SectionNotTaught { school_type: "小学".into(), section: "初中".into() },
            FutureDate,
            ClusterFull { max: 10 },
            AlreadyInCluster { cluster: "c".into() },
            NotAMember,
            LeadCannotLeave,
            MissingColumn { column: "c".into() },
            BadFile { reason: "r".into() },
            Malformed { reason: "r".into() },
            OwnAccount,
            TooManyRows { max: 5 },
            TooManyColumns { column: "XFD".into(), max: 256 },
            TooManyCells { max: 5 },
            TooLargeUnpacked { max_mb: 512 },
            InUse { what: "data".into(), by: "pid 1".into() },
            ControlCharacter,
            ChangedMeanwhile,
            TheirValue { value: "x".into() },
            EmptyFile,
            WeakPassword { min: 8 },
            GuessablePassword { why: "common".into(), score: 0, min_score: 3 },
            GuessablePassword { why: "personal".into(), score: 0, min_score: 3 },
            GuessablePassword { why: "other".into(), score: 2, min_score: 3 },
            WrongPassword,
            PasswordsDiffer,
            Disagrees { value: "1".into(), other: "2".into(), first_row: 3 },
            WrongStep { status: "returned".into() },
            SameSchool,
            SamePerson,
            TeacherBusy { other: "#7".into() },
            MonthsOutOfRange { months: "5".into(), min: "12".into(), max: "36".into() },
            FileTypeNotAllowed { file: "a.exe".into(), allowed: "pdf, docx".into() },
            ContentMismatch { file: "a.pdf".into(), claimed: "pdf".into(), actual: "png".into() },
            EmptyUpload { file: "a.pdf".into() },
            FileTooLarge { file: "a.pdf".into(), max_mb: 200 },
            BadFileName { file: "../a.pdf".into() },
            TooManyFiles { max: 20 },
            PackedBomb { file: "a.docx".into(), max_mb: 64 },
            CheckinClosed { opens: "2026-11-30 13:30".into(), closes: "2026-11-30 16:15".into() },
            WrongCheckinCode,
            OverBudget { balance: "0.01".into(), amount: "0.02".into() },
            NoTeacherRecord,
            AlreadyCheckedIn { at: "09:05".into() },
            SignupClosed { deadline: "2026-11-30 12:00".into() },
            ActivityFull { capacity: 30 },
            ActivityCancelled,
            ActivityBegun,
            PastDate,
            TooManyDecimals { value: "12.345".into() },
            NotInvited,
            TeacherLinked { account: "t01".into() },
            RoundClosed { year: "2025".into() },
            WeightsNot100 { level: "2".into(), sum: "90".into() },
            TopWeightsNot100 { sum: "90".into() },
            BadIndicator { indicator: "2.1".into(), what: "duplicate".into() },
            BadIndicator { indicator: "2.1".into(), what: "unknown_figure".into() },
            NotScored { value: "2.1".into() },
        ];
        for lang in [Lang::Zh, Lang::En] {
            for p in &all {
                let text = Tr::new(lang).problem(p);
                assert!(!text.contains("problem-") && !text.is_empty() && !text.contains('{'), "{lang:?} {p:?}: {text}");
            }
        }
    }
}
