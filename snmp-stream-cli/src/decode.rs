//! `decode`: wireline files (or the original's bare buffers) to text, CSV or parquet.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use snmp_stream_core::wireline::Wireline;
use snmp_stream_core::wireline::file::frames;
use snmp_stream_decode::{decode_file, files_to_parquet, table_frame};

use crate::names;

use crate::Outcome;
use crate::output::{OutFormat, print_frame};

/// Runs `decode`. A file that ends inside a frame (a collection cut short, a copy still being
/// written) is decoded up to its last complete frame, named on stderr, and makes the outcome
/// [`Outcome::Incomplete`] (exit 1), as a partial collection does.
pub(crate) fn run(
    files: &[PathBuf],
    output: Option<PathBuf>,
    format: Option<OutFormat>,
) -> anyhow::Result<Outcome> {
    // -o writes parquet; without it the text formats print to stdout.
    let format = match (format, &output) {
        (Some(OutFormat::Wire), _) => {
            bail!(
                "decode reads wireline files; --format wire does not apply (give long, table, csv or parquet)"
            )
        }
        (Some(OutFormat::Parquet), None) => bail!("--format parquet writes a file: give -o PATH"),
        // `long` with -o: the long frame, as parquet.
        (Some(OutFormat::Long), Some(_)) => OutFormat::Parquet,
        (Some(f), Some(_)) if f != OutFormat::Parquet => {
            bail!("-o writes the long frame as parquet; --format {f} prints to stdout")
        }
        (Some(f), _) => f,
        (None, Some(_)) => OutFormat::Parquet,
        (None, None) => OutFormat::Long,
    };
    if let Some(out) = output {
        let (rows, truncated) = files_to_parquet(files, &out, Some(names::mibs()))?;
        for (path, t) in &truncated {
            report_truncated(path, t);
        }
        let s = if rows == 1 { "" } else { "s" };
        eprintln!("wrote {rows} record{s} to {}", out.display());
        return Ok(Outcome::of(truncated.is_empty()));
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut first = true;
    let mut whole = true;
    for path in files {
        let decoded = decode_file(path, Some(names::mibs()))?;
        if let Some(t) = &decoded.truncated {
            report_truncated(path, t);
            whole = false;
        }
        match format {
            OutFormat::Csv => {
                print_frame(&mut out, &decoded.records, !first, true)?;
            }
            OutFormat::Table => {
                // One table per frame: a WALK's columns reassembled by index.
                let bytes =
                    std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                for frame in frames(&bytes).flatten() {
                    let words = frame.words().with_context(|| path.display().to_string())?;
                    let buf =
                        Wireline::parse(&words).with_context(|| path.display().to_string())?;
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
            // Long (Parquet and Wire were handled above).
            _ => print_frame(&mut out, &decoded.records, false, false)?,
        }
        if decoded.errors.height() > 0 && format != OutFormat::Csv {
            writeln!(out, "# errors")?;
            print_frame(&mut out, &decoded.errors, false, false)?;
        }
        first = false;
    }
    out.flush()?;
    Ok(Outcome::of(whole))
}

fn report_truncated(path: &Path, t: &impl fmt::Display) {
    eprintln!(
        "snmp-stream: {}: {t} (the complete frames before it were kept)",
        path.display()
    );
}
