//! The teaching-resource library's full-text index (教学资源库): titles, descriptions, tags and
//! the text inside files, segmented into Chinese words by jieba, searched with filters and facet
//! counts that only ever cover what the reader may see.
//!
//! The index is derived data: the database is the record and `reindex` rebuilds this from it.
//! It lives in memory (tests, benchmarks) or in a directory the caller chooses; nothing here
//! decides where files are.
//!
//! A query is words, as people type them: each chunk between spaces is cut into words, and a
//! resource matches when it holds every word in one of its fields (title weighs most, then tags,
//! description and the file's text); text in quotes is a phrase. Visibility is a filter of the
//! same query, so results, counts, facets and snippets come from one search and cannot differ.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::fastfield::FacetReader;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
    doc,
};

/// Who may see a resource: its own school, a cluster, or the whole county.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Access {
    School(i64),
    Cluster(i64),
    County(i64),
}

impl Access {
    fn key(self) -> String {
        match self {
            Access::School(id) => format!("s{id}"),
            Access::Cluster(id) => format!("k{id}"),
            Access::County(id) => format!("c{id}"),
        }
    }
}

/// What the reader may see: the county's resources shared county-wide, their school's, their
/// clusters'; the bureau and inspectors everything of the county.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    pub county_id: i64,
    pub everything: bool,
    pub schools: Vec<i64>,
    pub clusters: Vec<i64>,
}

/// A resource as the index holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDoc {
    pub id: i64,
    pub county_id: i64,
    pub school_id: i64,
    pub access: Access,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    /// The text inside its files (empty when none could be read).
    pub body: String,
    pub subject: String,
    pub grade: String,
    pub kind: String,
    pub edition: String,
    /// Seconds since 1970, for "newest first".
    pub created: i64,
    pub downloads: u64,
    /// Mean rating × 100 (0 when unrated), for "best rated".
    pub rating: u64,
    /// The cluster it is shared with (for the cluster filter), and who uploaded it.
    pub cluster_id: Option<i64>,
    pub uploader_id: i64,
    /// The record's revision: the index is up to date when it holds the database's.
    pub revision: i64,
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    MostDownloaded,
    BestRated,
}

/// A search: words, filters (facet name → value), order and page.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub text: String,
    pub filters: BTreeMap<String, String>,
    pub sort: Sort,
    /// 0-based offset and page size.
    pub offset: usize,
    pub limit: usize,
    /// Uploaded at or after `since`, before `until` (seconds since 1970).
    pub since: Option<i64>,
    pub until: Option<i64>,
}

/// One result: the resource, its relevance (0 when sorted otherwise), and its title and a
/// passage with the words marked (`<b>`, the rest escaped).
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: i64,
    pub score: f32,
    pub title_html: String,
    pub snippet_html: String,
}

/// The answer: how many match, this page of them, and per facet the values with their counts.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
}

/// The facets resources are filtered and counted by.
pub const FACETS: &[&str] = &["subject", "grade", "kind", "edition", "school", "cluster", "uploader"];

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    county: Field,
    access: Field,
    title: Field,
    description: Field,
    tags: Field,
    body: Field,
    facets: Field,
    created: Field,
    downloads: Field,
    rating: Field,
    revision: Field,
}

/// The index and its one writer.
pub struct Library {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
}

const TOKENIZER: &str = "jieba";

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = |stored: bool| {
        let indexing = TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored { options.set_stored() } else { options }
    };
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        county: b.add_i64_field("county", INDEXED),
        access: b.add_text_field("access", STRING),
        title: b.add_text_field("title", words(true)),
        description: b.add_text_field("description", words(true)),
        tags: b.add_text_field("tags", words(false)),
        body: b.add_text_field("body", words(true)),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        created: b.add_i64_field("created", FAST),
        downloads: b.add_u64_field("downloads", FAST),
        rating: b.add_u64_field("rating", FAST),
        revision: b.add_i64_field("revision", FAST),
    };
    (b.build(), fields)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new()).filter(tantivy::tokenizer::LowerCaser).build()
}

/// Words without their overlapping parts, for marking snippets.
fn precise_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::with_search_mode(false)).filter(tantivy::tokenizer::LowerCaser).build()
}

impl Library {
    /// An index in memory.
    pub fn in_memory() -> Result<Library, LibraryError> {
        let (schema, fields) = schema();
        Library::open(Index::create_in_ram(schema), fields)
    }

