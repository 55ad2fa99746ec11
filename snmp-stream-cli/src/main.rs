//! `snmp-stream`: the command-line front end.
//!
//! - `walk` / `get`: collect OIDs from hosts given on the command line; a readable table on
//!   stdout, or wire / parquet / CSV to a file ([`collect`]).
//! - `run JOB.toml`: a batch job of many hosts × OID groups into an output directory, with
//!   progress, a summary and a per-host report ([`job`], which documents the file format).
//! - `decode`: wireline files to text, CSV or parquet ([`decode`]).
//! - `serve`: the simulated agent ([`serve`]); `demo`: the zero-setup first run ([`demo`]).
//! - `translate`: OIDs between MIB names and numbers ([`translate`]); `oids`: common names.
//!
//! Exit status: 0 all good; 1 some hosts failed or returned partial data (or a file given to
//! `decode` was cut short); 2 a usage or input error, reported as one line on stderr. A closed
//! stdout pipe is a quiet 0. Logs go to stderr through `tracing`, filtered by `RUST_LOG` or
//! `--verbose` / `--quiet`.

use std::io::{self, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use snmp_stream_core::RequestKind;
use snmp_stream_decode::aliases;

mod collect;
mod decode;
mod demo;
mod job;
mod names;
mod output;
mod progress;
mod render;
mod report;
mod security;
mod serve;
mod translate;

const AFTER_HELP: &str = "\
Examples:
  snmp-stream demo                                         # no setup: simulated device → demo.parquet
  snmp-stream walk 192.0.2.1 -c public ifTable             # an interface table, as text
  snmp-stream walk r1 r2:1161 -c public -v 1 system ifXTable -o ifs.parquet
  snmp-stream get 192.0.2.1 -c public sysDescr.0 sysUpTime.0
  snmp-stream run routers.toml                              # a batch job (see `run --help`)
  snmp-stream decode -o all.parquet out/*.wire

Exit status: 0 all good, 1 some hosts failed or returned partial data (or a file to decode was
cut short), 2 usage or input error.
Logging: --verbose / --quiet, or RUST_LOG (e.g. RUST_LOG=snmp_stream_actors=debug).";

const WALK_HELP: &str = "\
Examples:
  snmp-stream walk 192.0.2.1 -c public system ifTable
  snmp-stream walk 192.0.2.1 192.0.2.2:1161 -c public ifDescr ifHCInOctets --format csv
  snmp-stream walk core1 -c public ipCidrRouteTable --range 10:10 --range 192.168:192.168 -o routes.parquet
  snmp-stream walk 192.0.2.1 -c public -v 1 -r 1 -t 0.5 1.3.6.1.4.1.9.9.13 -o cisco.wire
  snmp-stream walk buggy-ups -c public -Cc --max-rows 100000 --deadline 60 1.3.6.1.4.1.318

A table name (ifTable, ifXTable, ipCidrRouteTable) walks every column of its entry, and columns
of one entry print as one table. -o infers the format from the extension (.parquet, .csv, .txt;
anything else is a wireline file, readable with `snmp-stream decode`).

Agent bugs: an OID repeated twice in a row is dropped and the walk goes on; an OID before the
previous one stops its column as partial (-Cc walks on, stopping at a loop); a value that does
not decode is left out and named in the errors; a column stops at --max-rows records. Each host's
quirks (repeats dropped, values out of range, replies dropped and why) are listed on stderr.";

const GET_HELP: &str = "\
Examples:
  snmp-stream get 192.0.2.1 -c public sysDescr.0 sysName.0 sysUpTime.0
  snmp-stream get 192.0.2.1 -c public ifDescr ifHCInOctets --range 3:3   # the cells of ifIndex 3
  snmp-stream get r1 r2 r3 -c public sysUpTime.0 --format csv

An OID the agent does not have is recorded as noSuchObject / noSuchInstance: that is data, and
the exit status is still 0.";

const RUN_HELP: &str = "\
A job file (TOML; relative paths are relative to it):

  output = \"collected\"          # output directory (run -o DIR overrides)
  format = \"parquet\"            # parquet or wire: one file per host
  sessions = 100                # hosts collected at once (default 10)
  community = \"public\"          # these settings may also be given per group or per host:
  version = \"2c\"                #   community, version (1|2c), retries, timeout (s),
  retries = 1                   #   max_varbinds, max_repetitions, deadline (s),
  timeout = 1.5                 #   non_increasing (strict|permissive), max_rows,
                                #   accept_other_source; host beats group beats job
  hosts = [\"192.0.2.1\", \"192.0.2.2:1161\", { host = \"192.0.2.3\", community = \"s3cret\" }]
  hosts_file = \"routers.txt\"    # one `HOST [COMMUNITY]` per line, # comments
  mib_dirs = [\"mibs\"]           # MIB directories besides -M and net-snmp's (vendor MIBs)

  [[group]]                     # one request per host and group
  name = \"interfaces\"           # recorded as req_id
  oids = [\"ifTable\", \"ifXTable\"]

  [[group]]
  name = \"routes\"
  kind = \"walk\"                 # walk (default) or get
  oids = [\"ipCidrRouteTable\"]
  ranges = [\"10:10\"]

Writes OUTPUT/HOST_PORT.parquet (or .wire) per host that returned data and OUTPUT/report.csv
(host,status,varbinds,errors,message,quirks; status ok, partial or failed; quirks names the agent
bugs tolerated, such as repeated OIDs dropped). Prints a summary; shows a
progress bar when stderr is a terminal, a progress line every 10 s otherwise.

Examples:
  snmp-stream run routers.toml
  snmp-stream run routers.toml -o /data/$(date +%F) --quiet";

const DECODE_HELP: &str = "\
Examples:
  snmp-stream decode walk.wire                     # the records, tab-separated
  snmp-stream decode --format table walk.wire      # one row per index (a WALK of a table)
  snmp-stream decode --format csv *.wire > all.csv
  snmp-stream decode -o all.parquet *.wire         # many files, one parquet dataset

A file that ends inside a frame (a collection cut short) is decoded up to its last complete
frame and named on stderr; the exit status is then 1.";

const SERVE_HELP: &str = "\
Examples:
  snmp-stream serve data/snmpsim --listen 127.0.0.1:1161
  snmpbulkwalk -v2c -c recorded/linux-full-walk 127.0.0.1:1161 ifTable
  snmp-stream serve data/snmpsim/recorded/linux-full-walk.snmprec   # community linux-full-walk
  snmp-stream serve data/snmpsim --ports 100 --loss 0.05 --delay-ms 20
  snmp-stream serve data/snmpsim --listen 127.0.0.1:1161 --tcp   # then walk tcp:127.0.0.1:1161
  snmp-stream serve data/snmpsim/recorded/linux-full-walk.snmprec --v3-user \"alice SHA-256 authpass123 AES privpass123\"
  snmp-stream serve data/snmpsim --endless-column 1.3.6.1.2.1.2.2.1.99 --reply-from-address 127.0.0.2";

const TRANSLATE_HELP: &str = "\
Examples:
  snmp-stream translate IF-MIB::ifHCInOctets.3 -On     # .1.3.6.1.2.1.31.1.1.1.6.3
  snmp-stream translate .1.3.6.1.2.1.2.2.1.8.2          # IF-MIB::ifOperStatus.2
  snmp-stream translate -Td ifOperStatus                 # syntax, enumeration, description
  snmp-stream translate -M +/opt/vendor/mibs -m +ACME-MIB acmeWidgets
  snmp-stream translate --mib-warnings                   # what did not load, and why

MIB modules come from -M / MIBDIRS (default ~/.snmp/mibs and /usr/share/snmp/mibs) and then
the standard modules bundled with snmp-stream; every module found is loaded unless -m / MIBS
names some. A module that does not parse is a warning naming its file and line.";

const DEMO_HELP: &str = "\
Examples:
  snmp-stream demo
  snmp-stream demo -o /tmp/demo.parquet
  snmp-stream demo --v3        # the same over SNMPv3 (authPriv, SHA-256 + AES)
  cargo run --release -p snmp-stream-cli -- demo";

/// High-throughput SNMP collection into compact wireline buffers and parquet.
#[derive(Debug, Parser)]
#[command(
    name = "snmp-stream",
    version,
    propagate_version = true,
    after_help = AFTER_HELP
)]
struct Cli {
    /// More logging on stderr (repeat for more); RUST_LOG, when set, takes precedence.
    #[arg(long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Only errors on stderr: no progress, logs or notes.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// MIB directories, colon-separated, as net-snmp's -M: `+DIRS` searched after the default
    /// ones (~/.snmp/mibs, /usr/share/snmp/mibs, MIBDIRS), `-DIRS` before, `DIRS` instead. The
    /// bundled standard modules are searched last in any case.
    #[arg(short = 'M', global = true, value_name = "DIRS")]
    mib_dirs: Option<String>,
    /// MIB modules to load, colon-separated, as net-snmp's -m: `ALL` (the default here: every
    /// module found), `+MODS` added, `MODS` only these and what they import.
    #[arg(short = 'm', global = true, value_name = "MODULES")]
    mibs: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Walk OID subtrees (GETBULK in v2c, GETNEXT in v1) on one or more hosts.
    #[command(
        after_help = WALK_HELP,
        override_usage = "snmp-stream walk [OPTIONS] -c <COMMUNITY> <HOST[:PORT]>... <OID>..."
    )]
    Walk(collect::CollectArgs),
    /// Get exact OIDs from one or more hosts.
    #[command(
        after_help = GET_HELP,
        override_usage = "snmp-stream get [OPTIONS] -c <COMMUNITY> <HOST[:PORT]>... <OID>..."
    )]
    Get(collect::CollectArgs),
    /// Run a batch job file: many hosts × OID groups into an output directory.
    #[command(after_help = RUN_HELP)]
    Run {
        /// The job file (TOML).
        job: PathBuf,
        /// Output directory, instead of the job file's `output`.
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Decode wireline files (or the original's bare buffers) to a table, CSV or parquet.
    #[command(after_help = DECODE_HELP)]
    Decode {
        /// Wireline files to read.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write parquet to this file instead of text to stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// What to write: `long` (one row per record), `table` (one row per index, one column
        /// per root OID, of each frame), `csv` (the long frame as CSV) to stdout, or `parquet`
        /// with -o [default: long; parquet with -o].
        #[arg(long, value_enum)]
        format: Option<output::OutFormat>,
    },
    /// Serve .snmprec recordings as SNMP agents on UDP, and TCP with --tcp (the built-in
    /// simulated device).
    ///
    /// The community selects a recording by its path under DATA without `.snmprec`, as
    /// snmpsim does; a single recording file is served under its name without `.snmprec`.
    /// Runs until interrupted.
    #[command(after_help = SERVE_HELP)]
    Serve {
        /// Directory of .snmprec files, or one .snmprec file.
        #[arg(value_name = "DATA")]
        data_dir: PathBuf,
        /// Address to listen on (repeatable); default 127.0.0.1 on a free port.
        #[arg(long)]
        listen: Vec<SocketAddr>,
        /// Listen on this many free loopback ports, one simulated device each (besides any
        /// --listen address; with neither, one free port).
        #[arg(long, default_value_t = 0)]
        ports: usize,
        /// Also listen on TCP (RFC 3430), on each UDP address and port: reach it as
        /// `tcp:HOST:PORT`.
        #[arg(long)]
        tcp: bool,
        /// Also answer SNMPv3 for this user, in net-snmp's createUser spelling: "USER [AUTH
        /// PASS [PRIV PASS]]", e.g. "alice SHA-256 authpass123 AES privpass123" (repeatable).
        /// The recording is picked by context name (-n) as by community in v2c; an empty
        /// context serves the only recording, when there is one.
        #[arg(long = "v3-user", value_name = "USER [AUTH PASS [PRIV PASS]]")]
        v3_users: Vec<String>,
        #[command(flatten)]
        faults: serve::FaultArgs,
    },
    /// Walk a simulated Linux host (bundled recording) into demo.parquet and print its
    /// interfaces: no setup, no network.
    #[command(after_help = DEMO_HELP)]
    Demo {
        /// Serve recorded/linux-full-walk.snmprec from this directory of recordings instead of
        /// the copy built into the binary.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Where to write the parquet file.
        #[arg(short, long, default_value = "demo.parquet")]
        output: PathBuf,
        /// Walk over SNMPv3 (authPriv, SHA-256 and AES-128, a user of the simulator's own).
        #[arg(long)]
        v3: bool,
    },
    /// Translate OIDs between MIB names and numbers, as snmptranslate.
    #[command(after_help = TRANSLATE_HELP)]
    Translate(translate::TranslateArgs),
    /// List common OID names (any name of a loaded MIB module works in place of an OID).
    Oids,
}

/// How a collection went, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything asked for was collected (exit 0).
    Ok,
    /// Some hosts failed or returned partial data, or a file to decode was cut short (exit 1).
    Incomplete,
}

impl Outcome {
    /// [`Outcome::Ok`] when everything was had, else [`Outcome::Incomplete`].
    pub fn of(complete: bool) -> Outcome {
        if complete {
            Outcome::Ok
        } else {
            Outcome::Incomplete
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    match run(cli) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Incomplete) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("snmp-stream: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Logs to stderr: `RUST_LOG` when set, else warnings (`--verbose`: info, twice: debug,
/// three times: trace; `--quiet`: errors only).
fn init_logging(verbose: u8, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_target(false)
        .init();
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let quiet = cli.quiet;
    let search = names::search_from(cli.mib_dirs.as_deref(), cli.mibs.as_deref());
    if !matches!(cli.command, Command::Run { .. }) {
        names::configure(search.clone());
    }
    match cli.command {
        Command::Walk(args) => collect::run(RequestKind::Walk, args, quiet),
        Command::Get(args) => collect::run(RequestKind::Get, args, quiet),
        Command::Run { job, output } => {
            let plan = job::load(&job, output, search)?;
            job::run(plan, quiet)
        }
        Command::Decode {
            files,
            output,
            format,
        } => decode::run(&files, output, format),
        Command::Serve {
            data_dir,
            listen,
            ports,
            tcp,
            v3_users,
            faults,
        } => serve::run(&data_dir, listen, ports, tcp, &v3_users, faults).map(|()| Outcome::Ok),
        Command::Demo { data, output, v3 } => demo::run(data, &output, v3, quiet),
        Command::Translate(args) => translate::run(&args),
        Command::Oids => {
            let mut out = io::stdout().lock();
            for (oid, name) in aliases::ALIASES {
                writeln!(out, "{name:<32} {oid}")?;
            }
            out.flush().context("writing to stdout")?;
            Ok(Outcome::Ok)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::{Cli, Command};

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_takes_every_fault_flag() {
        let cli = Cli::try_parse_from([
            "snmp-stream",
            "serve",
            "data",
            "--get-reply-cap",
            "2",
            "--get-reply-omit",
            "1.3.6.1.2.1.1.3.0",
            "--get-reply-reversed",
            "--get-reply-extra",
            "--repeat-oid-at",
            ".1.3.6.1.2.1.2.2.1.1.2",
            "--malformed-value-at",
            "1.3.6.1.2.1.1.5.0",
            "--endless-column",
            "1.3.6.1.2.1.2.2.1.99",
            "--reply-community",
            "spoofed",
            "--reply-from-address",
            "127.0.0.2",
            "--silent-after",
            "40",
        ])
        .unwrap();
        let Command::Serve {
            faults:
                crate::serve::FaultArgs {
                    get_reply_cap,
                    get_reply_omit,
                    get_reply_reversed,
                    get_reply_extra,
                    repeat_oid_at,
                    malformed_value_at,
                    endless_column,
                    reply_community,
                    reply_from_address,
                    silent_after,
                    ..
                },
            ..
        } = cli.command
        else {
            panic!("not serve");
        };
        assert_eq!(silent_after, Some(40));
        let text = |o: Option<snmp_stream_core::Oid>| o.map(|o| o.to_string());
        assert_eq!(get_reply_cap, Some(2));
        assert_eq!(text(get_reply_omit).as_deref(), Some("1.3.6.1.2.1.1.3.0"));
        assert!(get_reply_reversed && get_reply_extra);
        assert_eq!(
            text(repeat_oid_at).as_deref(),
            Some("1.3.6.1.2.1.2.2.1.1.2")
        );
        assert_eq!(
            text(malformed_value_at).as_deref(),
            Some("1.3.6.1.2.1.1.5.0")
        );
        assert_eq!(
            text(endless_column).as_deref(),
            Some("1.3.6.1.2.1.2.2.1.99")
        );
        assert_eq!(reply_community.as_deref(), Some("spoofed"));
        assert_eq!(reply_from_address, Some("127.0.0.2".parse().unwrap()));
    }

    #[test]
    fn a_bad_fault_oid_is_a_usage_error_naming_the_flag() {
        for flag in [
            "--get-reply-omit",
            "--repeat-oid-at",
            "--malformed-value-at",
            "--endless-column",
        ] {
            let err =
                Cli::try_parse_from(["snmp-stream", "serve", "data", flag, "ifDescr"]).unwrap_err();
            assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
            let text = err.to_string();
            assert!(text.contains(flag) && text.contains("ifDescr"), "{text}");
        }
        let err = Cli::try_parse_from(["snmp-stream", "serve", "d", "--reply-from-address", "x"])
            .unwrap_err();
        assert!(err.to_string().contains("--reply-from-address"), "{err}");
    }
}
