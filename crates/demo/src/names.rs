//! Chinese names for the demo county: townships, villages, people, streets; and the subject
//! mix of a school's teachers.

use rand::Rng;
use rand::seq::IndexedRandom;
use xuequ_domain::{Section, Subject};

pub const ORDINALS: [&str; 14] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四"];

/// Townships with their bearing (degrees from east) and distance (km) from the county seat.
pub const TOWNSHIPS: [(&str, f64, f64); 12] = [
    ("东坪镇", 10.0, 14.0),
    ("西河乡", 185.0, 22.0),
    ("南山镇", 265.0, 12.0),
    ("北塬乡", 95.0, 26.0),
    ("柳湾镇", 40.0, 30.0),
    ("杏林乡", 140.0, 18.0),
    ("石门镇", 220.0, 35.0),
    ("白水乡", 300.0, 28.0),
    ("龙泉镇", 60.0, 20.0),
    ("桃源乡", 120.0, 40.0),
    ("马坊镇", 330.0, 16.0),
    ("青石乡", 250.0, 44.0),
];

const SURNAMES: [&str; 40] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋",
    "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕",
];

const GIVEN: [&str; 48] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂",
    "英", "华", "玉", "兰", "红", "梅", "建", "国", "志", "文", "海", "云", "春", "晓", "晨", "欣", "宇", "浩", "婷", "雪", "琳", "佳",
    "慧", "鹏", "鑫", "瑶",
];

const VILLAGE_HEAD: [&str; 24] = [
    "张家", "李家", "王家", "赵家", "刘家", "陈家", "杨家", "马家", "高家", "郭家", "孙家", "何家", "上", "下", "前", "后", "大", "小",
    "东", "西", "南", "北", "中", "新",
];

const VILLAGE_TAIL: [&str; 12] = ["庄", "湾", "坪", "沟", "村", "寨", "河", "岭", "堡", "店", "营", "塬"];

const STREETS: [&str; 10] = ["人民路", "建设路", "文化街", "解放路", "育才路", "学府路", "新华街", "兴业路", "光明路", "朝阳路"];

pub fn person(rng: &mut impl Rng) -> String {
    let surname = SURNAMES.choose(rng).expect("non-empty");
    let first = GIVEN.choose(rng).expect("non-empty");
    if rng.random_bool(0.7) {
        let second = GIVEN.choose(rng).expect("non-empty");
        format!("{surname}{first}{second}")
    } else {
        format!("{surname}{first}")
    }
}

pub fn village(rng: &mut impl Rng) -> String {
    let head = VILLAGE_HEAD.choose(rng).expect("non-empty");
    let tail = VILLAGE_TAIL.choose(rng).expect("non-empty");
    format!("{head}{tail}")
}

pub fn street(rng: &mut impl Rng) -> String {
    format!("{}{}号", STREETS.choose(rng).expect("non-empty"), rng.random_range(1..300))
}

/// A teacher's subject: the core subjects dominate; richer schools have more PE and art
/// specialists, the lack of whom is a known weakness of rural schools.
pub fn subject(rng: &mut impl Rng, section: Section, wealth: f64) -> Subject {
    let specialist = rng.random_bool((0.05 + 0.12 * wealth).clamp(0.0, 1.0));
    if specialist {
        return *[Subject::Pe, Subject::Music, Subject::Art].choose(rng).expect("non-empty");
    }
    let pool: &[Subject] = match section {
        Section::Primary => &[
            Subject::Chinese,
            Subject::Chinese,
            Subject::Chinese,
            Subject::Math,
            Subject::Math,
            Subject::Math,
            Subject::English,
            Subject::Science,
            Subject::Politics,
            Subject::It,
        ],
        Section::Junior => &[
            Subject::Chinese,
            Subject::Chinese,
            Subject::Math,
            Subject::Math,
            Subject::English,
            Subject::English,
            Subject::Physics,
            Subject::Chemistry,
            Subject::Biology,
            Subject::History,
            Subject::Geography,
            Subject::Politics,
            Subject::It,
        ],
    };
    *pool.choose(rng).expect("non-empty")
}
