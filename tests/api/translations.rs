//! Translatable text: a coalition's and a thematic area's name and description
//! answer in the `locale` asked, else in the request's `Accept-Language`, else
//! in the original; the answer cache keeps one answer per language.
use serde_json::{json, Value};

use crate::helpers::{first_error_code, spawn_app, TestApp};

const SET_COALITION: &str = "mutation($input: SetCoalitionTranslationInput!) {
  setCoalitionTranslation(input: $input) { coalition { id translations { locale name } } } }";
const SET_AREA: &str = "mutation($input: SetThematicAreaTranslationInput!) {
  setThematicAreaTranslation(input: $input) { thematicArea { id } } }";
const DIRECTORY: &str = "query($locale: Locale) { coalition(slug: \"global-coalition\") {
  name description original: name(locale: EN) asked: name(locale: $locale) originalLocale
  translations { locale name description }
  thematicAreas { name description(locale: $locale) } } }";

async fn with_language(app: &TestApp, accept_language: Option<&str>, variables: Value) -> Value {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": DIRECTORY, "variables": variables }));
    if let Some(language) = accept_language {
        request = request.header("Accept-Language", language);
    }
    let response: Value = request.send().await.unwrap().json().await.unwrap();
    assert!(response["errors"].is_null(), "{response:#}");
    response["data"]["coalition"].clone()
}

#[tokio::test]
async fn names_answer_in_the_asked_language_then_the_header_then_the_original() {
    let app = spawn_app().await;
    let coalition = app
        .create_coalition("Global Coalition for Social Justice", "global-coalition")
        .await;
    let area = app
        .ok(
            Some(&app.admin_token),
            "mutation($input: CreateThematicAreaInput!) { createThematicArea(input: $input) { thematicArea { id } } }",
            json!({ "input": { "coalitionId": coalition, "name": "Just transitions", "description": "Fair transitions for all." } }),
        )
        .await["createThematicArea"]["thematicArea"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let translate = |locale: &str, name: &str, description: &str| json!({ "input": { "coalitionId": coalition, "locale": locale, "name": name, "description": description } });
    let set = app
        .ok(
            Some(&app.admin_token),
            SET_COALITION,
            translate(
                "FR",
                "Coalition mondiale pour la justice sociale",
                "Plateforme volontaire de l'OIT.",
            ),
        )
        .await;
    assert_eq!(
        set["setCoalitionTranslation"]["coalition"]["translations"][0]["locale"],
        "FR"
    );
    app.ok(
        Some(&app.admin_token),
        SET_COALITION,
        translate(
            "ES",
            "Coalición Mundial por la Justicia Social",
            "Plataforma voluntaria de la OIT.",
        ),
    )
    .await;
    // Setting it again replaces it.
    app.ok(
        Some(&app.admin_token),
        SET_COALITION,
        translate(
            "ES",
            "Coalición Mundial para la Justicia Social",
            "Plataforma voluntaria de la OIT.",
        ),
    )
    .await;
    app.ok(
        Some(&app.admin_token),
        SET_AREA,
        json!({ "input": { "thematicAreaId": area, "locale": "FR", "name": "Transitions justes", "description": "Des transitions justes pour tous." } }),
    )
    .await;

    // No language: the original, as before.
    let plain = with_language(&app, None, json!({})).await;
    assert_eq!(plain["name"], "Global Coalition for Social Justice");
    assert_eq!(plain["originalLocale"], "EN");
    assert_eq!(plain["asked"], "Global Coalition for Social Justice");
    assert_eq!(plain["thematicAreas"][0]["name"], "Just transitions");
    let locales: Vec<&str> = plain["translations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["locale"].as_str().unwrap())
        .collect();
    assert_eq!(locales, ["ES", "FR"]);

    // The header picks the language; an argument overrides it; EN is the original.
    let french = with_language(&app, Some("fr-CH, fr;q=0.9, en;q=0.5"), json!({})).await;
    assert_eq!(french["name"], "Coalition mondiale pour la justice sociale");
    assert_eq!(french["description"], "Plateforme volontaire de l'OIT.");
    assert_eq!(french["original"], "Global Coalition for Social Justice");
    assert_eq!(french["thematicAreas"][0]["name"], "Transitions justes");
    let spanish_asked = with_language(&app, Some("fr"), json!({ "locale": "ES" })).await;
    assert_eq!(
        spanish_asked["asked"],
        "Coalición Mundial para la Justicia Social"
    );
    assert_eq!(
        spanish_asked["name"],
        "Coalition mondiale pour la justice sociale"
    );
    // No Spanish for the area: its original.
    assert_eq!(
        spanish_asked["thematicAreas"][0]["description"],
        "Fair transitions for all."
    );
    let unknown = with_language(&app, Some("de-DE, it;q=0.8"), json!({})).await;
    assert_eq!(unknown["name"], "Global Coalition for Social Justice");
    let hostile = with_language(&app, Some(&"fr;q=0.5,".repeat(300)), json!({})).await;
    assert_eq!(hostile["name"], "Global Coalition for Social Justice");

    // Kept answers are kept per language: the same query, again, in each.
    for _ in 0..2 {
        assert_eq!(
            with_language(&app, Some("es"), json!({})).await["name"],
            "Coalición Mundial para la Justicia Social"
        );
        assert_eq!(
            with_language(&app, Some("fr"), json!({})).await["name"],
            "Coalition mondiale pour la justice sociale"
        );
        assert_eq!(
            with_language(&app, None, json!({})).await["name"],
            "Global Coalition for Social Justice"
        );
    }
}

#[tokio::test]
async fn only_the_secretariat_translates_and_never_into_the_original() {
    let app = spawn_app().await;
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let partner = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let admin = app
        .create_user("admin@ilo.example", &partner, "ADMIN")
        .await;
    let input = |locale: &str| json!({ "input": { "coalitionId": coalition, "locale": locale, "name": "Alliance 8.7" } });
    assert_eq!(
        first_error_code(&app.graphql(None, SET_COALITION, input("FR")).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        first_error_code(
            &app.graphql(Some(&admin.token), SET_COALITION, input("FR"))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        first_error_code(
            &app.graphql(Some(&app.admin_token), SET_COALITION, input("EN"))
                .await
        ),
        "BAD_USER_INPUT"
    );
    let empty = json!({ "input": { "coalitionId": coalition, "locale": "FR", "name": "  " } });
    assert_eq!(
        first_error_code(
            &app.graphql(Some(&app.admin_token), SET_COALITION, empty)
                .await
        ),
        "BAD_USER_INPUT"
    );
    let bad_locale =
        json!({ "input": { "coalitionId": coalition, "locale": "DE", "name": "Allianz" } });
    assert_eq!(
        first_error_code(
            &app.graphql(Some(&app.admin_token), SET_COALITION, bad_locale)
                .await
        ),
        "BAD_USER_INPUT"
    );
    let wrong_id = json!({ "input": { "coalitionId": partner, "locale": "FR", "name": "x" } });
    assert_eq!(
        first_error_code(
            &app.graphql(Some(&app.admin_token), SET_COALITION, wrong_id)
                .await
        ),
        "NOT_FOUND"
    );
    let wrong_area =
        json!({ "input": { "thematicAreaId": coalition, "locale": "FR", "name": "x" } });
    assert_eq!(
        first_error_code(
            &app.graphql(Some(&app.admin_token), SET_AREA, wrong_area)
                .await
        ),
        "NOT_FOUND"
    );
}
