//! `snmp-stream`: the command-line front end (DESIGN.md §6).
//!
//! Today: `decode` (wireline files to a table, CSV or parquet), `serve` (the simulated agent)
//! and `oids` (the built-in OID names). `get`, `walk`, `run` and `demo` arrive with the
//! collector. Exit status: 0 success, 2 usage or input error; a closed stdout pipe is a quiet 0.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use snmp_stream_actors::{Simulator, SimulatorConfig};
use snmp_stream_core::agent::Faults;
use snmp_stream_decode::polars::prelude::{AnyValue, DataFrame};
use snmp_stream_decode::{aliases, decode_file, files_to_parquet, table_frame};

/// High-throughput SNMP collection into compact wireline buffers and parquet.
#[derive(Debug, Parser)]
#[command(name = "snmp-stream", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode wireline files (or the original's bare buffers) to a table, CSV or parquet.
    ///
    /// Examples:
    ///   snmp-stream decode walk.wire                     # the records, as a text table
    ///   snmp-stream decode --format table walk.wire      # one row per index (a WALK of a table)
    ///   snmp-stream decode --format csv *.wire > all.csv
    ///   snmp-stream decode -o all.parquet *.wire         # many files, one parquet dataset
    #[command(verbatim_doc_comment)]
    Decode {
        /// Wireline files to read.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write parquet to this file instead of text to stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// What to print: `long` (one row per record), `table` (one row per index, one column
        /// per root OID, of each frame), `csv` (the long frame as CSV).
        #[arg(long, value_enum, default_value_t = Format::Long)]
        format: Format,
    },
    /// Serve .snmprec recordings as SNMP agents on UDP (the built-in simulated device).
    ///
    /// The community selects a recording by its path under DATA_DIR without `.snmprec`, as
    /// snmpsim does. Runs until interrupted.
    ///
    /// Examples:
    ///   snmp-stream serve data/snmpsim --listen 127.0.0.1:1161
    ///   snmpbulkwalk -v2c -c recorded/linux-full-walk 127.0.0.1:1161 ifTable
    ///   snmp-stream serve data/snmpsim --ports 100 --loss 0.05 --delay-ms 20
    #[command(verbatim_doc_comment)]
    Serve {
        /// Directory of .snmprec files.
        data_dir: PathBuf,
        /// Address to listen on (repeatable); default 127.0.0.1 on a free port.
        #[arg(long)]
        listen: Vec<SocketAddr>,
        /// Also listen on this many free loopback ports (many simulated devices).
        #[arg(long, default_value_t = 0)]
        ports: usize,
        /// Drop this fraction (0 to 1) of requests.
        #[arg(long, default_value_t = 0.0)]
        loss: f64,
        /// Delay every reply by this many milliseconds.
        #[arg(long, default_value_t = 0)]
        delay_ms: u64,
        /// Answer GETBULK with at most this many varbinds.
        #[arg(long)]
        bulk_cap: Option<usize>,
        /// Answer tooBig when a response would carry more than this many varbinds.
        #[arg(long)]
        too_big_above: Option<usize>,
    },
    /// List the built-in OID names (usable in place of numeric OIDs).
    Oids,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One row per record.
    Long,
    /// One row per index, one column per root OID.
    Table,
    /// The long frame as CSV.
    Csv,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("snmp-stream: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Decode {
            files,
            output,
            format,
        } => decode(&files, output, format),
        Command::Serve {
            data_dir,
            listen,
            ports,
            loss,
            delay_ms,
            bulk_cap,
            too_big_above,
        } => {
            let mut config = SimulatorConfig::new().data_dir(&data_dir).loss(loss);
            for addr in listen {
                config = config.listen(addr);
            }
            if ports > 0 {
                config = config.ports(ports);
            }
            if delay_ms > 0 {
                config = config.delay(Duration::from_millis(delay_ms));
            }
            config = config.faults(Faults {
                bulk_cap,
                too_big_above,
                ..Faults::default()
            });
            let sim = Simulator::start(config)
                .with_context(|| format!("serving {}", data_dir.display()))?;
            let mut out = io::stdout().lock();
            writeln!(
                out,
                "serving {} recordings from {}",
                sim.communities().len(),
                data_dir.display()
            )?;
            for a in sim.addrs() {
                writeln!(out, "listening on udp {a}")?;
            }
            out.flush()?;
            drop(out);
            loop {
                std::thread::park();
            }
        }
        Command::Oids => {
            let mut out = io::stdout().lock();
            for (oid, name) in aliases::ALIASES {
                writeln!(out, "{name:<32} {oid}")?;
            }
            Ok(())
        }
    }
}

