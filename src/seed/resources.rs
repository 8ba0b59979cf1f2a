//! Demo resources of the knowledge platform, in English, French and Spanish,
//! on the seeds' topics: social protection with the ISSA, labour migration with
//! the IOM, forced and child labour for Alliance 8.7, and the Global
//! Coalition's thematic areas. All published; some carry a translation.
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{coalitions, resource_links, resource_translations, resources, thematic_areas};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait,
    TransactionTrait,
};

use crate::{
    domain::Locale,
    error::AppResult,
    services::{
        resources::list,
        search::{self, Document},
    },
};

struct DemoResource {
    kind: &'static str,
    locale: Locale,
    title: &'static str,
    summary: &'static str,
    partner: &'static str,
    coalition: &'static str,
    area: Option<&'static str>,
    countries: &'static [&'static str],
    sdg: &'static [&'static str],
    tags: &'static [&'static str],
    published: (i32, u32, u32),
    /// A translation: locale, title, summary.
    translation: Option<(Locale, &'static str, &'static str)>,
}

const GCSJ: &str = "global-coalition-social-justice";
const A87: &str = "alliance-8-7";
const MIG: &str = "ilo-iom-migration-cooperation";

const RESOURCES: &[DemoResource] = &[
    DemoResource { kind: "GOOD_PRACTICE", locale: Locale::Fr, title: "Lutte contre le travail forcé et le travail des enfants dans les chaînes d'approvisionnement du cacao", summary: "En Côte d'Ivoire, un système communautaire de suivi et de remédiation identifie les enfants à risque et les oriente vers l'école.", partner: "CGECI", coalition: A87, area: Some("Supply chains"), countries: &["CI"], sdg: &["8.7"], tags: &["travail des enfants", "cacao"], published: (2023, 6, 12), translation: Some((Locale::En, "Fighting forced labour and child labour in cocoa supply chains", "In Côte d'Ivoire, a community monitoring and remediation system identifies children at risk and refers them to school.")) },
    DemoResource { kind: "RESEARCH", locale: Locale::En, title: "Global Estimates of Modern Slavery: Forced Labour and Forced Marriage", summary: "50 million people were living in modern slavery in 2021, 28 million of them in forced labour.", partner: "ILO", coalition: A87, area: Some("Research and knowledge sharing"), countries: &[], sdg: &["8.7"], tags: &["forced labour", "estimates"], published: (2022, 9, 12), translation: Some((Locale::Fr, "Estimations mondiales de l'esclavage moderne : travail forcé et mariage forcé", "50 millions de personnes vivaient en situation d'esclavage moderne en 2021, dont 28 millions dans le travail forcé.")) },
    DemoResource { kind: "RESEARCH", locale: Locale::En, title: "Forced labour in global supply chains: recruitment fees and debt bondage", summary: "Migrant workers who pay recruitment fees face a higher risk of forced labour.", partner: "IOM", coalition: A87, area: Some("Supply chains"), countries: &[], sdg: &["8.7", "10.7"], tags: &["forced labour", "supply chains", "recruitment"], published: (2024, 3, 4), translation: Some((Locale::Fr, "Le travail forcé dans les chaînes d'approvisionnement mondiales : frais de recrutement et servitude pour dettes", "Les travailleurs migrants qui paient des frais de recrutement sont davantage exposés au travail forcé.")) },
    DemoResource { kind: "POLICY", locale: Locale::Es, title: "Plan nacional para la prevención y erradicación del trabajo infantil", summary: "Un plan con metas para 2030, inspecciones laborales y protección social de las familias.", partner: "ILO", coalition: A87, area: Some("Rule of law and governance"), countries: &["AR"], sdg: &["8.7"], tags: &["trabajo infantil", "plan nacional"], published: (2023, 11, 20), translation: None },
    DemoResource { kind: "TOOL", locale: Locale::En, title: "Due diligence toolkit for employers on forced labour", summary: "Step-by-step guidance for companies to identify and remediate forced labour risks.", partner: "IOE", coalition: A87, area: Some("Supply chains"), countries: &[], sdg: &["8.7"], tags: &["due diligence", "employers"], published: (2023, 2, 1), translation: Some((Locale::Es, "Guía de debida diligencia para empleadores sobre el trabajo forzoso", "Orientación paso a paso para que las empresas identifiquen y remedien los riesgos de trabajo forzoso.")) },
    DemoResource { kind: "NEWS", locale: Locale::Fr, title: "Le Népal renforce l'inspection du travail dans les briqueteries", summary: "Des inspections conjointes ont permis de libérer des travailleurs en servitude pour dettes.", partner: "ILO", coalition: A87, area: Some("Rule of law and governance"), countries: &["NP"], sdg: &["8.7"], tags: &["servitude pour dettes", "inspection"], published: (2024, 1, 15), translation: None },
    DemoResource { kind: "DATA", locale: Locale::En, title: "Child labour statistics by country, 2020 update", summary: "160 million children in child labour worldwide; data by age, sex, sector and region.", partner: "UNICEF", coalition: A87, area: Some("Research and knowledge sharing"), countries: &[], sdg: &["8.7"], tags: &["child labour", "statistics"], published: (2021, 6, 10), translation: Some((Locale::Es, "Estadísticas de trabajo infantil por país, actualización 2020", "160 millones de niños en trabajo infantil en el mundo; datos por edad, sexo, sector y región.")) },
    DemoResource { kind: "GOOD_PRACTICE", locale: Locale::En, title: "Victim identification in humanitarian settings", summary: "Screening tools used in camps to identify survivors of trafficking and refer them to services.", partner: "IOM", coalition: A87, area: Some("Conflict and humanitarian settings"), countries: &[], sdg: &["8.7", "16.2"], tags: &["trafficking", "humanitarian"], published: (2022, 4, 2), translation: None },
    DemoResource { kind: "RESEARCH", locale: Locale::Es, title: "La trata de personas en contextos de migración en América Latina", summary: "Rutas, perfiles de víctimas y respuestas de los Estados en la región.", partner: "UNODC", coalition: A87, area: Some("Migration"), countries: &["MX", "GT", "PE"], sdg: &["8.7", "16.2"], tags: &["trata", "migración"], published: (2023, 7, 30), translation: Some((Locale::En, "Trafficking in persons in migration contexts in Latin America", "Routes, victim profiles and State responses in the region.")) },
    DemoResource { kind: "POLICY", locale: Locale::En, title: "Fair recruitment principles and operational guidelines", summary: "General principles for fair recruitment and the definition of recruitment fees and related costs.", partner: "ILO", coalition: MIG, area: Some("Migrants' rights and decent work"), countries: &[], sdg: &["10.7", "8.8"], tags: &["fair recruitment", "migration"], published: (2019, 1, 1), translation: Some((Locale::Fr, "Principes et directives opérationnelles pour un recrutement équitable", "Principes généraux pour un recrutement équitable et définition des frais de recrutement et coûts connexes.")) },
    DemoResource { kind: "GOOD_PRACTICE", locale: Locale::Fr, title: "Reconnaissance des compétences des travailleurs migrants de retour au Sénégal", summary: "Un dispositif de validation des acquis facilite la réinsertion professionnelle.", partner: "IOM", coalition: MIG, area: Some("Capacity building"), countries: &["SN"], sdg: &["10.7", "8.5"], tags: &["migration de main-d'œuvre", "compétences"], published: (2023, 5, 9), translation: None },
    DemoResource { kind: "TOOL", locale: Locale::En, title: "Labour migration governance self-assessment tool", summary: "Helps governments review policy coherence between employment, migration and social protection.", partner: "IOM", coalition: MIG, area: Some("Policy coherence"), countries: &[], sdg: &["10.7"], tags: &["migration governance"], published: (2022, 10, 3), translation: Some((Locale::Es, "Herramienta de autoevaluación de la gobernanza de la migración laboral", "Ayuda a los gobiernos a revisar la coherencia entre empleo, migración y protección social.")) },
    DemoResource { kind: "NEWS", locale: Locale::Es, title: "Acuerdo bilateral garantiza la portabilidad de la seguridad social para trabajadores migrantes", summary: "Los trabajadores conservan sus derechos de pensión al regresar a su país.", partner: "ISSA", coalition: MIG, area: Some("Migration governance"), countries: &["ES", "EC"], sdg: &["1.3", "10.7"], tags: &["seguridad social", "portabilidad"], published: (2024, 2, 18), translation: None },
    DemoResource { kind: "RESEARCH", locale: Locale::En, title: "World Social Protection Report 2024-26", summary: "For the first time more than half of the world's population is covered by at least one social protection benefit.", partner: "ILO", coalition: GCSJ, area: Some("Protection and resilience"), countries: &[], sdg: &["1.3"], tags: &["social protection", "coverage"], published: (2024, 9, 12), translation: Some((Locale::Fr, "Rapport mondial sur la protection sociale 2024-2026", "Pour la première fois, plus de la moitié de la population mondiale est couverte par au moins une prestation de protection sociale.")) },
    DemoResource { kind: "GOOD_PRACTICE", locale: Locale::En, title: "Extending social security to workers in the informal economy", summary: "Simplified contributions and mobile payments brought self-employed workers into the pension scheme.", partner: "ISSA", coalition: GCSJ, area: Some("Protection and resilience"), countries: &["KE"], sdg: &["1.3", "8.3"], tags: &["social security", "informal economy"], published: (2023, 3, 22), translation: Some((Locale::Fr, "Étendre la sécurité sociale aux travailleurs de l'économie informelle", "Des cotisations simplifiées et le paiement mobile ont fait entrer les travailleurs indépendants dans le régime de retraite.")) },
    DemoResource { kind: "POLICY", locale: Locale::Fr, title: "Feuille de route pour une transition juste dans le secteur de l'énergie", summary: "Reconversion des travailleurs du charbon, protection sociale et dialogue social tripartite.", partner: "ITUC", coalition: GCSJ, area: Some("Just transitions"), countries: &["ZA"], sdg: &["8.5", "13.2"], tags: &["transition juste", "énergie"], published: (2024, 4, 25), translation: Some((Locale::En, "Roadmap for a just transition in the energy sector", "Retraining coal workers, social protection and tripartite social dialogue.")) },
    DemoResource { kind: "RESEARCH", locale: Locale::Es, title: "Desigualdad salarial de género en América Latina", summary: "Las mujeres ganan en promedio un 20 % menos; la brecha es mayor en la economía informal.", partner: "ILO", coalition: GCSJ, area: Some("Inequality, discrimination and exclusion"), countries: &["BR", "MX", "AR"], sdg: &["8.5", "10.2"], tags: &["brecha salarial", "género"], published: (2023, 3, 8), translation: None },
    DemoResource { kind: "TOOL", locale: Locale::En, title: "Guide to strengthening institutions of social dialogue", summary: "How labour councils and tripartite bodies can be made effective and inclusive.", partner: "ILO", coalition: GCSJ, area: Some("Institutions of social dialogue"), countries: &[], sdg: &["8.8", "16.7"], tags: &["social dialogue"], published: (2022, 11, 14), translation: Some((Locale::Fr, "Guide pour renforcer les institutions du dialogue social", "Comment rendre efficaces et inclusifs les conseils du travail et les organes tripartites.")) },
    DemoResource { kind: "GOOD_PRACTICE", locale: Locale::Fr, title: "Coopératives et économie sociale et solidaire pour l'emploi des jeunes", summary: "Un réseau de coopératives accompagne les jeunes vers l'emploi productif.", partner: "RIPESS", coalition: GCSJ, area: Some("Productive employment and sustainable enterprises"), countries: &["MA"], sdg: &["8.5", "8.6"], tags: &["économie sociale et solidaire", "jeunes"], published: (2023, 10, 5), translation: None },
    DemoResource { kind: "NEWS", locale: Locale::En, title: "The Global Coalition for Social Justice holds its inaugural Forum", summary: "Partners met in Geneva on 13 June 2024 to launch their first commitments.", partner: "ILO", coalition: GCSJ, area: None, countries: &["CH"], sdg: &["8.5"], tags: &["forum"], published: (2024, 6, 13), translation: Some((Locale::Fr, "La Coalition mondiale pour la justice sociale tient son premier Forum", "Les partenaires se sont réunis à Genève le 13 juin 2024 pour lancer leurs premiers engagements.")) },
    DemoResource { kind: "DATA", locale: Locale::En, title: "Minimum wage and living wage database", summary: "Statutory minimum wages and living wage estimates for 180 countries.", partner: "ILO", coalition: GCSJ, area: Some("Rights at work and basic needs"), countries: &[], sdg: &["8.5", "1.1"], tags: &["wages"], published: (2024, 7, 1), translation: None },
    DemoResource { kind: "POLICY", locale: Locale::Es, title: "Protocolo de inspección laboral para detectar trabajo forzoso en la agricultura", summary: "Indicadores, entrevistas y coordinación con la fiscalía para los inspectores.", partner: "ILO", coalition: A87, area: Some("Rule of law and governance"), countries: &["PE"], sdg: &["8.7"], tags: &["trabajo forzoso", "inspección"], published: (2023, 8, 17), translation: Some((Locale::Fr, "Protocole d'inspection du travail pour détecter le travail forcé dans l'agriculture", "Indicateurs, entretiens et coordination avec le parquet pour les inspecteurs.")) },
    DemoResource { kind: "GOOD_PRACTICE", locale: Locale::En, title: "Business network against forced labour in seafood supply chains", summary: "Companies share audit results and remediate recruitment abuses on fishing vessels.", partner: "UNGC", coalition: A87, area: Some("Supply chains"), countries: &["TH"], sdg: &["8.7", "14.4"], tags: &["forced labour", "seafood"], published: (2022, 12, 1), translation: None },
    DemoResource { kind: "RESEARCH", locale: Locale::Fr, title: "La protection sociale des travailleurs des plateformes numériques", summary: "Les travailleurs des plateformes restent souvent exclus de l'assurance maladie et des retraites.", partner: "ISSA", coalition: GCSJ, area: Some("Protection and resilience"), countries: &["FR", "BE"], sdg: &["1.3", "8.8"], tags: &["plateformes numériques", "protection sociale"], published: (2024, 5, 6), translation: Some((Locale::Es, "La protección social de los trabajadores de plataformas digitales", "Los trabajadores de plataformas a menudo siguen excluidos del seguro de salud y de las pensiones.")) },
];

