//! A teacher's post (职务): teacher, vice-principal or principal. Leaders rotate after ten years
//! at one school instead of six, and the bureau lists them apart (校长交流). Every teacher
//! already registered is a teacher until the registry says otherwise. Frozen: never edit.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0014_teacher_post"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let allowed = Expr::col(Alias::new("post")).is_in(["teacher", "vice_principal", "principal"]);
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("teacher"))
                    .add_column(ColumnDef::new(Alias::new("post")).string().not_null().default("teacher").check(allowed))
                    .to_owned(),
            )
            .await
    }
}
