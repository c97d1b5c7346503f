//! The text inside uploaded files, for the index: PDF pages, Word (.docx) paragraphs and PowerPoint (.pptx)
//! slides in order, plain text as it is. Bounded: a file that unpacks to more than
//! [`MAX_UNPACKED`] bytes, holds more than [`MAX_ENTRIES`] parts, or is not what it says is
//! refused with the reason, and the text kept is cut at [`MAX_TEXT`] characters. Works on bytes:
//! where the file came from is the caller's business.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

/// At most this many bytes unpacked from one file (a zip bomb stops here).
pub const MAX_UNPACKED: u64 = 64 * 1024 * 1024;
/// At most this many parts in one package.
pub const MAX_ENTRIES: usize = 10_000;
/// A package (docx, pptx, xlsx, zip) may unpack to this many times its own size…
pub const MAX_RATIO: u64 = 20;
/// …but never to more than this, however large it is.
pub const MAX_UNPACKED_ANY: u64 = 1024 * 1024 * 1024;
/// At most this much text is kept for the index.
pub const MAX_TEXT: usize = 2_000_000;

/// Why a file's text could not be read (the file may still be kept; its text is not indexed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("not a {kind} file: {reason}")]
    NotWhatItSays { kind: &'static str, reason: String },
    #[error("unpacks to more than {max_mb} MB")]
    TooLargeUnpacked { max_mb: u64 },
    #[error("holds more than {max} parts")]
    TooManyParts { max: usize },
    #[error("text of this kind of file is not read")]
    Unsupported,
}

/// The kinds whose text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    Pdf,
    Docx,
    Pptx,
    Plain,
}

impl TextKind {
    /// By the file name's extension.
    pub fn of(name: &str) -> Option<TextKind> {
        let ext = name.rsplit('.').next()?.to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Some(TextKind::Pdf),
            "docx" => Some(TextKind::Docx),
            "pptx" => Some(TextKind::Pptx),
            "txt" | "md" => Some(TextKind::Plain),
            _ => None,
        }
    }
}

/// The text of a file of `kind`.
pub fn text_of(kind: TextKind, bytes: &[u8]) -> Result<String, ExtractError> {
    match kind {
        TextKind::Plain => {
            let text = String::from_utf8_lossy(bytes);
            Ok(text.chars().take(MAX_TEXT).collect())
        }
        TextKind::Pdf => pdf_text(bytes),
        TextKind::Docx => package_text(bytes, "Word", |name| name == "word/document.xml", "p"),
        TextKind::Pptx => package_text(bytes, "PowerPoint", |name| name.starts_with("ppt/slides/slide") && name.ends_with(".xml"), "p"),
    }
}

/// How much a package of `packed` bytes may unpack to: [`MAX_RATIO`] times its size, at least
/// [`MAX_UNPACKED`] and at most [`MAX_UNPACKED_ANY`].
pub fn unpack_limit(packed: u64) -> u64 {
    packed.saturating_mul(MAX_RATIO).clamp(MAX_UNPACKED, MAX_UNPACKED_ANY)
}

/// Checks what a zip package (docx, pptx, xlsx, zip) unpacks to by unpacking every part and
/// throwing the bytes away: more than [`MAX_ENTRIES`] parts, or more than [`unpack_limit`]
/// bytes in all whatever the headers claim, is a zip bomb. An archive that cannot be read is
/// not judged here (its reader says so later).
pub fn check_package(bytes: &[u8]) -> Result<(), ExtractError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    if zip.len() > MAX_ENTRIES {
        return Err(ExtractError::TooManyParts { max: MAX_ENTRIES });
    }
    let limit = unpack_limit(bytes.len() as u64);
    let mut budget = limit;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else { return Ok(()) };
        // One byte past the budget tells it was exceeded.
        let Ok(read) = std::io::copy(&mut entry.take(budget + 1), &mut std::io::sink()) else { return Ok(()) };
        if read > budget {
            return Err(ExtractError::TooLargeUnpacked { max_mb: limit / (1024 * 1024) });
        }
        budget -= read;
    }
    Ok(())
}

/// The text of a PDF's pages. The parser is not ours and a malformed file may make it panic:
/// that is caught and reported like any unreadable file (the caller bounds its time).
fn pdf_text(bytes: &[u8]) -> Result<String, ExtractError> {
    let not = |reason: String| ExtractError::NotWhatItSays { kind: "PDF", reason };
    let read = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes));
    match read {
        Ok(Ok(text)) => Ok(text.chars().take(MAX_TEXT).collect()),
        Ok(Err(e)) => Err(not(e.to_string())),
        Err(_) => Err(not("the file is damaged".into())),
    }
}

/// The text of the parts `wanted` picks, in the order of their numbers (slide2 before slide10),
/// a line per paragraph element `para`.
fn package_text(bytes: &[u8], kind: &'static str, wanted: impl Fn(&str) -> bool, para: &str) -> Result<String, ExtractError> {
    let not = |reason: String| ExtractError::NotWhatItSays { kind, reason };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not(e.to_string()))?;
    if zip.len() > MAX_ENTRIES {
        return Err(ExtractError::TooManyParts { max: MAX_ENTRIES });
    }
    let mut names: Vec<String> = zip.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).filter(|n| wanted(n)).collect();
    if names.is_empty() {
        return Err(not("its main part is missing".into()));
    }
    names.sort_by_key(|n| (n.chars().filter(char::is_ascii_digit).collect::<String>().parse::<u64>().unwrap_or(0), n.clone()));
    let mut budget = MAX_UNPACKED;
    let mut text = String::new();
    for name in names {
        let entry = zip.by_name(&name).map_err(|e| not(e.to_string()))?;
        let mut xml = Vec::new();
        // Read one byte past the budget to know it was exceeded, whatever the header claims.
        let read = entry.take(budget + 1).read_to_end(&mut xml).map_err(|e| not(e.to_string()))? as u64;
        if read > budget {
            return Err(ExtractError::TooLargeUnpacked { max_mb: MAX_UNPACKED / (1024 * 1024) });
        }
        budget -= read;
        paragraphs(&xml, para, &mut text).map_err(not)?;
        if text.chars().count() >= MAX_TEXT {
            break;
        }
    }
    Ok(text.chars().take(MAX_TEXT).collect())
}

/// Appends the text runs (`t` elements) of the XML, a line per paragraph element.
fn paragraphs(xml: &[u8], para: &str, out: &mut String) -> Result<(), String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut in_text = false;
    loop {
        match reader.read_event_into(&mut buf).map_err(|e| e.to_string())? {
            Event::Start(e) if e.local_name().as_ref() == "t" => in_text = true,
            Event::End(e) if e.local_name().as_ref() == "t" => in_text = false,
            Event::End(e) if e.local_name().as_ref() == para => out.push('\n'),
            Event::Text(t) if in_text => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => match r.resolve_char_ref() {
                Ok(Some(c)) => out.push(c),
                _ => out.push_str(match r.xml10_content().as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                }),
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}
