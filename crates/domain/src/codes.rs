//! The coded vocabularies of the registry, and the rules attached to single values
//! (which degree counts as "above the required degree", which subjects are PE and art, ...).

coded_enum! {
    /// What kind of school this is (学校类型).
    SchoolType {
        Primary => ("primary", "小学"),
        Junior => ("junior", "初中"),
        NineYear => ("nine_year", "九年一贯制"),
        TeachingPoint => ("teaching_point", "教学点"),
        Special => ("special", "特殊教育学校"),
    }
}

impl SchoolType {
    /// The sections (学段) a school of this type teaches.
    pub fn sections(self) -> &'static [Section] {
        match self {
            SchoolType::Primary | SchoolType::TeachingPoint => &[Section::Primary],
            SchoolType::Junior => &[Section::Junior],
            SchoolType::NineYear => &[Section::Primary, Section::Junior],
            SchoolType::Special => &[Section::Primary, Section::Junior],
        }
    }
}

coded_enum! {
    /// Urban, town or rural (城区 / 镇区 / 乡村), as in the national statistics.
    Locality {
        Urban => ("urban", "城区"),
        Town => ("town", "镇区"),
        Rural => ("rural", "乡村"),
    }
}

coded_enum! {
    /// A section of compulsory education (学段).
    Section {
        Primary => ("primary", "小学"),
        Junior => ("junior", "初中"),
    }
}

coded_enum! {
    Gender {
        Male => ("male", "男"),
        Female => ("female", "女"),
    }
}

coded_enum! {
    /// The subject a teacher mainly teaches (任教学科).
    Subject {
        Chinese => ("chinese", "语文"),
        Math => ("math", "数学"),
        English => ("english", "英语"),
        Physics => ("physics", "物理"),
        Chemistry => ("chemistry", "化学"),
        Biology => ("biology", "生物"),
        History => ("history", "历史"),
        Geography => ("geography", "地理"),
        Politics => ("politics", "道德与法治"),
        Science => ("science", "科学"),
        Pe => ("pe", "体育"),
        Music => ("music", "音乐"),
        Art => ("art", "美术"),
        It => ("it", "信息技术"),
        Other => ("other", "其他"),
    }
}

impl Subject {
    /// PE and art (music, fine art) teachers count for the standard's third indicator.
    pub fn is_pe_art(self) -> bool {
        matches!(self, Subject::Pe | Subject::Music | Subject::Art)
    }
}

coded_enum! {
    /// Highest degree (最高学历), in increasing order.
    Degree {
        HighSchool => ("high_school", "高中及以下"),
        Associate => ("associate", "专科"),
        Bachelor => ("bachelor", "本科"),
        Master => ("master", "硕士研究生"),
        Doctor => ("doctor", "博士研究生"),
    }
}

impl Degree {
    /// Whether the degree is above the one the 2017 standard requires for the section:
    /// 专科 and above for 小学, 本科 and above for 初中.
    pub fn above_required(self, section: Section) -> bool {
        match section {
            Section::Primary => self >= Degree::Associate,
            Section::Junior => self >= Degree::Bachelor,
        }
    }
}

coded_enum! {
    /// Professional title (职称), in increasing order.
    Title {
        None => ("none", "未定级"),
        Third => ("third", "三级教师"),
        Second => ("second", "二级教师"),
        First => ("first", "一级教师"),
        Senior => ("senior", "高级教师"),
        Professor => ("professor", "正高级教师"),
    }
}

impl Title {
    /// 中级及以上: the 2012 standard counts 一级教师 and above.
    pub fn mid_level_or_above(self) -> bool {
        self >= Title::First
    }
}

coded_enum! {
    /// Backbone-teacher level (骨干教师级别), in increasing order.
    Backbone {
        None => ("none", "无"),
        School => ("school", "校级"),
        County => ("county", "县级"),
        City => ("city", "市级"),
        Province => ("province", "省级"),
        National => ("national", "国家级"),
    }
}

impl Backbone {
    /// The standard's second indicator counts county-level-or-higher backbone teachers.
    pub fn county_or_higher(self) -> bool {
        self >= Backbone::County
    }
}

coded_enum! {
    /// A teacher's post (职务). Principals and vice-principals are the school's leaders: they
    /// rotate after more years at one school than teachers do, and are listed apart (校长交流).
    Post {
        Teacher => ("teacher", "教师"),
        VicePrincipal => ("vice_principal", "副校长"),
        Principal => ("principal", "校长"),
    }
}

