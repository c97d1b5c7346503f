//! The indicator system a county starts from, built from the seeds' criteria: the bundled
//! evaluation covers management (管理机制), teachers (师资队伍), teaching quality (教学质量),
//! sharing (资源共享) and joint research (联合教研), "考核涉及到被捆绑学校的管理机制、干部培养、
//! 教师队伍建设、教学质量和效益", with process evaluation from the platform's own records
//! (过程性评价) beside the evaluators' judgement. A bureau copies and edits it.

use crate::tree::{Indicator, Rule, Tree};

fn group(code: &str, zh: &str, en: &str, weight: f64, children: Vec<Indicator>) -> Indicator {
    Indicator { code: code.into(), name_zh: zh.into(), name_en: en.into(), weight, figure: None, rule: None, children }
}

fn computed(code: &str, zh: &str, en: &str, weight: f64, figure: &str, rule: Rule) -> Indicator {
    Indicator { figure: Some(figure.into()), rule: Some(rule), ..group(code, zh, en, weight, Vec::new()) }
}

fn scored(code: &str, zh: &str, en: &str, weight: f64) -> Indicator {
    group(code, zh, en, weight, Vec::new())
}

const RANK: Rule = Rule::Rank { lower_is_better: false };

fn target(target: f64) -> Rule {
    Rule::Target { target, lower_is_better: false }
}

/// The default tree. Its figure keys are the platform's registered figures.
pub fn default_tree() -> Tree {
    let linear = |zero, full| Rule::Linear { zero, full };
    Tree {
        indicators: vec![
            group(
                "1",
                "管理机制",
                "Management",
                20.0,
                vec![
                    computed("1.1", "工作计划任务按时完成率", "Plan tasks done on time", 40.0, "tasks.on_time_share", linear(50.0, 100.0)),
                    computed("1.2", "共同体经费执行率", "Budget execution", 30.0, "budget.execution", target(90.0)),
                    scored("1.3", "管理制度与一体化运行（评估组评分）", "Rules and joint running (evaluators)", 30.0),
                ],
            ),
            group(
                "2",
                "师资队伍",
                "Teachers",
                25.0,
                vec![
                    computed("2.1", "轮岗交流指标完成率", "Rotation quota met", 30.0, "exchange.quota_share", target(100.0)),
                    computed("2.2", "骨干教师交流指标完成率", "Backbone quota met", 20.0, "exchange.backbone_quota_share", target(100.0)),
                    computed("2.3", "师徒结对数", "Mentorship pairs", 15.0, "exchange.mentorship_pairs", RANK),
                    computed(
                        "2.4",
                        "教师培训学时达标率",
                        "Teachers who met their training hours",
                        35.0,
                        "training.hours_met_share",
                        linear(60.0, 100.0),
                    ),
                ],
            ),
            group(
                "3",
                "教学质量",
                "Teaching quality",
                25.0,
                vec![
                    computed("3.1", "成员校增值评价", "Value-added of the member schools", 40.0, "value_added.mean", RANK),
                    scored("3.2", "教学质量与成员校提升（评估组评分）", "Teaching quality and members' progress (evaluators)", 30.0),
                    computed(
                        "3.3",
                        "成员校达到优质均衡标准的比例",
                        "Member schools meeting the balance standard",
                        30.0,
                        "balance.schools_passed_share",
                        linear(0.0, 100.0),
                    ),
                ],
            ),
            group(
                "4",
                "资源共享",
                "Sharing",
                20.0,
                vec![
                    computed("4.1", "场地设施跨校共享时长", "Hours of facilities lent to other schools", 40.0, "sharing.hours_lent", RANK),
                    computed(
                        "4.2",
                        "教学资源被他校下载次数",
                        "Downloads of its resources by other schools",
                        30.0,
                        "library.downloads_by_others",
                        RANK,
                    ),
                    computed("4.3", "上传教学资源数", "Resources uploaded", 30.0, "library.uploads", RANK),
                ],
            ),
            group(
                "5",
                "联合教研",
                "Joint research",
                10.0,
                vec![
                    computed("5.1", "联合教研活动次数", "Joint activities held", 40.0, "activities.held", target(12.0)),
                    computed("5.2", "活动出勤率", "Attendance at activities", 30.0, "activities.attendance", linear(60.0, 100.0)),
                    computed(
                        "5.3",
                        "成员校参与率",
                        "Member schools taking part",
                        30.0,
                        "activities.schools_taking_part_share",
                        target(100.0),
                    ),
                ],
            ),
        ],
    }
}
