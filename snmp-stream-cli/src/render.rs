//! How collected records print in the readable formats: names and values under net-snmp's
//! `-O` options ([`Render`]), and walks put in OID order ([`in_oid_orders`]).

use anyhow::{Context, bail};
use snmp_stream_core::wireline::WirelineWriter;
use snmp_stream_core::{RequestKind, Response, Value};

use snmp_stream_decode::text::{push_hex, value_line};

use snmp_stream_mib::{IndexSchema, OidStyle, Syntax};

use crate::names;

/// How names and values print in the readable formats: net-snmp's `-O` output options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Render {
    /// How OIDs are written: `MODULE::name.index` by default, `-On` numbers, `-Os` the name
    /// alone, `-Of` every arc named.
    pub(crate) style: OidStyle,
    /// `-Ob`: a table column's index in numbers (`.1.4.10.0.0.1`), not decoded from the
    /// INDEX clause (`.ipv4."10.0.0.1"`).
    pub(crate) numeric_index: bool,
    /// `-Ox`: every OCTET STRING in hex, printable or not.
    pub(crate) hex: bool,
    /// `-Or` (ours; net-snmp has no raw mode): values as collected, without the MIB's
    /// enumerations, hints and units.
    pub(crate) raw: bool,
}

impl Render {
    /// Parses `-O` arguments as net-snmp reads them: letters, each one option (`-Onx`).
    pub(crate) fn parse(args: &[String]) -> anyhow::Result<Render> {
        let mut r = Render::default();
        for c in args.iter().flat_map(|a| a.chars()) {
            match c {
                'n' => r.style = OidStyle::Numeric,
                's' => r.style = OidStyle::Short,
                'f' => r.style = OidStyle::Full,
                'b' => r.numeric_index = true,
                'x' => r.hex = true,
                'r' => r.raw = true,
                other => bail!(
                    "unsupported output option -O{other} (supported: -On, -Os, -Of, -Ob, -Ox, -Or)"
                ),
            }
        }
        Ok(r)
    }

    /// An OID as printed in a list: `IP-MIB::ipAddressIfIndex.ipv4."10.0.0.1"` (net-snmp's
    /// default: the index decoded from the INDEX clause), or as `-O` asks.
    pub(crate) fn name(self, arcs: &[u32]) -> String {
        if self.numeric_index || self.style == OidStyle::Numeric {
            names::format(arcs, self.style)
        } else {
            names::mibs().format_indexed(arcs, self.style)
        }
    }

    /// How a table's index column prints: decoded from the INDEX clause of the table `column`
    /// belongs to, unless `-Ob` or `-On` (then in numbers, `None`).
    pub(crate) fn index_schema(self, column: &[u32]) -> Option<IndexSchema> {
        if self.numeric_index || self.style == OidStyle::Numeric {
            return None;
        }
        names::mibs().index_schema(column)
    }

    /// A column's heading in a table: the object's name (`ifDescr`), or numbers with `-On`.
    pub(crate) fn column(self, arcs: &[u32]) -> String {
        match self.style {
            OidStyle::Numeric => names::format(arcs, OidStyle::Numeric),
            _ => names::display_name(arcs),
        }
    }

    /// The MIB modules that name frames (the long frame's `name`, `index_decoded` and
    /// `value_text` columns); none with `-Or`, whose frames keep the raw columns alone.
    pub(crate) fn frame_mibs(self) -> Option<&'static snmp_stream_mib::Mibs> {
        (!self.raw).then(names::mibs)
    }

    /// How the values of the object `arcs` (a column's root, or an instance) print: its MIB
    /// syntax, or none with `-Or`.
    pub(crate) fn syntax(self, arcs: &[u32]) -> Option<Syntax> {
        (!self.raw).then(|| names::mibs().syntax(arcs))
    }

    /// A value of the object `arcs`, as printed ([`value_with`](Self::value_with)).
    pub(crate) fn value(self, arcs: &[u32], v: &Value<'_>) -> String {
        self.value_with(self.syntax(arcs).as_ref(), v)
    }

    /// A value as printed, on one line: as snmpwalk shows it by the object's MIB syntax
    /// (`up(1)`, `0:1b:21:3c:9a:f0`, `200 milliseconds`), or as collected with `-Or` (no
    /// syntax); with `-Ox` an OCTET STRING is hex even when printable.
    pub(crate) fn value_with(self, syntax: Option<&Syntax>, v: &Value<'_>) -> String {
        match (*v, syntax) {
            (Value::OctetString(b), _) if self.hex => {
                let mut s = String::from("0x");
                push_hex(&mut s, b);
                s
            }
            (_, Some(syntax)) => {
                let s = syntax.render(names::mibs(), v);
                if s.contains(['\t', '\r', '\n']) {
                    s.replace(['\t', '\r', '\n'], " ")
                } else {
                    s
                }
            }
            (_, None) => value_line(v),
        }
    }
}

/// Each response with its records in OID order ([`in_oid_order`]).
pub(crate) fn in_oid_orders(responses: &[Response]) -> anyhow::Result<Vec<Response>> {
    responses.iter().map(in_oid_order).collect()
}

/// A walk's response with its records in OID order (root, then index; roots of a walk never
/// nest, so this is the order of the whole OIDs). A walk of several roots gets its columns
/// interleaved, a few rows of each per GETBULK; text and parquet list each response's records
/// in OID order instead. A GET keeps the request's order; a wireline file keeps the buffer as
/// the collector made it.
fn in_oid_order(r: &Response) -> anyhow::Result<Response> {
    // A GET keeps the order it was asked in (as snmpget does).
    if r.request.kind() != RequestKind::Walk {
        return Ok(r.clone());
    }
    let read = r.buffer.read().context("reading a response buffer")?;
    let mut rows = Vec::new();
    for rec in read.records() {
        let rec = rec.context("reading a response buffer")?;
        let index: Vec<u32> = rec
            .index()
            .iter()
            .map(|s| u32::try_from(s).unwrap_or(u32::MAX))
            .collect();
        rows.push((rec.root_index(), index, rec));
    }
    let roots = r.request.oids();
    let root_of = |i: usize| roots.get(i).map(|o| o.as_slice()).unwrap_or_default();
    rows.sort_by(|a, b| root_of(a.0).cmp(root_of(b.0)).then_with(|| a.1.cmp(&b.1)));
    let mut w = WirelineWriter::new(r.request.req_id(), roots);
    for (root, index, rec) in rows {
        let value = rec.value().context("reading a response buffer")?;
        w.push_record(rec.timestamp_nanos(), root, &index, &value)
            .context("rewriting a response buffer")?;
    }
    Ok(Response {
        buffer: w.finish(),
        ..r.clone()
    })
}