    /// The index in `dir` (created if empty).
    pub fn in_dir(dir: &Path) -> Result<Library, LibraryError> {
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        Library::open(Index::open_or_create(directory, schema)?, fields)
    }

    fn open(index: Index, fields: Fields) -> Result<Library, LibraryError> {
        index.tokenizers().register(TOKENIZER, analyzer());
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer(64 * 1024 * 1024)?;
        Ok(Library { reader, writer: Mutex::new(writer), fields })
    }

    /// Adds or replaces resources and makes them searchable.
    pub fn put(&self, docs: &[ResourceDoc]) -> Result<(), LibraryError> {
        let f = self.fields;
        let mut writer = self.writer.lock().expect("the index writer");
        for d in docs {
            writer.delete_term(Term::from_field_i64(f.id, d.id));
            let mut document = doc!(
                f.id => d.id,
                f.county => d.county_id,
                f.access => d.access.key(),
                f.title => d.title.clone(),
                f.description => d.description.clone(),
                f.tags => d.tags.join(" "),
                f.body => d.body.clone(),
                f.created => d.created,
                f.downloads => d.downloads,
                f.rating => d.rating,
                f.revision => d.revision,
            );
            // Its own school always sees it, whatever it is shared with.
            if d.access != Access::School(d.school_id) {
                document.add_text(f.access, Access::School(d.school_id).key());
            }
            for (name, value) in [("subject", &d.subject), ("grade", &d.grade), ("kind", &d.kind), ("edition", &d.edition)] {
                if !value.trim().is_empty() {
                    document.add_facet(f.facets, tantivy::schema::Facet::from_path([name, value.trim()]));
                }
            }
            let mut numbered = vec![("school", d.school_id), ("uploader", d.uploader_id)];
            numbered.extend(d.cluster_id.map(|k| ("cluster", k)));
            for (name, id) in numbered {
                document.add_facet(f.facets, tantivy::schema::Facet::from_path([name.to_string(), id.to_string()]));
            }
            writer.add_document(document)?;
        }
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Removes resources (withdrawn, taken down).
    pub fn remove(&self, ids: &[i64]) -> Result<(), LibraryError> {
        let mut writer = self.writer.lock().expect("the index writer");
        for id in ids {
            writer.delete_term(Term::from_field_i64(self.fields.id, *id));
        }
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Empties the index (before a rebuild).
    pub fn clear(&self) -> Result<(), LibraryError> {
        let mut writer = self.writer.lock().expect("the index writer");
        writer.delete_all_documents()?;
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// How many resources the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every resource the index holds with its revision, to compare with the database.
    pub fn revisions(&self) -> Result<BTreeMap<i64, i64>, LibraryError> {
        let searcher = self.reader.searcher();
        let mut out = BTreeMap::new();
        for segment in searcher.segment_readers() {
            let ids = segment.fast_fields().i64("id")?;
            let revisions = segment.fast_fields().i64("revision")?;
            for doc in segment.doc_ids_alive() {
                if let (Some(id), Some(revision)) = (ids.first(doc), revisions.first(doc)) {
                    out.insert(id, revision);
                }
            }
        }
        Ok(out)
    }

    /// The words of `text` as the index cuts them (punctuation left out).
    pub fn words(&self, text: &str) -> Vec<String> {
        words_at(text).into_iter().map(|(_, w)| w).collect()
    }

    /// The query of a search, visibility and filters included.
    fn query(&self, request: &SearchRequest, reader: &Reader) -> Box<dyn Query> {
        let f = self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        must.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_i64(f.county, reader.county_id), IndexRecordOption::Basic))));
        if !reader.everything {
            let mut keys = vec![Access::County(reader.county_id).key()];
            keys.extend(reader.schools.iter().map(|s| Access::School(*s).key()));
            keys.extend(reader.clusters.iter().map(|k| Access::Cluster(*k).key()));
            let any: Vec<(Occur, Box<dyn Query>)> = keys
                .into_iter()
                .map(|k| {
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(Term::from_field_text(f.access, &k), IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        for (name, value) in &request.filters {
            if FACETS.contains(&name.as_str()) && !value.trim().is_empty() {
                let facet = tantivy::schema::Facet::from_path([name.as_str(), value.trim()]);
                must.push((Occur::Must, Box::new(TermQuery::new(Term::from_facet(f.facets, &facet), IndexRecordOption::Basic))));
            }
        }
        if request.since.is_some() || request.until.is_some() {
            use std::ops::Bound;
            let at = |t: i64| Term::from_field_i64(f.created, t);
            let from = request.since.map_or(Bound::Unbounded, |t| Bound::Included(at(t)));
            let to = request.until.map_or(Bound::Unbounded, |t| Bound::Excluded(at(t)));
            must.push((Occur::Must, Box::new(tantivy::query::RangeQuery::new(from, to))));
        }
        for clause in self.text_clauses(&request.text) {
            must.push((Occur::Must, clause));
        }
        Box::new(BooleanQuery::new(must))
    }

    /// Each word (or quoted phrase) of the text must be in one of the fields.
    fn text_clauses(&self, text: &str) -> Vec<Box<dyn Query>> {
        let f = self.fields;
        let weighted = [(f.title, 3.0), (f.tags, 2.0), (f.description, 1.5), (f.body, 1.0)];
        let mut clauses = Vec::new();
        for (i, part) in text.split('"').enumerate() {
            let quoted = i % 2 == 1;
            let placed = words_at(part);
            if quoted && placed.len() > 1 {
                // The index keeps where each word starts; a phrase is its words at the same
                // distances from the first.
                let first = placed[0].0;
                let any: Vec<(Occur, Box<dyn Query>)> = weighted
                    .iter()
                    .map(|(field, boost)| {
                        let terms: Vec<(usize, Term)> =
                            placed.iter().map(|(at, w)| (at - first, Term::from_field_text(*field, w))).collect();
                        (Occur::Should, Box::new(BoostQuery::new(Box::new(PhraseQuery::new_with_offset(terms)), *boost)) as Box<dyn Query>)
                    })
                    .collect();
                clauses.push(Box::new(BooleanQuery::new(any)) as Box<dyn Query>);
                continue;
            }
            for (_, word) in placed {
                let any: Vec<(Occur, Box<dyn Query>)> = weighted
                    .iter()
                    .map(|(field, boost)| {
                        let term = TermQuery::new(Term::from_field_text(*field, &word), IndexRecordOption::WithFreqsAndPositions);
                        (Occur::Should, Box::new(BoostQuery::new(Box::new(term), *boost)) as Box<dyn Query>)
                    })
                    .collect();
                clauses.push(Box::new(BooleanQuery::new(any)));
            }
        }
        clauses
    }

    /// Searches what `reader` may see.
    pub fn search(&self, request: &SearchRequest, reader: &Reader) -> Result<Results, LibraryError> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let query = self.query(request, reader);
        let limit = request.limit.clamp(1, 200);
        let top = TopDocs::with_limit(limit).and_offset(request.offset.min(100_000));
        let facets = FacetCounter;
        let (addresses, total, mut counts): (Vec<(f32, DocAddress)>, usize, FacetCounts) = match request.sort {
            Sort::Relevance => {
                let (top, total, counts) = searcher.search(&query, &(top.order_by_score(), Count, facets))?;
                (top, total, counts)
            }
            Sort::Newest => {
                let (top, total, counts) =
                    searcher.search(&query, &(top.order_by_fast_field::<i64>("created", Order::Desc), Count, facets))?;
                (top.into_iter().map(|(_, a)| (0.0, a)).collect(), total, counts)
            }
            Sort::MostDownloaded => {
                let (top, total, counts) =
                    searcher.search(&query, &(top.order_by_fast_field::<u64>("downloads", Order::Desc), Count, facets))?;
                (top.into_iter().map(|(_, a)| (0.0, a)).collect(), total, counts)
            }
            Sort::BestRated => {
                let (top, total, counts) =
                    searcher.search(&query, &(top.order_by_fast_field::<u64>("rating", Order::Desc), Count, facets))?;
                (top.into_iter().map(|(_, a)| (0.0, a)).collect(), total, counts)
            }
        };
        // Snippets cut the text in jieba's precise mode: search mode's overlapping parts of
        // words would make overlapping highlights (tantivy's snippets expect none).
        let marked: BTreeMap<String, f32> = words_at(&request.text).into_iter().map(|(_, w)| (w, 1.0)).collect();
        let snippets = |field: Field, chars: usize| SnippetGenerator::new(marked.clone(), precise_analyzer(), field, chars);
        let title_snippets = snippets(f.title, 200);
        let body_snippets = snippets(f.body, 160);
        let description_snippets = snippets(f.description, 160);
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let document: TantivyDocument = searcher.doc(address)?;
            let text = |field: Field| document.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
            let id = document.get_first(f.id).and_then(|v| v.as_i64()).unwrap_or_default();
            let title = text(f.title);
            let mut title_html = title_snippets.snippet(&title).to_html();
            if title_html.is_empty() {
                title_html = html_escape(&title);
            }
            let mut snippet = body_snippets.snippet(&text(f.body));
            if snippet.highlighted().is_empty() {
                snippet = description_snippets.snippet(&text(f.description));
            }
            let snippet_html = if snippet.fragment().is_empty() {
                html_escape(&text(f.description).chars().take(160).collect::<String>())
            } else {
                snippet.to_html()
            };
            hits.push(Hit { id, score, title_html, snippet_html });
        }
        let mut out = Results { total, hits, facets: BTreeMap::new() };
        for name in FACETS {
            out.facets.insert(name.to_string(), counts.remove(*name).unwrap_or_default().into_iter().collect());
        }
        Ok(out)
    }
}

/// Counts, for every facet, how many hits hold each of its values: in each segment a counter per
/// value (its ordinal in the segment's dictionary of facets) is raised for each hit, and only the
/// values that some hit holds are looked up, in one ordered pass over the dictionary.
///
/// tantivy's `FacetCollector` looks each counted value up on its own, decoding the dictionary's
/// block from its start every time; with thousands of uploaders that cost about 17 µs a hit
/// (a million resources: p50 299 ms a word instead of 13 ms).
struct FacetCounter;

/// Facet name → value → hits holding it.
type FacetCounts = BTreeMap<String, BTreeMap<String, u64>>;

struct SegmentFacetCounter {
    reader: FacetReader,
    counts: Vec<u32>,
}

impl Collector for FacetCounter {
    type Fruit = FacetCounts;
    type Child = SegmentFacetCounter;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentFacetCounter> {
        let reader = segment.facet_reader("facets")?;
        let counts = vec![0; reader.num_facets()];
        Ok(SegmentFacetCounter { reader, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Result<FacetCounts, String>>) -> tantivy::Result<FacetCounts> {
        let mut segments = segments.into_iter();
        let mut out = segments.next().transpose().map_err(tantivy::TantivyError::InternalError)?.unwrap_or_default();
        for segment in segments {
            let segment = segment.map_err(tantivy::TantivyError::InternalError)?;
            for (name, values) in segment {
                let counts = out.entry(name).or_default();
                for (value, count) in values {
                    *counts.entry(value).or_default() += count;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = Result<FacetCounts, String>;

    fn collect(&mut self, doc: DocId, _: Score) {
        // A document's ordinals come sorted; one holding a value twice counts once.
        let mut previous = u64::MAX;
        for ord in self.reader.facet_ords(doc) {
            if ord != previous {
                self.counts[ord as usize] += 1;
                previous = ord;
            }
        }
    }

    fn harvest(self) -> Result<FacetCounts, String> {
        let held: Vec<u64> = self.counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(ord, _)| ord as u64).collect();
        let mut out = FacetCounts::new();
        let mut counts = held.iter().map(|ord| u64::from(self.counts[*ord as usize]));
        // A facet is its path's parts joined by a zero byte (tantivy's separator, not exported):
        // here always a name and a value.
        let looked_up = self.reader.facet_dict().sorted_ords_to_term_cb(&held, |bytes| {
            let count = counts.next().unwrap_or_default();
            let text = String::from_utf8_lossy(bytes);
            if let Some((name, value)) = text.split_once('\u{0}') {
                let values = match out.get_mut(name) {
                    Some(values) => values,
                    None => out.entry(name.to_string()).or_default(),
                };
                *values.entry(value.to_string()).or_default() += count;
            }
        });
        match looked_up {
            Ok(true) => Ok(out),
            Ok(false) => Err("a counted facet is missing from its segment's dictionary".to_string()),
            Err(e) => Err(format!("reading the facets' dictionary: {e}")),
        }
    }
}

/// The words of `text` with the positions the index gives them, punctuation left out. Search
/// mode also yields the parts of long words; a query needs only the words that cover the text
/// (the longest at each place), the parts being inside them.
fn words_at(text: &str) -> Vec<(usize, String)> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out: Vec<(usize, usize, usize, String)> = Vec::new();
    while let Some(t) = stream.next() {
        if t.text.chars().any(char::is_alphanumeric) {
            out.push((t.offset_from, t.offset_to, t.position, t.text.clone()));
        }
    }
    out.sort_by_key(|(from, to, _, _)| (*from, usize::MAX - to));
    let mut words = Vec::new();
    let mut covered = 0;
    for (from, to, position, word) in out {
        if from >= covered {
            covered = to;
            words.push((position, word));
        }
    }
    words
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
