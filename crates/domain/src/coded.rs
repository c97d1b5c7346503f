//! A small macro for the enumerations that are stored by a stable code and written in
//! spreadsheets by their Chinese name.

/// Declares an enum whose variants each have a stable ASCII code (stored in the database and
/// used by the API) and a Chinese name (what bureaus type in Excel). Both parse back.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($code:literal, $zh:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        /// The first variant: only a stand-in for a value that failed to read, so that the rest
        /// of a spreadsheet row can still be checked.
        impl Default for $name {
            fn default() -> Self {
                Self::ALL[0]
            }
        }

        impl $name {
            /// Every variant, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and used by the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese name used in spreadsheets.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// Parses either the code or the Chinese name (surrounding blanks ignored).
            pub fn parse(text: &str) -> Option<Self> {
                let text = text.trim();
                Self::ALL.iter().copied().find(|v| v.code() == text || v.zh() == text)
            }

            /// The accepted spreadsheet values, for templates and error messages.
            pub fn allowed_zh() -> String {
                Self::ALL.iter().map(|v| v.zh()).collect::<Vec<_>>().join(" / ")
            }
        }

        impl crate::Coded for $name {
            fn codes() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.code()).collect()
            }
            fn from_code(text: &str) -> Option<Self> {
                Self::parse(text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::Problem;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text).ok_or_else(|| crate::Problem::UnknownValue {
                    value: text.trim().to_string(),
                    allowed: Self::allowed_zh(),
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Self::parse(&text).ok_or_else(|| serde::de::Error::custom(format!(
                    "unknown value `{text}`, expected one of: {}",
                    Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
                )))
            }
        }
    };
}
