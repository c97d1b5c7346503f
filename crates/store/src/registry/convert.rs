//! Stored rows back to drafts: what exports write and edit forms start from, so that an export
//! re-imports unchanged.

use crate::entities::{facility, school, school_stat, teacher};
use crate::{Result, StoreError};
use std::collections::HashMap;
use xuequ_domain::drafts::{FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_domain::*;

/// A stored code as its vocabulary's value. The schema only admits known codes, so an unknown
/// one means the database was changed behind the platform's back: an error naming the column,
/// never a guess.
pub fn code<T: Coded>(text: &str, column: &'static str) -> Result<T> {
    T::from_code(text).ok_or_else(|| StoreError::UnknownCode { column, value: text.to_string() })
}

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
            school_type: code(&self.school_type, "school_type")?,
            locality: code(&self.locality, "locality")?,
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
            gender: code(&self.gender, "gender")?,
            school_code: codes.get(&self.school_id).cloned().unwrap_or_default(),
            subject: code(&self.subject, "subject")?,
            section: self.section.as_deref().map(|s| code(s, "section")).transpose()?,
            degree: code(&self.degree, "degree")?,
            title: code(&self.title, "title")?,
            backbone: code(&self.backbone, "backbone")?,
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
            kind: code(&self.kind, "kind")?,
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
