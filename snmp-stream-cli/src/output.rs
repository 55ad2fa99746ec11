//! Where collected responses go: wireline files, parquet, CSV, and the readable text tables
//! printed to a terminal.

use std::fmt::{self, Write as _};
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, bail};
use clap::ValueEnum;
use snmp_stream_core::wireline::file::WirelineFileWriter;
use snmp_stream_core::{Oid, RequestKind, Response};
use snmp_stream_decode::polars::prelude::{AnyValue, DataFrame};
use snmp_stream_decode::text::{push_dotted_u64, push_hex, type_name};
use snmp_stream_decode::{IndexGrid, responses_frames, write_parquet};

use crate::names::entry_of;
pub(crate) use crate::render::Render;
use crate::render::in_oid_orders;

/// The one set of `--format` values, the same names for `walk`, `get`, `decode` and (the file
/// formats) `run`; each command takes those that make sense for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum OutFormat {
    /// Readable text: scalars as `name type value` lines, table columns as tables (one row
    /// per index, one column per root OID).
    Table,
    /// The long frame as text: one row per varbind.
    Long,
    /// The long frame as CSV.
    Csv,
    /// Parquet of the long frame (one row per varbind); a file (-o).
    Parquet,
    /// A wireline file: one frame (metadata + buffer) per response, which `snmp-stream
    /// decode` reads; a file (-o).
    Wire,
}

impl fmt::Display for OutFormat {
    /// The name as `--format` takes it (`table`, `long`, …).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.to_possible_value().expect("no format is skipped");
        f.write_str(value.get_name())
    }
}

impl OutFormat {
    /// True for the formats that need a file (-o).
    pub(crate) fn is_file(self) -> bool {
        matches!(self, OutFormat::Parquet | OutFormat::Wire)
    }

    /// The format an output path implies: `.parquet`, `.csv`, `.txt`; anything else is wire.
    pub(crate) fn from_path(path: &Path) -> OutFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("parquet") => OutFormat::Parquet,
            Some(e) if e.eq_ignore_ascii_case("csv") => OutFormat::Csv,
            Some(e) if e.eq_ignore_ascii_case("txt") => OutFormat::Table,
            _ => OutFormat::Wire,
        }
    }

    /// The file extension of this format.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            OutFormat::Wire => "wire",
            OutFormat::Parquet => "parquet",
            OutFormat::Table | OutFormat::Long => "txt",
            OutFormat::Csv => "csv",
        }
    }
}

/// Writes `responses` in `format` to `path`, or to `out` when `path` is `None` (the text
/// formats only).
pub(crate) fn write_responses(
    responses: &[Response],
    format: OutFormat,
    render: Render,
    path: Option<&Path>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    match (format, path) {
        (_, Some(p)) => write_file(responses, format, render, p),
        (OutFormat::Wire | OutFormat::Parquet, None) => {
            bail!("--format {format} writes a file: give -o PATH")
        }
        (OutFormat::Table | OutFormat::Long | OutFormat::Csv, None) => {
            write_text(&in_oid_orders(responses)?, format, render, out)
        }
    }
}

/// Writes `responses` in `format` to the file at `path`, created or replaced; a file that
/// cannot be written whole is removed, so that no truncated file looks like a result.
pub(crate) fn write_file(
    responses: &[Response],
    format: OutFormat,
    render: Render,
    path: &Path,
) -> anyhow::Result<()> {
    let sorted;
    let responses = match format {
        OutFormat::Wire => responses,
        _ => {
            sorted = in_oid_orders(responses)?;
            &sorted[..]
        }
    };
    let written = write_new_file(responses, format, render, path);
    if written.is_err() {
        _ = std::fs::remove_file(path);
    }
    written
}

fn write_new_file(
    responses: &[Response],
    format: OutFormat,
    render: Render,
    path: &Path,
) -> anyhow::Result<()> {
    let writing = || format!("writing {}", path.display());
    let create = || {
        File::create(path)
            .map(io::BufWriter::new)
            .with_context(|| format!("creating {}", path.display()))
    };
    match format {
        OutFormat::Wire => {
            let mut w = WirelineFileWriter::new(create()?).with_context(writing)?;
            for r in responses {
                w.write_response(r).with_context(writing)?;
            }
            w.into_inner().with_context(writing)?;
            Ok(())
        }
        OutFormat::Parquet => {
            // Its errors name the file.
            write_parquet(
                &mut responses_frames(responses, render.frame_mibs())?.records,
                path,
            )?;
            Ok(())
        }
        OutFormat::Table | OutFormat::Long | OutFormat::Csv => {
            let mut file = create()?;
            write_text(responses, format, render, &mut file)?;
            file.flush().with_context(writing)
        }
    }
}

