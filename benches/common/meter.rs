//! Measuring one whole process: its wall clock from spawn to exit, its peak resident memory
//! and its CPU time — under GNU time when it is usable, else by polling `/proc`.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::BenchResult;

/// GNU time, for each process's peak RSS.
pub const GNU_TIME: &str = "/usr/bin/time";

/// One measured process.
pub struct Measured {
    pub wall: Duration,
    pub peak_kib: Option<u64>,
    /// User and system CPU seconds, when GNU time measured the process.
    pub cpu_secs: Option<(f64, f64)>,
    pub stdout: String,
}

impl Measured {
    /// Peak RSS in MB (10^6 bytes).
    pub fn peak_mb(&self) -> Option<f64> {
        self.peak_kib.map(|kib| kib as f64 * 1024.0 / 1e6)
    }
}

/// How peak memory is measured.
pub enum Meter {
    /// `/usr/bin/time -f "%e %M %U %S"`: the kernel's `ru_maxrss` for the process, exact.
    GnuTime,
    /// Polling `VmHWM` in `/proc/PID/status` every few milliseconds.
    PollVmHwm,
}

impl Meter {
    /// GNU time if it is there and understands `-o`/`-f`; else polling.
    pub fn detect(dir: &Path) -> Meter {
        let out = dir.join("time-probe.txt");
        let works = Command::new(GNU_TIME)
            .arg("-o")
            .arg(&out)
            .args(["-f", "%e %M %U %S", "true"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
            && std::fs::read_to_string(&out).is_ok_and(|s| parse_time_output(&s).is_some());
        let _ = std::fs::remove_file(&out);
        if works {
            Meter::GnuTime
        } else {
            Meter::PollVmHwm
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Meter::GnuTime => {
                format!("from `{GNU_TIME} -f \"%e %M %U %S\"` (ru_maxrss; CPU from %U %S)")
            }
            Meter::PollVmHwm => "from polling VmHWM in /proc/PID/status every 5 ms".into(),
        }
    }

    /// Runs `cmd` to completion (stdout captured, stderr captured and shown on failure), timing
    /// it from spawn to exit and measuring its peak RSS.
    pub fn run(&self, cmd: Command, dir: &Path) -> BenchResult<Measured> {
        let report = dir.join("time-report.txt");
        let mut run = match self {
            Meter::GnuTime => {
                let mut wrapped = Command::new(GNU_TIME);
                wrapped.arg("-o").arg(&report).args(["-f", "%e %M %U %S"]);
                wrapped.arg(cmd.get_program()).args(cmd.get_args());
                for (key, value) in cmd.get_envs() {
                    match value {
                        Some(v) => wrapped.env(key, v),
                        None => wrapped.env_remove(key),
                    };
                }
                wrapped
            }
            Meter::PollVmHwm => cmd,
        };
        run.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let described = describe_command(&run);
        let started = Instant::now();
        let child = run.spawn()?;
        let (out, polled) = match self {
            Meter::GnuTime => (child.wait_with_output()?, None),
            Meter::PollVmHwm => {
                let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
                let (done, peak) = std::thread::scope(|s| {
                    let waiter = s.spawn(|| child.wait_with_output());
                    let mut peak = None;
                    while !waiter.is_finished() {
                        if let Some(kib) = vm_hwm_kib(&status_file) {
                            peak = Some(peak.map_or(kib, |p: u64| p.max(kib)));
                        }
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    (waiter.join().expect("waiter thread"), peak)
                });
                (done?, peak)
            }
        };
        let wall = started.elapsed();
        if !out.status.success() {
            return Err(format!(
                "{described} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        let (peak_kib, cpu_secs) = match self {
            Meter::GnuTime => {
                let text = std::fs::read_to_string(&report)?;
                let _ = std::fs::remove_file(&report);
                let (kib, user, sys) = parse_time_output(&text)
                    .ok_or_else(|| format!("cannot read {GNU_TIME}'s output: {text:?}"))?;
                (Some(kib), Some((user, sys)))
            }
            Meter::PollVmHwm => (polled, None),
        };
        Ok(Measured {
            wall,
            peak_kib,
            cpu_secs,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        })
    }
}

/// The last line of GNU time's report, `"%e %M %U %S"`: peak RSS in KiB, user and system CPU
/// seconds (its own elapsed time is coarser than ours, so it is only checked for shape).
fn parse_time_output(text: &str) -> Option<(u64, f64, f64)> {
    let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
    let mut fields = line.split_whitespace();
    let _elapsed: f64 = fields.next()?.parse().ok()?;
    let kib = fields.next()?.parse().ok()?;
    let user = fields.next()?.parse().ok()?;
    let sys = fields.next()?.parse().ok()?;
    Some((kib, user, sys))
}

/// `VmHWM` (peak RSS so far, KiB) of a running process.
fn vm_hwm_kib(status_file: &Path) -> Option<u64> {
    let status = std::fs::read_to_string(status_file).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn describe_command(cmd: &Command) -> String {
    let mut parts: Vec<OsString> = vec![cmd.get_program().to_owned()];
    parts.extend(cmd.get_args().map(OsStr::to_owned));
    parts
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