impl Post {
    pub fn is_leader(self) -> bool {
        self != Post::Teacher
    }
}

coded_enum! {
    /// Kinds of facility a school may share with its cluster.
    FacilityKind {
        Lab => ("lab", "实验室"),
        Gym => ("gym", "体育馆"),
        Library => ("library", "图书馆"),
        MusicRoom => ("music_room", "音乐教室"),
        ArtRoom => ("art_room", "美术教室"),
        ComputerRoom => ("computer_room", "计算机教室"),
        Field => ("field", "运动场"),
        Other => ("other", "其他"),
    }
}

coded_enum! {
    /// The forms of cluster the seeds describe (DOMAIN.md §3).
    ClusterForm {
        District => ("district", "学区"),
        TightGroup => ("tight_group", "紧密型教育集团"),
        LooseGroup => ("loose_group", "松散型教育集团"),
        Entrusted => ("entrusted", "委托管理"),
        Fusion => ("fusion", "融合型教育集团"),
        Alliance => ("alliance", "学校联盟"),
        Bundle => ("bundle", "城乡捆绑"),
        TownCenter => ("town_center", "乡镇中心校"),
        MultiCampus => ("multi_campus", "一校多区"),
    }
}

coded_enum! {
    /// The level a cluster works at. A school is in at most one cluster per level at a time,
    /// which is what lets a town central school lead its village schools (town level) while
    /// itself being a member of a county-level district.
    ClusterLevel {
        County => ("county", "县级"),
        Town => ("town", "乡镇级"),
    }
}

coded_enum! {
    MemberRole {
        Lead => ("lead", "龙头学校"),
        Member => ("member", "成员校"),
    }
}

coded_enum! {
    /// Officers of a cluster.
    OfficerRole {
        Head => ("head", "学区长/总校长"),
        Deputy => ("deputy", "副学区长"),
        FirstPrincipal => ("first_principal", "第一校长"),
        ExecutivePrincipal => ("executive_principal", "执行校长"),
        CouncilChair => ("council_chair", "理事长"),
    }
}

coded_enum! {
    /// The roles of the people who use the platform (DOMAIN.md §2).
    Role {
        BureauAdmin => ("bureau_admin", "教育局管理员"),
        Inspector => ("inspector", "督导"),
        ClusterHead => ("cluster_head", "学区长"),
        SchoolAdmin => ("school_admin", "学校管理员"),
        Teacher => ("teacher", "教师"),
    }
}

impl Role {
    /// Roles bound to one school need a school; a cluster head needs a cluster.
    pub fn needs_school(self) -> bool {
        matches!(self, Role::SchoolAdmin | Role::Teacher)
    }
    pub fn needs_cluster(self) -> bool {
        matches!(self, Role::ClusterHead)
    }
}

coded_enum! {
    /// Whether a record is in use or retired (kept for history, hidden from default lists).
    Status {
        Active => ("active", "在用"),
        Retired => ("retired", "已撤销"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_chinese_names_parse_back() {
        for t in SchoolType::ALL {
            assert_eq!(SchoolType::parse(t.code()), Some(*t));
            assert_eq!(SchoolType::parse(t.zh()), Some(*t));
        }
        assert_eq!(" 本科 ".parse::<Degree>().unwrap(), Degree::Bachelor);
        let err = "大专".parse::<Degree>().unwrap_err();
        assert!(matches!(err, crate::Problem::UnknownValue { .. }));
    }

    #[test]
    fn required_degree_depends_on_section() {
        assert!(Degree::Associate.above_required(Section::Primary));
        assert!(!Degree::Associate.above_required(Section::Junior));
        assert!(Degree::Bachelor.above_required(Section::Junior));
        assert!(!Degree::HighSchool.above_required(Section::Primary));
    }

    #[test]
    fn backbone_and_title_thresholds() {
        assert!(!Backbone::School.county_or_higher());
        assert!(Backbone::County.county_or_higher());
        assert!(Backbone::National.county_or_higher());
        assert!(!Title::Second.mid_level_or_above());
        assert!(Title::First.mid_level_or_above());
        assert!(Subject::Music.is_pe_art() && !Subject::Math.is_pe_art());
    }
}
