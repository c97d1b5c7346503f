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

        sea_orm_code!($name);
    };
}

/// With the `sea-orm` feature, makes an enum with `ALL` and `code(self)` a sea-orm column type
/// stored as its code: writing stores `code()`, and reading a row whose column holds anything
/// but one of the codes is an error naming the column and the value (never a default).
macro_rules! sea_orm_code {
    ($name:ident) => {
        #[cfg(feature = "sea-orm")]
        const _: () = {
            use sea_orm::sea_query;

            impl $name {
                /// The variant stored as exactly `code` (no Chinese name, no blanks).
                fn from_stored(code: &str) -> Option<Self> {
                    Self::ALL.iter().copied().find(|v| v.code() == code)
                }
            }

            impl From<$name> for sea_orm::Value {
                fn from(value: $name) -> Self {
                    value.code().into()
                }
            }

            impl sea_orm::TryGetable for $name {
                fn try_get_by<I: sea_orm::ColIdx>(res: &sea_orm::QueryResult, idx: I) -> Result<Self, sea_orm::TryGetError> {
                    let text = <String as sea_orm::TryGetable>::try_get_by(res, idx)?;
                    Self::from_stored(&text).ok_or_else(|| {
                        let codes: Vec<&str> = Self::ALL.iter().map(|v| v.code()).collect();
                        sea_orm::TryGetError::DbErr(crate::coded::unknown_stored(idx, stringify!($name), &text, &codes))
                    })
                }
            }

            impl sea_query::ValueType for $name {
                fn try_from(value: sea_orm::Value) -> Result<Self, sea_query::ValueTypeErr> {
                    let text = <String as sea_query::ValueType>::try_from(value)?;
                    Self::from_stored(&text).ok_or(sea_query::ValueTypeErr)
                }

                fn type_name() -> String {
                    stringify!($name).to_owned()
                }

                fn array_type() -> sea_query::ArrayType {
                    sea_query::ArrayType::String
                }

                fn column_type() -> sea_query::ColumnType {
                    sea_query::ColumnType::String(sea_query::StringLen::None)
                }
            }

            impl sea_query::Nullable for $name {
                fn null() -> sea_orm::Value {
                    sea_orm::Value::String(None)
                }
            }

            impl sea_orm::IntoActiveValue<$name> for $name {
                fn into_active_value(self) -> sea_orm::ActiveValue<$name> {
                    sea_orm::ActiveValue::Set(self)
                }
            }
        };
    };
}

/// The error for a stored value that is none of its column's codes.
#[cfg(feature = "sea-orm")]
pub(crate) fn unknown_stored<I: sea_orm::ColIdx>(idx: I, type_name: &str, value: &str, codes: &[&str]) -> sea_orm::DbErr {
    let column = match (idx.as_str(), idx.as_usize()) {
        (Some(name), _) => name.to_string(),
        (None, Some(i)) => format!("#{i}"),
        (None, None) => format!("{idx:?}"),
    };
    sea_orm::DbErr::Type(format!(
        "column `{column}` holds `{value}`, which is not a {type_name} code (expected one of: {})",
        codes.join(", ")
    ))
}