/// Loads the demo resources once (none is added if any resource exists).
pub async fn seed(
    db: &DatabaseConnection,
    partner_ids: &HashMap<&'static str, i64>,
) -> AppResult<()> {
    if resources::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let coalitions: HashMap<String, i64> = coalitions::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.slug, c.id))
        .collect();
    let areas: Vec<thematic_areas::Model> = thematic_areas::Entity::find().all(db).await?;
    let now = Utc::now();
    for demo in RESOURCES {
        let Some(&partner_id) = partner_ids.get(demo.partner) else {
            continue;
        };
        let coalition_id = coalitions.get(demo.coalition).copied();
        let txn = db.begin().await?;
        let (y, m, d) = demo.published;
        let resource = resources::ActiveModel {
            kind: Set(demo.kind.to_owned()),
            state: Set("PUBLISHED".to_owned()),
            original_locale: Set(demo.locale.as_str().to_owned()),
            title: Set(demo.title.to_owned()),
            summary: Set(Some(demo.summary.to_owned())),
            body: Set(None),
            url: Set(None),
            published_on: Set(NaiveDate::from_ymd_opt(y, m, d)),
            coalition_id: Set(coalition_id),
            geo_coverage: Set(match demo.countries.len() {
                0 => "GLOBAL",
                1 => "NATIONAL",
                _ => "REGIONAL",
            }
            .to_owned()),
            // The data is written as the API stores it: codes upper-case, tags lower-case.
            countries: Set(list(demo.countries.iter().copied())),
            sdg_targets: Set(list(demo.sdg.iter().copied())),
            tags: Set(list(demo.tags.iter().copied())),
            partner_id: Set(partner_id),
            submitted_by_user_id: Set(None),
            decision_reason: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut links = vec![("Partner", partner_id)];
        if let Some(area) = demo.area {
            if let Some(found) = areas
                .iter()
                .find(|a| a.name == area && Some(a.coalition_id) == coalition_id)
            {
                links.push(("ThematicArea", found.id));
            }
        }
        for (target, id) in links.iter().copied() {
            resource_links::ActiveModel {
                resource_id: Set(resource.id),
                target_type: Set(target.to_owned()),
                target_id: Set(id),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        let mut documents = vec![Document {
            locale: demo.locale,
            title: demo.title,
            summary: Some(demo.summary),
            body: None,
        }];
        if let Some((locale, title, summary)) = demo.translation {
            resource_translations::ActiveModel {
                resource_id: Set(resource.id),
                locale: Set(locale.as_str().to_owned()),
                title: Set(title.to_owned()),
                summary: Set(Some(summary.to_owned())),
                body: Set(None),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            documents.push(Document {
                locale,
                title,
                summary: Some(summary),
                body: None,
            });
        }
        let areas: Vec<i64> = links
            .iter()
            .filter(|(target, _)| *target == "ThematicArea")
            .map(|(_, id)| *id)
            .collect();
        let facets = search::facet::of(&resource, &areas);
        search::reindex(&txn, resource.id, &documents, &facets).await?;
        txn.commit().await?;
    }
    Ok(())
}
