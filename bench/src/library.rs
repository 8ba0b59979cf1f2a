//! The knowledge platform's benchmark data set: many published resources in
//! English, French and Spanish with realistic lengths (a title of about eight
//! words, a summary of about thirty, a body of about a hundred), a fifth of
//! them translated, written straight to the database with their search
//! documents (as the API writes them).
use chrono::Utc;
use entity::{partners, resources};
use rand_core::{OsRng, RngCore};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait,
};

use coalition::{
    domain::Locale,
    services::search::{self, Document},
};

const EN: &[&str] = &[
    "forced",
    "labour",
    "child",
    "supply",
    "chains",
    "migrant",
    "workers",
    "recruitment",
    "fees",
    "social",
    "protection",
    "coverage",
    "decent",
    "work",
    "wages",
    "inspection",
    "trafficking",
    "bonded",
    "agriculture",
    "cocoa",
    "garment",
    "fishing",
    "informal",
    "economy",
    "pension",
    "health",
    "insurance",
    "dialogue",
    "employers",
    "unions",
    "policy",
    "national",
    "plan",
    "survey",
    "data",
    "evidence",
    "women",
    "youth",
    "skills",
    "transition",
    "climate",
    "rights",
];
const FR: &[&str] = &[
    "travail",
    "forcé",
    "enfants",
    "chaînes",
    "approvisionnement",
    "travailleurs",
    "migrants",
    "recrutement",
    "frais",
    "protection",
    "sociale",
    "couverture",
    "décent",
    "salaires",
    "inspection",
    "traite",
    "servitude",
    "agriculture",
    "cacao",
    "textile",
    "pêche",
    "informelle",
    "économie",
    "retraite",
    "santé",
    "assurance",
    "dialogue",
    "employeurs",
    "syndicats",
    "politique",
    "nationale",
    "plan",
    "enquête",
    "données",
    "femmes",
    "jeunes",
    "compétences",
    "transition",
    "climat",
    "droits",
];
const ES: &[&str] = &[
    "trabajo",
    "forzoso",
    "infantil",
    "cadenas",
    "suministro",
    "trabajadores",
    "migrantes",
    "contratación",
    "tasas",
    "protección",
    "social",
    "cobertura",
    "decente",
    "salarios",
    "inspección",
    "trata",
    "servidumbre",
    "agricultura",
    "cacao",
    "textil",
    "pesca",
    "informal",
    "economía",
    "pensión",
    "salud",
    "seguro",
    "diálogo",
    "empleadores",
    "sindicatos",
    "política",
    "nacional",
    "plan",
    "encuesta",
    "datos",
    "mujeres",
    "jóvenes",
    "habilidades",
    "transición",
    "clima",
    "derechos",
];

fn words(locale: Locale) -> &'static [&'static str] {
    match locale {
        Locale::En => EN,
        Locale::Fr => FR,
        Locale::Es => ES,
    }
}

/// Endings that make a vocabulary of some 4,000 words per language out of the
/// topic words, so that a document does not hold most of the language.
const ENDINGS: &[&str] = &[
    "", "a", "e", "i", "o", "u", "an", "en", "in", "on", "ar", "er", "ir", "or", "as", "es", "is",
    "os", "al", "el", "il", "ol", "at", "et", "it", "ot", "am", "em", "im", "om", "ab", "eb", "ib",
    "ob", "ad", "ed", "id", "od", "ag", "eg", "ig", "og", "ak", "ek", "ik", "ok", "ap", "ep", "ip",
    "op", "av", "ev", "iv", "ov", "az", "ez", "iz", "oz", "ach", "ech", "ich", "och", "ang", "eng",
    "ing", "ong", "ant", "ent", "int", "ont", "ard", "erd", "ird", "ord", "ask", "esk", "isk",
    "osk", "ell", "ill", "oll", "ull", "arn", "ern", "irn", "orn", "uma", "ima", "ema", "ota",
    "ita", "eta", "ura", "ira", "era", "ola", "ila", "ela", "una",
];

/// The `rank`th word of a language (low ranks are the common words).
fn word(locale: Locale, rank: usize) -> String {
    let base = words(locale);
    let base_word = base[rank % base.len()];
    let ending = ENDINGS[(rank / base.len()) % ENDINGS.len()];
    format!("{base_word}{ending}")
}

