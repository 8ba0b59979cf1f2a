//! DataLoaders: every nested field of a list is fetched for the whole list in one
//! statement, so the statement count of a request does not grow with page size.
use std::{collections::HashMap, hash::Hash};

use async_graphql::dataloader::Loader;
use entity::{coalition_partners, coalitions, partners, thematic_areas, users};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::{
    error::AppResult,
    pagination::{Page, PageArgs},
    services::{
        coalitions as coalition_service, coalitions::MemberPartner, partners as partner_service,
    },
};

pub struct DbLoader {
    db: DatabaseConnection,
}

impl DbLoader {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

type LoadResult<K, V> = Result<HashMap<K, V>, async_graphql::Error>;

fn ids<K: Copy>(keys: &[K], id: impl Fn(K) -> i64) -> Vec<i64> {
    keys.iter().map(|k| id(*k)).collect()
}

/// Re-keys a map by row id into a map by loader key.
fn rekey<K: Copy + Hash + Eq, V>(
    keys: &[K],
    id: impl Fn(K) -> i64,
    mut by_id: HashMap<i64, V>,
) -> HashMap<K, V> {
    keys.iter()
        .filter_map(|k| Some((*k, by_id.remove(&id(*k))?)))
        .collect()
}

fn finish<K, V>(result: AppResult<HashMap<K, V>>) -> LoadResult<K, V> {
    result.map_err(async_graphql::Error::from)
}

macro_rules! key {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub i64);
    };
}

key!(/// A partner by id.
    PartnerKey);
key!(/// A coalition by id.
    CoalitionKey);
key!(/// A thematic area by id.
    ThematicAreaKey);
key!(/// A user by id.
    UserKey);
key!(/// The thematic areas of a coalition.
    ThematicAreasOf);
key!(/// The coalition memberships of a partner.
    MembershipsOfPartner);
key!(/// How many current partners a coalition has.
    CoalitionPartnerCount);

/// One page of a coalition's partners.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CoalitionPartnersPage(pub i64, pub PageArgs);

impl Loader<PartnerKey> for DbLoader {
    type Value = partners::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[PartnerKey]) -> LoadResult<PartnerKey, Self::Value> {
        let found = partner_service::by_ids(&self.db, &ids(keys, |k| k.0)).await;
        finish(found.map(|by_id| rekey(keys, |k| k.0, by_id)))
    }
}

impl Loader<CoalitionKey> for DbLoader {
    type Value = coalitions::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[CoalitionKey]) -> LoadResult<CoalitionKey, Self::Value> {
        let found = coalition_service::by_ids(&self.db, &ids(keys, |k| k.0)).await;
        finish(found.map(|by_id| rekey(keys, |k| k.0, by_id)))
    }
}

impl Loader<ThematicAreaKey> for DbLoader {
    type Value = thematic_areas::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ThematicAreaKey]) -> LoadResult<ThematicAreaKey, Self::Value> {
        let found = coalition_service::thematic_areas_by_ids(&self.db, &ids(keys, |k| k.0)).await;
        finish(found.map(|by_id| rekey(keys, |k| k.0, by_id)))
    }
}

impl Loader<UserKey> for DbLoader {
    type Value = users::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[UserKey]) -> LoadResult<UserKey, Self::Value> {
        let found = users::Entity::find()
            .filter(users::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await
            .map(|rows| rows.into_iter().map(|u| (u.id, u)).collect())
            .map_err(Into::into);
        finish(found.map(|by_id| rekey(keys, |k| k.0, by_id)))
    }
}

impl Loader<ThematicAreasOf> for DbLoader {
    type Value = Vec<thematic_areas::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ThematicAreasOf]) -> LoadResult<ThematicAreasOf, Self::Value> {
        let found = coalition_service::thematic_areas_of(&self.db, &ids(keys, |k| k.0)).await;
        finish(found.map(|mut by_id| {
            keys.iter()
                .map(|k| (*k, by_id.remove(&k.0).unwrap_or_default()))
                .collect()
        }))
    }
}

impl Loader<MembershipsOfPartner> for DbLoader {
    type Value = Vec<coalition_partners::Model>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[MembershipsOfPartner],
    ) -> LoadResult<MembershipsOfPartner, Self::Value> {
        let found = coalition_service::memberships_of_partners(&self.db, &ids(keys, |k| k.0)).await;
        finish(found.map(|mut by_id| {
            keys.iter()
                .map(|k| (*k, by_id.remove(&k.0).unwrap_or_default()))
                .collect()
        }))
    }
}

impl Loader<CoalitionPartnerCount> for DbLoader {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[CoalitionPartnerCount],
    ) -> LoadResult<CoalitionPartnerCount, Self::Value> {
        let found = coalition_service::partner_counts(&self.db, &ids(keys, |k| k.0)).await;
        finish(found.map(|by_id| rekey(keys, |k| k.0, by_id)))
    }
}

impl Loader<CoalitionPartnersPage> for DbLoader {
    type Value = Page<MemberPartner>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[CoalitionPartnersPage],
    ) -> LoadResult<CoalitionPartnersPage, Self::Value> {
        // Parents asking for the same page shape share one statement.
        let mut by_args: HashMap<&PageArgs, Vec<i64>> = HashMap::new();
        for key in keys {
            by_args.entry(&key.1).or_default().push(key.0);
        }
        let mut pages = HashMap::new();
        for (args, coalition_ids) in by_args {
            let found = coalition_service::partner_pages(&self.db, &coalition_ids, args).await?;
            for (coalition_id, page) in found {
                pages.insert(CoalitionPartnersPage(coalition_id, args.clone()), page);
            }
        }
        Ok(pages)
    }
}
