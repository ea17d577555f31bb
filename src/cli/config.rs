//! `factdesk config …`: the desk settings kept in the store, each change recorded in its
//! history.

use clap::Subcommand;

use super::{Context, Ui};
use crate::error::Result;
use crate::report::SettingList;
use crate::store::SETTINGS;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Set a desk setting, e.g. `config set review.required true`.
    #[command(after_help = "Examples:\n  factdesk config set review.required true")]
    Set {
        /// The setting (see `config list`).
        key: String,
        /// Its new value.
        value: String,
    },
    /// Every setting with its value and where that comes from (the store, or the default).
    #[command(after_help = "Examples:\n  factdesk config list")]
    List,
}

pub fn run(cmd: ConfigCommand, ctx: &Context, ui: &mut Ui) -> Result<()> {
    match cmd {
        ConfigCommand::Set { key, value } => {
            let mut store = ctx.open()?;
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
            ui.confirm(&line, &setting)
        }
        ConfigCommand::List => {
            let set = ctx.open()?.settings()?;
            ui.show(
                "Settings",
                &SettingList {
                    known: SETTINGS,
                    set: &set,
                },
            )
        }
    }
}
