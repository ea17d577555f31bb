//! The one error type of factdesk and the exit code each kind of error maps to.
//!
//! Errors say what went wrong in one line a user can act on. The library never exits the
//! process; the CLI edge turns an [`Error`] into its message and [`Error::exit_code`]. The
//! cases a caller may want to act on have their own variants (an id not found or ambiguous, a
//! bad bundle line, a locked store, a store too new), and an error that comes from SQLite
//! keeps SQLite's error as its [`std::error::Error::source`].

use std::io;

/// Everything that can go wrong, grouped by who has to act on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line was used wrongly (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The user's input or the data it names is wrong: bad values (exit 1).
    #[error("{0}")]
    Invalid(String),
    /// No record of this kind has this id, or id prefix (exit 1).
    #[error("no {noun} with id '{id}'")]
    NotFound {
        /// What was looked for: `claim`, `link`, `source`.
        noun: &'static str,
        /// The id or prefix as given.
        id: String,
    },
    /// An id prefix starts the ids of several records (exit 1).
    #[error("{noun} id '{prefix}' is ambiguous: it starts {}", ambiguous(matches))]
    AmbiguousId {
        /// What was looked for: `claim`, `link`, `source`.
        noun: &'static str,
        /// The prefix as given.
        prefix: String,
        /// Some of the ids it starts (at most six are looked up; five are shown).
        matches: Vec<String>,
    },
    /// A line of an event bundle cannot be taken, and why (exit 1); nothing of it was applied.
    #[error("line {line}: {reason}")]
    BundleLine {
        /// The line's number in the bundle, from 1 (the header).
        line: u64,
        /// What is wrong with it, in one line.
        reason: String,
    },
    /// Another process held the store's write lock for longer than a writer waits (exit 3).
    #[error("{}", locked(store.as_deref()))]
    Locked {
        /// The store's file, when the caller named it.
        store: Option<String>,
        /// SQLite's own error.
        #[source]
        source: rusqlite::Error,
    },
    /// The store was written by a newer factdesk (exit 3).
    #[error(
        "store '{store}' was written by a newer factdesk (schema version {version}; this \
         factdesk knows up to {known}): upgrade factdesk to open it"
    )]
    TooNew {
        /// The store's name.
        store: String,
        /// Its schema version.
        version: i64,
        /// The newest schema version this factdesk knows.
        known: i64,
    },
    /// SQLite could not do what was asked (exit 3); the message says what in one line.
    #[error("{message}")]
    Sqlite {
        /// The one-line message.
        message: String,
        /// SQLite's own error.
        #[source]
        source: rusqlite::Error,
    },
    /// The store cannot be used: missing, not a factdesk store, on a network filesystem (exit 3).
    #[error("{0}")]
    Store(String),
    /// SQLite found the store file damaged (exit 3): the store refuses writes from then on
    /// (see [`crate::store::mark_damaged`]).
    #[error("{0}")]
    Corrupt(String),
    /// Writing output failed (a closed pipe is handled by the CLI as a normal end).
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A search found nothing (exit 1, as `grep` does, with nothing on stderr: what was shown
    /// already says so).
    #[error("nothing matches")]
    NoMatch,
}

/// The result type used throughout factdesk.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A user or data error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid(message.into())
    }

    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    /// A store error.
    pub fn store(message: impl Into<String>) -> Self {
        Error::Store(message.into())
    }

    /// The process exit code for this error: 1 user/data, 2 usage, 3 store.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(_)
            | Error::NotFound { .. }
            | Error::AmbiguousId { .. }
            | Error::BundleLine { .. }
            | Error::NoMatch => 1,
            Error::Usage(_) => 2,
            Error::Store(_)
            | Error::Locked { .. }
            | Error::TooNew { .. }
            | Error::Sqlite { .. }
            | Error::Corrupt(_)
            | Error::Io(_) => 3,
        }
    }

    /// Whether the user's input or the data it names is at fault (exit 1, not a store problem).
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            Error::Invalid(_)
                | Error::NotFound { .. }
                | Error::AmbiguousId { .. }
                | Error::BundleLine { .. }
        )
    }

    /// For a caller that adds where a bad-input error happened (a file's name, what was not
    /// done): an [`Error::is_invalid_input`] error becomes [`Error::Invalid`] with its message
    /// rewritten by `f`; any other error is returned as it is.
    pub fn in_context(self, f: impl FnOnce(String) -> String) -> Error {
        if self.is_invalid_input() {
            Error::Invalid(f(self.to_string()))
        } else {
            self
        }
    }
}

/// The ids an ambiguous prefix starts, as a message lists them.
fn ambiguous(matches: &[String]) -> String {
    let shown: Vec<&str> = matches.iter().take(5).map(String::as_str).collect();
    let more = if matches.len() > 5 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}

/// What a locked store is told.
fn locked(store: Option<&str>) -> String {
    let store = store.map_or_else(|| "the store".to_string(), |s| format!("the store '{s}'"));
    format!("{store} is locked by another factdesk process; try again in a moment")
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        let code = err.sqlite_error_code();
        let message = match code {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                return Error::Locked {
                    store: None,
                    source: err,
                };
            }
            Some(ErrorCode::NotADatabase) => "the file is not a SQLite database".to_string(),
            Some(ErrorCode::DatabaseCorrupt) => {
                return Error::Corrupt(format!("the store is corrupt: {err}"));
            }
            Some(ErrorCode::ReadOnly) => format!("the store is read-only: {err}"),
            Some(ErrorCode::DiskFull) => "the disk is full; nothing was written".to_string(),
            _ => format!("store error: {err}"),
        };
        Error::Sqlite {
            message,
            source: err,
        }
    }
}
