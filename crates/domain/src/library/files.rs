//! Which files a resource may carry, told by their content and not only their name: a file is
//! accepted when its extension is one teachers share and its first bytes say it is that kind of
//! file. A `.pdf` that is really a picture, an `.exe` renamed `.docx`, an empty file or a name
//! that climbs out of a folder (`../x`, `/etc/x`) is refused with the file named.

use crate::Problem;
use serde::Serialize;

/// What the platform does with a file's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Family {
    Pdf,
    Word,
    PowerPoint,
    Excel,
    /// Word 97–2003, PowerPoint 97–2003, Excel 97–2003: kept, their text not read.
    OldOffice,
    Image,
    Audio,
    Video,
    Zip,
    Text,
}

impl Family {
    /// Whether the platform reads the text inside for search.
    pub fn has_text(self) -> bool {
        matches!(self, Family::Pdf | Family::Word | Family::PowerPoint | Family::Text)
    }

    /// Whether a browser shows it inside the page (the rest are previewed as their text).
    pub fn shows_inline(self) -> bool {
        matches!(self, Family::Pdf | Family::Image)
    }

    /// The code stored with a file.
    pub fn code(self) -> &'static str {
        match self {
            Family::Pdf => "pdf",
            Family::Word => "word",
            Family::PowerPoint => "powerpoint",
            Family::Excel => "excel",
            Family::OldOffice => "oldoffice",
            Family::Image => "image",
            Family::Audio => "audio",
            Family::Video => "video",
            Family::Zip => "zip",
            Family::Text => "text",
        }
    }

    /// Whether a file stored with family `code` is shown inside the page.
    pub fn code_shows_inline(code: &str) -> bool {
        [Family::Pdf, Family::Image].iter().any(|f| f.code() == code)
    }
}

/// An accepted file: its checked name, family and media type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileType {
    pub family: Family,
    pub mime: &'static str,
    pub extension: &'static str,
}

