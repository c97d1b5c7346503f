//! The bundled cluster evaluation (捆绑考核): the records it reads that no other module keeps.

/// One student's entry and exit scores in one grade and subject (学生成绩), as a county enters
/// them for value-added (增值评价). Grade and subject are kept as written in the file: the
/// model groups by them and reports them back unchanged.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StudentScore {
    pub student: String,
    pub school: String,
    pub grade: String,
    pub subject: String,
    pub entry: f64,
    pub exit: f64,
}
