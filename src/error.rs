//! The one error type of factdesk and the exit code each kind of error maps to.
//!
//! Errors say what went wrong in one line a user can act on. The library never exits the
//! process; the CLI edge turns an [`Error`] into its message and [`Error::exit_code`].

use std::io;

/// Everything that can go wrong, grouped by who has to act on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line was used wrongly (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The user's input or the data it names is wrong: bad values, unknown ids (exit 1).
    #[error("{0}")]
    Invalid(String),
    /// The store cannot be used: missing, locked, too new, corrupt, not a factdesk store (exit 3).
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
            Error::Invalid(_) | Error::NoMatch => 1,
            Error::Usage(_) => 2,
            Error::Store(_) | Error::Corrupt(_) | Error::Io(_) => 3,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        let code = err.sqlite_error_code();
        let message = match code {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                "the store is locked by another factdesk process; try again in a moment".to_string()
            }
            Some(ErrorCode::NotADatabase) => "the file is not a SQLite database".to_string(),
            Some(ErrorCode::DatabaseCorrupt) => {
                return Error::Corrupt(format!("the store is corrupt: {err}"));
            }
            Some(ErrorCode::ReadOnly) => format!("the store is read-only: {err}"),
            Some(ErrorCode::DiskFull) => "the disk is full; nothing was written".to_string(),
            _ => format!("store error: {err}"),
        };
        Error::Store(message)
    }
}
