//! The name index: every record's names as (character, pinyin syllable) units, and a matcher
//! that takes each typed character or pinyin piece in order, allowing units to be skipped.

use pinyin::ToPinyin;

/// One character of a name with its pinyin (lower case, no tone); a character without pinyin
/// (a digit, a Latin letter) is its own syllable.
#[derive(Debug, Clone, Copy)]
struct Unit {
    ch: char,
    syllable: &'static str,
}

/// One record: the units of each of its names, its codes, and a mask of what it contains so
/// that most records are rejected without matching.
#[derive(Debug, Clone)]
struct Entry {
    id: i64,
    names: Vec<Vec<Unit>>,
    codes: Vec<String>,
    mask: u64,
}

/// A typed query, prepared once for matching against every record.
#[derive(Debug, Clone)]
pub struct Query {
    /// Characters as typed (lower case, spaces removed).
    text: Vec<char>,
    /// The query for code matching (lower case, spaces removed).
    plain: String,
    /// What a name must contain for the query to have a chance.
    mask: u64,
    /// Whether a Chinese character may be taken by another with the same reading (东平 for
    /// 东坪): tried only when the characters as typed find nothing.
    homophones: bool,
}

/// The longest query matched by name (a longer one can only be a code or nothing).
const MAX_QUERY: usize = 64;

impl Query {
    pub fn new(typed: &str) -> Query {
        let plain: String = typed.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
        let text: Vec<char> = plain.chars().take(MAX_QUERY).collect();
        // Every Chinese character must be in the name; a query that starts with a letter needs
        // a syllable that starts with it.
        let mut mask = 0;
        for c in text.iter().filter(|c| !c.is_ascii()) {
            mask |= char_bit(*c);
        }
        if let Some(first) = text.first().filter(|c| c.is_ascii_alphabetic()) {
            mask |= letter_bit(*first);
        }
        Query { text, plain, mask, homophones: false }
    }

    /// The same query read by sound: each Chinese character stands for its syllable, so a
    /// mistyped homophone still finds the name.
    fn by_sound(&self) -> Query {
        let mut mask = 0;
        for c in self.text.iter().filter(|c| !c.is_ascii()) {
            mask |= syllable_of(*c).chars().next().filter(char::is_ascii_lowercase).map_or(char_bit(*c), letter_bit);
        }
        Query { text: self.text.clone(), plain: self.plain.clone(), mask, homophones: true }
    }

    pub fn is_empty(&self) -> bool {
        self.plain.is_empty()
    }
}

fn letter_bit(c: char) -> u64 {
    1 << (c as u64 - 'a' as u64)
}

fn char_bit(c: char) -> u64 {
    1 << (26 + (c as u64 % 38))
}

/// Records by id with their names and codes.
#[derive(Debug, Clone, Default)]
pub struct NameIndex {
    entries: Vec<Entry>,
}

impl NameIndex {
    /// Indexes records: each with its id, the names it may be found by (name, township,
    /// principal, ...) and its codes.
    pub fn build<'a>(records: impl IntoIterator<Item = (i64, Vec<&'a str>, Vec<&'a str>)>) -> NameIndex {
        let entries = records
            .into_iter()
            .map(|(id, names, codes)| {
                let names: Vec<Vec<Unit>> = names.into_iter().filter(|n| !n.is_empty()).map(units).collect();
                let mask = names.iter().flatten().fold(0, |m, u| {
                    let initial = u.syllable.chars().next().filter(char::is_ascii_lowercase).map_or(0, letter_bit);
                    m | initial | if u.ch.is_ascii() { 0 } else { char_bit(u.ch) }
                });
                let codes = codes.into_iter().filter(|c| !c.is_empty()).map(str::to_lowercase).collect();
                Entry { id, names, codes, mask }
            })
            .collect();
        NameIndex { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The ids of every record the query finds, in index order. When the characters as typed
    /// find nothing, the names that sound the same are found instead (东平 → 东坪镇中心小学).
    pub fn matching(&self, query: &Query) -> Vec<i64> {
        if query.is_empty() {
            return self.entries.iter().map(|e| e.id).collect();
        }
        let exact: Vec<i64> = self.entries.iter().filter(|e| found(e, query)).map(|e| e.id).collect();
        if !exact.is_empty() || query.text.iter().all(char::is_ascii) {
            return exact;
        }
        let sound = query.by_sound();
        self.entries.iter().filter(|e| found(e, &sound)).map(|e| e.id).collect()
    }
}

fn found(entry: &Entry, query: &Query) -> bool {
    entry.codes.iter().any(|c| c.contains(&query.plain))
        || (entry.mask & query.mask == query.mask && entry.names.iter().any(|name| matches(name, &query.text, query.homophones)))
}

fn syllable_of(c: char) -> &'static str {
    c.to_pinyin().map(|p| p.plain()).unwrap_or("")
}

/// A name's units: each character with its most common reading.
fn units(name: &str) -> Vec<Unit> {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|ch| Unit { ch: ch.to_ascii_lowercase(), syllable: ch.to_pinyin().map(|p| p.plain()).unwrap_or("") })
        .collect()
}

