//! The table frame: a WALK of table columns reassembled into one row per index.

use polars::prelude::*;
use snmp_stream_core::Value;
use snmp_stream_core::wireline::Wireline;

use crate::FrameError;
use crate::aliases::alias;
use crate::text::{printable, push_dotted_u64, push_value};

/// A WALK's records laid out as a table: one row per distinct index (the sub-identifiers after
/// the root), in OID order (compared numerically), and the columns a caller maps roots to. The
/// table frame ([`table_frame`]) and the command's printed tables are both built from it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexGrid<'a> {
    /// Each row's index, in OID order.
    pub indexes: Vec<Vec<u64>>,
    /// Per column, per row: its value, `None` where the row has none. When a (column, index)
    /// pair occurs more than once the last record wins.
    pub columns: Vec<Vec<Option<Value<'a>>>>,
}

impl<'a> IndexGrid<'a> {
    /// The records of `buf` whose root index `column_of` maps to one of `columns` columns;
    /// records of other roots are left out, and so are their indexes.
    pub fn of(
        buf: &Wireline<'a>,
        columns: usize,
        column_of: impl Fn(usize) -> Option<usize>,
    ) -> Result<IndexGrid<'a>, FrameError> {
        let mut cells = Vec::new();
        for rec in buf.records() {
            let rec = rec?;
            let Some(col) = column_of(rec.root_index()).filter(|&c| c < columns) else {
                continue;
            };
            cells.push((rec.index().iter().collect::<Vec<u64>>(), col, rec.value()?));
        }
        let mut indexes: Vec<Vec<u64>> = cells.iter().map(|c| c.0.clone()).collect();
        indexes.sort_unstable();
        indexes.dedup();
        let mut grid = vec![vec![None; indexes.len()]; columns];
        for (index, col, value) in cells {
            if let Ok(row) = indexes.binary_search(&index) {
                grid[col][row] = Some(value);
            }
        }
        Ok(IndexGrid {
            indexes,
            columns: grid,
        })
    }
}

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
pub fn table_frame(buf: &Wireline<'_>) -> Result<DataFrame, FrameError> {
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

    // The reader checks every record's root index against the header's roots.
    let grid = IndexGrid::of(buf, names.len(), |root| col_of_root.get(root).copied())?;
    let rows = grid.indexes.len();

    let mut columns = Vec::with_capacity(1 + names.len());
    let mut index = StringChunkedBuilder::new("index".into(), rows);
    let mut scratch = String::new();
    for key in &grid.indexes {
        scratch.clear();
        push_dotted_u64(&mut scratch, key);
        index.append_value(&scratch);
    }
    columns.push(index.finish().into_column());
    for (dotted, values) in names.iter().zip(&grid.columns) {
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
                        push_value(&mut s, &v);
                        b.append_value(&s);
                    }
                    None => b.append_null(),
                }
            }
            b.finish().into_column()
        }
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
}
