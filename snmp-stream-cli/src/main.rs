//! `snmp-stream`: the command-line front end (DESIGN.md §6).
//!
//! Status: only `--help` and `--version` work yet; `get`, `walk`, `run`, `decode`, `serve` and
//! `demo` arrive once the collector and decoder exist.

use clap::Parser;

/// High-throughput SNMP collection into compact wireline buffers and parquet.
///
/// The collector commands (get, walk, run, decode, serve, demo) are not implemented yet.
#[derive(Debug, Parser)]
#[command(name = "snmp-stream", version)]
struct Cli {}

fn main() {
    let Cli {} = Cli::parse();
    eprintln!(
        "snmp-stream {}: no commands are implemented yet (see README.md); try --help",
        env!("CARGO_PKG_VERSION")
    );
    std::process::exit(2);
}
