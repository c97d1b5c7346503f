//! Stored rows back to drafts: what exports write and edit forms start from, so that an export
//! re-imports unchanged.

use crate::Result;
use crate::entities::{facility, school, school_stat, teacher};
use std::collections::HashMap;
use xuequ_domain::drafts::{FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};

/// `id → code` of schools, to turn stored references back into codes.
pub type SchoolCodes = HashMap<i64, String>;

pub fn school_codes(schools: &[school::Model]) -> SchoolCodes {
    schools.iter().map(|s| (s.id, s.code.clone())).collect()
}

impl school::Model {
    pub fn to_draft(&self, codes: &SchoolCodes) -> Result<SchoolDraft> {
        Ok(SchoolDraft {
            code: self.code.clone(),
            name: self.name.clone(),
            school_type: self.school_type,
            locality: self.locality,
            township: self.township.clone(),
            address: self.address.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            legal_person: self.legal_person,
            campus_of: self.campus_of.and_then(|id| codes.get(&id).cloned()),
            principal: self.principal.clone(),
            phone: self.phone.clone(),
        })
    }
}

impl teacher::Model {
    pub fn to_draft(&self, codes: &SchoolCodes) -> Result<TeacherDraft> {
        Ok(TeacherDraft {
            staff_no: self.staff_no.clone(),
            name: self.name.clone(),
            gender: self.gender,
            school_code: codes.get(&self.school_id).cloned().unwrap_or_default(),
            subject: self.subject,
            section: self.section,
            degree: self.degree,
            title: self.title,
            backbone: self.backbone,
            post: Some(self.post),
            joined_school_on: self.joined_school_on,
            birth_year: self.birth_year,
        })
    }
}

impl facility::Model {
    pub fn to_draft(&self, codes: &SchoolCodes) -> Result<FacilityDraft> {
        Ok(FacilityDraft {
            school_code: codes.get(&self.school_id).cloned().unwrap_or_default(),
            name: self.name.clone(),
            kind: self.kind,
            capacity: self.capacity,
            area: self.area,
            open_hours: self.open_hours.clone(),
            shareable: self.shareable,
        })
    }
}

impl school_stat::Model {
    pub fn to_draft(&self, codes: &SchoolCodes) -> Result<StatsDraft> {
        Ok(StatsDraft {
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
        })
    }
}
