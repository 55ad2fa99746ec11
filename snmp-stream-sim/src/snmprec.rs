//! Loading snmpsim's `.snmprec` recordings into a [`Mib`].
//!
//! A record is one line `OID|TAG|VALUE`:
//! - OID in dotted decimal (a leading dot is accepted);
//! - TAG the decimal ASN.1 tag: 2 INTEGER, 4 OCTET STRING, 5 NULL, 6 OBJECT IDENTIFIER,
//!   64 IpAddress, 65 Counter32, 66 Gauge32, 67 TimeTicks, 68 Opaque, 70 Counter64. A trailing
//!   `x` (`4x`, `64x`, `68x`) means VALUE is hex; snmpsim's recorder writes it for any string
//!   with a byte outside printable ASCII or a trailing space;
//! - VALUE everything after the second `|` (so it may itself contain `|`).
//!
//! As snmpsim does, each line is trimmed of surrounding whitespace before it is split. Blank
//! lines and `#` comment lines are skipped; lines may come in any order.
//!
//! A non-hex IpAddress is dotted quad (`10.0.0.1`) or, as snmpsim's recorder sometimes wrote
//! it, the four raw bytes as text (`J}M}` = 74.125.77.125).
//!
//! `TAG:module|options` lines select an snmpsim *variation module* (`2:delay|value=1,wait=100`);
//! none is supported. [`Mib::from_snmprec`] rejects them, [`Mib::from_snmprec_lenient`] skips
//! them (and any other bad line) and reports each.

use std::fmt;

use crate::mib::{Mib, MibValue};
use snmp_stream_core::{Oid, OidError};

/// A `.snmprec` line that could not be loaded: its 1-based number and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct SnmprecError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with the line.
    pub kind: SnmprecErrorKind,
}

/// What is wrong with a `.snmprec` line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnmprecErrorKind {
    /// The line does not have the two `|` separators of `OID|TAG|VALUE`.
    #[error("expected OID|TAG|VALUE, found {found} `|`")]
    MissingSeparator {
        /// How many separators the line has (0 or 1).
        found: usize,
    },
    /// The OID field is not a valid OID.
    #[error("bad OID {text:?}: {source}")]
    BadOid {
        /// The OID field (shortened if long).
        text: String,
        /// Why it is not an OID.
        source: OidError,
    },
    /// The TAG field is not one of the tags above (or has an `x` where hex is not allowed).
    #[error("unknown tag {0:?}")]
    UnknownTag(String),
    /// The TAG field selects an snmpsim variation module, which is not supported.
    #[error("variation module {module:?} is not supported")]
    Variation {
        /// The module name after the `:`.
        module: String,
    },
    /// The VALUE does not fit the tag.
    #[error("{type_name} value {value:?} {problem}")]
    BadValue {
        /// The SMI name of the tag's type.
        type_name: &'static str,
        /// The VALUE field (shortened if long).
        value: String,
        /// What is wrong, as a predicate ("is not a number").
        problem: ValueProblem,
    },
    /// The OID was already defined by an earlier line.
    #[error("OID {oid} is already defined on line {first_line}")]
    Duplicate {
        /// The OID.
        oid: Oid,
        /// The line that defined it first.
        first_line: usize,
    },
}

/// Why a VALUE does not fit its tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueProblem {
    /// Not a decimal number.
    NotANumber,
    /// A number outside the type's range.
    OutOfRange,
    /// Hex with an odd number of digits or a non-hex character.
    BadHex,
    /// Not an OID.
    NotAnOid(OidError),
    /// Not a dotted-quad IPv4 address nor four raw bytes.
    NotAnIpAddress,
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueProblem::NotANumber => f.write_str("is not a number"),
            ValueProblem::OutOfRange => f.write_str("is out of range"),
            ValueProblem::BadHex => f.write_str("is not an even number of hex digits"),
            ValueProblem::NotAnOid(e) => write!(f, "is not an OID ({e})"),
            ValueProblem::NotAnIpAddress => f.write_str("is not an IPv4 address"),
        }
    }
}

