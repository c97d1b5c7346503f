//! A column of a spreadsheet layout: its Chinese header, field key, whether it is required,
//! what it means, and the values a coded column accepts.

/// One column of a layout.
#[derive(Debug)]
pub struct Column {
    pub key: &'static str,
    pub header: &'static str,
    pub required: bool,
    pub help: &'static str,
    /// The accepted values of a coded column.
    pub allowed: Option<fn() -> String>,
}

pub(crate) const fn col(key: &'static str, header: &'static str, required: bool, help: &'static str) -> Column {
    Column { key, header, required, help, allowed: None }
}

pub(crate) const fn coded(key: &'static str, header: &'static str, required: bool, help: &'static str, allowed: fn() -> String) -> Column {
    Column { key, header, required, help, allowed: Some(allowed) }
}