fn vocabulary_size(locale: Locale) -> usize {
    words(locale).len() * ENDINGS.len()
}

/// A word drawn with a Zipf-like skew: a few are common, most are rare.
fn draw(locale: Locale, uniform: f64) -> String {
    let rank = (uniform.powi(3) * vocabulary_size(locale) as f64) as usize;
    word(locale, rank.min(vocabulary_size(locale) - 1))
}

fn uniform() -> f64 {
    (OsRng.next_u32() as f64) / (u32::MAX as f64 + 1.0)
}

fn text(locale: Locale, count: usize) -> String {
    let mut out = String::new();
    for i in 0..count {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&draw(locale, uniform()));
    }
    out
}

/// How the words of a search are drawn.
#[derive(Clone, Copy)]
pub enum Words {
    /// As the documents' are: a fifth of the words are among the 40 most
    /// common, each in about half the documents of its language.
    AsWritten,
    /// Each word of the vocabulary equally likely: what someone looking for a
    /// topic types (each word is in 1% to 20% of its language's documents).
    Topical,
}

/// Two words of `locale` for the `n`th search.
pub fn two_words(locale: Locale, n: u64, words: Words) -> String {
    // A cheap hash of n gives two uniform draws.
    let mix = |x: u64| (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64 / (1u64 << 53) as f64;
    let pick = |u: f64| match words {
        Words::AsWritten => draw(locale, u),
        Words::Topical => word(
            locale,
            ((u * vocabulary_size(locale) as f64) as usize).min(vocabulary_size(locale) - 1),
        ),
    };
    format!("{} {}", pick(mix(n * 2 + 1)), pick(mix(n * 2 + 2)))
}

pub const KINDS: [&str; 6] = [
    "GOOD_PRACTICE",
    "RESEARCH",
    "DATA",
    "POLICY",
    "TOOL",
    "NEWS",
];
pub const COUNTRIES: [&str; 8] = ["FR", "CI", "SN", "PE", "MX", "NP", "KE", "BR"];

/// Builds `count` published resources of one partner (created here).
pub async fn build(db: &DatabaseConnection, count: usize) -> anyhow::Result<()> {
    let now = Utc::now();
    let partner = partners::Entity::insert(partners::ActiveModel {
        name: Set("Library partner".into()),
        acronym: Set(None),
        kind: Set("INTERNATIONAL_ORGANIZATION".into()),
        country: Set(None),
        region: Set(None),
        website: Set(None),
        description: Set(None),
        search_text: Set("library partner".into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    const CHUNK: usize = 500;
    let mut made = 0;
    while made < count {
        let txn = db.begin().await?;
        for n in made..(made + CHUNK).min(count) {
            let locale = [Locale::En, Locale::En, Locale::Fr, Locale::Es][n % 4];
            let title = text(locale, 8);
            let summary = text(locale, 30);
            let body = text(locale, 100);
            let resource = resources::ActiveModel {
                kind: Set(KINDS[n % KINDS.len()].into()),
                state: Set("PUBLISHED".into()),
                original_locale: Set(locale.as_str().into()),
                title: Set(title.clone()),
                summary: Set(Some(summary.clone())),
                body: Set(Some(body.clone())),
                url: Set(None),
                published_on: Set(None),
                coalition_id: Set(None),
                geo_coverage: Set("NATIONAL".into()),
                countries: Set(format!(",{},", COUNTRIES[n % COUNTRIES.len()])),
                sdg_targets: Set(",8.7,".into()),
                tags: Set(",library,".into()),
                partner_id: Set(partner),
                submitted_by_user_id: Set(None),
                decision_reason: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let mut documents = vec![Document {
                locale,
                title: &title,
                summary: Some(&summary),
                body: Some(&body),
            }];
            // A fifth carry a translation (title and summary).
            let other = if locale == Locale::Fr {
                Locale::En
            } else {
                Locale::Fr
            };
            let (t_title, t_summary) = (text(other, 8), text(other, 30));
            if n % 5 == 0 {
                documents.push(Document {
                    locale: other,
                    title: &t_title,
                    summary: Some(&t_summary),
                    body: None,
                });
            }
            let facets = search::facet::of(&resource, &[]);
            search::reindex(&txn, resource.id, &documents, &facets).await?;
        }
        txn.commit().await?;
        made = (made + CHUNK).min(count);
    }
    Ok(())
}
