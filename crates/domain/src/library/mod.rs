//! The teaching-resource library (教学资源库, DOMAIN.md §4): what a shared resource is — its
//! kind, subject, grade, textbook edition and with whom it is shared — and which files it may
//! carry ([`files`]). Who may see and change a resource is the access policy's
//! (`access::library`).

pub mod files;

use crate::validate::Checker;
use crate::{FieldProblem, Problem, Subject};
use serde::{Deserialize, Serialize};

coded_enum! {
    /// Whether the text inside a resource's file was read for search.
    TextStatus {
        Read => ("read", "已读取"),
        None => ("none", "无文字"),
        Failed => ("failed", "读取失败"),
    }
}

coded_enum! {
    /// What a resource is (资源类型).
    Kind {
        Courseware => ("courseware", "课件"),
        LessonPlan => ("lesson_plan", "教案"),
        StudyGuide => ("study_guide", "学案"),
        Test => ("test", "试卷"),
        MicroLesson => ("micro_lesson", "微课"),
        Research => ("research", "教研成果"),
        SchoolCourse => ("school_course", "校本课程"),
        ProjectReport => ("project_report", "课题报告"),
        Other => ("other", "其他"),
    }
}

coded_enum! {
    /// With whom a resource is shared (共享范围): its own school, the school's cluster, or the
    /// whole county.
    Sharing {
        School => ("school", "本校"),
        Cluster => ("cluster", "本学区"),
        County => ("county", "全县"),
    }
}

coded_enum! {
    /// Where a resource stands: shared, withdrawn by its uploader or school, or taken down by
    /// the bureau (with a reason). Only shared resources are found.
    ResourceStatus {
        Active => ("active", "共享中"),
        Withdrawn => ("withdrawn", "已撤回"),
        TakenDown => ("taken_down", "已下架"),
    }
}

/// The textbook editions teachers pick from (any other may be typed).
pub const EDITIONS: &[&str] = &["人教版", "部编版", "北师大版", "苏教版", "沪教版", "外研版", "湘教版", "浙教版"];

/// Grades of compulsory education; 0 means "not tied to a grade".
pub const GRADES: std::ops::RangeInclusive<i32> = 0..=9;

/// The describing fields of a resource, as the uploader fills them in.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ResourceDraft {
    pub title: String,
    pub description: String,
    pub subject: Option<Subject>,
    pub grade: i32,
    pub edition: String,
    pub chapter: String,
    pub kind: Option<Kind>,
    pub tags: Vec<String>,
    pub sharing: Option<Sharing>,
}

/// Longest title, description, chapter and tag (characters), and most tags.
pub const MAX_TITLE: usize = 120;
pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_SHORT: usize = 40;
pub const MAX_TAGS: usize = 10;

impl ResourceDraft {
    /// Every problem of the draft, by field.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut c = Checker::default();
        c.text("title", &self.title, true, MAX_TITLE);
        c.text("description", &self.description, false, MAX_DESCRIPTION);
        c.text("edition", &self.edition, false, MAX_SHORT);
        c.text("chapter", &self.chapter, false, MAX_SHORT);
        for (field, given) in [("subject", self.subject.is_some()), ("kind", self.kind.is_some()), ("sharing", self.sharing.is_some())] {
            if !given {
                c.push(field, Problem::Required);
            }
        }
        c.range("grade", self.grade, *GRADES.start(), *GRADES.end());
        c.range("tags", self.tags.len(), 0, MAX_TAGS);
        for tag in &self.tags {
            c.text("tags", tag, true, MAX_SHORT);
        }
        c.problems
    }
}

/// Tags as people type them: separated by commas, Chinese commas, semicolons or spaces.
pub fn split_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split([',', '，', ';', '；', '、', ' ', '\u{3000}']).map(str::trim).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    tags
}

/// A rating is one to five stars.
pub fn check_stars(stars: i32) -> Result<(), Problem> {
    if (1..=5).contains(&stars) { Ok(()) } else { Err(Problem::OutOfRange { value: stars.to_string(), min: "1".into(), max: "5".into() }) }
}

/// A comment: not empty, at most 1000 characters.
pub fn check_comment(body: &str) -> Result<(), Vec<FieldProblem>> {
    let mut c = Checker::default();
    c.text("comment", body, true, 1000);
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_on_every_separator_people_use() {
        assert_eq!(split_tags("方程， 求根公式;初三 、 方程"), vec!["方程", "求根公式", "初三"]);
        assert!(split_tags(" ，, ").is_empty());
    }

    #[test]
    fn a_draft_names_each_missing_or_bad_field() {
        let draft = ResourceDraft { title: " ".into(), grade: 12, tags: vec!["a\u{7}".into()], ..Default::default() };
        let fields: Vec<_> = draft.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["title", "subject", "kind", "sharing", "grade", "tags"]);
        let ok = ResourceDraft {
            title: "一元二次方程教案".into(),
            subject: Some(Subject::Math),
            kind: Some(Kind::LessonPlan),
            sharing: Some(Sharing::Cluster),
            grade: 9,
            ..Default::default()
        };
        assert!(ok.problems().is_empty());
        assert!(check_stars(0).is_err() && check_stars(5).is_ok());
    }
}
