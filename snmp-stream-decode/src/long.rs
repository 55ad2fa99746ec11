//! The long frame: one row per record.

use polars::prelude::*;
use snmp_stream_core::Value;
use snmp_stream_core::wireline::Wireline;

use crate::FrameError;
use crate::text::{printable, push_dotted, push_dotted_u64, push_ip, type_name};

/// Column names of the long frame, in order (see the crate docs for their types).
pub const LONG_COLUMNS: [&str; 12] = [
    "req_id",
    "host",
    "timestamp",
    "root_oid",
    "index",
    "value_type",
    "int",
    "uint",
    "bytes",
    "text",
    "oid_value",
    "ip",
];

/// The long frame of a buffer: one row per record, in buffer order.
///
/// `host` fills the `host` column (null when `None`); `req_id` is the buffer's request-id, read
/// as lossy UTF-8. See the crate docs for the schema. A corrupt record fails the whole call
/// with [`FrameError::Wireline`], which carries the byte offset.
pub fn long_frame(buf: &Wireline<'_>, host: Option<&str>) -> Result<DataFrame, FrameError> {
    // A counting pass (it checks every record) lets every column be allocated once.
    let n = buf.records().count();
    let roots: Vec<String> = buf
        .roots()
        .map(|r| {
            let mut s = String::new();
            push_dotted_u64(&mut s, r);
            s
        })
        .collect();

    let mut timestamp: Vec<i64> = Vec::with_capacity(n);
    let mut root_oid = StringChunkedBuilder::new("root_oid".into(), n);
    let mut index = StringChunkedBuilder::new("index".into(), n);
    let mut value_type = StringChunkedBuilder::new("value_type".into(), n);
    let mut int = PrimitiveChunkedBuilder::<Int64Type>::new("int".into(), n);
    let mut uint = PrimitiveChunkedBuilder::<UInt64Type>::new("uint".into(), n);
    let mut bytes = BinaryChunkedBuilder::new("bytes".into(), n);
    let mut text = StringChunkedBuilder::new("text".into(), n);
    let mut oid = StringChunkedBuilder::new("oid_value".into(), n);
    let mut ip = StringChunkedBuilder::new("ip".into(), n);
    let mut scratch = String::with_capacity(64);

    for rec in buf.records() {
        let rec = rec?;
        timestamp.push(i64::try_from(rec.timestamp_nanos()).unwrap_or(i64::MAX));
        // The reader checks every record's root index against the header's roots.
        root_oid.append_value(&roots[rec.root_index()]);
        scratch.clear();
        push_dotted(&mut scratch, rec.index());
        index.append_value(&scratch);
        value_type.append_value(type_name(rec.tag()));

        let value = rec.value()?;
        match value {
            Value::Integer(i) => int.append_value(i),
            _ => int.append_null(),
        }
        match value {
            Value::Counter32(u) | Value::Gauge32(u) | Value::TimeTicks(u) | Value::Counter64(u) => {
                uint.append_value(u)
            }
            _ => uint.append_null(),
        }
        match value {
            Value::OctetString(b) => {
                bytes.append_value(b);
                text.append_option(printable(b));
            }
            Value::Opaque(b) | Value::Unknown { content: b, .. } => {
                bytes.append_value(b);
                text.append_null();
            }
            _ => {
                bytes.append_null();
                text.append_null();
            }
        }
        match value {
            Value::ObjectId(o) => {
                scratch.clear();
                push_dotted(&mut scratch, o);
                oid.append_value(&scratch);
            }
            _ => oid.append_null(),
        }
        match value {
            Value::IpAddress(a) => {
                scratch.clear();
                push_ip(&mut scratch, a);
                ip.append_value(&scratch);
            }
            _ => ip.append_null(),
        }
    }

    let req_id = String::from_utf8_lossy(buf.req_id());
    let req_id = Scalar::new(
        DataType::String,
        AnyValue::StringOwned(req_id.as_ref().into()),
    );
    let host = Scalar::new(
        DataType::String,
        host.map_or(AnyValue::Null, |h| AnyValue::StringOwned(h.into())),
    );
    let timestamp = Int64Chunked::from_vec("timestamp".into(), timestamp)
        .into_datetime(TimeUnit::Nanoseconds, None);
    let columns = vec![
        Column::new_scalar("req_id".into(), req_id, n),
        Column::new_scalar("host".into(), host, n),
        timestamp.into_column(),
        root_oid.finish().into_column(),
        index.finish().into_column(),
        value_type.finish().into_column(),
        int.finish().into_column(),
        uint.finish().into_column(),
        bytes.finish().into_column(),
        text.finish().into_column(),
        oid.finish().into_column(),
        ip.finish().into_column(),
    ];
    Ok(DataFrame::new(n, columns)?)
}