impl Mib {
    /// Loads a `.snmprec` recording; the first bad line is an error naming its line number.
    ///
    /// ```
    /// use snmp_stream_sim::{Mib, MibValue};
    ///
    /// let mib = Mib::from_snmprec("1.3.6.1.2.1.1.3.0|67|233425120\n1.3.6.1.2.1.1.1.0|4|Linux\n")?;
    /// assert_eq!(mib.len(), 2);
    /// let (first, value) = mib.iter().next().unwrap();
    /// assert_eq!(first.to_string(), "1.3.6.1.2.1.1.1.0");
    /// assert_eq!(value, &MibValue::OctetString(b"Linux".to_vec()));
    ///
    /// let err = Mib::from_snmprec("1.3.6.1.2.1.1.3.0|67|233425120\n1.3.6.1.2.1.2.1.0|65|abc").unwrap_err();
    /// assert_eq!(err.to_string(), r#"line 2: Counter32 value "abc" is not a number"#);
    /// # Ok::<(), snmp_stream_sim::SnmprecError>(())
    /// ```
    pub fn from_snmprec(text: &str) -> Result<Mib, SnmprecError> {
        let mut entries = Vec::new();
        for (line, record) in records(text) {
            let (oid, value) = record.map_err(|kind| SnmprecError { line, kind })?;
            entries.push((oid, value, line));
        }
        build(entries, Err)
    }

    /// Loads a `.snmprec` recording, skipping every line that cannot be loaded (variation-module
    /// lines, bad values, later duplicates of an OID) and returning them with the MIB.
    ///
    /// ```
    /// use snmp_stream_sim::{Mib, SnmprecErrorKind};
    ///
    /// let (mib, skipped) = Mib::from_snmprec_lenient(
    ///     "1.3.6.1.2.1.2.2.1.1.1|2:delay|value=1,wait=100\n1.3.6.1.2.1.2.2.1.2.1|4|eth0\n",
    /// );
    /// assert_eq!(mib.len(), 1);
    /// assert_eq!(skipped.len(), 1);
    /// assert_eq!(skipped[0].line, 1);
    /// assert!(matches!(&skipped[0].kind, SnmprecErrorKind::Variation { module } if module == "delay"));
    /// ```
    pub fn from_snmprec_lenient(text: &str) -> (Mib, Vec<SnmprecError>) {
        let mut entries = Vec::new();
        let mut skipped = Vec::new();
        for (line, record) in records(text) {
            match record {
                Ok((oid, value)) => entries.push((oid, value, line)),
                Err(kind) => skipped.push(SnmprecError { line, kind }),
            }
        }
        let mib = build(entries, |e| {
            skipped.push(e);
            Ok(())
        });
        // `build` only fails when the callback does.
        let mib = mib.unwrap_or_default();
        skipped.sort_by_key(|e| e.line);
        (mib, skipped)
    }
}

/// Sorts the entries and handles duplicates (the first definition stays) with `on_duplicate`.
fn build(
    mut entries: Vec<(Oid, MibValue, usize)>,
    mut on_duplicate: impl FnMut(SnmprecError) -> Result<(), SnmprecError>,
) -> Result<Mib, SnmprecError> {
    // Stable sort: of equal OIDs the earliest line comes first.
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut kept: Vec<(Oid, MibValue, usize)> = Vec::with_capacity(entries.len());
    for e in entries {
        match kept.last() {
            Some(first) if first.0 == e.0 => on_duplicate(SnmprecError {
                line: e.2,
                kind: SnmprecErrorKind::Duplicate {
                    oid: e.0,
                    first_line: first.2,
                },
            })?,
            _ => kept.push(e),
        }
    }
    Ok(Mib::from_sorted(kept.into_iter().map(|(o, v, _)| (o, v))))
}

/// The records of a file with their 1-based line numbers, blank and comment lines left out.
fn records(
    text: &str,
) -> impl Iterator<Item = (usize, Result<(Oid, MibValue), SnmprecErrorKind>)> + '_ {
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        Some((i + 1, parse_record(line)))
    })
}

/// Parses one trimmed, non-empty line.
fn parse_record(line: &str) -> Result<(Oid, MibValue), SnmprecErrorKind> {
    let mut fields = line.splitn(3, '|');
    let (Some(oid), Some(tag), Some(value)) = (fields.next(), fields.next(), fields.next()) else {
        return Err(SnmprecErrorKind::MissingSeparator {
            found: line.matches('|').count(),
        });
    };
    let oid: Oid = oid
        .trim()
        .parse()
        .map_err(|source| SnmprecErrorKind::BadOid {
            text: shorten(oid),
            source,
        })?;
    let tag = tag.trim();
    if let Some((_, module)) = tag.split_once(':') {
        return Err(SnmprecErrorKind::Variation {
            module: shorten(module),
        });
    }
    Ok((oid, parse_value(tag, value)?))
}

