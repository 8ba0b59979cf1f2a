//! Translations of coalitions' and thematic areas' names and descriptions: the
//! original stays on the row (with its locale); each translation is a row of
//! `text_translations`.
use std::collections::HashMap;

use chrono::Utc;
use entity::text_translations;
use sea_orm::{
    sea_query::OnConflict, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::{
    domain::{CoalitionName, Description, Locale},
    error::{AppError, AppResult},
};

/// What a translation is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Translated {
    Coalition,
    ThematicArea,
}

impl Translated {
    fn as_str(self) -> &'static str {
        match self {
            Self::Coalition => "Coalition",
            Self::ThematicArea => "ThematicArea",
        }
    }
}

/// Sets (or replaces) the translation of `subject` into `locale`, which must
/// not be its original locale (the original is edited on the row itself).
pub async fn set(
    db: &DatabaseConnection,
    subject: Translated,
    subject_id: i64,
    original: Locale,
    locale: Locale,
    name: CoalitionName,
    description: Option<Description>,
) -> AppResult<()> {
    if locale == original {
        return Err(AppError::bad_input(
            "locale",
            "is the original language; a translation is into another one",
        ));
    }
    let row = text_translations::ActiveModel {
        subject_type: Set(subject.as_str().to_owned()),
        subject_id: Set(subject_id),
        locale: Set(locale.as_str().to_owned()),
        name: Set(name.into_inner()),
        description: Set(description.map(Description::into_inner)),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    text_translations::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                text_translations::Column::SubjectType,
                text_translations::Column::SubjectId,
                text_translations::Column::Locale,
            ])
            .update_columns([
                text_translations::Column::Name,
                text_translations::Column::Description,
                text_translations::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// The translations of some subjects of one kind, by subject id, in locale order.
pub async fn of(
    db: &DatabaseConnection,
    subject: Translated,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<text_translations::Model>>> {
    let rows = text_translations::Entity::find()
        .filter(text_translations::Column::SubjectType.eq(subject.as_str()))
        .filter(text_translations::Column::SubjectId.is_in(ids.iter().copied()))
        .order_by_asc(text_translations::Column::Locale)
        .all(db)
        .await?;
    let mut by_subject: HashMap<i64, Vec<_>> = HashMap::new();
    for row in rows {
        by_subject.entry(row.subject_id).or_default().push(row);
    }
    Ok(by_subject)
}
