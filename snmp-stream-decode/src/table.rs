//! The table frame: a WALK of table columns reassembled into one row per index.

use std::fmt::Write as _;

use polars::prelude::*;
use snmp_stream_core::Value;
use snmp_stream_core::wireline::Wireline;

use crate::DecodeError;
use crate::aliases::alias;
use crate::long::{printable, push_dotted, push_dotted_u64, push_ip};

/// What a table column holds, decided from all its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// INTEGER → Int64.
    Int,
    /// Counter32, Gauge32, TimeTicks, Counter64 → UInt64.
    UInt,
    /// OCTET STRINGs that are all printable → String.
    Text,
    /// OCTET STRING, Opaque, unknown tags → Binary.
    Binary,
    /// OBJECT IDENTIFIER → String, dotted.
    Oid,
    /// IpAddress → String, dotted quad.
    Ip,
    /// No values, or values of different kinds → String (each value in its text form).
    Mixed,
}

/// The kind of one value, or `None` for the ones a table cell shows as null (NULL and the
/// three exceptions).
fn kind_of(v: &Value<'_>) -> Option<Kind> {
    Some(match *v {
        Value::Integer(_) => Kind::Int,
        Value::Counter32(_) | Value::Gauge32(_) | Value::TimeTicks(_) | Value::Counter64(_) => {
            Kind::UInt
        }
        Value::OctetString(b) if printable(b).is_some() => Kind::Text,
        Value::OctetString(_) | Value::Opaque(_) | Value::Unknown { .. } => Kind::Binary,
        Value::ObjectId(_) => Kind::Oid,
        Value::IpAddress(_) => Kind::Ip,
        _ => return None,
    })
}

fn combine(a: Option<Kind>, b: Kind) -> Kind {
    match (a, b) {
        (None, b) => b,
        (Some(a), b) if a == b => a,
        (Some(Kind::Text | Kind::Binary), Kind::Text | Kind::Binary) => Kind::Binary,
        _ => Kind::Mixed,
    }
}

/// The table frame of a buffer holding a WALK of table columns.
///
/// One row per distinct index, in OID order (sub-identifiers compared numerically); an `index`
/// column (dotted) and then one column per distinct root OID, in header order, named by
/// [`alias`](crate::aliases::alias) when the root is a known MIB-2 object and by its dotted
/// form otherwise. A column's type follows its values: Int64 (INTEGER), UInt64 (Counter32,
/// Gauge32, TimeTicks, Counter64), String (OCTET STRINGs that are all printable text), Binary
/// (other OCTET STRINGs, Opaque, unknown tags), String (OID dotted, IpAddress dotted quad), or
/// String holding each value's text form when a column mixes kinds. A row without a value for a
/// column, or whose value is NULL or an exception, is null there. When a (root, index) pair
/// occurs more than once the last record wins.
pub fn table_frame(buf: &Wireline<'_>) -> Result<DataFrame, DecodeError> {
    // Distinct root OIDs become columns; a root listed twice shares its column.
    let mut names: Vec<String> = Vec::new();
    let mut col_of_root = Vec::with_capacity(buf.root_count());
    for root in buf.roots() {
        let mut dotted = String::new();
        push_dotted_u64(&mut dotted, root);
        let col = names.iter().position(|n| *n == dotted).unwrap_or_else(|| {
            names.push(dotted);
            names.len() - 1
        });
        col_of_root.push(col);
    }

    let mut cells = Vec::new();
    for rec in buf.records() {
        let rec = rec?;
        let index: Vec<u64> = rec.index().iter().collect();
        // The reader checks every record's root index against the header's roots.
        cells.push((index, col_of_root[rec.root_index()], rec.value()?));
    }
    let mut keys: Vec<&[u64]> = cells.iter().map(|c| c.0.as_slice()).collect();
    keys.sort_unstable();
    keys.dedup();
    let rows = keys.len();

    let mut grid: Vec<Vec<Option<Value<'_>>>> = vec![vec![None; rows]; names.len()];
    for (index, col, value) in &cells {
        if let Ok(row) = keys.binary_search(&index.as_slice()) {
            grid[*col][row] = Some(*value);
        }
    }

    let mut columns = Vec::with_capacity(1 + names.len());
    let mut index = StringChunkedBuilder::new("index".into(), rows);
    let mut scratch = String::new();
    for key in &keys {
        scratch.clear();
        push_dotted_u64(&mut scratch, key);
        index.append_value(&scratch);
    }
    columns.push(index.finish().into_column());
    for (dotted, values) in names.iter().zip(&grid) {
        let name: PlSmallStr = alias(dotted).unwrap_or(dotted).into();
        let kind = values
            .iter()
            .flatten()
            .filter_map(kind_of)
            .fold(None, |acc, k| Some(combine(acc, k)))
            .unwrap_or(Kind::Mixed);
        columns.push(build_column(name, kind, values));
    }
    Ok(DataFrame::new(rows, columns)?)
}