fn decode(files: &[PathBuf], output: Option<PathBuf>, format: Format) -> anyhow::Result<()> {
    if let Some(out) = output {
        if format != Format::Long {
            bail!("-o writes the long frame as parquet; --format {format:?} prints to stdout");
        }
        let (rows, truncated) = files_to_parquet(files, &out)?;
        for (path, t) in truncated {
            eprintln!(
                "snmp-stream: {}: {t} (the complete frames before it were kept)",
                path.display()
            );
        }
        eprintln!("wrote {rows} records to {}", out.display());
        return Ok(());
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut first = true;
    for path in files {
        let decoded = decode_file(path)?;
        if let Some(t) = decoded.truncated {
            eprintln!(
                "snmp-stream: {}: {t} (the complete frames before it were kept)",
                path.display()
            );
        }
        match format {
            Format::Long => print_frame(&mut out, &decoded.records, false, false)?,
            Format::Csv => {
                print_frame(&mut out, &decoded.records, !first, true)?;
            }
            Format::Table => {
                // One table per frame: a WALK's columns reassembled by index.
                let bytes =
                    std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                for frame in snmp_stream_core::wireline::file::frames(&bytes).flatten() {
                    let words = frame.words().with_context(|| path.display().to_string())?;
                    let buf = snmp_stream_core::wireline::Wireline::parse(&words)
                        .with_context(|| path.display().to_string())?;
                    if let Some(meta) = &frame.meta {
                        writeln!(
                            out,
                            "# {} {} ({})",
                            meta.host,
                            String::from_utf8_lossy(&meta.req_id),
                            meta.status
                        )?;
                    }
                    print_frame(&mut out, &table_frame(&buf)?, false, false)?;
                }
            }
        }
        if decoded.errors.height() > 0 && format != Format::Csv {
            writeln!(out, "# errors")?;
            print_frame(&mut out, &decoded.errors, false, false)?;
        }
        first = false;
    }
    out.flush()?;
    Ok(())
}

/// Prints a frame as text: a header line (unless `skip_header`), then one line per row. With
/// `csv`, comma-separated and quoted (RFC 4180); otherwise tab-separated.
fn print_frame(
    out: &mut impl Write,
    df: &DataFrame,
    skip_header: bool,
    csv: bool,
) -> anyhow::Result<()> {
    let sep = if csv { "," } else { "\t" };
    if !skip_header {
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|n| cell(n.as_str(), csv))
            .collect();
        writeln!(out, "{}", names.join(sep))?;
    }
    let columns = df.columns();
    for i in 0..df.height() {
        let mut line = String::new();
        for (j, c) in columns.iter().enumerate() {
            if j > 0 {
                line.push_str(sep);
            }
            let v = c.get(i)?;
            line.push_str(&cell(&render(&v), csv));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// A value as text: strings as they are, bytes as hex, nulls empty.
fn render(v: &AnyValue<'_>) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => (*s).to_owned(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Binary(b) => hex(b),
        AnyValue::BinaryOwned(b) => hex(b),
        other => other.to_string(),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// CSV-quotes a cell when it needs it (RFC 4180).
fn cell(s: &str, csv: bool) -> String {
    if csv && s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else if !csv {
        s.replace(['\t', '\n'], " ")
    } else {
        s.to_owned()
    }
}
