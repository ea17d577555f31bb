//! `factdesk config …`: the desk settings kept in the store (each change recorded in its
//! history), every effective setting with where it came from, and where the user config is.

use clap::Subcommand;

use super::{Context, Ui};
use crate::error::{Error, Result};
use crate::report::{PersonalSetting, SettingList};
use crate::store::{LINKER_MODEL, SETTINGS};

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Set a desk setting, e.g. `config set review.required true`, or `config set linker.model
    /// DIR` (a sentence-embedding model directory, checked to load; '' clears it).
    #[command(
        after_help = "Examples:\n  factdesk config set review.required true\n  factdesk config set linker.model ~/models/all-MiniLM-L6-v2"
    )]
    Set {
        /// The setting (see `config list`).
        key: String,
        /// Its new value.
        value: String,
    },
    /// Every effective setting with its value and where that comes from: a flag, the
    /// environment, the store, the user config file, or the default.
    #[command(
        after_help = "Examples:\n  factdesk config list\n  factdesk config list --format json"
    )]
    List,
    /// Where the user config file is (TOML; it may set `store = "PATH"` and `user = "NAME"`).
    #[command(
        after_help = "Examples:\n  factdesk config path\n  $EDITOR \"$(factdesk config path)\""
    )]
    Path,
}

/// The directory `config set linker.model` records: empty (no model), or the absolute path of
/// a directory this build loads a model from. Anything else is refused, the store untouched.
fn checked_model_dir(value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    let dir = std::path::Path::new(value);
    match super::context::load_model(dir) {
        Ok(_) => {}
        Err(super::context::ModelProblem::NotBuiltIn) => {
            return Err(Error::invalid(format!(
                "linker.model: {}",
                super::context::NOT_BUILT_IN
            )));
        }
        Err(super::context::ModelProblem::Unusable(e)) => {
            return Err(Error::invalid(format!("linker.model: {e}")));
        }
    }
    let absolute = dir
        .canonicalize()
        .map_err(|e| Error::invalid(format!("linker.model: {}: {e}", dir.display())))?;
    absolute.to_str().map(str::to_string).ok_or_else(|| {
        Error::invalid(format!(
            "linker.model: {} is not a UTF-8 path",
            absolute.display()
        ))
    })
}

pub fn run(cmd: ConfigCommand, ctx: &Context, ui: &mut Ui) -> Result<()> {
    match cmd {
        ConfigCommand::Set { key, value } => {
            let mut store = ctx.open()?;
            let value = if key.trim() == LINKER_MODEL {
                checked_model_dir(&value)?
            } else {
                value
            };
            let changed = store.set_setting(&key, &value)?;
            let setting = store
                .settings()?
                .into_iter()
                .find(|s| s.key == key.trim())
                .expect("a setting just set exists");
            let line = if changed {
                format!("Set {} = {}", setting.key, setting.value)
            } else {
                format!(
                    "{} is already {}; nothing changed",
                    setting.key, setting.value
                )
            };
            ui.confirm(&line, &setting)?;
            if setting.key == LINKER_MODEL && !setting.value.is_empty() {
                let mut store = ctx.open_linking(ui)?;
                let (_, missing) = store.embedding_counts()?;
                if missing > 0 {
                    writeln!(
                        ui.err,
                        "factdesk: note: {} no vector of this model yet: run `factdesk linker index`",
                        crate::report::plural(missing as u64, "claim has", "claims have")
                    )?;
                }
                store.set_embedder(None);
            }
            Ok(())
        }
        ConfigCommand::List => {
            // On a shared store the user is the database login, read once the store is open.
            let shared = match ctx.shared_url() {
                Some(url) => Some((crate::store::display_url(url), ctx.open()?)),
                None => None,
            };
            let personal = [
                match &shared {
                    Some((url, _)) => PersonalSetting {
                        key: "store",
                        value: url.clone(),
                        from: ctx.db_from.clone(),
                        meaning: "the shared store (PostgreSQL)",
                    },
                    None => PersonalSetting {
                        key: "store",
                        value: ctx.db.display().to_string(),
                        from: ctx.db_from.clone(),
                        meaning: "the store file",
                    },
                },
                match &shared {
                    Some((_, store)) => PersonalSetting {
                        key: "user",
                        value: store.author().to_string(),
                        from: "the database login".into(),
                        meaning: "who you are in the history",
                    },
                    None => PersonalSetting {
                        key: "user",
                        value: ctx.author.clone(),
                        from: ctx.author_from.clone(),
                        meaning: "who you are in the history",
                    },
                },
            ];
            // The desk's settings live in the store; without one there is nothing to read.
            let set = match shared {
                Some((_, store)) => Some(store.settings()?),
                None if ctx.db.exists() => Some(ctx.open()?.settings()?),
                None => None,
            };
            ui.show(
                "Settings",
                &SettingList {
                    personal: &personal,
                    known: SETTINGS,
                    set: set.as_deref(),
                },
            )
        }
        ConfigCommand::Path => {
            let path = ctx.config_path.as_ref().ok_or_else(|| {
                Error::invalid("this system has no configuration directory for a user config")
            })?;
            ui.confirm(
                &path.display().to_string(),
                &serde_json::json!({ "path": path, "exists": path.exists() }),
            )
        }
    }
}