fn build_column(name: PlSmallStr, kind: Kind, values: &[Option<Value<'_>>]) -> Column {
    let n = values.len();
    let cells = values.iter().map(|v| v.filter(|v| kind_of(v).is_some()));
    match kind {
        Kind::Int => {
            let mut b = PrimitiveChunkedBuilder::<Int64Type>::new(name, n);
            for v in cells {
                match v {
                    Some(Value::Integer(i)) => b.append_value(i),
                    _ => b.append_null(),
                }
            }
            b.finish().into_column()
        }
        Kind::UInt => {
            let mut b = PrimitiveChunkedBuilder::<UInt64Type>::new(name, n);
            for v in cells {
                match v {
                    Some(
                        Value::Counter32(u)
                        | Value::Gauge32(u)
                        | Value::TimeTicks(u)
                        | Value::Counter64(u),
                    ) => b.append_value(u),
                    _ => b.append_null(),
                }
            }
            b.finish().into_column()
        }
        Kind::Binary => {
            let mut b = BinaryChunkedBuilder::new(name, n);
            for v in cells {
                match v {
                    Some(
                        Value::OctetString(x)
                        | Value::Opaque(x)
                        | Value::Unknown { content: x, .. },
                    ) => b.append_value(x),
                    _ => b.append_null(),
                }
            }
            b.finish().into_column()
        }
        Kind::Text | Kind::Oid | Kind::Ip | Kind::Mixed => {
            let mut b = StringChunkedBuilder::new(name, n);
            let mut s = String::new();
            for v in cells {
                match v {
                    Some(v) => {
                        s.clear();
                        push_text(&mut s, &v);
                        b.append_value(&s);
                    }
                    None => b.append_null(),
                }
            }
            b.finish().into_column()
        }
    }
}

/// A value's text form: decimal numbers, printable text as it is and other bytes as `0x` hex,
/// dotted OIDs and IpAddresses.
fn push_text(out: &mut String, v: &Value<'_>) {
    match *v {
        Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Counter32(u) | Value::Gauge32(u) | Value::TimeTicks(u) | Value::Counter64(u) => {
            let _ = write!(out, "{u}");
        }
        Value::OctetString(b) | Value::Opaque(b) | Value::Unknown { content: b, .. } => {
            match printable(b) {
                Some(s) if matches!(v, Value::OctetString(_)) => out.push_str(s),
                _ => {
                    out.push_str("0x");
                    for byte in b {
                        let _ = write!(out, "{byte:02x}");
                    }
                }
            }
        }
        Value::ObjectId(o) => push_dotted(out, o),
        Value::IpAddress(a) => push_ip(out, a),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_combine() {
        assert_eq!(combine(None, Kind::Int), Kind::Int);
        assert_eq!(combine(Some(Kind::Text), Kind::Binary), Kind::Binary);
        assert_eq!(combine(Some(Kind::Binary), Kind::Text), Kind::Binary);
        assert_eq!(combine(Some(Kind::Int), Kind::UInt), Kind::Mixed);
        assert_eq!(combine(Some(Kind::Mixed), Kind::Int), Kind::Mixed);
    }

    #[test]
    fn text_forms() {
        let mut s = String::new();
        push_text(&mut s, &Value::OctetString(&[0, 0x12, 0xab]));
        assert_eq!(s, "0x0012ab");
        s.clear();
        push_text(&mut s, &Value::Integer(-5));
        assert_eq!(s, "-5");
    }
}