fn write_text(
    responses: &[Response],
    format: OutFormat,
    render: Render,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    if format == OutFormat::Csv {
        let frames = responses_frames(responses, render.frame_mibs())?;
        print_frame(out, &frames.records, false, true)?;
    } else if format == OutFormat::Long {
        let frames = responses_frames(responses, render.frame_mibs())?;
        print_frame(out, &frames.records, false, false)?;
    } else {
        for (i, r) in responses.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            write_readable(out, r, render)?;
        }
    }
    Ok(out.flush()?)
}

/// Varbinds in a response's buffer (0 if it cannot be read, which the collector never makes).
pub(crate) fn record_count(r: &Response) -> usize {
    r.buffer.read().map_or(0, |w| w.records().count())
}

/// One response as readable text: a `#` header line (host, kind, status, records, range), one
/// `# error:` line per error, then the varbinds of each table entry as a table (one row per
/// index, one column per walked column) and every other varbind as a `name type value` line.
pub(crate) fn write_readable(
    out: &mut impl Write,
    r: &Response,
    render: Render,
) -> anyhow::Result<()> {
    let buf = r.buffer.read().context("reading a collected buffer")?;
    let roots = r.request.oids();
    let kind = match r.request.kind() {
        RequestKind::Get => "get",
        RequestKind::Walk => "walk",
    };
    let n = buf.records().count();
    let mut header = format!(
        "# {} {kind} {}, {n} varbind{}",
        r.request.host(),
        r.status,
        if n == 1 { "" } else { "s" }
    );
    if let Some(range) = &r.range {
        let _ = write!(header, ", range {range}");
    }
    writeln!(out, "{header}")?;
    for e in &r.errors {
        writeln!(out, "# error: {}", e.error)?;
    }

    // Columns of the same entry become one table; everything else is listed.
    let table_of: Vec<Option<&'static str>> = roots
        .iter()
        .map(|o| match r.request.kind() {
            RequestKind::Walk => entry_of(o),
            RequestKind::Get => None,
        })
        .collect();
    let mut list = TextTable::new(["name", "type", "value"]);
    let mut tables: Vec<(&'static str, Vec<usize>)> = Vec::new();
    for (i, t) in table_of.iter().enumerate() {
        if let Some(entry) = t {
            match tables.iter_mut().find(|(e, _)| e == entry) {
                Some((_, cols)) => cols.push(i),
                None => tables.push((entry, vec![i])),
            }
        }
    }
    let mut arcs = Vec::with_capacity(32);
    for rec in buf.records() {
        let rec = rec.context("reading a collected buffer")?;
        if table_of.get(rec.root_index()).copied().flatten().is_some() {
            continue;
        }
        let root = roots
            .get(rec.root_index())
            .context("a record names a root the request does not have")?;
        arcs.clear();
        arcs.extend_from_slice(root.as_slice());
        arcs.extend(
            rec.index()
                .iter()
                .map(|a| u32::try_from(a).unwrap_or(u32::MAX)),
        );
        let value = rec.value().context("reading a collected buffer")?;
        list.push(vec![
            render.name(&arcs),
            type_name(rec.tag()).to_owned(),
            render.value(&arcs, &value),
        ]);
    }
    if !list.rows.is_empty() {
        list.write(out)?;
    }
    // Entries indexed alike (ifXEntry augments ifEntry) print as one table.
    let mut merged: Vec<TextTable> = Vec::new();
    for (_, cols) in tables {
        let t = table(r, &cols, render)?;
        match merged.iter_mut().find(|m| m.same_index(&t)) {
            Some(m) => m.append_columns(t),
            None => merged.push(t),
        }
    }
    for t in merged {
        writeln!(out)?;
        t.write(out)?;
    }
    Ok(())
}

/// The varbinds of the given roots (column OIDs of one WALK) as a table: an `index` column,
/// then one column per root named by its built-in name, one row per index in OID order.
pub(crate) fn table(r: &Response, cols: &[usize], render: Render) -> anyhow::Result<TextTable> {
    let buf = r.buffer.read().context("reading a collected buffer")?;
    let roots = r.request.oids();
    let mut header = vec!["index".to_owned()];
    header.extend(cols.iter().map(|&c| {
        roots
            .get(c)
            .map_or_else(String::new, |o: &Oid| render.column(o.as_slice()))
    }));
    // The index decoded by the table's INDEX clause (`ipv4."10.0.0.1"`), unless -Ob / -On.
    let schema = cols
        .first()
        .and_then(|&c| roots.get(c))
        .and_then(|o| render.index_schema(o.as_slice()));
    let syntaxes: Vec<_> = cols
        .iter()
        .map(|&c| roots.get(c).and_then(|o| render.syntax(o.as_slice())))
        .collect();
    let grid = IndexGrid::of(&buf, cols.len(), |root| {
        cols.iter().position(|&c| c == root)
    })?;
    let mut t = TextTable {
        header,
        rows: Vec::with_capacity(grid.indexes.len()),
    };
    for (row, index) in grid.indexes.iter().enumerate() {
        let mut cells = Vec::with_capacity(cols.len() + 1);
        let mut shown = String::new();
        match (&schema, index_arcs(index)) {
            (Some(schema), Some(arcs)) => {
                schema.write(&mut shown, &arcs);
                // The schema writes `.`-prefixed parts, as after a name.
                if shown.starts_with('.') {
                    shown.remove(0);
                }
            }
            _ => push_dotted_u64(&mut shown, index),
        }
        cells.push(shown);
        cells.extend(grid.columns.iter().zip(&syntaxes).map(|(c, syntax)| {
            c[row]
                .as_ref()
                .map_or_else(String::new, |v| render.value_with(syntax.as_ref(), v))
        }));
        t.rows.push(cells);
    }
    Ok(t)
}

/// An index's arcs as sub-identifiers, when each fits one (a wireline index holds u64s).
fn index_arcs(index: &[u64]) -> Option<Vec<u32>> {
    index.iter().map(|&a| u32::try_from(a).ok()).collect()
}

/// A table of text cells, printed with aligned columns (numbers right-aligned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextTable {
    /// Column names.
    pub header: Vec<String>,
    /// Rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

impl TextTable {
    /// An empty table with these column names.
    pub(crate) fn new<const N: usize>(header: [&str; N]) -> TextTable {
        TextTable {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub(crate) fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// True when both tables have the same first (index) column.
    fn same_index(&self, other: &TextTable) -> bool {
        self.rows.len() == other.rows.len()
            && self
                .rows
                .iter()
                .zip(&other.rows)
                .all(|(a, b)| a.first() == b.first())
    }

    /// Appends `other`'s columns but its first (index) column; rows are matched by position.
    fn append_columns(&mut self, other: TextTable) {
        self.header.extend(other.header.into_iter().skip(1));
        for (row, more) in self.rows.iter_mut().zip(other.rows) {
            row.extend(more.into_iter().skip(1));
        }
    }

    /// The table with only the named columns, in the order given; names it lacks are skipped.
    pub(crate) fn select(&self, names: &[&str]) -> TextTable {
        let idx: Vec<usize> = names
            .iter()
            .filter_map(|n| self.header.iter().position(|h| h == n))
            .collect();
        let pick = |row: &Vec<String>| idx.iter().map(|&i| row[i].clone()).collect();
        TextTable {
            header: pick(&self.header),
            rows: self.rows.iter().map(pick).collect(),
        }
    }

    /// Prints the table: columns two spaces apart, numeric columns right-aligned, no trailing
    /// spaces.
    pub(crate) fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let n = self.header.len();
        let width = |i: usize| {
            self.rows
                .iter()
                .map(|r| r[i].chars().count())
                .chain([self.header[i].chars().count()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..n).map(width).collect();
        let numeric: Vec<bool> = (0..n)
            .map(|i| {
                self.rows.iter().any(|r| !r[i].is_empty())
                    && self
                        .rows
                        .iter()
                        .all(|r| r[i].is_empty() || r[i].parse::<i128>().is_ok())
            })
            .collect();
        let mut line = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            line.clear();
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = widths[i].saturating_sub(cell.chars().count());
                if numeric[i] {
                    line.extend(std::iter::repeat_n(' ', pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    if i + 1 < n {
                        line.extend(std::iter::repeat_n(' ', pad));
                    }
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// Prints a frame as text: a header line (unless `skip_header`), then one line per row. With
/// `csv`, comma-separated and quoted (RFC 4180); otherwise tab-separated.
pub(crate) fn print_frame(
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
    let mut line = String::new();
    for i in 0..df.height() {
        line.clear();
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

/// A frame value as text: strings as they are, bytes as hex, nulls empty.
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

/// Bytes in hex, as the text formats print a `bytes` cell.
fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    push_hex(&mut s, b);
    s
}

/// CSV-quotes a cell when it needs it (RFC 4180); in tab-separated text, tabs and line breaks
/// become spaces.
pub(crate) fn cell(s: &str, csv: bool) -> String {
    if csv && s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else if !csv {
        s.replace(['\t', '\n'], " ")
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_right_align_numbers() {
        let mut t = TextTable::new(["index", "ifDescr", "ifSpeed"]);
        t.push(vec!["1".into(), "lo".into(), "10000000".into()]);
        t.push(vec!["10".into(), "eth0".into(), "".into()]);
        let mut out = Vec::new();
        t.write(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "index  ifDescr   ifSpeed\n    1  lo       10000000\n   10  eth0\n"
        );
        let s = t.select(&["ifDescr", "nope", "index"]);
        assert_eq!(s.header, ["ifDescr", "index"]);
        assert_eq!(s.rows[1], ["eth0", "10"]);
    }

    #[test]
    fn values_read_as_text() {
        use snmp_stream_core::Value;
        // net-snmp's -On and -Ox.
        const OPER: &[u32] = &[1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 1];
        const NAME: &[u32] = &[1, 3, 6, 1, 2, 1, 1, 5, 0];
        let r = Render::parse(&["nx".to_string()]).unwrap();
        assert_eq!(r.value(NAME, &Value::OctetString(b"tt")), "0x7474");
        assert_eq!(r.value(OPER, &Value::Integer(1)), "up(1)");
        // -Or: as collected.
        let raw = Render::parse(&["r".to_string()]).unwrap();
        assert_eq!(raw.value(OPER, &Value::Integer(1)), "1");
        assert_eq!(r.name(&[1, 3, 6, 1, 2, 1, 1, 5, 0]), ".1.3.6.1.2.1.1.5.0");
        let plain = Render::default();
        assert_eq!(
            plain.name(&[1, 3, 6, 1, 2, 1, 1, 5, 0]),
            "SNMPv2-MIB::sysName.0"
        );
        let short = Render::parse(&["s".to_string()]).unwrap();
        assert_eq!(short.name(&[1, 3, 6, 1, 2, 1, 1, 5, 0]), "sysName.0");
        assert_eq!(plain.value(NAME, &Value::OctetString(b"tt")), "tt");
        let e = Render::parse(&["q".to_string()]).unwrap_err().to_string();
        assert_eq!(
            e,
            "unsupported output option -Oq (supported: -On, -Os, -Of, -Ob, -Ox, -Or)"
        );
        // Not text: net-snmp's Hex-STRING by default, 0x-hex as collected.
        const UNKNOWN: &[u32] = &[1, 3, 6, 1, 4, 1, 99999, 1];
        assert_eq!(
            plain.value(UNKNOWN, &Value::OctetString(&[0, 0x1b, 0xff])),
            "00 1B FF"
        );
        assert_eq!(
            raw.value(UNKNOWN, &Value::OctetString(&[0, 0x1b, 0xff])),
            "0x001bff"
        );
        assert_eq!(hex(&[0, 0x1b, 0xff]), "001bff");
    }

    #[test]
    fn csv_cells_are_quoted() {
        assert_eq!(cell("a,b", true), "\"a,b\"");
        assert_eq!(cell("say \"hi\"", true), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("a\tb", false), "a b");
    }

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(
            OutFormat::from_path(Path::new("x.PARQUET")),
            OutFormat::Parquet
        );
        assert_eq!(OutFormat::from_path(Path::new("x.csv")), OutFormat::Csv);
        assert_eq!(OutFormat::from_path(Path::new("x.txt")), OutFormat::Table);
        assert_eq!(OutFormat::from_path(Path::new("x")), OutFormat::Wire);
    }
}