/// Parses VALUE according to TAG.
fn parse_value(tag: &str, value: &str) -> Result<MibValue, SnmprecErrorKind> {
    let (number, hex) = match tag.strip_suffix('x') {
        Some(number) => (number, true),
        None => (tag, false),
    };
    let bad = |type_name: &'static str, problem: ValueProblem| SnmprecErrorKind::BadValue {
        type_name,
        value: shorten(value),
        problem,
    };
    let hex_bytes = |type_name: &'static str| -> Result<Vec<u8>, SnmprecErrorKind> {
        decode_hex(value.trim()).ok_or_else(|| bad(type_name, ValueProblem::BadHex))
    };
    let number_value = value.trim();
    let unsigned32 = |type_name: &'static str| -> Result<u32, SnmprecErrorKind> {
        parse_number::<u32>(number_value).map_err(|p| bad(type_name, p))
    };
    Ok(match (number, hex) {
        ("2", false) => {
            MibValue::Integer(parse_number::<i64>(number_value).map_err(|p| bad("INTEGER", p))?)
        }
        ("4", false) => MibValue::OctetString(value.as_bytes().to_vec()),
        ("4", true) => MibValue::OctetString(hex_bytes("OCTET STRING")?),
        // NULL has no value; whatever follows the separator is ignored.
        ("5", false) => MibValue::Null,
        ("6", false) => MibValue::ObjectId(
            number_value
                .parse()
                .map_err(|e| bad("OID", ValueProblem::NotAnOid(e)))?,
        ),
        ("64", false) => MibValue::IpAddress(
            parse_ip(value).ok_or_else(|| bad("IpAddress", ValueProblem::NotAnIpAddress))?,
        ),
        ("64", true) => MibValue::IpAddress(
            hex_bytes("IpAddress")?
                .try_into()
                .map_err(|_| bad("IpAddress", ValueProblem::NotAnIpAddress))?,
        ),
        ("65", false) => MibValue::Counter32(unsigned32("Counter32")?),
        ("66", false) => MibValue::Gauge32(unsigned32("Gauge32")?),
        ("67", false) => MibValue::TimeTicks(unsigned32("Timeticks")?),
        ("68", false) => MibValue::Opaque(value.as_bytes().to_vec()),
        ("68", true) => MibValue::Opaque(hex_bytes("Opaque")?),
        ("70", false) => {
            MibValue::Counter64(parse_number::<u64>(number_value).map_err(|p| bad("Counter64", p))?)
        }
        _ => return Err(SnmprecErrorKind::UnknownTag(shorten(tag))),
    })
}

/// A decimal number, telling a non-number from one out of range.
fn parse_number<T: std::str::FromStr>(s: &str) -> Result<T, ValueProblem> {
    s.parse().map_err(|_| {
        let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            ValueProblem::OutOfRange
        } else {
            ValueProblem::NotANumber
        }
    })
}

/// Dotted quad, or exactly four raw bytes.
fn parse_ip(value: &str) -> Option<[u8; 4]> {
    if let Ok(ip) = value.trim().parse::<std::net::Ipv4Addr>() {
        return Some(ip.octets());
    }
    value.as_bytes().try_into().ok()
}