/// Whether the typed characters can be taken, in order, from the name's units: a Chinese
/// character by the same character, letters by the start of a unit's syllable (one or more
/// letters of it), anything else by the same character; units may be left out between them.
fn matches(name: &[Unit], typed: &[char], homophones: bool) -> bool {
    // `dead[q * (n + 1) + u]`: typed[q..] cannot be matched from unit u on (memo, so that a
    // long query of short pieces stays linear in practice).
    let n = name.len();
    let mut dead = vec![false; (typed.len() + 1) * (n + 1)];
    from(name, typed, 0, 0, &mut dead, homophones)
}

fn from(name: &[Unit], typed: &[char], q: usize, u: usize, dead: &mut [bool], homophones: bool) -> bool {
    if q == typed.len() {
        return true;
    }
    let n = name.len();
    if u == n || dead[q * (n + 1) + u] {
        return false;
    }
    for at in u..n {
        let unit = name[at];
        let c = typed[q];
        let same = c == unit.ch || (homophones && !c.is_ascii() && !unit.syllable.is_empty() && syllable_of(c) == unit.syllable);
        if same && from(name, typed, q + 1, at + 1, dead, homophones) {
            return true;
        }
        if c.is_ascii_lowercase() && !unit.syllable.is_empty() {
            // The longest piece of the syllable first: "zhong" as one unit before "z" + "hong".
            let piece = unit.syllable.chars().zip(&typed[q..]).take_while(|(a, b)| a == *b).count();
            for len in (1..=piece).rev() {
                if from(name, typed, q + len, at + 1, dead, homophones) {
                    return true;
                }
            }
        }
    }
    dead[q * (n + 1) + u] = true;
    false
}

/// The key names sort by in lists and pickers: each character's pinyin (no tone), so 北湾 comes
/// before 前坪 before 中心 as a Chinese reader expects, not in the order of their code points.
pub fn sort_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() * 3);
    for ch in name.chars() {
        match ch.to_pinyin() {
            Some(p) => key.push_str(p.plain()),
            None => key.extend(ch.to_lowercase()),
        }
        key.push(' ');
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> NameIndex {
        NameIndex::build([
            (1, vec!["东坪镇中心小学", "东坪镇"], vec!["3141000024"]),
            (2, vec!["西河乡中心小学"], vec!["3141000031"]),
            (3, vec!["张三丰"], vec!["T0003"]),
            (4, vec!["章小东"], vec!["T0004"]),
        ])
    }

    fn find(q: &str) -> Vec<i64> {
        index().matching(&Query::new(q))
    }

    #[test]
    fn characters_may_be_left_out() {
        assert_eq!(find("东坪中心"), vec![1]);
        assert_eq!(find("中心小学"), vec![1, 2]);
        assert_eq!(find("心中"), Vec::<i64>::new(), "in order only");
    }

    #[test]
    fn a_mistyped_homophone_finds_the_name_that_sounds_the_same() {
        let i = index();
        assert_eq!(i.matching(&Query::new("东平")), vec![1], "东平 reads dong ping, as 东坪 does");
        assert_eq!(i.matching(&Query::new("章三")), vec![3], "章 for 张");
        assert_eq!(i.matching(&Query::new("东坪")), vec![1], "what is typed right is found as typed");
        assert!(i.matching(&Query::new("北京")).is_empty(), "nothing sounds like it: nothing");
    }

    #[test]
    fn names_sort_by_pinyin() {
        let mut names = vec!["中心小学", "前坪小学", "北湾小学", "安乐小学"];
        names.sort_by_key(|n| super::sort_key(n));
        assert_eq!(names, vec!["安乐小学", "北湾小学", "前坪小学", "中心小学"]);
    }

    #[test]
    fn pinyin_initials_full_and_mixed() {
        assert_eq!(find("dpzx"), vec![1]);
        assert_eq!(find("dongpingzhongxin"), vec![1]);
        assert_eq!(find("DongPing ZX"), vec![1], "case and spaces do not matter");
        assert_eq!(find("东坪zx"), vec![1]);
        assert_eq!(find("zsf"), vec![3]);
        assert_eq!(find("zhangs"), vec![3]);
        assert_eq!(find("zhang"), vec![3, 4], "张 and 章 read alike");
    }

    #[test]
    fn codes_by_any_part() {
        assert_eq!(find("0024"), vec![1]);
        assert_eq!(find("t000"), vec![3, 4]);
    }

    #[test]
    fn nothing_found_is_nothing() {
        assert!(find("北京").is_empty());
        assert!(find("qqq").is_empty());
    }

    #[test]
    fn a_long_hostile_query_ends() {
        let long = "a".repeat(10_000);
        assert!(find(&long).is_empty());
        let idx = NameIndex::build([(1, vec!["啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊"], vec![])]);
        assert!(idx.matching(&Query::new(&"a".repeat(63))).is_empty());
    }
}
