//! The environment a command runs in ([`Context`]): which store (and opening it, as the acting
//! person, now or `--as-of` a moment), who is acting, the clock; what is noted before a
//! command runs; and at the end, how an error becomes factdesk's one-line message and its exit
//! code.
//!
//! It owns the edge between the command line and the store; it must not define arguments,
//! render views, or hold a command's logic (those are `args`, `ui` and the command modules).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{AsOfArgs, GlobalArgs, Ui, settings};
use crate::error::{Error, Result};
use crate::report::{Format, Newlines, visible};
use crate::store::{Clock, NetworkFs, OpenMode, Store};

/// The environment a command runs in: who is acting, when, and on which store.
pub struct Context {
    /// The store file: `--db`, else `FACTDESK_DB`, else the user config's `store`, else
    /// `factdesk.db`.
    pub db: PathBuf,
    /// `--format` exactly as given (`None` when left to the default), for commands where it
    /// chooses an input or file format rather than how to print.
    pub format: Option<Format>,
    /// Who is acting: the name every change is recorded under.
    pub author: String,
    /// Where change times come from: the system clock, or the time `FACTDESK_NOW` fixes.
    pub clock: Clock,
    /// Whether a store on a network filesystem may be opened (`--allow-network-fs`).
    pub network_fs: NetworkFs,
    /// Where the store path came from (flag, environment, user config, default).
    pub db_from: String,
    /// Where the user name came from.
    pub author_from: String,
    /// The user config file's path.
    pub config_path: Option<PathBuf>,
}

impl Context {
    fn from_args(global: &GlobalArgs, matches: &clap::ArgMatches) -> Result<Self> {
        let mut sources = settings::Sources::new();
        let db = sources.store(settings::Given::of(matches, "db"), &global.db)?;
        let author = sources.user(
            settings::Given::of(matches, "acting_as"),
            global.acting_as.as_deref(),
        )?;
        // FACTDESK_NOW fixes the clock, for tests and reproducible demos.
        let clock = match std::env::var("FACTDESK_NOW") {
            Ok(at) if !at.is_empty() => {
                Clock::fixed(&at).map_err(|e| Error::usage(format!("FACTDESK_NOW: {e}")))?
            }
            _ => Clock::System,
        };
        Ok(Context {
            db: db.value.clone(),
            format: global.format,
            author: author.value.clone(),
            clock,
            network_fs: if global.allow_network_fs {
                NetworkFs::Allow
            } else {
                NetworkFs::Refuse
            },
            db_from: db.from,
            author_from: author.from,
            config_path: sources.path().map(Path::to_path_buf),
        })
    }

    /// Opens the existing store, or — with `--as-of` — the store as it stood then (rebuilt in
    /// memory from the event log).
    pub fn open_as_of(&self, as_of: &AsOfArgs) -> Result<Store> {
        let store = self.open()?;
        match &as_of.as_of {
            Some(moment) => store.as_of(moment),
            None => Ok(store),
        }
    }

    /// Opens the existing store as the acting person.
    pub fn open(&self) -> Result<Store> {
        Ok(Store::open(&self.db, OpenMode::MustExist, self.network_fs)?
            .with_author(self.author.clone())
            .with_clock(self.clock.clone()))
    }
}

/// Runs `command` in the context the global options give — the store, the acting person, the
/// clock — after telling `ui` which store it writes beside and what an HTML page's meta line
/// says, and noting on stderr what the user should know first (a filesystem that may not be
/// safe, a name that mixes scripts). A store found damaged is marked so; SQLite's complaints
/// about the file name the store.
pub(super) fn within(
    global: &GlobalArgs,
    matches: &clap::ArgMatches,
    ui: &mut Ui,
    command: impl FnOnce(&Context, &mut Ui) -> Result<()>,
) -> Result<()> {
    let ctx = Context::from_args(global, matches)?;
    // A page is shared: it names the store's file, not where it lives on this machine.
    ui.page_meta = format!(
        "From {} at {} UTC, for {}, by factdesk {}",
        ctx.db.file_name().map_or_else(
            || ctx.db.display().to_string(),
            |name| name.to_string_lossy().into_owned()
        ),
        ctx.clock
            .now()
            .get(..16)
            .unwrap_or_default()
            .replace('T', " "),
        ctx.author,
        env!("CARGO_PKG_VERSION")
    );
    ui.store_path = Some(ctx.db.clone());
    if ctx.network_fs == NetworkFs::Refuse
        && let Some(why) = crate::store::why_filesystem_unknown()
    {
        writeln!(ui.err, "factdesk: note: {why}")?;
    }
    note_mixed_scripts(ui, &ctx.author)?;
    let result = command(&ctx, ui);
    if let Err(Error::Corrupt(what)) = &result {
        crate::store::mark_damaged(&ctx.db, what);
    }
    result.map_err(|e| naming_the_store(e, &ctx.db))
}

/// SQLite's complaints about the file (full disk, read-only, locked) say "the store": name it,
/// since `--db`, `FACTDESK_DB` or a config file may have chosen one the user did not expect.
fn naming_the_store(e: Error, db: &Path) -> Error {
    let named = |message: String| {
        message
            .replacen(
                "the disk is full",
                &format!("the disk holding '{}' is full", db.display()),
                1,
            )
            .replacen(
                "the store is ",
                &format!("the store '{}' is ", db.display()),
                1,
            )
    };
    match e {
        Error::Store(message) => Error::Store(named(message)),
        Error::Sqlite { message, source } => Error::Sqlite {
            message: named(message),
            source,
        },
        Error::Locked {
            store: None,
            source,
        } => Error::Locked {
            store: Some(db.display().to_string()),
            source,
        },
        other => other,
    }
}

/// Says on stderr (a note, not an error) when a person's name mixes scripts: it is usually a
/// look-alike of a name in one script, and counts as the same person as that name.
pub(crate) fn note_mixed_scripts(ui: &mut Ui, name: &str) -> Result<()> {
    if let Some(scripts) = crate::person::mixed_scripts(name) {
        writeln!(
            ui.err,
            "factdesk: note: the name '{}' mixes scripts ({}); names that look alike count as \
             one person",
            crate::person::shown_name(name),
            scripts.join(", ")
        )?;
    }
    Ok(())
}

/// The exit code of a command's `result`; an error is first written to `err` as factdesk's
/// one-line message. A closed output pipe is success, and "no match" exits without a message.
pub(super) fn exit_code(result: Result<()>, err: &mut dyn Write) -> i32 {
    match result {
        Ok(()) => 0,
        Err(Error::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(Error::NoMatch) => Error::NoMatch.exit_code(),
        Err(e) => {
            let _ = writeln!(err, "factdesk: {}", one_line(&e.to_string()));
            e.exit_code()
        }
    }
}

/// An error message as printed: on one line and of a readable length whatever the input it
/// quotes holds — escapes shown, and a message longer than [`LONGEST_MESSAGE`] characters (a
/// huge value quoted whole) cut in the middle, keeping its start and its end.
fn one_line(message: &str) -> String {
    let shown = visible(message, Newlines::Escape);
    let chars = shown.chars().count();
    if chars <= LONGEST_MESSAGE {
        return shown.into_owned();
    }
    let head: String = shown.chars().take(LONGEST_MESSAGE * 2 / 3).collect();
    let tail: String = shown.chars().skip(chars - LONGEST_MESSAGE / 3).collect();
    format!(
        "{head}… [{} characters left out] …{tail}",
        chars - head.chars().count() - tail.chars().count()
    )
}

/// The longest error message printed whole.
const LONGEST_MESSAGE: usize = 600;
