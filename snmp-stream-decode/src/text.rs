//! Records as text, once for every reader: the frames' string columns and the `snmp-stream`
//! command's printed tables use these same functions.
//!
//! - [`printable`]: whether an OCTET STRING is text (UTF-8 without control characters other
//!   than tab, CR and LF).
//! - [`type_name`]: a tag's SMI type name as net-snmp prints it (`Counter64`, `tag 0x47`).
//! - [`push_value`] / [`value_line`]: a value's text form: numbers in decimal, printable
//!   strings as they are and other bytes as `0x` hex, OIDs dotted, IpAddress as a dotted quad,
//!   the exceptions by name; [`value_line`] keeps it on one line.
//! - [`push_dotted`], [`push_dotted_u64`], [`push_ip`], [`push_hex`]: the pieces, without
//!   formatting machinery (they are the hot path of the long frame's `index` column).

use std::sync::OnceLock;

use snmp_stream_core::{SubIds, Tag, Value};

/// The bytes as text when they are UTF-8 with no control characters other than tab, CR and LF.
pub fn printable(b: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(b).ok()?;
    s.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .then_some(s)
}

/// The SMI type name of a tag byte as net-snmp prints it, or `tag 0x47` for one SNMP does not
/// define.
pub fn type_name(tag: u8) -> &'static str {
    static NAMES: OnceLock<[String; 256]> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        std::array::from_fn(|b| {
            let b = b as u8;
            Tag::from_u8(b).map_or_else(|| format!("tag {b:#04x}"), |t| t.name().to_owned())
        })
    });
    &names[usize::from(tag)]
}

/// Appends a value's text form: decimal numbers; an OCTET STRING as it is when
/// [`printable`], else `0x` and hex (as Opaque and unknown tags always); OIDs dotted;
/// IpAddress as a dotted quad; NULL as nothing; `noSuchObject`, `noSuchInstance`,
/// `endOfMibView` by name.
pub fn push_value(out: &mut String, v: &Value<'_>) {
    match *v {
        Value::Integer(i) => {
            if i < 0 {
                out.push('-');
            }
            push_u64(out, i.unsigned_abs());
        }
        Value::Counter32(u) | Value::Gauge32(u) | Value::TimeTicks(u) | Value::Counter64(u) => {
            push_u64(out, u);
        }
        Value::OctetString(b) => match printable(b) {
            Some(s) => out.push_str(s),
            None => {
                out.push_str("0x");
                push_hex(out, b);
            }
        },
        Value::Opaque(b) | Value::Unknown { content: b, .. } => {
            out.push_str("0x");
            push_hex(out, b);
        }
        Value::ObjectId(o) => push_dotted(out, o),
        Value::IpAddress(a) => push_ip(out, a),
        Value::Null => {}
        Value::NoSuchObject => out.push_str("noSuchObject"),
        Value::NoSuchInstance => out.push_str("noSuchInstance"),
        Value::EndOfMibView => out.push_str("endOfMibView"),
        // A kind of value added to the core after this was written.
        ref other => {
            use std::fmt::Write as _;
            let _ = write!(out, "{other:?}");
        }
    }
}

/// [`push_value`] as a string on one line: tabs and line breaks of a printable string become
/// spaces.
pub fn value_line(v: &Value<'_>) -> String {
    let mut s = String::new();
    push_value(&mut s, v);
    if s.contains(['\t', '\r', '\n']) {
        s = s.replace(['\t', '\r', '\n'], " ");
    }
    s
}

/// Appends the bytes in lowercase hex, two digits each, without a prefix.
pub fn push_hex(out: &mut String, b: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(2 * b.len());
    for &x in b {
        out.push(char::from(DIGITS[usize::from(x >> 4)]));
        out.push(char::from(DIGITS[usize::from(x & 15)]));
    }
}

/// Appends the sub-identifiers in dotted form.
#[inline]
pub fn push_dotted(out: &mut String, subs: SubIds<'_>) {
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
pub fn push_dotted_u64(out: &mut String, subs: &[u64]) {
    for (i, &v) in subs.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_u64(out, v);
    }
}

/// Appends an IpAddress as a dotted quad.
#[inline]
pub fn push_ip(out: &mut String, a: [u8; 4]) {
    for (i, &b) in a.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_u64(out, u64::from(b));
    }
}

/// Appends `n` in decimal.
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
    fn type_names_cover_every_byte() {
        assert_eq!(type_name(0x46), "Counter64");
        assert_eq!(type_name(0x04), "OCTET STRING");
        assert_eq!(type_name(0x47), "tag 0x47");
    }

    #[test]
    fn values_as_text() {
        let line = |v: Value<'_>| value_line(&v);
        assert_eq!(line(Value::Integer(-5)), "-5");
        assert_eq!(line(Value::Integer(i64::MIN)), i64::MIN.to_string());
        assert_eq!(line(Value::Counter64(u64::MAX)), u64::MAX.to_string());
        assert_eq!(line(Value::OctetString(b"eth0")), "eth0");
        assert_eq!(line(Value::OctetString(b"two\nlines\t")), "two lines ");
        assert_eq!(line(Value::OctetString(&[0, 0x12, 0xab])), "0x0012ab");
        assert_eq!(line(Value::Opaque(b"ab")), "0x6162");
        assert_eq!(line(Value::IpAddress([10, 0, 0, 1])), "10.0.0.1");
        assert_eq!(line(Value::Null), "");
        assert_eq!(line(Value::NoSuchInstance), "noSuchInstance");
        assert_eq!(line(Value::EndOfMibView), "endOfMibView");
        // A printable string keeps its line breaks outside one-line output.
        let mut s = String::new();
        push_value(&mut s, &Value::OctetString(b"a\nb"));
        assert_eq!(s, "a\nb");
    }
}
