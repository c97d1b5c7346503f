//! Chinese queries find the right resources, and what a reader may not see never shows — not in
//! the results, the count, the facets or the snippets.

use std::collections::BTreeMap;

use xuequ_search::fulltext::{Access, Library, Reader, ResourceDoc, SearchRequest, Sort};

fn doc(id: i64, school: i64, access: Access, subject: &str, title: &str, body: &str) -> ResourceDoc {
    ResourceDoc {
        id,
        county_id: 1,
        school_id: school,
        access,
        title: title.into(),
        description: String::new(),
        tags: Vec::new(),
        body: body.into(),
        subject: subject.into(),
        grade: "7".into(),
        kind: "lesson_plan".into(),
        edition: "人教版".into(),
        created: 1_700_000_000 + id,
        downloads: id as u64,
        rating: 0,
        cluster_id: match access {
            Access::Cluster(k) => Some(k),
            _ => None,
        },
        uploader_id: 100 + school,
        revision: 1,
    }
}

fn library() -> Library {
    let lib = Library::in_memory().unwrap();
    let mut other_county = doc(9, 90, Access::County(2), "数学", "一元二次方程复习课", "求根公式与判别式");
    other_county.county_id = 2;
    lib.put(&[
        doc(1, 1, Access::County(1), "数学", "一元二次方程的解法", "用配方法推导求根公式，x 等于负 b 加减根号下 b 方减 4ac 除以 2a。"),
        doc(2, 2, Access::Cluster(10), "生物", "光合作用", "绿色植物利用光能，把二氧化碳和水合成有机物，并且释放氧气。"),
        doc(3, 3, Access::School(3), "语文", "散文阅读教案", "朱自清的《背影》通过父亲翻过月台买橘子的背影，写出了深沉的父爱。"),
        doc(4, 4, Access::County(1), "数学", "分数的初步认识", "幻灯片 3：单位分数的意义——把一个整体平均分成若干份，表示其中一份的数。"),
        doc(5, 1, Access::County(1), "英语", "Unit 3 Reading: My School Day", "Reading comprehension and new words about a school day."),
        doc(6, 1, Access::County(1), "语文", "<script>alert(1)</script>古诗两首", "《静夜思》李白"),
        other_county,
    ])
    .unwrap();
    lib
}

fn teacher(school: i64, clusters: &[i64]) -> Reader {
    Reader { county_id: 1, everything: false, schools: vec![school], clusters: clusters.to_vec() }
}

fn find(lib: &Library, who: &Reader, text: &str) -> Vec<i64> {
    let request = SearchRequest { text: text.into(), limit: 20, ..Default::default() };
    lib.search(&request, who).unwrap().hits.iter().map(|h| h.id).collect()
}

#[test]
fn chinese_queries_find_the_right_resources() {
    let lib = library();
    let anyone = teacher(7, &[11]);
    assert_eq!(find(&lib, &anyone, "一元二次方程"), vec![1], "the title, in this county only");
    assert_eq!(find(&lib, &anyone, "求根公式"), vec![1], "words inside the file");
    assert_eq!(find(&lib, &anyone, "平均分成若干份"), vec![4], "only the file's text has it");
    assert_eq!(find(&lib, &anyone, "reading"), vec![5], "English, whatever the case");
    assert_eq!(find(&lib, &teacher(2, &[10]), "光合作用"), vec![2]);
    assert_eq!(find(&lib, &teacher(3, &[]), "《背影》 朱自清"), vec![3], "punctuation is no word");
    assert_eq!(find(&lib, &anyone, "\"平均分成\""), vec![4], "a phrase in quotes");
    assert!(find(&lib, &anyone, "量子力学").is_empty());
}

#[test]
fn what_a_reader_may_not_see_never_shows() {
    let lib = library();
    let outsider = teacher(7, &[11]);
    for text in ["光合作用", "背影", "朱自清", ""] {
        let request = SearchRequest { text: text.into(), limit: 50, ..Default::default() };
        let r = lib.search(&request, &outsider).unwrap();
        assert!(r.hits.iter().all(|h| ![2, 3, 9].contains(&h.id)), "{text}: {:?}", r.hits);
        assert!(r.hits.iter().all(|h| !h.snippet_html.contains("朱自清") && !h.snippet_html.contains("光能")), "{text}");
        let subjects: BTreeMap<String, u64> = r.facets["subject"].iter().cloned().collect();
        assert!(!subjects.contains_key("生物"), "{text}: the facet counts only what is visible: {subjects:?}");
        assert_eq!(r.total, r.hits.len(), "{text}: the count is of visible resources");
    }
    let everything = Reader { county_id: 1, everything: true, schools: vec![], clusters: vec![] };
    let all = lib.search(&SearchRequest { limit: 50, ..Default::default() }, &everything).unwrap();
    assert_eq!(all.total, 6, "the bureau sees the county's six, not the other county's");
    let subjects: BTreeMap<String, u64> = all.facets["subject"].iter().cloned().collect();
    assert_eq!(subjects.get("数学"), Some(&2));
}

