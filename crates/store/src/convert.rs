//! Stored rows back to drafts: what exports write and edit forms start from, so that an export
//! re-imports unchanged.

use crate::entities::{cluster, facility, school, school_stat, teacher};
use std::collections::HashMap;
use xuequ_domain::drafts::{ClusterDraft, FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_domain::*;

/// Parses a stored code; stored codes were written from the enum, so a miss means a corrupted
/// row, shown as the first variant rather than failing a whole export.
fn coded<T: Copy>(text: &str, parse: fn(&str) -> Option<T>, all: &[T]) -> T {
    parse(text).unwrap_or(all[0])
}

/// `id → code` of schools, to turn stored references back into codes.
pub type SchoolCodes = HashMap<i64, String>;

pub fn school_codes(schools: &[school::Model]) -> SchoolCodes {
    schools.iter().map(|s| (s.id, s.code.clone())).collect()
}

impl school::Model {
    pub fn to_draft(&self, codes: &SchoolCodes) -> SchoolDraft {
        SchoolDraft {
            code: self.code.clone(),
            name: self.name.clone(),
            school_type: coded(&self.school_type, SchoolType::parse, SchoolType::ALL),
            locality: coded(&self.locality, Locality::parse, Locality::ALL),
            township: self.township.clone(),
            address: self.address.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            legal_person: self.legal_person,
            campus_of: self.campus_of.and_then(|id| codes.get(&id).cloned()),
            principal: self.principal.clone(),
            phone: self.phone.clone(),
        }
    }
}

impl teacher::Model {
    pub fn to_draft(&self, codes: &SchoolCodes) -> TeacherDraft {
        TeacherDraft {
            staff_no: self.staff_no.clone(),
            name: self.name.clone(),
            gender: coded(&self.gender, Gender::parse, Gender::ALL),
            school_code: codes.get(&self.school_id).cloned().unwrap_or_default(),
            subject: coded(&self.subject, Subject::parse, Subject::ALL),
            section: self.section.as_deref().and_then(Section::parse),
            degree: coded(&self.degree, Degree::parse, Degree::ALL),
            title: coded(&self.title, Title::parse, Title::ALL),
            backbone: coded(&self.backbone, Backbone::parse, Backbone::ALL),
            joined_school_on: self.joined_school_on,
            birth_year: self.birth_year,
        }
    }
}

impl facility::Model {
    pub fn to_draft(&self, codes: &SchoolCodes) -> FacilityDraft {
        FacilityDraft {
            school_code: codes.get(&self.school_id).cloned().unwrap_or_default(),
            name: self.name.clone(),
            kind: coded(&self.kind, FacilityKind::parse, FacilityKind::ALL),
            capacity: self.capacity,
            area: self.area,
            open_hours: self.open_hours.clone(),
            shareable: self.shareable,
        }
    }
}

impl school_stat::Model {
    pub fn to_draft(&self, codes: &SchoolCodes) -> StatsDraft {
        StatsDraft {
            school_code: codes.get(&self.school_id).cloned().unwrap_or_default(),
            year: self.year,
            students_primary: self.students_primary,
            students_junior: self.students_junior,
            classes_primary: self.classes_primary,
            classes_junior: self.classes_junior,
            max_class_size: self.max_class_size,
            teaching_area: self.teaching_area,
            sports_area: self.sports_area,
            equipment_value: self.equipment_value,
            multimedia_rooms: self.multimedia_rooms,
            books: self.books,
            computers: self.computers,
        }
    }
}

impl cluster::Model {
    pub fn to_draft(&self, codes: &SchoolCodes) -> ClusterDraft {
        ClusterDraft {
            name: self.name.clone(),
            form: coded(&self.form, ClusterForm::parse, ClusterForm::ALL),
            level: coded(&self.level, ClusterLevel::parse, ClusterLevel::ALL),
            lead_school_code: codes.get(&self.lead_school_id).cloned().unwrap_or_default(),
            description: self.description.clone(),
            founded_on: self.founded_on,
        }
    }
}
