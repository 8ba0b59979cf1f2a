//! The knowledge platform: resources submitted, translated, reviewed, archived,
//! and searched across languages, on both backends, with who sees what.
use serde_json::{json, Value};

use crate::helpers::{first_error_code, spawn_app, TestApp, TestUser};

const SUBMIT: &str = "mutation($input: SubmitResourceInput!) { submitResource(input: $input) { resource { id state version } } }";
const REVIEW: &str = "mutation($input: ReviewResourceInput!) { reviewResource(input: $input) { resource { id state decisionReason } } }";
const TRANSLATE: &str = "mutation($input: SetResourceTranslationInput!) { setResourceTranslation(input: $input) { resource { id translations { locale title } } } }";
const SEARCH: &str = "query($filter: ResourceFilter, $first: Int, $after: String, $order: ResourceOrder) {
  resources(first: $first, after: $after, filter: $filter, orderBy: $order) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { rank highlight node { id kind state title originalLocale tags countries sdgTargets } } } }";

struct World {
    app: TestApp,
    coalition: String,
    area: String,
    ilo: String,
    iom: String,
    ilo_user: TestUser,
    iom_user: TestUser,
}

async fn world() -> World {
    let app = spawn_app().await;
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let area = app
        .ok(
            Some(&app.admin_token),
            "mutation($input: CreateThematicAreaInput!) { createThematicArea(input: $input) { thematicArea { id } } }",
            json!({ "input": { "coalitionId": coalition, "name": "Supply chains" } }),
        )
        .await["createThematicArea"]["thematicArea"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let iom = app
        .create_partner("IOM", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let ilo_user = app.create_user("member@ilo.example", &ilo, "MEMBER").await;
    let iom_user = app.create_user("member@iom.example", &iom, "MEMBER").await;
    World {
        app,
        coalition,
        area,
        ilo,
        iom,
        ilo_user,
        iom_user,
    }
}

async fn submit(app: &TestApp, user: &TestUser, input: Value) -> String {
    let data = app
        .ok(Some(&user.token), SUBMIT, json!({ "input": input }))
        .await;
    assert_eq!(data["submitResource"]["resource"]["state"], "SUBMITTED");
    data["submitResource"]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn publish(app: &TestApp, id: &str) {
    let data = app
        .ok(
            Some(&app.admin_token),
            REVIEW,
            json!({ "input": { "resourceId": id, "decision": "PUBLISH" } }),
        )
        .await;
    assert_eq!(data["reviewResource"]["resource"]["state"], "PUBLISHED");
}

async fn search(app: &TestApp, token: Option<&str>, filter: Value) -> Value {
    app.ok(token, SEARCH, json!({ "filter": filter, "first": 20 }))
        .await["resources"]
        .clone()
}

fn titles(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}

/// A French good practice, an English study with a French translation, and an
/// unrelated English news item, all published.
async fn library(w: &World) -> (String, String, String) {
    let practice = submit(&w.app, &w.ilo_user, json!({
        "partnerId": w.ilo, "kind": "GOOD_PRACTICE", "locale": "FR", "geoCoverage": "NATIONAL",
        "title": "Lutte contre le travail forcé dans les chaînes d'approvisionnement du cacao",
        "summary": "Un programme de remédiation communautaire en Côte d'Ivoire.",
        "body": "Les coopératives identifient les enfants à risque et les orientent vers l'école.",
        "countries": ["CI"], "sdgTargets": ["8.7"], "tags": ["Travail forcé", "cacao"],
        "coalitionId": w.coalition, "thematicAreaIds": [w.area],
    })).await;
    let study = submit(
        &w.app,
        &w.iom_user,
        json!({
            "partnerId": w.iom, "kind": "RESEARCH", "locale": "EN", "geoCoverage": "GLOBAL",
            "title": "Forced labour in global supply chains",
            "summary": "Evidence on recruitment fees and debt bondage among migrant workers.",
            "body": "Migrant workers who pay recruitment fees are more often in forced labour.",
            "sdgTargets": ["8.7", "10.7"], "tags": ["supply chains"], "publishedOn": "2024-05-01",
        }),
    )
    .await;
    w.app
        .ok(
            Some(&w.iom_user.token),
            TRANSLATE,
            json!({ "input": {
                "resourceId": study, "locale": "FR",
                "title": "Le travail forcé dans les chaînes d'approvisionnement mondiales",
                "summary": "Données sur les frais de recrutement et la servitude pour dettes.",
            }}),
        )
        .await;
    let news = submit(
        &w.app,
        &w.ilo_user,
        json!({
            "partnerId": w.ilo, "kind": "NEWS", "locale": "EN", "geoCoverage": "REGIONAL",
            "title": "Social protection floors in Africa",
            "summary": "The ISSA and the ILO extend coverage to informal workers.",
        }),
    )
    .await;
    for id in [&practice, &study, &news] {
        publish(&w.app, id).await;
    }
    (practice, study, news)
}

#[tokio::test]
async fn a_search_finds_across_languages_and_accents_ranked_and_highlighted() {
    let w = world().await;
    let (practice, study, news) = library(&w).await;
    let app = &w.app;

    let found = search(
        app,
        None,
        json!({ "search": "travail forcé chaînes d'approvisionnement" }),
    )
    .await;
    let ids: Vec<&str> = found["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&practice.as_str()) && ids.contains(&study.as_str()),
        "{found:#}"
    );
    assert!(!ids.contains(&news.as_str()));
    assert_eq!(found["totalCount"], 2);
    for edge in found["edges"].as_array().unwrap() {
        assert!(edge["rank"].as_f64().unwrap() > 0.0);
        let highlight = edge["highlight"].as_str().unwrap();
        assert!(
            highlight.contains("<mark>") && highlight.chars().count() < 400,
            "{highlight}"
        );
    }

    // Case and accents do not matter.
    let plain = search(app, None, json!({ "search": "TRAVAIL FORCE chaines" })).await;
    assert_eq!(plain["totalCount"], 2, "{plain:#}");
    // A word only the translation has.
    let translated = search(app, None, json!({ "search": "mondiales" })).await;
    assert_eq!(
        titles(&translated),
        ["Forced labour in global supply chains"]
    );
    // Its highlight comes from the translation that matched, marked there.
    let highlight = translated["edges"][0]["highlight"].as_str().unwrap();
    assert!(highlight.contains("<mark>mondiales</mark>"), "{highlight}");
    // Every word of the query is marked, whatever its case and accents, and
    // only those.
    let marked = search(app, None, json!({ "search": "TRAVAIL FORCE -cacao" })).await;
    let highlight = marked["edges"][0]["highlight"].as_str().unwrap();
    assert!(
        highlight.contains("<mark>travail</mark> <mark>forcé</mark> dans"),
        "{highlight}"
    );
    assert!(!highlight.contains("<mark>dans</mark>"), "{highlight}");
    // An exact title ranks first.
    let exact = search(
        app,
        None,
        json!({ "search": "forced labour in global supply chains" }),
    )
    .await;
    assert_eq!(exact["edges"][0]["node"]["id"], study.as_str(), "{exact:#}");
    // Quotes and minus signs, as people type them.
    let excluded = titles(&search(app, None, json!({ "search": "travail -cacao" })).await);
    assert_eq!(
        excluded,
        ["Forced labour in global supply chains"],
        "{excluded:?}"
    );
    let phrase = titles(&search(app, None, json!({ "search": "\"recruitment fees\"" })).await);
    assert_eq!(phrase, ["Forced labour in global supply chains"]);
    let either = search(app, None, json!({ "search": "cacao or protection" })).await;
    assert_eq!(either["totalCount"], 2, "{either:#}");
    let nothing = search(app, None, json!({ "search": "-only" })).await;
    assert_eq!(nothing["totalCount"], 0);

    // Filters.
    let filtered = |filter: Value| async move { titles(&search(app, None, filter).await) };
    assert_eq!(filtered(json!({ "kind": "GOOD_PRACTICE" })).await.len(), 1);
    assert_eq!(filtered(json!({ "country": "ci" })).await.len(), 1);
    assert_eq!(filtered(json!({ "sdgTarget": "8.7" })).await.len(), 2);
    assert_eq!(
        filtered(json!({ "sdgTarget": "10.7", "search": "forced" })).await,
        ["Forced labour in global supply chains"]
    );
    assert_eq!(filtered(json!({ "tag": "CACAO" })).await.len(), 1);
    assert_eq!(filtered(json!({ "thematicAreaId": w.area })).await.len(), 1);
    assert_eq!(
        filtered(json!({ "coalitionId": w.coalition })).await.len(),
        1
    );
    assert_eq!(filtered(json!({ "locale": "FR" })).await.len(), 2);
    assert_eq!(filtered(json!({})).await.len(), 3);
    // The same filters under a search that matches all three (on PostgreSQL
    // the index applies them, as facets of the documents).
    let all = "travail or protection or forced";
    for (filter, expected) in [
        (json!({}), 3),
        (json!({ "kind": "GOOD_PRACTICE" }), 1),
        (json!({ "kind": "POLICY" }), 0),
        (json!({ "country": "ci" }), 1),
        (json!({ "sdgTarget": "8.7" }), 2),
        (json!({ "tag": "CACAO" }), 1),
        (json!({ "tag": "cacao'" }), 0),
        (json!({ "thematicAreaId": w.area }), 1),
        (json!({ "coalitionId": w.coalition }), 1),
        (json!({ "locale": "FR" }), 2),
        (
            json!({ "kind": "RESEARCH", "sdgTarget": "10.7", "locale": "FR" }),
            1,
        ),
    ] {
        let mut with_search = filter.clone();
        with_search["search"] = json!(all);
        assert_eq!(
            filtered(with_search).await.len(),
            expected,
            "{filter} with a search"
        );
    }

    // The language of the text: argument, header, original.
    let node = "query($id: ID!) { node(id: $id) { ... on Resource { title fr: title(locale: FR) es: title(locale: ES) translations { locale } partners { totalCount } } } }";
    let read = app.ok(None, node, json!({ "id": study })).await;
    assert_eq!(
        read["node"]["title"],
        "Forced labour in global supply chains"
    );
    assert_eq!(
        read["node"]["fr"],
        "Le travail forcé dans les chaînes d'approvisionnement mondiales"
    );
    assert_eq!(read["node"]["es"], "Forced labour in global supply chains");
    assert_eq!(read["node"]["partners"]["totalCount"], 1);

    // A good practice drawn from a commitment: both ways.
    let commitment = app
        .create_commitment(&w.ilo, "Remediation in 500 cocoa communities", json!({}))
        .await;
    app.ok(
        Some(&w.ilo_user.token),
        "mutation($input: UpdateResourceInput!) { updateResource(input: $input) { resource { commitments { totalCount } } } }",
        json!({ "input": { "resourceId": practice, "commitmentIds": [commitment["id"]] } }),
    )
    .await;
    let drawn = app
        .ok(
            None,
            "query($id: ID!) { node(id: $id) { ... on Commitment { resources { id kind } } } }",
            json!({ "id": commitment["id"] }),
        )
        .await;
    assert_eq!(
        drawn["node"]["resources"][0]["id"],
        practice.as_str(),
        "{drawn:#}"
    );

    // The highlight is the stored text escaped: no markup from a submitter.
    let hostile = submit(app, &w.ilo_user, json!({
        "partnerId": w.ilo, "kind": "TOOL", "locale": "EN", "geoCoverage": "GLOBAL",
        "title": "A toolkit <img src=x onerror=alert(1)>",
        "body": format!("<script>alert(1)</script> bonded labour {}", "filler words ".repeat(500)),
    })).await;
    publish(app, &hostile).await;
    let marked = search(app, None, json!({ "search": "bonded" })).await;
    let highlight = marked["edges"][0]["highlight"].as_str().unwrap();
    assert!(
        !highlight.contains("<script") && !highlight.contains("<img"),
        "{highlight}"
    );
    assert!(
        highlight.contains("&lt;") && highlight.contains("<mark>"),
        "{highlight}"
    );
    assert!(
        highlight
            .replace("<mark>", "")
            .replace("</mark>", "")
            .chars()
            .count()
            <= 600,
        "{highlight}"
    );

    // Archived, it leaves the library.
    app.ok(Some(&w.ilo_user.token), "mutation($input: ArchiveResourceInput!) { archiveResource(input: $input) { resource { state } } }", json!({ "input": { "resourceId": practice } }))
        .await;
    let after = search(app, None, json!({ "search": "cacao" })).await;
    assert_eq!(after["totalCount"], 0);
    let own = search(
        app,
        Some(&w.ilo_user.token),
        json!({ "search": "cacao", "state": "ARCHIVED" }),
    )
    .await;
    assert_eq!(own["totalCount"], 1);
}

#[tokio::test]
async fn each_state_is_seen_by_whom_it_should_be() {
    let w = world().await;
    let app = &w.app;
    let id = submit(
        app,
        &w.ilo_user,
        json!({
            "partnerId": w.ilo, "kind": "POLICY", "locale": "ES", "geoCoverage": "NATIONAL",
            "title": "Política nacional contra el trabajo infantil", "countries": ["PE"],
        }),
    )
    .await;
    let node = "query($id: ID!) { node(id: $id) { ... on Resource { id state decisionReason } } }";
    let seen = |token: Option<String>| {
        let id = id.clone();
        async move { !app.ok(token.as_deref(), node, json!({ "id": id })).await["node"].is_null() }
    };
    // How many of the state the viewer lists; a search finds the same (on
    // PostgreSQL the index narrows it by the state and the viewer's partners).
    let listed = |token: Option<String>, state: &'static str| async move {
        let listed = search(app, token.as_deref(), json!({ "state": state })).await;
        let found = search(
            app,
            token.as_deref(),
            json!({ "state": state, "search": "trabajo infantil" }),
        )
        .await;
        assert_eq!(found["totalCount"], listed["totalCount"], "{state}");
        assert_eq!(titles(&found), titles(&listed), "{state}");
        listed["totalCount"].as_i64().unwrap()
    };
    let ilo = Some(w.ilo_user.token.clone());
    let iom = Some(w.iom_user.token.clone());
    let staff = Some(app.admin_token.clone());
    // SUBMITTED: its partner and the secretariat.
    assert!(seen(ilo.clone()).await && seen(staff.clone()).await);
    assert!(!seen(iom.clone()).await && !seen(None).await);
    assert_eq!(listed(ilo.clone(), "SUBMITTED").await, 1);
    assert_eq!(listed(iom.clone(), "SUBMITTED").await, 0);
    assert_eq!(listed(None, "SUBMITTED").await, 0);
    assert_eq!(listed(staff.clone(), "SUBMITTED").await, 1);
    assert_eq!(listed(ilo.clone(), "PUBLISHED").await, 0);
    // Another partner cannot touch it (it does not exist for them), nor decide.
    let update = "mutation($input: UpdateResourceInput!) { updateResource(input: $input) { resource { title state version } } }";
    let change = |token: String, title: &'static str| {
        let id = id.clone();
        async move {
            app.graphql(
                Some(&token),
                update,
                json!({ "input": { "resourceId": id, "title": title } }),
            )
            .await
        }
    };
    assert_eq!(
        first_error_code(&change(w.iom_user.token.clone(), "mine").await),
        "NOT_FOUND"
    );
    let decide = app
        .graphql(
            Some(&w.ilo_user.token),
            REVIEW,
            json!({ "input": { "resourceId": id, "decision": "PUBLISH" } }),
        )
        .await;
    assert_eq!(first_error_code(&decide), "FORBIDDEN");
    let anonymous = app.graphql(None, SUBMIT, json!({ "input": { "partnerId": w.ilo, "kind": "NEWS", "locale": "EN", "geoCoverage": "GLOBAL", "title": "x" } })).await;
    assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");
    let for_other = app.graphql(Some(&w.iom_user.token), SUBMIT, json!({ "input": { "partnerId": w.ilo, "kind": "NEWS", "locale": "EN", "geoCoverage": "GLOBAL", "title": "x" } })).await;
    assert_eq!(first_error_code(&for_other), "FORBIDDEN");
    // REJECTED (with a reason): still its partner's and the secretariat's.
    let no_reason = app
        .graphql(
            Some(&app.admin_token),
            REVIEW,
            json!({ "input": { "resourceId": id, "decision": "REJECT" } }),
        )
        .await;
    assert_eq!(first_error_code(&no_reason), "BAD_USER_INPUT");
    let rejected = app
        .ok(Some(&app.admin_token), REVIEW, json!({ "input": { "resourceId": id, "decision": "REJECT", "reason": "Ajoutez la source." } }))
        .await;
    assert_eq!(
        rejected["reviewResource"]["resource"]["decisionReason"],
        "Ajoutez la source."
    );
    assert!(seen(ilo.clone()).await && !seen(iom.clone()).await && !seen(None).await);
    assert_eq!(listed(None, "REJECTED").await, 0);
    assert_eq!(listed(iom.clone(), "REJECTED").await, 0);
    assert_eq!(listed(ilo.clone(), "REJECTED").await, 1);
    assert_eq!(listed(staff.clone(), "REJECTED").await, 1);
    // The submitter is told, with the reason.
    let told = app
        .ok(
            Some(&w.ilo_user.token),
            "{ me { notifications(first: 5) { nodes { reason event { kind payload } } } } }",
            json!({}),
        )
        .await;
    let notice = &told["me"]["notifications"]["nodes"][0];
    assert_eq!(notice["reason"], "resource_reviewed");
    assert_eq!(
        notice["event"]["payload"]["decisionReason"],
        "Ajoutez la source."
    );
    // Updated, it is submitted again; published, everyone sees it.
    let resubmitted = app.ok(Some(&w.ilo_user.token), update, json!({ "input": { "resourceId": id, "body": "Fuente: Ministerio de Trabajo, 2024." } })).await;
    assert_eq!(
        resubmitted["updateResource"]["resource"]["state"],
        "SUBMITTED"
    );
    publish(app, &id).await;
    assert!(seen(iom.clone()).await && seen(None).await);
    assert_eq!(listed(None, "PUBLISHED").await, 1);
    assert_eq!(listed(iom.clone(), "PUBLISHED").await, 1);
    assert_eq!(listed(ilo.clone(), "SUBMITTED").await, 0);
    // Spanish, without its accents, and by its title first.
    let spanish = search(
        app,
        None,
        json!({ "search": "politica nacional trabajo infantil" }),
    )
    .await;
    assert_eq!(
        spanish["edges"][0]["node"]["id"],
        id.as_str(),
        "{spanish:#}"
    );
    let highlight = spanish["edges"][0]["highlight"].as_str().unwrap();
    assert!(highlight.contains("<mark>Política</mark>"), "{highlight}");
    // Published and visible, it is still not theirs to change.
    assert_eq!(
        first_error_code(&change(w.iom_user.token.clone(), "mine").await),
        "FORBIDDEN"
    );
    let stale = app
        .graphql(
            Some(&w.ilo_user.token),
            update,
            json!({ "input": { "resourceId": id, "title": "t", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(first_error_code(&stale), "CONFLICT");
    // A translation into its own language is refused; a commitment of another
    // partner that one may not see cannot be linked.
    let own_language = app
        .graphql(
            Some(&w.ilo_user.token),
            TRANSLATE,
            json!({ "input": { "resourceId": id, "locale": "ES", "title": "x" } }),
        )
        .await;
    assert_eq!(first_error_code(&own_language), "BAD_USER_INPUT");
    app.add_coalition_partner(&w.coalition, &w.iom).await;
    let hidden = app
        .create_commitment(
            &w.iom,
            "Internal pledge",
            json!({ "visibility": "COALITION", "coalitionId": w.coalition }),
        )
        .await;
    let link = app
        .graphql(
            Some(&w.ilo_user.token),
            update,
            json!({ "input": { "resourceId": id, "commitmentIds": [hidden["id"]] } }),
        )
        .await;
    assert_eq!(first_error_code(&link), "NOT_FOUND", "{link:#}");
    // ARCHIVED: out of the library, kept for its partner; not changed any more.
    app.ok(Some(&w.ilo_user.token), "mutation($input: ArchiveResourceInput!) { archiveResource(input: $input) { resource { state } } }", json!({ "input": { "resourceId": id } }))
        .await;
    assert!(!seen(None).await && !seen(iom.clone()).await && seen(ilo.clone()).await);
    assert_eq!(
        first_error_code(&change(w.ilo_user.token.clone(), "again").await),
        "CONFLICT"
    );
    // Hostile filters get coded errors.
    for filter in [
        json!({ "search": "x".repeat(201) }),
        json!({ "country": "XX" }),
        json!({ "sdgTarget": "99.1" }),
        json!({ "tag": "a,b" }),
    ] {
        let response = app.graphql(None, SEARCH, json!({ "filter": filter })).await;
        assert_eq!(
            first_error_code(&response),
            "BAD_USER_INPUT",
            "{response:#}"
        );
    }
    let bad_cursor = app
        .graphql(
            None,
            SEARCH,
            json!({ "filter": { "search": "trabajo" }, "after": "bm90LWEtY3Vyc29y" }),
        )
        .await;
    assert_eq!(first_error_code(&bad_cursor), "BAD_USER_INPUT");
}

#[tokio::test]
async fn relevance_pages_have_stable_cursors_and_constant_statements() {
    let w = world().await;
    let app = &w.app;
    // Fifty resources about migration, the word in the title, the summary or the body.
    let mut ids = Vec::new();
    for n in 0..50 {
        let (title, summary, body) = match n % 3 {
            0 => (format!("Labour migration report {n}"), None, None),
            1 => (
                format!("Report {n}"),
                Some("On labour migration corridors.".to_owned()),
                None,
            ),
            _ => (
                format!("Note {n}"),
                None,
                Some(format!("{} migration.", "Context ".repeat(n))),
            ),
        };
        let id = submit(
            app,
            &w.ilo_user,
            json!({
                "partnerId": w.ilo, "kind": "RESEARCH", "locale": "EN", "geoCoverage": "GLOBAL",
                "title": title, "summary": summary, "body": body,
                "thematicAreaIds": [w.area], "partnerIds": [w.iom],
            }),
        )
        .await;
        publish(app, &id).await;
        ids.push(id);
    }
    let mut seen = Vec::new();
    let mut ranks = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .ok(
                None,
                SEARCH,
                json!({ "filter": { "search": "migration" }, "first": 5, "after": after }),
            )
            .await;
        for edge in page["resources"]["edges"].as_array().unwrap() {
            seen.push(edge["node"]["id"].as_str().unwrap().to_owned());
            ranks.push(edge["rank"].as_f64().unwrap());
        }
        if page["resources"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["resources"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), 50, "{seen:?}");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 50);
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    // Titles rank above summaries, summaries above bodies.
    assert!(ranks[0] > ranks[49]);

    // The statements of a page of search results with their partners and
    // thematic areas do not grow with the page.
    let query = "query($first: Int) { resources(first: $first, filter: { search: \"migration\" }) {
        totalCount edges { rank highlight node { title partners { nodes { name } } thematicAreas { name } } } } }";
    let mut counts = Vec::new();
    for first in [5, 50] {
        let before = app.statements();
        let data = app.ok(None, query, json!({ "first": first })).await;
        counts.push(app.statements() - before);
        let edges = data["resources"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), first as usize);
        assert_eq!(
            edges[0]["node"]["partners"]["nodes"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            edges[0]["node"]["thematicAreas"][0]["name"],
            "Supply chains"
        );
    }
    assert_eq!(
        counts[0], counts[1],
        "statements grew with the page: {counts:?}"
    );
}

#[tokio::test]
async fn a_tag_of_any_characters_filters_a_search_as_it_filters_a_list() {
    let w = world().await;
    let app = &w.app;
    // Characters that mean something to the SQL and to the text-search syntax.
    let tag = r#"o'brien \ & | ! :* (x) <-> "y""#;
    let id = submit(
        app,
        &w.ilo_user,
        json!({
            "partnerId": w.ilo, "kind": "TOOL", "locale": "EN", "geoCoverage": "GLOBAL",
            "title": "Labour inspection checklist", "tags": [tag, "plain"],
        }),
    )
    .await;
    publish(app, &id).await;
    for (filter, expected) in [
        (json!({ "tag": tag }), 1),
        (json!({ "tag": tag, "search": "inspection" }), 1),
        (json!({ "tag": "o'brien", "search": "inspection" }), 0),
        (json!({ "tag": "o", "search": "inspection" }), 0),
        (json!({ "tag": "plain", "search": "checklist" }), 1),
        (json!({ "tag": "plain", "search": "tag plain" }), 0),
    ] {
        let found = search(app, None, filter.clone()).await;
        assert_eq!(found["totalCount"], expected, "{filter}");
        assert_eq!(titles(&found).len(), expected, "{filter}");
    }
    // A query made of a facet's words finds no document by its facets.
    let by_facet_words = search(app, None, json!({ "search": "kind TOOL state PUBLISHED" })).await;
    assert_eq!(by_facet_words["totalCount"], 0);
}
