//! The linker's model: `config set linker.model` (checked before anything is stored),
//! `linker.model` in the user config, `linker index` (its output, and that a second run does
//! nothing), claims logged with their vectors, and the vectors kept out of the record (the
//! history and `verify` are the same with them). Tests that need the model read it from
//! `FACTDESK_TEST_MODEL` and say so when it is absent, unless `FACTDESK_REQUIRE_MODEL` is set.

use std::path::PathBuf;

use super::{Desk, assert_verified};

/// The model named by `FACTDESK_TEST_MODEL` in a build with the `semantic` feature; `None`
/// (said on stderr: the calling test skips) otherwise, unless `FACTDESK_REQUIRE_MODEL` is set.
fn test_model() -> Option<PathBuf> {
    let required =
        std::env::var_os("FACTDESK_REQUIRE_MODEL").is_some_and(|v| !v.is_empty() && v != "0");
    let problem = if cfg!(not(feature = "semantic")) {
        "this build has no `semantic` feature".to_string()
    } else {
        match std::env::var_os("FACTDESK_TEST_MODEL").map(PathBuf::from) {
            None => "FACTDESK_TEST_MODEL is not set".to_string(),
            Some(dir) if !dir.join("config.json").is_file() => {
                format!("FACTDESK_TEST_MODEL={} holds no model", dir.display())
            }
            Some(dir) => return Some(dir),
        }
    };
    assert!(
        !required || cfg!(not(feature = "semantic")),
        "FACTDESK_REQUIRE_MODEL is set but {problem}"
    );
    eprintln!("skipping: {problem} (see .ci/run)");
    None
}

