//! MIB names for the long frame: `name` (`IF-MIB::ifDescr`), `index_decoded`
//! (`ipv4."127.0.0.1"`, from the INDEX clause) and `value_text` (the value as snmpwalk shows
//! it: `up(1)`), beside the raw columns, which stay as they are.

use std::collections::HashMap;

use polars::prelude::*;
use snmp_stream_core::wireline::Wireline;
use snmp_stream_mib::{IndexSchema, Mibs, Syntax};

use crate::FrameError;
use crate::long::long_frame;
use crate::text::push_dotted_u64;

/// Column names the MIB adds to the long frame, after [`crate::LONG_COLUMNS`].
pub const NAMED_COLUMNS: [&str; 3] = ["name", "index_decoded", "value_text"];

/// What one MIB object gives every record under it: compiled once, used for each row.
struct Object {
    /// `MODULE::object`; `None` when no MIB names the OID.
    name: Option<String>,
    /// Arcs of the object's OID (what comes after is the index).
    depth: usize,
    schema: Option<IndexSchema>,
    syntax: Syntax,
}

fn compile(mibs: &Mibs, oid: &[u32]) -> Object {
    match mibs.object_of(oid).or_else(|| mibs.lookup(oid)) {
        Some(named) => {
            let depth = oid.len() - named.suffix.len();
            Object {
                name: Some(format!("{}::{}", named.module, named.object)),
                depth,
                schema: mibs.index_schema(oid),
                syntax: mibs.syntax(oid),
            }
        }
        None => Object {
            name: None,
            depth: oid.len(),
            schema: None,
            syntax: Syntax::default(),
        },
    }
}

/// [`long_frame`] with the MIB's [`NAMED_COLUMNS`] after the raw ones.
///
/// Each root that is a table column or a scalar is looked up once for all its records; under a
/// root above objects (a walk of `system`, of `1.3.6.1.2.1`), each record's object is looked
/// up once per object.
pub fn long_frame_named(
    buf: &Wireline<'_>,
    host: Option<&str>,
    mibs: &Mibs,
) -> Result<DataFrame, FrameError> {
    let mut df = long_frame(buf, host)?;
    let n = df.height();
    let roots: Vec<Vec<u32>> = buf
        .roots()
        .map(|r| {
            r.iter()
                .map(|&a| u32::try_from(a).unwrap_or(u32::MAX))
                .collect()
        })
        .collect();
    // Per root: its object, when the root is a column or scalar or lies inside one (then every
    // record under it is of that object); else looked up per record.
    let by_root: Vec<Option<Object>> = roots
        .iter()
        .map(|r| mibs.is_column_or_scalar(r).then(|| compile(mibs, r)))
        .collect();
    let mut below: HashMap<Vec<u32>, Object> = HashMap::new();

    let mut name = StringChunkedBuilder::new("name".into(), n);
    let mut index = StringChunkedBuilder::new("index_decoded".into(), n);
    let mut value_text = StringChunkedBuilder::new("value_text".into(), n);
    let mut full: Vec<u32> = Vec::with_capacity(64);
    let mut scratch = String::with_capacity(64);
    for rec in buf.records() {
        let rec = rec?;
        let root = &roots[rec.root_index()];
        full.clear();
        full.extend_from_slice(root);
        full.extend(
            rec.index()
                .iter()
                .map(|a| u32::try_from(a).unwrap_or(u32::MAX)),
        );
        let object = match &by_root[rec.root_index()] {
            Some(o) => o,
            None => {
                let depth = mibs
                    .object_of(&full)
                    .or_else(|| mibs.lookup(&full))
                    .map_or(full.len(), |n| full.len() - n.suffix.len());
                below
                    .entry(full[..depth].to_vec())
                    .or_insert_with(|| compile(mibs, &full[..depth]))
            }
        };
        name.append_option(object.name.as_deref());
        scratch.clear();
        let suffix = full.get(object.depth..).unwrap_or_default();
        match &object.schema {
            Some(schema) => {
                schema.write(&mut scratch, suffix);
                index.append_value(scratch.strip_prefix('.').unwrap_or(&scratch));
            }
            None => {
                let arcs: Vec<u64> = suffix.iter().map(|&a| u64::from(a)).collect();
                push_dotted_u64(&mut scratch, &arcs);
                index.append_value(&scratch);
            }
        }
        scratch.clear();
        object.syntax.write(mibs, &mut scratch, &rec.value()?);
        value_text.append_value(&scratch);
    }
    df.hstack_mut(&[
        name.finish().into_column(),
        index.finish().into_column(),
        value_text.finish().into_column(),
    ])?;
    Ok(df)
}

#[cfg(test)]
mod tests {
    use snmp_stream_core::wireline::WirelineWriter;
    use snmp_stream_core::{Oid, Value};

    use super::*;

    fn strs(df: &DataFrame, col: &str) -> Vec<Option<String>> {
        df.column(col)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|s| s.map(str::to_owned))
            .collect()
    }

    #[test]
    fn records_get_names_decoded_indexes_and_rendered_values() {
        let mibs = Mibs::bundled();
        let roots: Vec<Oid> = ["ifOperStatus", "ipAddressIfIndex", "system"]
            .iter()
            .map(|n| mibs.resolve(n).unwrap())
            .collect();
        let mut w = WirelineWriter::new(b"t", &roots);
        w.push_record(1, 0, &[3], &Value::Integer(1)).unwrap();
        w.push_record(1, 1, &[1, 4, 127, 0, 0, 1], &Value::Integer(1))
            .unwrap();
        // Under `system`: each record's own object.
        w.push_record(1, 2, &[5, 0], &Value::OctetString(b"tt"))
            .unwrap();
        w.push_record(1, 2, &[3, 0], &Value::TimeTicks(8_640_002))
            .unwrap();
        w.push_record(1, 2, &[9, 1, 2, 1], &Value::Null).unwrap();
        let buf = w.finish();
        let df = long_frame_named(&buf.read().unwrap(), Some("h"), mibs).unwrap();
        assert_eq!(df.width(), crate::LONG_COLUMNS.len() + NAMED_COLUMNS.len());
        let some = |v: &[&str]| v.iter().map(|s| Some((*s).to_owned())).collect::<Vec<_>>();
        assert_eq!(
            strs(&df, "name"),
            some(&[
                "IF-MIB::ifOperStatus",
                "IP-MIB::ipAddressIfIndex",
                "SNMPv2-MIB::sysName",
                "SNMPv2-MIB::sysUpTime",
                "SNMPv2-MIB::sysORID"
            ])
        );
        assert_eq!(
            strs(&df, "index_decoded"),
            some(&["3", "ipv4.\"127.0.0.1\"", "0", "0", "1"])
        );
        assert_eq!(
            strs(&df, "value_text"),
            some(&["up(1)", "1", "tt", "(8640002) 1 day, 0:00:00.02", ""])
        );
        // The raw columns are there as before.
        assert_eq!(strs(&df, "index")[1].as_deref(), Some("1.4.127.0.0.1"));
    }
}
