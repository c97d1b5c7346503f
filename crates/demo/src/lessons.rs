//! Teaching resources with real Chinese text, generated: lesson plans, courseware and tests for
//! the units teachers actually teach, each a title, a description, tags and a body of several
//! hundred characters, the same every time for a seed. The demo's library and the search
//! benchmark both draw on it.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One generated resource (the school, visibility and files are the caller's).
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub body: String,
    /// Subject code (as the registry's), grade (1–9), kind, textbook edition.
    pub subject: &'static str,
    pub grade: u8,
    pub kind: &'static str,
    pub edition: &'static str,
}

/// (subject code, grades, units: (title, key sentences)).
type Units = (&'static str, std::ops::RangeInclusive<u8>, &'static [(&'static str, &'static [&'static str])]);

const UNITS: &[Units] = &[
    (
        "math",
        7..=9,
        &[
            ("一元二次方程", &["用配方法推导求根公式", "判别式决定方程根的个数", "因式分解法解一元二次方程", "实际问题中的增长率问题"]),
            ("勾股定理", &["赵爽弦图给出了面积法的证明", "直角三角形两直角边的平方和等于斜边的平方", "勾股定理的逆定理判定直角三角形"]),
            ("一次函数", &["函数图象是一条直线", "斜率决定直线的倾斜程度", "用待定系数法求函数解析式"]),
            ("相似三角形", &["对应角相等、对应边成比例", "利用相似测量旗杆的高度", "相似比与面积比的关系"]),
        ],
    ),
    (
        "math",
        3..=6,
        &[
            ("分数的初步认识", &["把一个整体平均分成若干份", "单位分数表示其中的一份", "用图形表示分数"]),
            ("小数乘法", &["积的小数位数等于因数小数位数之和", "用估算检验计算结果"]),
            ("圆的面积", &["把圆等分后拼成近似的长方形", "圆的面积等于圆周率乘半径的平方"]),
        ],
    ),
    (
        "chinese",
        7..=9,
        &[
            ("《背影》", &["朱自清通过父亲买橘子的背影写出深沉的父爱", "抓住细节描写体会人物情感", "朴实的语言中蕴含真挚的感情"]),
            ("《春》", &["朱自清描绘了春草图、春花图、春风图、春雨图", "比喻和拟人写出春天的生机"]),
            ("《岳阳楼记》", &["范仲淹提出先天下之忧而忧，后天下之乐而乐", "写景与抒情、议论相结合"]),
        ],
    ),
    (
        "chinese",
        1..=6,
        &[
            ("《静夜思》", &["李白借明月抒发思乡之情", "朗读古诗体会韵律"]),
            ("《草船借箭》", &["诸葛亮神机妙算", "通过人物的语言和动作感受人物形象"]),
        ],
    ),
    (
        "biology",
        7..=8,
        &[
            ("光合作用", &["绿色植物利用光能把二氧化碳和水合成有机物并释放氧气", "叶绿体是光合作用的场所", "设计对照实验探究光照的作用"]),
            ("人体的消化系统", &["消化道和消化腺组成消化系统", "小肠是消化和吸收的主要场所"]),
        ],
    ),
    (
        "physics",
        8..=9,
        &[
            ("浮力", &["阿基米德原理：浮力等于排开液体所受的重力", "物体的浮沉条件", "用弹簧测力计测量浮力"]),
            ("欧姆定律", &["导体中的电流与电压成正比、与电阻成反比", "伏安法测电阻"]),
        ],
    ),
    (
        "english",
        3..=9,
        &[
            ("Unit 3 My School Day", &["Talk about daily routines with what time questions", "Reading comprehension about a school day"]),
            ("Unit 5 Do you like bananas", &["Countable and uncountable nouns", "Ask about food preferences"]),
        ],
    ),
    (
        "science",
        3..=6,
        &[
            ("水的三态变化", &["水在加热和冷却时发生蒸发和凝结", "观察冰融化成水的过程"]),
            ("简单电路", &["电池、导线和小灯泡组成电路", "开关控制电路的通断"]),
        ],
    ),
];

/// Kinds of resource and how their body begins.
const KINDS: &[(&str, &str, &str)] = &[
    ("lesson_plan", "教案", "一、教学目标\n"),
    ("courseware", "课件", "第1页 课题\n"),
    ("study_guide", "学案", "【学习目标】\n"),
    ("test", "试卷", "一、选择题\n"),
    ("micro_lesson", "微课", "微课脚本\n"),
    ("research", "教研成果", "研究背景\n"),
];

const EDITIONS: &[&str] = &["人教版", "北师大版", "苏教版", "部编版"];

const FILLER: &[&str] = &[
    "通过小组合作交流，学生在讨论中发现规律。",
    "教师出示情境图，引导学生提出问题。",
    "课堂练习分为基础题和拓展题两个层次。",
    "板书设计突出重点，帮助学生形成知识结构。",
    "课后反思：学生对新知识的理解还需要巩固。",
    "结合生活实例，激发学生的学习兴趣。",
    "布置分层作业，关注不同水平的学生。",
];

/// `n` resources for `seed`.
pub fn generate(n: usize, seed: u64) -> Vec<Lesson> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|i| one(&mut rng, i)).collect()
}

fn one(rng: &mut ChaCha8Rng, i: usize) -> Lesson {
    let (subject, grades, units) = &UNITS[rng.random_range(0..UNITS.len())];
    let (unit, points) = units[rng.random_range(0..units.len())];
    let (kind, kind_name, opening) = KINDS[rng.random_range(0..KINDS.len())];
    let grade = rng.random_range(*grades.start()..=*grades.end());
    let edition = EDITIONS[rng.random_range(0..EDITIONS.len())];
    let mut body = String::from(opening);
    for p in points.iter().take(rng.random_range(1..=points.len())) {
        body.push_str(p);
        body.push_str("。\n");
        for _ in 0..rng.random_range(2..6) {
            body.push_str(FILLER[rng.random_range(0..FILLER.len())]);
        }
        body.push('\n');
    }
    Lesson {
        title: format!("{unit}{kind_name}（{grade}年级·第{}课时）", i % 3 + 1),
        description: format!("{edition}{grade}年级{unit}的{kind_name}，{}", points[0]),
        tags: vec![unit.trim_matches(['《', '》']).to_string(), kind_name.to_string()],
        body,
        subject,
        grade,
        kind,
        edition,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_same_every_time_and_varied() {
        let a = super::generate(200, 7);
        assert_eq!(a, super::generate(200, 7));
        let subjects: std::collections::BTreeSet<_> = a.iter().map(|l| l.subject).collect();
        assert!(subjects.len() >= 5, "{subjects:?}");
        assert!(a.iter().any(|l| l.body.contains("求根公式")) && a.iter().any(|l| l.body.contains("朱自清")));
    }
}
