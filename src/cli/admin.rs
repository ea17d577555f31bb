//! `factdesk admin …`: who may do what on a shared store (PostgreSQL) — giving a database login
//! one of the desk's roles, or taking them away. A SQLite store has no logins: these commands
//! refuse it.

use clap::Subcommand;

use super::{Context, Ui};
use crate::error::{Error, Result};
use crate::report::{Table, TableView};
use crate::store::SharedLog;

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Give a database login a role on the shared store: reader (reads), member (also
    /// changes), or admin (also grants roles and imports bundles). Replaces the role it had;
    /// creates the login when it does not exist and you may create logins.
    #[command(
        after_help = "Examples:\n  factdesk --db postgres://ana@desk.example.org/newsroom admin grant bo member"
    )]
    Grant {
        /// The database login (the name its changes are recorded under).
        login: String,
        /// reader, member or admin.
        #[arg(value_parser = ["reader", "member", "admin"])]
        role: String,
    },
    /// Every database login with a role on the shared store, and the role.
    #[command(
        after_help = "Examples:\n  factdesk --db postgres://ana@desk.example.org/newsroom admin list"
    )]
    List,
    /// Take every desk role from a database login: it can no longer read or change the store.
    /// Its past changes stay in the history.
    #[command(
        after_help = "Examples:\n  factdesk --db postgres://ana@desk.example.org/newsroom admin revoke bo"
    )]
    Revoke {
        /// The database login.
        login: String,
    },
}

pub fn run(cmd: AdminCommand, ctx: &Context, ui: &mut Ui) -> Result<()> {
    let Some(url) = ctx.shared_url() else {
        return Err(Error::usage(format!(
            "'{}' is a SQLite store, which has no logins or roles: `admin` is for a shared store \
             on PostgreSQL (--db postgres://…)",
            ctx.db.display()
        )));
    };
    let mut log = SharedLog::connect_existing(url)?;
    match cmd {
        AdminCommand::Grant { login, role } => {
            crate::person::check_person_name(&login)
                .map_err(|e| Error::invalid(format!("login: {e}")))?;
            log.grant(&login, &role)?;
            ui.confirm(
                &format!(
                    "{login} is now {} {role} of {}",
                    if role == "admin" { "an" } else { "a" },
                    log.name()
                ),
                &serde_json::json!({ "login": login, "role": role, "store": log.name() }),
            )?;
            note_look_alikes(ui, &login, &log.members()?)
        }
        AdminCommand::List => {
            let members = log.members()?;
            let view = TableView {
                table: Table {
                    headers: vec!["LOGIN", "ROLE"],
                    rows: members
                        .iter()
                        .map(|(login, role)| vec![login.clone(), role.clone()])
                        .collect(),
                },
                json: serde_json::Value::Array(
                    members
                        .iter()
                        .map(|(login, role)| serde_json::json!({ "login": login, "role": role }))
                        .collect(),
                ),
                empty: "No login has a role on this store.",
            };
            ui.show("Desk roles", &view)
        }
        AdminCommand::Revoke { login } => {
            log.revoke(&login)?;
            ui.confirm(
                &format!("{login} no longer has a role on {}", log.name()),
                &serde_json::json!({ "login": login, "role": null, "store": log.name() }),
            )
        }
    }
}

/// Says on stderr (notes, not errors) when a login just given a role mixes scripts, or looks
/// like another login of the desk: the four-eyes rule, here and on the server, counts look-alike
/// names as one person, so neither could review the other's verdicts.
fn note_look_alikes(ui: &mut Ui, login: &str, members: &[(String, String)]) -> Result<()> {
    super::note_mixed_scripts(ui, login)?;
    let key = crate::person::person_key(login);
    for (other, role) in members {
        if other != login && crate::person::person_key(other) == key {
            writeln!(
                ui.err,
                "factdesk: note: the login '{}' looks like '{}' (a {role}): they count as one \
                 person, so neither can review the other's verdicts",
                crate::person::shown_name(login),
                crate::person::shown_name(other),
            )?;
        }
    }
    Ok(())
}
