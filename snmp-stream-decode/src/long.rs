//! The long frame: one row per record.

use std::sync::OnceLock;

use polars::prelude::*;
use snmp_stream_core::wireline::Wireline;
use snmp_stream_core::{SubIds, Tag, Value};

use crate::DecodeError;

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
    "oid",
    "ip",
];

/// The long frame of a buffer: one row per record, in buffer order.
///
/// `host` fills the `host` column (null when `None`); `req_id` is the buffer's request-id, read
/// as lossy UTF-8. See the crate docs for the schema. A corrupt record fails the whole call
/// with [`DecodeError::Wireline`], which carries the byte offset.
pub fn long_frame(buf: &Wireline<'_>, host: Option<&str>) -> Result<DataFrame, DecodeError> {
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
    let names = tag_names();

    let mut timestamp: Vec<i64> = Vec::with_capacity(n);
    let mut root_oid = StringChunkedBuilder::new("root_oid".into(), n);
    let mut index = StringChunkedBuilder::new("index".into(), n);
    let mut value_type = StringChunkedBuilder::new("value_type".into(), n);
    let mut int = PrimitiveChunkedBuilder::<Int64Type>::new("int".into(), n);
    let mut uint = PrimitiveChunkedBuilder::<UInt64Type>::new("uint".into(), n);
    let mut bytes = BinaryChunkedBuilder::new("bytes".into(), n);
    let mut text = StringChunkedBuilder::new("text".into(), n);
    let mut oid = StringChunkedBuilder::new("oid".into(), n);
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
        value_type.append_value(&names[usize::from(rec.tag())]);

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

/// The `value_type` name of every tag byte: the SMI name, or `tag 0x47` for one SNMP does not
/// define.
pub(crate) fn tag_names() -> &'static [String; 256] {
    static NAMES: OnceLock<[String; 256]> = OnceLock::new();
    NAMES.get_or_init(|| {
        std::array::from_fn(|b| {
            let b = b as u8;
            Tag::from_u8(b).map_or_else(|| format!("tag {b:#04x}"), |t| t.name().to_owned())
        })
    })
}

/// The bytes as text when they are UTF-8 with no control characters other than tab, CR and LF.
pub(crate) fn printable(b: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(b).ok()?;
    s.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .then_some(s)
}

/// Appends the sub-identifiers in dotted form.
#[inline]
pub(crate) fn push_dotted(out: &mut String, subs: SubIds<'_>) {
    match subs {
        SubIds::U32(s) => {
            for (i, &v) in s.iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                push_u64(out, u64::from(v));
            }
        }
        SubIds::U64(s) => push_dotted_u64(out, s),
        other => {
            for (i, v) in other.iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                push_u64(out, v);
            }
        }
    }
}

/// Appends 64-bit sub-identifiers in dotted form.
#[inline]
pub(crate) fn push_dotted_u64(out: &mut String, subs: &[u64]) {
    for (i, &v) in subs.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_u64(out, v);
    }
}

/// Appends an IpAddress as a dotted quad.
#[inline]
pub(crate) fn push_ip(out: &mut String, a: [u8; 4]) {
    for (i, &b) in a.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_u64(out, u64::from(b));
    }
}

/// Appends `n` in decimal (no formatting machinery: this is the hot path of `index`).
#[inline]
fn push_u64(out: &mut String, mut n: u64) {
    if n < 10 {
        out.push(char::from(b'0' + n as u8));
        return;
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    while n > 0 {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_and_dotted() {
        let mut s = String::new();
        push_dotted_u64(&mut s, &[0, 9, 10, 255, u64::from(u32::MAX), u64::MAX]);
        assert_eq!(s, format!("0.9.10.255.{}.{}", u32::MAX, u64::MAX));
        s.clear();
        push_ip(&mut s, [192, 0, 2, 1]);
        assert_eq!(s, "192.0.2.1");
    }

    #[test]
    fn printable_text() {
        assert_eq!(printable(b"eth0"), Some("eth0"));
        assert_eq!(printable(b""), Some(""));
        assert_eq!(printable(b"a\tb\r\n"), Some("a\tb\r\n"));
        assert_eq!(printable("é".as_bytes()), Some("é"));
        assert_eq!(printable(&[0x00, 0x12, 0x79]), None);
        assert_eq!(printable(&[0xff]), None);
    }

    #[test]
    fn tag_names_cover_every_byte() {
        let names = tag_names();
        assert_eq!(names[0x46], "Counter64");
        assert_eq!(names[0x04], "OCTET STRING");
        assert_eq!(names[0x47], "tag 0x47");
    }
}