/// (extension, family, media type, what the content may be sniffed as).
const TYPES: &[(&str, Family, &str, &[&str])] = &[
    ("pdf", Family::Pdf, "application/pdf", &["pdf"]),
    // Office files are zip archives; one whose parts come in an unusual order sniffs as zip.
    ("docx", Family::Word, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", &["docx", "zip"]),
    ("pptx", Family::PowerPoint, "application/vnd.openxmlformats-officedocument.presentationml.presentation", &["pptx", "zip"]),
    ("xlsx", Family::Excel, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &["xlsx", "zip"]),
    ("doc", Family::OldOffice, "application/msword", OLE),
    ("ppt", Family::OldOffice, "application/vnd.ms-powerpoint", OLE),
    ("xls", Family::OldOffice, "application/vnd.ms-excel", OLE),
    ("jpg", Family::Image, "image/jpeg", &["jpg"]),
    ("jpeg", Family::Image, "image/jpeg", &["jpg"]),
    ("png", Family::Image, "image/png", &["png"]),
    ("gif", Family::Image, "image/gif", &["gif"]),
    ("webp", Family::Image, "image/webp", &["webp"]),
    ("mp3", Family::Audio, "audio/mpeg", &["mp3"]),
    ("m4a", Family::Audio, "audio/mp4", &["m4a", "mp4"]),
    ("wav", Family::Audio, "audio/wav", &["wav"]),
    ("mp4", Family::Video, "video/mp4", &["mp4", "m4v"]),
    ("webm", Family::Video, "video/webm", &["webm"]),
    ("mov", Family::Video, "video/quicktime", &["mov"]),
    ("zip", Family::Zip, "application/zip", &["zip", "docx", "pptx", "xlsx"]),
    ("txt", Family::Text, "text/plain; charset=utf-8", &[]),
];

/// An OLE compound file (the old Office formats) sniffs as any of these.
const OLE: &[&str] = &["doc", "ppt", "xls", "msi"];

/// The extensions accepted, for the upload form and error messages.
pub fn accepted_extensions() -> String {
    TYPES.iter().map(|t| t.0).collect::<Vec<_>>().join(", ")
}

/// The longest file name kept (characters).
pub const MAX_NAME: usize = 160;

/// Checks a file's name, size and first bytes (`head`, at least the first 8 KB when the file is
/// that long); `size` is the whole file's, `max_bytes` the county's limit.
pub fn check(name: &str, size: u64, max_bytes: u64, head: &[u8]) -> Result<FileType, Problem> {
    let file = name.to_string();
    check_name(name)?;
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let Some(&(extension, family, mime, sniffs)) = TYPES.iter().find(|t| t.0 == extension) else {
        return Err(Problem::FileTypeNotAllowed { file, allowed: accepted_extensions() });
    };
    if size == 0 {
        return Err(Problem::EmptyUpload { file });
    }
    if size > max_bytes {
        return Err(Problem::FileTooLarge { file, max_mb: max_bytes.div_ceil(1024 * 1024) as usize });
    }
    let sniffed = infer::get(head).map(|t| t.extension());
    let fits = match (family, sniffed) {
        (Family::Text, None) => is_text(head),
        (_, Some(actual)) => sniffs.contains(&actual),
        (_, None) => false,
    };
    if fits {
        Ok(FileType { family, mime, extension })
    } else {
        Err(Problem::ContentMismatch { file, claimed: extension.to_string(), actual: sniffed.unwrap_or("?").to_string() })
    }
}

/// A name is a plain file name: no folders, no way out of one, no control characters.
fn check_name(name: &str) -> Result<(), Problem> {
    let bad = name.trim().is_empty()
        || name.contains(['/', '\\', ':'])
        || name.starts_with('.')
        || name.contains("..")
        || name.chars().any(char::is_control)
        || name.chars().count() > MAX_NAME;
    if bad { Err(Problem::BadFileName { file: name.chars().take(MAX_NAME).collect() }) } else { Ok(()) }
}

/// UTF-8 text (a character cut at the end of `head` is fine) without NUL bytes.
fn is_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1024 * 1024;

    #[test]
    fn a_file_is_what_its_content_says() {
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj";
        assert_eq!(check("教案.pdf", 100, MB, pdf).unwrap().family, Family::Pdf);
        assert_eq!(check("教案.PDF", 100, MB, pdf).unwrap().extension, "pdf");
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let lie = check("教案.pdf", 100, MB, png).unwrap_err();
        assert_eq!(lie, Problem::ContentMismatch { file: "教案.pdf".into(), claimed: "pdf".into(), actual: "png".into() });
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff";
        assert!(matches!(check("setup.docx", 100, MB, exe), Err(Problem::ContentMismatch { .. })));
        assert!(matches!(check("setup.exe", 100, MB, exe), Err(Problem::FileTypeNotAllowed { .. })));
        assert!(matches!(check("说明.txt", 5, MB, "你好，世界".as_bytes()), Ok(FileType { family: Family::Text, .. })));
        assert!(matches!(check("说明.txt", 5, MB, b"a\0b"), Err(Problem::ContentMismatch { .. })));
        // A character cut by the end of the head is still text.
        assert!(check("说明.txt", 5, MB, &"你好".as_bytes()[..4]).is_ok());
    }

    #[test]
    fn empty_oversized_and_climbing_files_are_refused() {
        let pdf = b"%PDF-1.4\n";
        assert_eq!(check("a.pdf", 0, MB, b""), Err(Problem::EmptyUpload { file: "a.pdf".into() }));
        assert_eq!(check("a.pdf", 3 * MB, 2 * MB, pdf), Err(Problem::FileTooLarge { file: "a.pdf".into(), max_mb: 2 }));
        for name in ["../a.pdf", "/etc/a.pdf", "a/../../b.pdf", "C:\\a.pdf", "..", "", "a\u{0}.pdf", ".hidden.pdf"] {
            assert!(matches!(check(name, 9, MB, pdf), Err(Problem::BadFileName { .. })), "{name:?}");
        }
        assert!(check("第1章..复习.pdf", 9, MB, pdf).is_err(), "two dots in a row are refused as a climb");
        assert!(check("第1章.复习.pdf", 9, MB, pdf).is_ok());
    }
}
