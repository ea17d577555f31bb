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

    /// Opens the existing store as the acting person. A shared store (PostgreSQL) is opened
    /// as the database login, whoever `--as` names: naming someone else there is refused.
    pub fn open(&self) -> Result<Store> {
        if let Some(url) = self.shared_url() {
            // FACTDESK_NOW fixes the clock there too; otherwise the server's clock dates changes.
            let clock = matches!(self.clock, Clock::Fixed(_)).then(|| self.clock.clone());
            let store = Store::open_shared(
                url,
                clock,
                Some(Box::new(|notice| {
                    use crate::store::SharedNotice;
                    use std::io::Write;
                    let _ = match notice {
                        SharedNotice::LockWait(note) => {
                            writeln!(std::io::stderr(), "factdesk: note: {note}")
                        }
                        SharedNotice::SetAside(event) => {
                            writeln!(std::io::stderr(), "factdesk: warning: {event}")
                        }
                    };
                })),
            )?;
            let named = match self.author_from.as_str() {
                "flag --as" => Some("--as"),
                "environment FACTDESK_USER" => Some("FACTDESK_USER"),
                _ => None,
            };
            if let Some(named) = named
                && !crate::person::same_person(&self.author, store.author())
            {
                return Err(Error::usage(format!(
                    "on a shared store every change is by your database login, '{}': {named} \
                     cannot name '{}' (log in as them to act as them)",
                    store.author(),
                    self.author
                )));
            }
            return Ok(store);
        }
        Ok(Store::open(&self.db, OpenMode::MustExist, self.network_fs)?
            .with_author(self.author.clone())
            .with_clock(self.clock.clone()))
    }

    /// The shared store's URL, when `--db` (or `FACTDESK_DB`, or the config's `store`) names
    /// one (`postgres://…`) rather than a SQLite file.
    pub fn shared_url(&self) -> Option<&str> {
        self.db
            .to_str()
            .filter(|db| crate::store::is_shared_url(db))
    }

    /// The linker's model directory and where it was named: the store's `linker.model`, else
    /// `linker.model` in the user config (a relative path there is read from the config
    /// file's directory); `None` when neither names one.
    pub fn linker_model(&self, store: &Store) -> Result<Option<(PathBuf, String)>> {
        if let Some(dir) = store.linker_model_setting()? {
            return Ok(Some((
                PathBuf::from(dir),
                "the store's linker.model".into(),
            )));
        }
        let Some(path) = &self.config_path else {
            return Ok(None);
        };
        // A config file this process may not read is another person's (a command run as
        // another user with the same $HOME): it names no model for this one.
        if std::fs::File::open(path)
            .is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
        {
            return Ok(None);
        }
        let model = settings::read_user_config(path)?
            .linker
            .and_then(|l| l.model)
            .filter(|m| !m.as_os_str().is_empty());
        Ok(model.map(|m| {
            let dir = path
                .parent()
                .map_or_else(|| m.clone(), |base| base.join(&m));
            (dir, format!("linker.model in {}", path.display()))
        }))
    }

    /// Opens the existing store as [`Context::open`] does, with the linker's model set on it
    /// when one is named ([`Context::linker_model`]), so that claims are logged with their
    /// vectors and the linker compares them by meaning too. A model that does not load is an
    /// error naming where it was set. A build without the `semantic` feature cannot use one:
    /// it says so once on stderr, and the store is opened without it (claims are then logged
    /// and compared by their words only; `factdesk linker index` embeds them later).
    pub fn open_linking(&self, ui: &mut Ui) -> Result<Store> {
        let mut store = self.open()?;
        let Some((dir, from)) = self.linker_model(&store)? else {
            return Ok(store);
        };
        match load_model(&dir) {
            Ok(model) => store.set_embedder(Some(model)),
            Err(ModelProblem::NotBuiltIn) => writeln!(
                ui.err,
                "factdesk: note: {from} names a model ({}), but this factdesk was built without \
                 the `semantic` feature: the linker compares claims by their words only",
                dir.display()
            )?,
            Err(ModelProblem::Unusable(e)) => {
                return Err(Error::invalid(format!(
                    "{from}: {e} (fix it, or clear it with `factdesk config set linker.model ''`)"
                )));
            }
        }
        Ok(store)
    }
}

/// Why a model cannot be used.
pub enum ModelProblem {
    /// This build has no semantic layer (cargo feature `semantic`).
    #[cfg_attr(feature = "semantic", allow(dead_code))]
    NotBuiltIn,
    /// The directory does not hold a model this build can load (the message says why).
    #[cfg_attr(not(feature = "semantic"), allow(dead_code))]
    Unusable(Error),
}

/// Loads the sentence-embedding model in `dir`.
#[cfg(feature = "semantic")]
pub fn load_model(
    dir: &Path,
) -> std::result::Result<Box<dyn crate::linker::vectors::Embed>, ModelProblem> {
    crate::linker::semantic::Embedder::load(dir)
        .map(|m| Box::new(m) as Box<dyn crate::linker::vectors::Embed>)
        .map_err(ModelProblem::Unusable)
}

/// Loads the sentence-embedding model in `dir`: this build cannot.
#[cfg(not(feature = "semantic"))]
pub fn load_model(
    _dir: &Path,
) -> std::result::Result<Box<dyn crate::linker::vectors::Embed>, ModelProblem> {
    Err(ModelProblem::NotBuiltIn)
}

/// What to say when a build without the `semantic` feature is asked to use a model.
pub const NOT_BUILT_IN: &str = "this factdesk was built without the `semantic` feature, so it \
     cannot use a sentence-embedding model (build it with `cargo build --release --features semantic`)";

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
