/// `schema.graphql` is the SDL the code produces; run
/// `cargo run -q -- export-schema > schema.graphql` after changing the API.
#[test]
fn schema_file_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let on_disk = std::fs::read_to_string(path).expect("schema.graphql exists");
    let produced = coalition::graphql::sdl();
    assert!(
        on_disk == produced,
        "schema.graphql is out of date: run `cargo run -q -- export-schema > schema.graphql`"
    );
}
