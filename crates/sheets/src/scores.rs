//! Students' scores for value-added (学生成绩): 学号, 学校代码, 年级, 学科, 入口成绩, 出口成绩 — or
//! the English keys `student`, `school`, `grade`, `subject`, `entry`, `exit` as headers.

use std::collections::HashMap;

use xuequ_domain::Problem;
use xuequ_domain::evaluation::StudentScore;

use crate::column::{Column, col};
use crate::read::{Cell, RowReader, SheetRecord, Table, parse};
use crate::{CellProblem, MAX_ROWS};

impl SheetRecord for StudentScore {
    const COLUMNS: &'static [Column] = &[
        col("student", "学号", true, "学生的学号，全县唯一"),
        col("school", "学校代码", true, "学生就读学校的代码"),
        col("grade", "年级", true, "如 七年级；同一年级同一学科的学生一起比较"),
        col("subject", "学科", true, "如 数学"),
        col("entry", "入口成绩", true, "学年初（或上一学段末）的成绩"),
        col("exit", "出口成绩", true, "学年末的成绩"),
    ];

    fn read(r: &mut RowReader<'_>) -> Option<Self> {
        let score = StudentScore {
            student: r.required_text("student"),
            school: r.required_text("school"),
            grade: r.required_text("grade"),
            subject: r.required_text("subject"),
            entry: r.f64("entry").unwrap_or_default(),
            exit: r.f64("exit").unwrap_or_default(),
        };
        r.ok().then_some(score)
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.student.clone()),
            Cell::Text(self.school.clone()),
            Cell::Text(self.grade.clone()),
            Cell::Text(self.subject.clone()),
            Cell::Number(self.entry),
            Cell::Number(self.exit),
        ]
    }
}

/// Every row of a scores file, or every problem in it (a student twice in one grade and
/// subject names the row they first appeared on): all or nothing.
pub fn read_scores(table: &Table) -> Result<Vec<StudentScore>, Vec<CellProblem>> {
    match read_score_rows(table) {
        (rows, problems) if problems.is_empty() => Ok(rows.into_iter().map(|(_, s)| s).collect()),
        (_, problems) => Err(problems),
    }
}

/// Every row that reads, with its number in the sheet, and every problem of the file, by row:
/// for a reader that checks more (the county's school codes) before it names them all at once.
pub fn read_score_rows(table: &Table) -> (Vec<(usize, StudentScore)>, Vec<CellProblem>) {
    let (rows, mut problems) = parse::<StudentScore>(table);
    let mut first: HashMap<(String, String, String), usize> = HashMap::new();
    for (row, s) in &rows {
        if let Some(at) = first.get(&(s.student.clone(), s.grade.clone(), s.subject.clone())) {
            problems.push(CellProblem {
                sheet: table.sheet.clone(),
                row: *row,
                column: table.column_label(StudentScore::COLUMNS, "student"),
                problem: Problem::DuplicateInFile { value: s.student.chars().take(40).collect(), first_row: *at },
            });
        } else {
            first.insert((s.student.clone(), s.grade.clone(), s.subject.clone()), *row);
        }
    }
    debug_assert!(rows.len() <= MAX_ROWS);
    problems.sort_by_key(|p| p.row);
    (rows, problems)
}
