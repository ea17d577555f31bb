//! What the benchmarks share: a small deterministic random generator (xorshift), the
//! news-like words their generated claims are made of, and a few helpers (running the binary,
//! temporary directories, formatting). [`checkthat`] reads the CheckThat! data; [`jsonl`] writes the claims file the import and history
//! benches load; [`meter`] measures one whole process (wall clock, peak RSS, CPU time). Not a
//! bench target itself: each bench includes it with `mod common;`.

#![allow(dead_code)]

pub mod checkthat;
pub mod jsonl;
pub mod meter;

use std::path::{Path, PathBuf};
use std::process::Command;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// The real binary under test.
pub const FACTDESK: &str = env!("CARGO_BIN_EXE_factdesk");

/// `factdesk --db PATH`, with the environment that could change its behaviour removed.
pub fn factdesk(db: &Path) -> Command {
    let mut cmd = Command::new(FACTDESK);
    cmd.arg("--db").arg(db);
    for var in ["FACTDESK_DB", "FACTDESK_USER", "FACTDESK_NOW"] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `factdesk --db DB ARGS`, which must exit 0; returns its standard output (a failure
/// names the command and what it printed on stderr).
pub fn output(db: &Path, args: &[&str]) -> BenchResult<Vec<u8>> {
    let out = factdesk(db).args(args).output()?;
    if !out.status.success() {
        return Err(format!(
            "`factdesk {}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(out.stdout)
}

/// [`output`], as text.
pub fn output_text(db: &Path, args: &[&str]) -> BenchResult<String> {
    Ok(String::from_utf8(output(db, args)?)?)
}

/// 1234567 as "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// xorshift64*: small, fast and deterministic, so every run builds the same store.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `per_mille`/1000.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    /// A version-4 UUID in its text form, as `uuid::Uuid::new_v4` makes, from this generator.
    pub fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

pub fn env_count(name: &str, default: usize) -> BenchResult<usize> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => {
            let digits: String = v.chars().filter(|c| !matches!(c, '_' | ',')).collect();
            let n: usize = digits
                .trim()
                .parse()
                .map_err(|e| format!("{name}={v:?}: {e}"))?;
            Ok(n)
        }
        _ => Ok(default),
    }
}

pub fn machine_line() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!(
        "Machine: nproc {cpus} ({model}), {} {}, SQLite {}",
        std::env::consts::OS,
        std::env::consts::ARCH,
        rusqlite::version()
    )
}

/// The store file plus its WAL, in bytes.
pub fn store_size(db: &Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    [db.to_path_buf(), PathBuf::from(wal)]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

pub const SUBJECTS: &[&str] = &[
    "The health ministry",
    "The city council",
    "The central bank",
    "Regional police",
    "The governor's office",
    "Opposition lawmakers",
    "The national weather service",
    "A hospital spokesperson",
    "The transport authority",
    "Union leaders",
    "The defence ministry",
    "Election officials",
    "The school board",
    "A senior diplomat",
    "The energy regulator",
];

pub const VERBS: &[&str] = &[
    "approved",
    "cancelled",
    "recorded",
    "lost",
    "delivered",
    "blocked",
    "received",
    "sent abroad",
    "counted",
    "paid for",
];

pub const OBJECTS: &[&str] = &[
    "vaccine doses",
    "housing permits",
    "missiles",
    "ballots",
    "bus routes",
    "teaching posts",
    "tonnes of grain",
    "hospital beds",
    "wind turbines",
    "asylum applications",
    "police officers",
    "kilometres of railway",
];

pub const PLACES: &[&str] = &[
    "the capital",
    "the northern provinces",
    "the border region",
    "three coastal towns",
    "the eastern districts",
    "rural counties",
    "the old town",
    "the industrial belt",
];

pub const PERIODS: &[&str] = &[
    "last month",
    "since January",
    "in the first quarter",
    "this year",
    "over the summer",
    "in a single week",
    "since the election",
];

pub const TAGS: &[&str] = &[
    "election",
    "health",
    "economy",
    "climate",
    "migration",
    "crime",
    "education",
    "energy",
    "housing",
    "transport",
    "vaccines",
    "war",
    "budget",
    "taxes",
    "jobs",
    "inflation",
    "trade",
    "agriculture",
    "defence",
    "local",
    "viral",
    "statistics",
    "foreign-policy",
    "courts",
];

pub const EVIDENCE_NOTES: &[&str] = &[
    "official statistics for the period",
    "the published budget documents",
    "satellite imagery reviewed by the desk",
    "an interview with a named witness",
    "the court filing",
    "records obtained under freedom of information",
    "the agency's own press release",
    "figures from the independent auditor",
];

/// Whether the environment variable `name` is set to something other than empty or `0`.
pub fn env_flag(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Whether `FACTDESK_BENCH_KEEP` asks to keep the bench's files afterwards.
pub fn keep_files() -> bool {
    env_flag("FACTDESK_BENCH_KEEP")
}

/// A fresh temporary directory for a bench's files, under `FACTDESK_BENCH_DIR` when set.
pub fn bench_dir(prefix: &str) -> BenchResult<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix);
    Ok(match std::env::var_os("FACTDESK_BENCH_DIR") {
        Some(parent) if !parent.is_empty() => {
            std::fs::create_dir_all(&parent)?;
            builder.tempdir_in(parent)?
        }
        _ => builder.tempdir()?,
    })
}
