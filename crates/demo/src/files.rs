//! Real files for the demo's resource library and the tests: a Word document (.docx) and a PDF
//! holding given Chinese text, so that search finds words inside them.
//!
//! The PDF writes its text with a CID font addressed by Unicode (Identity-H) and a ToUnicode
//! map, so text extractors read the characters back; the font itself is not embedded (viewers
//! substitute a CJK font), which keeps each file a few kilobytes.

use std::io::{Cursor, Write};

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

/// A .docx with a title and one paragraph per line.
pub fn docx(title: &str, lines: &[&str]) -> Vec<u8> {
    let esc = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut body = format!("<w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t>{}</w:t></w:r></w:p>", esc(title));
    for line in lines {
        body.push_str(&format!("<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>", esc(line)));
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"
                .to_string(),
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>"
                .to_string(),
        ),
        ("word/document.xml", document),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options).expect("a zip part in memory");
        zip.write_all(text.as_bytes()).expect("writing to memory");
    }
    zip.finish().expect("a zip in memory").into_inner()
}

/// A one-page-per-30-lines PDF with a title and the lines.
pub fn pdf(title: &str, lines: &[&str]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let mut all: Vec<&str> = vec![title];
    all.extend_from_slice(lines);
    let mut chars: Vec<char> = all.iter().flat_map(|l| l.chars()).filter(|c| (*c as u32) < 0x10000).collect();
    chars.sort_unstable();
    chars.dedup();
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "SimSun",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "FontDescriptor" => dictionary! {
            "Type" => "FontDescriptor", "FontName" => "SimSun", "Flags" => 6,
            "FontBBox" => vec![0.into(), (-140).into(), 1000.into(), 860.into()],
            "ItalicAngle" => 0, "Ascent" => 860, "Descent" => -140, "CapHeight" => 700, "StemV" => 80,
        },
        "DW" => 1000,
    });
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, to_unicode_cmap(&chars).into_bytes()));
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "SimSun",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![descendant.into()],
        "ToUnicode" => to_unicode,
    });
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for chunk in all.chunks(30) {
        let mut ops = vec![Operation::new("BT", vec![]), Operation::new("Tf", vec!["F1".into(), 12.into()])];
        ops.push(Operation::new("TL", vec![20.into()]));
        ops.push(Operation::new("Td", vec![50.into(), 790.into()]));
        for line in chunk {
            let code: Vec<u8> = line.chars().filter(|c| (*c as u32) < 0x10000).flat_map(|c| (c as u16).to_be_bytes()).collect();
            ops.push(Operation::new("Tj", vec![Object::String(code, lopdf::StringFormat::Hexadecimal)]));
            ops.push(Operation::new("T*", vec![]));
        }
        ops.push(Operation::new("ET", vec![]));
        let content = doc.add_object(Stream::new(dictionary! {}, Content { operations: ops }.encode().expect("a page's content")));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        });
        kids.push(page.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("a PDF in memory");
    out
}

/// Each code (the character's UTF-16 unit) stands for that character.
fn to_unicode_cmap(chars: &[char]) -> String {
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CMapName /Xuequ-UCS def /CMapType 2 def\n\
         1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    for block in chars.chunks(100) {
        out.push_str(&format!("{} beginbfchar\n", block.len()));
        for c in block {
            out.push_str(&format!("<{:04X}> <{:04X}>\n", *c as u32, *c as u32));
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    out
}