#[test]
fn filters_sorting_snippets_and_escaping() {
    let lib = library();
    let anyone = teacher(7, &[11]);
    let mut request = SearchRequest { limit: 20, ..Default::default() };
    request.filters.insert("subject".into(), "数学".into());
    assert_eq!(lib.search(&request, &anyone).unwrap().total, 2);
    request.sort = Sort::Newest;
    assert_eq!(lib.search(&request, &anyone).unwrap().hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![4, 1]);
    let r = lib.search(&SearchRequest { text: "求根公式".into(), limit: 5, ..Default::default() }, &anyone).unwrap();
    assert!(r.hits[0].snippet_html.contains("<b>"), "{}", r.hits[0].snippet_html);
    let r = lib.search(&SearchRequest { text: "古诗".into(), limit: 5, ..Default::default() }, &anyone).unwrap();
    assert!(!r.hits[0].title_html.contains("<script>") && r.hits[0].title_html.contains("&lt;script&gt;"), "{}", r.hits[0].title_html);
    lib.remove(&[1]).unwrap();
    assert!(find(&lib, &anyone, "一元二次方程").is_empty(), "withdrawn");
}

/// A PowerPoint package built here: slides whose text only the file holds.
fn pptx(slides: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    for (i, text) in slides.iter().enumerate() {
        zip.start_file(format!("ppt/slides/slide{}.xml", i + 1), options).unwrap();
        let xml = format!(
            r#"<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#
        );
        zip.write_all(xml.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn text_only_inside_a_pptx_is_found() {
    use xuequ_search::extract::{ExtractError, TextKind, text_of};
    let slides: Vec<String> = (1..=11).map(|i| format!("第{i}页")).chain(["勾股定理的证明：赵爽弦图 &amp; 面积法".to_string()]).collect();
    let bytes = pptx(&slides.iter().map(String::as_str).collect::<Vec<_>>());
    let text = text_of(TextKind::Pptx, &bytes).unwrap();
    assert!(text.starts_with("第1页\n第2页\n"), "slides in their order, 2 before 10: {text:.40}");
    assert!(text.contains("赵爽弦图 & 面积法"), "{text}");
    let lib = Library::in_memory().unwrap();
    lib.put(&[doc(20, 1, Access::County(1), "数学", "八年级下册第十七章课件", &text)]).unwrap();
    assert_eq!(find(&lib, &teacher(2, &[]), "赵爽弦图"), vec![20]);
    // Lies and bombs are refused with the reason.
    assert!(matches!(text_of(TextKind::Docx, b"not a zip at all"), Err(ExtractError::NotWhatItSays { .. })));
    assert!(matches!(text_of(TextKind::Docx, &bytes), Err(ExtractError::NotWhatItSays { .. })), "a pptx named docx");
    let bomb = pptx(&["零".repeat(70 * 1024 * 1024 / 3).as_str()]);
    assert_eq!(text_of(TextKind::Pptx, &bomb), Err(ExtractError::TooLargeUnpacked { max_mb: 64 }));
}

#[test]
fn a_school_sees_what_it_shared_with_its_cluster_and_dates_and_revisions_are_kept() {
    let lib = library();
    // School 2 shared 光合作用 with cluster 10; it left the cluster and still sees its own.
    assert_eq!(find(&lib, &teacher(2, &[]), "光合作用"), vec![2]);
    assert!(find(&lib, &teacher(5, &[]), "光合作用").is_empty());
    let mut request = SearchRequest { limit: 20, since: Some(1_700_000_003), until: Some(1_700_000_005), ..Default::default() };
    let everything = Reader { county_id: 1, everything: true, schools: vec![], clusters: vec![] };
    let mut found: Vec<i64> = lib.search(&request, &everything).unwrap().hits.iter().map(|h| h.id).collect();
    found.sort();
    assert_eq!(found, vec![3, 4], "uploaded in [since, until)");
    request.since = None;
    request.filters.insert("uploader".into(), "102".into());
    assert_eq!(lib.search(&request, &everything).unwrap().hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2]);
    let revisions = lib.revisions().unwrap();
    assert_eq!(revisions.len(), 7, "the other county's too: the index is the whole library");
    assert!(revisions.values().all(|r| *r == 1));
    lib.remove(&[2]).unwrap();
    assert!(!lib.revisions().unwrap().contains_key(&2));
}

/// Facet counts are exact: on an index of several segments and thousands of uploaders (more
/// values than one block of the facets' dictionary holds), every facet's counts equal a count
/// made by hand over the resources the reader may see and the search matches.
#[test]
fn facet_counts_equal_a_count_by_hand() {
    let subjects = ["数学", "语文", "生物", "英语"];
    let docs: Vec<ResourceDoc> = (0..6000i64)
        .map(|id| {
            let school = id % 40;
            let access = match id % 3 {
                0 => Access::School(school),
                1 => Access::Cluster(school % 4),
                _ => Access::County(1),
            };
            let title = if id % 5 == 0 { "光合作用的过程" } else { "分数的初步认识" };
            let mut d = doc(id, school, access, subjects[(id % 7 % 4) as usize], title, "");
            d.grade = ((id % 9) + 1).to_string();
            d.uploader_id = 10_000 + id % 2500;
            d
        })
        .collect();
    let lib = Library::in_memory().unwrap();
    // Several commits make several segments, each with its own dictionary of facets.
    for batch in docs.chunks(1000) {
        lib.put(batch).unwrap();
    }
    let by_hand = |reader: &Reader, word: &str, filters: &BTreeMap<String, String>| {
        let mut counts: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        let mut total = 0;
        for d in &docs {
            let visible = d.county_id == reader.county_id
                && (reader.everything
                    || match d.access {
                        Access::County(c) => c == reader.county_id,
                        Access::Cluster(k) => reader.clusters.contains(&k),
                        Access::School(_) => false,
                    }
                    || reader.schools.contains(&d.school_id));
            let values = [
                ("subject", d.subject.clone()),
                ("grade", d.grade.clone()),
                ("kind", d.kind.clone()),
                ("edition", d.edition.clone()),
                ("school", d.school_id.to_string()),
                ("uploader", d.uploader_id.to_string()),
            ]
            .into_iter()
            .chain(d.cluster_id.map(|k| ("cluster", k.to_string())))
            .map(|(name, value)| (name.to_string(), value))
            .collect::<BTreeMap<String, String>>();
            let filtered = filters.iter().all(|(name, value)| values.get(name) == Some(value));
            if visible && filtered && (word.is_empty() || d.title.contains(word)) {
                total += 1;
                for (name, value) in values {
                    *counts.entry(name).or_default().entry(value).or_default() += 1;
                }
            }
        }
        (total, counts)
    };
    let readers = [
        teacher(7, &[3]),
        teacher(12, &[]),
        Reader { county_id: 1, everything: true, schools: vec![], clusters: vec![] },
        Reader { county_id: 2, everything: true, schools: vec![], clusters: vec![] },
    ];
    let mut graded = BTreeMap::new();
    graded.insert("grade".to_string(), "4".to_string());
    let mut by_uploader = BTreeMap::new();
    by_uploader.insert("uploader".to_string(), "10007".to_string());
    for reader in &readers {
        for word in ["", "光合作用", "分数"] {
            for filters in [BTreeMap::new(), graded.clone(), by_uploader.clone()] {
                let request = SearchRequest { text: word.into(), filters: filters.clone(), limit: 5, ..Default::default() };
                let found = lib.search(&request, reader).unwrap();
                let (total, counts) = by_hand(reader, word, &filters);
                assert_eq!(found.total, total, "{reader:?} {word} {filters:?}");
                for (name, values) in &found.facets {
                    let expected: Vec<(String, u64)> = counts.get(name).cloned().unwrap_or_default().into_iter().collect();
                    assert_eq!(values, &expected, "{name} for {reader:?} {word} {filters:?}");
                }
                assert_eq!(found.facets.len(), 7, "every facet is listed, with or without values");
            }
        }
    }
    let everything = lib.search(&SearchRequest { limit: 1, ..Default::default() }, &readers[2]).unwrap();
    assert_eq!(everything.facets["uploader"].len(), 2500, "every uploader counted");
}