/// Hex digits (either case) to bytes; `None` for an odd count or a non-hex character.
fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let digits = s.as_bytes();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| {
            let hi = char::from(*pair.first()?).to_digit(16)?;
            let lo = char::from(*pair.get(1)?).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

/// A field for an error message: at most 64 characters.
fn shorten(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(tag: &str, v: &str) -> Result<MibValue, SnmprecErrorKind> {
        parse_value(tag, v)
    }

    fn err_line(text: &str) -> String {
        Mib::from_snmprec(text).unwrap_err().to_string()
    }

    #[test]
    fn every_tag_parses() {
        assert_eq!(value("2", "-1"), Ok(MibValue::Integer(-1)));
        assert_eq!(value("2", "4294967296"), Ok(MibValue::Integer(1 << 32)));
        assert_eq!(
            value("4", "a|b c"),
            Ok(MibValue::OctetString(b"a|b c".to_vec()))
        );
        assert_eq!(value("4", ""), Ok(MibValue::OctetString(vec![])));
        assert_eq!(
            value("4x", "00127962F940"),
            Ok(MibValue::OctetString(vec![0, 0x12, 0x79, 0x62, 0xf9, 0x40]))
        );
        assert_eq!(value("4x", ""), Ok(MibValue::OctetString(vec![])));
        assert_eq!(value("5", ""), Ok(MibValue::Null));
        assert_eq!(
            value("6", "1.3.6.1.4.1.8072.3.2.10"),
            Ok(MibValue::ObjectId(
                "1.3.6.1.4.1.8072.3.2.10".parse().unwrap()
            ))
        );
        assert_eq!(
            value("64", "10.0.0.1"),
            Ok(MibValue::IpAddress([10, 0, 0, 1]))
        );
        assert_eq!(
            value("64", "J}M}"),
            Ok(MibValue::IpAddress([74, 125, 77, 125]))
        );
        assert_eq!(
            value("64x", "c3dafe61"),
            Ok(MibValue::IpAddress([195, 218, 254, 97]))
        );
        assert_eq!(value("65", "4294967295"), Ok(MibValue::Counter32(u32::MAX)));
        assert_eq!(value("66", "0"), Ok(MibValue::Gauge32(0)));
        assert_eq!(value("67", "233425120"), Ok(MibValue::TimeTicks(233425120)));
        assert_eq!(
            value("68x", "9f78043eeb851f"),
            Ok(MibValue::Opaque(vec![
                0x9f, 0x78, 0x04, 0x3e, 0xeb, 0x85, 0x1f
            ]))
        );
        assert_eq!(
            value("70", "18446744073709551615"),
            Ok(MibValue::Counter64(u64::MAX))
        );
    }

    #[test]
    fn errors_name_the_line_and_the_problem() {
        let ok = "1.3.6.1.2.1.1.3.0|67|1\n";
        assert_eq!(
            err_line(&format!("{ok}\n1.3.6.1.2.1.2.1.0|65|abc\n")),
            r#"line 3: Counter32 value "abc" is not a number"#
        );
        assert_eq!(
            err_line("1.3.6.1.2.1.2.1.0|65|4294967296"),
            r#"line 1: Counter32 value "4294967296" is out of range"#
        );
        assert_eq!(
            err_line("1.3.6.1.2.1.2.1.0|4x|abc"),
            r#"line 1: OCTET STRING value "abc" is not an even number of hex digits"#
        );
        assert_eq!(
            err_line("1.3.6.1.2.1.2.1.0|4x|zz"),
            r#"line 1: OCTET STRING value "zz" is not an even number of hex digits"#
        );
        assert_eq!(
            err_line("1.3.6.1.2.1.2.1.0|64|1.2.3"),
            r#"line 1: IpAddress value "1.2.3" is not an IPv4 address"#
        );
        assert_eq!(
            err_line("1.3.6.1.2.1.2.1.0|6|1.x"),
            r#"line 1: OID value "1.x" is not an OID (OID arc 2 (at byte 2) is not a decimal number)"#
        );
        assert_eq!(
            err_line("1.3.6.1.2.1.2.1.0|99|1"),
            r#"line 1: unknown tag "99""#
        );
        assert_eq!(
            err_line("1.3.6.1.2.1.2.1.0|2x|01"),
            r#"line 1: unknown tag "2x""#
        );
        assert_eq!(
            err_line("1.3.6.1.2.1.2.1.0|2"),
            "line 1: expected OID|TAG|VALUE, found 1 `|`"
        );
        assert_eq!(
            err_line("hello"),
            "line 1: expected OID|TAG|VALUE, found 0 `|`"
        );
        assert_eq!(
            err_line("1.3.6..1|2|1"),
            r#"line 1: bad OID "1.3.6..1": OID arc 4 (at byte 6) is empty"#
        );
        assert_eq!(
            err_line("1.3.6.1.2.1.2.2.1.3.1|2:delay|value=6,wait=100"),
            r#"line 1: variation module "delay" is not supported"#
        );
        assert_eq!(
            err_line("1.3.6.1|2|1\n1.3.6.2|2|1\n1.3.6.1|2|2"),
            "line 3: OID 1.3.6.1 is already defined on line 1"
        );
    }

    #[test]
    fn blank_comment_and_crlf_lines() {
        let mib = Mib::from_snmprec("\r\n# a comment\r\n  1.3.6.1|4|x  \r\n\n").unwrap();
        assert_eq!(mib.len(), 1);
        assert_eq!(
            mib.iter().next().map(|(_, v)| v.clone()),
            Some(MibValue::OctetString(b"x".to_vec()))
        );
    }

    #[test]
    fn lenient_skips_and_reports_in_line_order() {
        let text = "1.3.6.2|2|1\n1.3.6.1|2:error|status=noaccess\n1.3.6.2|2|2\nbad\n1.3.6.3|65|1";
        let (mib, skipped) = Mib::from_snmprec_lenient(text);
        assert_eq!(mib.len(), 2);
        assert_eq!(
            mib.get(&"1.3.6.2".parse().unwrap()),
            Some(&MibValue::Integer(1)),
            "the first definition stays"
        );
        let lines: Vec<usize> = skipped.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4]);
    }

    #[test]
    fn long_fields_are_shortened_in_errors() {
        let long = "z".repeat(200);
        let msg = err_line(&format!("1.3.6.1|65|{long}"));
        assert!(msg.len() < 120, "{msg}");
        assert!(msg.contains('…'));
    }
}
