//! The person's own settings: the user config file (TOML, in the platform's configuration
//! directory), and which value of the store path and the user name wins, and why.
//!
//! Precedence, for every setting: a flag, then an environment variable, then the store's own
//! config (desk settings such as `review.required`, kept in the store), then this user config
//! file, then the default. The store path and the user name cannot come from the store (it is
//! not open yet, and names belong to people), so for them it is flag > environment > user
//! config > default. This module reads files and the environment only; it never opens the store.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::person::check_person_name;

/// What the user config file may say; any other key is refused, so a typo is not ignored.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// The default store file.
    pub store: Option<PathBuf>,
    /// Who the person is, as recorded in the history.
    pub user: Option<String>,
    /// The linker's settings (`[linker]`, or `linker.model = "DIR"`).
    pub linker: Option<LinkerConfig>,
}

/// The `[linker]` table of the user config file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkerConfig {
    /// The sentence-embedding model directory, used when the store does not name one.
    pub model: Option<PathBuf>,
}

/// Where the user config file lives: `factdesk/config.toml` in the platform's configuration
/// directory (`$XDG_CONFIG_HOME` or `~/.config` on Linux).
pub fn user_config_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("factdesk").join("config.toml"))
}

/// Reads the user config file at `path`; a missing file is an empty config.
pub fn read_user_config(path: &Path) -> Result<UserConfig> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(UserConfig::default()),
        Err(e) => {
            return Err(Error::usage(format!(
                "cannot read the config file '{}': {e}",
                path.display()
            )));
        }
    };
    toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
            .map(|n| format!(" line {n}:"))
            .unwrap_or_default();
        Error::usage(format!(
            "config file '{}':{line} {}",
            path.display(),
            e.message().trim()
        ))
    })
}

/// A setting's value and where it came from, as `config list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<T> {
    pub value: T,
    pub from: String,
}

/// How a global option was given on this command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Given {
    Flag,
    Environment,
    Neither,
}

impl Given {
    pub fn of(matches: &clap::ArgMatches, id: &str) -> Given {
        match matches.value_source(id) {
            Some(clap::parser::ValueSource::CommandLine) => Given::Flag,
            Some(clap::parser::ValueSource::EnvVariable) => Given::Environment,
            _ => Given::Neither,
        }
    }
}

/// The user config, read only when a setting needs it (so a broken file does not stop a
/// command that names everything on its command line).
pub struct Sources {
    path: Option<PathBuf>,
    config: Option<UserConfig>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources {
            path: user_config_path(),
            config: None,
        }
    }

    /// The path of the user config file, if the platform has a configuration directory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn config(&mut self) -> Result<&UserConfig> {
        if self.config.is_none() {
            let config = match &self.path {
                Some(path) => read_user_config(path)?,
                None => UserConfig::default(),
            };
            self.config = Some(config);
        }
        Ok(self.config.as_ref().expect("just read"))
    }

    fn config_origin(&self) -> String {
        match &self.path {
            Some(path) => format!("user config ({})", path.display()),
            None => "user config".into(),
        }
    }

    /// The store file: `--db`, else `FACTDESK_DB`, else `store` in the user config, else
    /// `factdesk.db` in the current directory.
    pub fn store(&mut self, given: Given, value: &Path) -> Result<Resolved<PathBuf>> {
        let from = match given {
            Given::Flag => "flag --db".to_string(),
            Given::Environment => "environment FACTDESK_DB".to_string(),
            Given::Neither => {
                if let Some(store) = self.config()?.store.clone() {
                    return Ok(Resolved {
                        value: store,
                        from: self.config_origin(),
                    });
                }
                "default".to_string()
            }
        };
        Ok(Resolved {
            value: value.to_path_buf(),
            from,
        })
    }

    /// The person at the keyboard: `--as`, else `FACTDESK_USER`, else `user` in the user
    /// config, else the login name. A name given (even an empty one) must name someone
    /// ([`check_person_name`]): `--as ''` is refused, not taken to mean the login name.
    pub fn user(&mut self, given: Given, value: Option<&str>) -> Result<Resolved<String>> {
        // clap drops an empty environment variable: it is read here, to be refused.
        let from_environment = std::env::var("FACTDESK_USER").ok();
        let (origin, from, name) = match given {
            Given::Flag => ("--as", "flag --as", value),
            Given::Environment => ("FACTDESK_USER", "environment FACTDESK_USER", value),
            Given::Neither => (
                "FACTDESK_USER",
                "environment FACTDESK_USER",
                from_environment.as_deref(),
            ),
        };
        if let Some(name) = name {
            check_person_name(name).map_err(|e| Error::usage(format!("{origin}: {e}")))?;
            return Ok(Resolved {
                value: name.trim().to_string(),
                from: from.into(),
            });
        }
        if let Some(user) = self.config()?.user.clone() {
            let origin = self.config_origin();
            check_person_name(&user).map_err(|e| Error::usage(format!("{origin}: user: {e}")))?;
            return Ok(Resolved {
                value: user.trim().to_string(),
                from: origin,
            });
        }
        // The login name, from the system's user database as git and whoami read it (the
        // environment can say anything), else from the environment when the database has no
        // entry for this user (a container run with an arbitrary uid).
        if let Ok(login) = whoami::username()
            && !login.trim().is_empty()
        {
            return Ok(Resolved {
                value: login.trim().to_string(),
                from: "login name (the system's user database)".into(),
            });
        }
        for variable in ["USER", "LOGNAME"] {
            if let Ok(login) = std::env::var(variable)
                && check_person_name(&login).is_ok()
            {
                return Ok(Resolved {
                    value: login.trim().to_string(),
                    from: format!("login name (${variable})"),
                });
            }
        }
        // Never record changes as "unknown" without saying so.
        Err(Error::usage(
            "cannot tell who you are (no user database entry, $USER or $LOGNAME): pass --as NAME, \
             set FACTDESK_USER, or put `user = \"NAME\"` in the config file",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_names_its_bad_line_and_refuses_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert_eq!(read_user_config(&path).unwrap(), UserConfig::default());
        std::fs::write(&path, "store = \"/desk/factdesk.db\"\nuser = \"ana\"\n").unwrap();
        assert_eq!(
            read_user_config(&path).unwrap(),
            UserConfig {
                store: Some("/desk/factdesk.db".into()),
                user: Some("ana".into()),
                linker: None,
            }
        );
        std::fs::write(&path, "linker.model = \"/models/minilm\"\n").unwrap();
        assert_eq!(
            read_user_config(&path).unwrap().linker,
            Some(LinkerConfig {
                model: Some("/models/minilm".into())
            })
        );
        std::fs::write(&path, "[linker]\nmodle = \"/models/minilm\"\n").unwrap();
        let err = read_user_config(&path).unwrap_err().to_string();
        assert!(err.contains("line 2: unknown field `modle`"), "{err}");
        std::fs::write(&path, "user = \"ana\"\nstor = \"x.db\"\n").unwrap();
        let err = read_user_config(&path).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "config file '{}': line 2: unknown field `stor`",
                path.display()
            )),
            "{err}"
        );
        std::fs::write(&path, "user = ana\n").unwrap();
        let err = read_user_config(&path).unwrap_err().to_string();
        assert!(err.contains(": line 1: "), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}