fn embeddings(desk: &Desk) -> (i64, Option<String>) {
    desk.raw()
        .query_row(
            "SELECT count(*), max(model) FROM claim_embeddings",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

#[test]
fn a_model_directory_that_is_missing_or_not_a_model_is_refused_and_nothing_is_stored() {
    let desk = Desk::new();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-model");
    let message = desk.fails(
        &["config", "set", "linker.model", missing.to_str().unwrap()],
        1,
    );
    if cfg!(feature = "semantic") {
        assert_eq!(
            message,
            format!(
                "factdesk: linker.model: model directory {} does not exist",
                missing.display()
            )
        );
        let message = desk.fails(
            &[
                "config",
                "set",
                "linker.model",
                dir.path().to_str().unwrap(),
            ],
            1,
        );
        assert_eq!(
            message,
            format!(
                "factdesk: linker.model: {} has no config.json: not a sentence-transformers model \
                 directory (expected config.json, tokenizer.json and model.safetensors)",
                dir.path().display()
            )
        );
    } else {
        assert_eq!(
            message,
            "factdesk: linker.model: this factdesk was built without the `semantic` feature, so \
             it cannot use a sentence-embedding model (build it with `cargo build --release \
             --features semantic`)"
        );
    }
    // Without a model, indexing has nothing to work with.
    assert_eq!(
        desk.fails(&["linker", "index"], 1),
        "factdesk: no embedding model is set: set one with `factdesk config set linker.model DIR` \
         (or linker.model in the user config)"
    );
}

/// A build without the feature, told of a model by the user config: commands that need no model
/// work and say once that it is not used; `linker index` refuses in one line.
#[cfg(not(feature = "semantic"))]
#[test]
fn without_the_feature_a_configured_model_is_named_once_and_indexing_refused() {
    let desk = Desk::new();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("factdesk").join("config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "[linker]\nmodel = \"/models/minilm\"\n").unwrap();
    let out = desk
        .cmd(&["claim", "add", "Iran supplied Russia with missiles", "-q"])
        .env("XDG_CONFIG_HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "factdesk: note: linker.model in {} names a model (/models/minilm), but this factdesk \
             was built without the `semantic` feature: the linker compares claims by their words \
             only\n",
            config.display()
        )
    );
    assert_eq!(embeddings(&desk).0, 0);
    // A listing needs no model and says nothing of it.
    let out = desk
        .cmd(&["claim", "list"])
        .env("XDG_CONFIG_HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    let out = desk
        .cmd(&["linker", "index"])
        .env("XDG_CONFIG_HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "factdesk: this factdesk was built without the `semantic` feature, so it cannot use a \
         sentence-embedding model (build it with `cargo build --release --features semantic`)\n"
    );
}

#[test]
fn linker_index_embeds_the_claims_logged_before_once_and_new_claims_come_with_their_vector() {
    let Some(model) = test_model() else { return };
    let desk = Desk::new();
    let allegation = desk.claim(&[
        "-q",
        "Iran supplied Russia with short-range ballistic missiles",
        "--claimant",
        "U.S. officials",
    ]);
    desk.claim(&["-q", "The price of bread rose sharply in France"]);
    let history_before = desk.ok(&["history", "--format", "json"]);

    let out = desk.run(&["config", "set", "linker.model", model.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let dir = model.canonicalize().unwrap();
    assert_eq!(
        out.stdout,
        format!("Set linker.model = {}\n", dir.display())
    );
    assert_eq!(
        out.stderr,
        "factdesk: note: 2 claims have no vector of this model yet: run `factdesk linker index`\n"
    );
    assert_eq!(embeddings(&desk).0, 0);

    let out = desk.run(&["linker", "index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (count, id) = embeddings(&desk);
    let id = id.expect("a model id");
    assert_eq!(count, 2);
    assert_eq!(
        out.stdout,
        format!("Embedded 2 claims with model {id} (0 had a vector already)\n")
    );
    assert!(
        out.stderr.starts_with("factdesk: embedded 2 claims in "),
        "{}",
        out.stderr
    );
    assert_eq!(
        desk.ok(&["linker", "index"]),
        format!("All 2 claims already have a vector of model {id}; nothing to do\n")
    );

    // Vectors an earlier factdesk computed from the texts as written (before it prepared them
    // for the model: all-MiniLM-L6-v2's identity then) are not this factdesk's: indexed again,
    // then removed. Another model's stay. (Rewritten by hand in a SQLite file; a shared store's
    // replica is factdesk's own.)
    if !crate::shared::on_postgres() {
        superseded_vectors_are_replaced_and_another_models_kept(&desk, &id);
    }

    // A claim logged now comes with its vector, in its own transaction.
    let denial = desk.claim(&[
        "-q",
        "Tehran has not sent any missiles to Moscow",
        "--claimant",
        "Iranian Mission to the UN",
    ]);
    assert_eq!(embeddings(&desk).0, 3);
    let judged: serde_json::Value = serde_json::from_str(&desk.ok(&[
        "--format",
        "json",
        "link",
        "judge",
        &denial,
        &allegation,
    ]))
    .unwrap();
    assert_eq!(judged["relation"], "contradicts", "{judged}");
    assert!(
        judged["reason"].as_str().unwrap().contains("similarity 0."),
        "{judged}"
    );

    // The vectors are not part of the record: the history is what it was plus the setting, the
    // denial's claimant and the denial, and verify finds the store whole.
    let history: serde_json::Value =
        serde_json::from_str(&desk.ok(&["history", "--format", "json"])).unwrap();
    let before: serde_json::Value = serde_json::from_str(&history_before).unwrap();
    assert_eq!(
        history.as_array().unwrap().len(),
        before.as_array().unwrap().len() + 3
    );
    let verified = desk.ok(&["verify"]);
    assert_verified(&verified, verified.lines().next().unwrap());

    // Clearing the setting stops embedding; the vectors stay for when it comes back.
    assert_eq!(
        desk.ok(&["config", "set", "linker.model", ""]),
        "Set linker.model = \n"
    );
    desk.claim(&["-q", "A claim logged without a model"]);
    assert_eq!(embeddings(&desk).0, 3);
}

/// `linker index` replaces the vectors of the model's superseded identity, and keeps another
/// model's (written into the SQLite store by hand).
fn superseded_vectors_are_replaced_and_another_models_kept(desk: &Desk, id: &str) {
    desk.raw()
        .execute_batch(
            "UPDATE claim_embeddings SET model = '5aba7f7dc7a8175d';
             INSERT INTO claim_embeddings (claim_pk, model, dims, vector)
             SELECT claim_pk, 'another model', dims, vector FROM claim_embeddings;",
        )
        .unwrap();
    assert_eq!(
        desk.ok(&["linker", "index"]),
        format!(
            "Embedded 2 claims with model {id} (0 had a vector already); removed 2 vectors an \
             earlier factdesk computed with this model\n"
        )
    );
    let models: Vec<String> = desk
        .raw()
        .prepare("SELECT DISTINCT model FROM claim_embeddings ORDER BY model")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(models, [id.to_string(), "another model".to_string()]);
    desk.raw()
        .execute(
            "DELETE FROM claim_embeddings WHERE model = 'another model'",
            [],
        )
        .unwrap();
}
