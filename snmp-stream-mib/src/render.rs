//! Values as `snmpwalk` shows them: enumerations (`up(1)`), DISPLAY-HINTs (RFC 2579 §3.1:
//! `0:12:79:62:f9:40`, `2010-10-25,22:15:11.0,+4:0`), BITS (`80 notification(0)`), UNITS,
//! TimeTicks (`(233425120) 27 days, 0:24:11.20`), OID values by name, Opaque floats
//! (`Float: 0.460000`), strings that are not text in hex (`00 0E 84`).
//!
//! A [`Syntax`] is compiled once per object (a table column, a scalar) from its MIB definition
//! and owns what it needs, so rendering a column of millions of values does no MIB lookup.
//! Strings print without net-snmp's quotes: they mark a string in its `=` lines, they are not
//! part of the value.

use std::fmt::Write;

use snmp_stream_core::Value;

use crate::{Mibs, OidStyle};

/// How one object's values print; [`Syntax::default`] is what a value with no MIB definition
/// gets (by its type alone, as net-snmp prints an unknown OID's value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Syntax {
    /// Enumeration labels by number, sorted by number.
    enums: Vec<(i64, String)>,
    /// BITS labels by bit number, sorted by number.
    bits: Vec<(u32, String)>,
    /// The effective DISPLAY-HINT, empty when none.
    hint: String,
    /// The UNITS clause, empty when none.
    units: String,
}

impl Mibs {
    /// The [`Syntax`] of the object `oid` is, or is an instance of (`ifOperStatus` or
    /// `ifOperStatus.3`); the default syntax when no object is a prefix.
    pub fn syntax(&self, oid: &[u32]) -> Syntax {
        let node = self.mib.lookup_oid(&mib_rs::Oid::from(oid));
        let Some(object) = node.object() else {
            return Syntax::default();
        };
        let mut enums: Vec<(i64, String)> = object
            .effective_enums()
            .iter()
            .map(|v| (v.value, v.label.clone()))
            .collect();
        enums.sort_unstable();
        let mut bits: Vec<(u32, String)> = object
            .effective_bits()
            .iter()
            .filter_map(|v| Some((u32::try_from(v.value).ok()?, v.label.clone())))
            .collect();
        bits.sort_unstable();
        Syntax {
            enums,
            bits,
            hint: object.effective_display_hint().to_owned(),
            units: object.units().to_owned(),
        }
    }

    /// `value` of the object `oid` (an instance OID) as snmpwalk shows it; see [`Syntax`] to
    /// render many values of one object.
    pub fn render(&self, oid: &[u32], value: &Value<'_>) -> String {
        let mut s = String::new();
        self.syntax(oid).write(self, &mut s, value);
        s
    }
}

impl Syntax {
    /// Appends `value` as snmpwalk shows it (without its type label); `mibs` names OID values.
    pub fn write(&self, mibs: &Mibs, out: &mut String, value: &Value<'_>) {
        match *value {
            Value::Integer(i) => {
                if let Ok(at) = self.enums.binary_search_by_key(&i, |(n, _)| *n) {
                    let _ = write!(out, "{}({i})", self.enums[at].1);
                    return;
                }
                if self.hint.is_empty() || !integer_hint(out, &self.hint, i) {
                    let _ = write!(out, "{i}");
                }
                self.push_units(out);
            }
            Value::Counter32(u) | Value::Gauge32(u) | Value::Counter64(u) => {
                match i64::try_from(u) {
                    Ok(i) if !self.hint.is_empty() && integer_hint(out, &self.hint, i) => {}
                    _ => {
                        let _ = write!(out, "{u}");
                    }
                }
                self.push_units(out);
            }
            Value::TimeTicks(t) => time_ticks(out, t),
            Value::OctetString(b) if !self.bits.is_empty() => self.write_bits(out, b),
            Value::OctetString(b) => {
                if self.hint.is_empty() || !octet_hint(out, &self.hint, b) {
                    match text(b) {
                        Some(t) => out.push_str(t),
                        None => hex_spaced(out, b),
                    }
                }
                self.push_units(out);
            }
            Value::ObjectId(subs) => {
                let arcs: Vec<u32> = subs
                    .iter()
                    .map(|a| u32::try_from(a).unwrap_or(u32::MAX))
                    .collect();
                mibs.write_indexed(out, &arcs, OidStyle::Module);
            }
            Value::IpAddress([a, b, c, d]) => {
                let _ = write!(out, "{a}.{b}.{c}.{d}");
            }
            Value::Opaque(b) => match opaque_number(b) {
                Some(n) => out.push_str(&n),
                None => hex_spaced(out, b),
            },
            Value::Null => {}
            Value::NoSuchObject => out.push_str("noSuchObject"),
            Value::NoSuchInstance => out.push_str("noSuchInstance"),
            Value::EndOfMibView => out.push_str("endOfMibView"),
            Value::Unknown { content, .. } => hex_spaced(out, content),
            // A kind of value added to the core after this was written.
            ref other => {
                let _ = write!(out, "{other:?}");
            }
        }
    }

    /// [`write`](Self::write) into a new string.
    pub fn render(&self, mibs: &Mibs, value: &Value<'_>) -> String {
        let mut s = String::new();
        self.write(mibs, &mut s, value);
        s
    }

    /// Whether the object is an enumeration (its values print as `label(n)`).
    pub fn is_enum(&self) -> bool {
        !self.enums.is_empty()
    }

    /// The label of an enumeration's number.
    pub fn label(&self, n: i64) -> Option<&str> {
        let at = self.enums.binary_search_by_key(&n, |(v, _)| *v).ok()?;
        Some(&self.enums[at].1)
    }

    fn push_units(&self, out: &mut String) {
        if !self.units.is_empty() {
            out.push(' ');
            out.push_str(&self.units);
        }
    }

    /// net-snmp's BITS: the octets in hex, then each set bit's label and number (bit 0 is the
    /// first octet's high bit, RFC 2578 §7.1.4).
    fn write_bits(&self, out: &mut String, b: &[u8]) {
        hex_spaced(out, b);
        for (i, byte) in b.iter().enumerate() {
            for bit in 0..8u32 {
                if byte & (0x80 >> bit) == 0 {
                    continue;
                }
                let n = u32::try_from(i).unwrap_or(u32::MAX / 8) * 8 + bit;
                match self.bits.binary_search_by_key(&n, |(v, _)| *v) {
                    Ok(at) => {
                        let _ = write!(out, " {}({n})", self.bits[at].1);
                    }
                    Err(_) => {
                        let _ = write!(out, " {n}");
                    }
                }
            }
        }
    }
}

/// The bytes as text when net-snmp would print them as text: every byte printable ASCII or
/// white space (a last NUL allowed, and left out).
fn text(b: &[u8]) -> Option<&str> {
    let b = b.strip_suffix(&[0]).unwrap_or(b);
    let ok = b
        .iter()
        .all(|&c| (0x20..0x7f).contains(&c) || matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r'));
    if ok {
        std::str::from_utf8(b).ok()
    } else {
        None
    }
}

/// net-snmp's Hex-STRING: upper-case octets separated by spaces.
fn hex_spaced(out: &mut String, b: &[u8]) {
    for (i, x) in b.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{x:02X}");
    }
}

/// `(ticks) D days, H:MM:SS.hh`, net-snmp's TimeTicks.
fn time_ticks(out: &mut String, t: u64) {
    let cs = t % 100;
    let s = t / 100;
    let (days, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    let _ = write!(out, "({t}) ");
    match days {
        0 => {}
        1 => out.push_str("1 day, "),
        d => {
            let _ = write!(out, "{d} days, ");
        }
    }
    let _ = write!(out, "{h}:{m:02}:{sec:02}.{cs:02}");
}

/// An Opaque-wrapped float or double (the net-snmp / UCD convention: tag 0x9f 0x78 or 0x79,
/// length 4 or 8, big-endian IEEE 754), as net-snmp prints it.
fn opaque_number(b: &[u8]) -> Option<String> {
    match b {
        [0x9f, 0x78, 4, rest @ ..] if rest.len() == 4 => {
            let f = f32::from_be_bytes(rest.try_into().ok()?);
            Some(format!("Float: {f:.6}"))
        }
        [0x9f, 0x79, 8, rest @ ..] if rest.len() == 8 => {
            let d = f64::from_be_bytes(rest.try_into().ok()?);
            Some(format!("Double: {d:.6}"))
        }
        _ => None,
    }
}

/// An INTEGER DISPLAY-HINT (RFC 2579 §3.1): `d`, `d-N` (N decimal places), `x`, `o`, `b`.
/// False (nothing written) when the hint is not one.
fn integer_hint(out: &mut String, hint: &str, i: i64) -> bool {
    let mut chars = hint.chars();
    match (chars.next(), chars.as_str()) {
        (Some('d'), "") => {
            let _ = write!(out, "{i}");
        }
        (Some('d'), rest) => {
            let Some(places) = rest.strip_prefix('-').and_then(|p| p.parse::<usize>().ok()) else {
                return false;
            };
            let digits = i.unsigned_abs().to_string();
            let digits = format!("{digits:0>width$}", width = places + 1);
            let (whole, frac) = digits.split_at(digits.len() - places);
            let sign = if i < 0 { "-" } else { "" };
            let _ = write!(out, "{sign}{whole}.{frac}");
        }
        (Some('x'), "") => {
            let _ = write!(out, "{i:x}");
        }
        (Some('o'), "") => {
            let _ = write!(out, "{i:o}");
        }
        (Some('b'), "") => {
            let _ = write!(out, "{i:b}");
        }
        _ => return false,
    }
    true
}

/// One part of an OCTET STRING DISPLAY-HINT: `[*]LENGTH FORMAT [SEPARATOR [TERMINATOR]]`.
#[derive(Debug)]
struct OctetSpec {
    repeat: bool,
    length: usize,
    format: char,
    separator: Option<char>,
    terminator: Option<char>,
}

fn parse_octet_hint(hint: &str) -> Option<Vec<OctetSpec>> {
    let b: Vec<char> = hint.chars().collect();
    let mut specs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let repeat = b[i] == '*';
        if repeat {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let length: usize = b[start..i].iter().collect::<String>().parse().ok()?;
        let format = *b
            .get(i)
            .filter(|c| matches!(c, 'a' | 'd' | 'o' | 'x' | 't'))?;
        i += 1;
        let is_sep = |c: &char| !c.is_ascii_digit() && *c != '*';
        let separator = b.get(i).copied().filter(is_sep);
        if separator.is_some() {
            i += 1;
        }
        let terminator = if repeat {
            let t = b.get(i).copied().filter(is_sep);
            if t.is_some() {
                i += 1;
            }
            t
        } else {
            None
        };
        specs.push(OctetSpec {
            repeat,
            length,
            format,
            separator,
            terminator,
        });
    }
    (!specs.is_empty()).then_some(specs)
}

/// Formats `data` by an OCTET STRING DISPLAY-HINT as net-snmp does: numbers in `d`, `x`, `o`
/// without padding, `a`/`t` as text, the last part applied again until the data ends, a
/// separator only between fields. False (nothing written) when the hint does not parse.
fn octet_hint(out: &mut String, hint: &str, data: &[u8]) -> bool {
    let Some(specs) = parse_octet_hint(hint) else {
        return false;
    };
    let mut rest = data;
    let mut at = 0;
    while !rest.is_empty() {
        let spec = &specs[at.min(specs.len() - 1)];
        at += 1;
        let count = if spec.repeat {
            let (&n, tail) = rest.split_first().expect("rest is not empty");
            rest = tail;
            usize::from(n)
        } else {
            1
        };
        for k in 0..count {
            if rest.is_empty() {
                break;
            }
            let take = spec
                .length
                .min(rest.len())
                .max(usize::from(spec.length == 0));
            let (field, tail) = rest.split_at(take.min(rest.len()));
            rest = tail;
            match spec.format {
                'a' | 't' => out.push_str(&String::from_utf8_lossy(field)),
                f => {
                    let n = field
                        .iter()
                        .fold(0u128, |acc, &x| (acc << 8) | u128::from(x));
                    let _ = match f {
                        'd' => write!(out, "{n}"),
                        'o' => write!(out, "{n:o}"),
                        _ => write!(out, "{n:x}"),
                    };
                }
            }
            let last_of_group = k + 1 == count;
            if !rest.is_empty() {
                match (spec.terminator, last_of_group) {
                    (Some(t), true) => out.push(t),
                    _ => {
                        if let Some(s) = spec.separator {
                            out.push(s);
                        }
                    }
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hinted(hint: &str, data: &[u8]) -> String {
        let mut s = String::new();
        assert!(octet_hint(&mut s, hint, data), "{hint}");
        s
    }

    #[test]
    fn octet_hints_format_as_net_snmp() {
        assert_eq!(
            hinted("1x:", &[0, 0x12, 0x79, 0x62, 0xf9, 0x40]),
            "0:12:79:62:f9:40"
        );
        assert_eq!(hinted("255a", b"eth0"), "eth0");
        assert_eq!(
            hinted(
                "2d-1d-1d,1d:1d:1d.1d,1a1d:1d",
                &[7, 218, 10, 25, 22, 15, 11, 0, b'+', 4, 0]
            ),
            "2010-10-25,22:15:11.0,+4:0"
        );
        assert_eq!(
            hinted(
                "2d-1d-1d,1d:1d:1d.1d,1a1d:1d",
                &[7, 218, 10, 25, 22, 15, 11, 0]
            ),
            "2010-10-25,22:15:11.0"
        );
        assert_eq!(hinted("1d.1d.1d.1d", &[192, 0, 2, 1]), "192.0.2.1");
        assert_eq!(hinted("*1x:/1a", &[2, 0xab, 0xcd, b'z']), "ab:cd/z");
        assert_eq!(hinted("1x:", &[]), "");
    }

    #[test]
    fn integer_hints_and_ticks() {
        let f = |h: &str, i: i64| {
            let mut s = String::new();
            assert!(integer_hint(&mut s, h, i));
            s
        };
        assert_eq!(f("d-2", 1234), "12.34");
        assert_eq!(f("d-2", 5), "0.05");
        assert_eq!(f("d-2", -5), "-0.05");
        assert_eq!(f("x", 255), "ff");
        let mut s = String::new();
        time_ticks(&mut s, 233_425_120);
        assert_eq!(s, "(233425120) 27 days, 0:24:11.20");
        s.clear();
        time_ticks(&mut s, 8_640_002);
        assert_eq!(s, "(8640002) 1 day, 0:00:00.02");
    }

    #[test]
    fn values_render_by_their_object() {
        let mibs = Mibs::bundled();
        let oid = |t: &str| mibs.resolve(t).unwrap().into_vec();
        assert_eq!(
            mibs.render(&oid("ifOperStatus.2"), &Value::Integer(1)),
            "up(1)"
        );
        assert_eq!(
            mibs.render(&oid("ifOperStatus.2"), &Value::Integer(99)),
            "99"
        );
        assert_eq!(
            mibs.render(
                &oid("ifPhysAddress.2"),
                &Value::OctetString(&[0, 0x1b, 0x21, 0x3c, 0x9a, 0xf0])
            ),
            "0:1b:21:3c:9a:f0"
        );
        assert_eq!(
            mibs.render(&oid("tcpRtoMin.0"), &Value::Integer(200)),
            "200 milliseconds"
        );
        assert_eq!(
            mibs.render(
                &[1, 3, 6, 1, 4, 1, 99999, 1],
                &Value::OctetString(&[0, 0x0e, 0x84])
            ),
            "00 0E 84"
        );
        let linux = [1u32, 3, 6, 1, 4, 1, 8072, 3, 2, 10];
        let subs = snmp_stream_core::SubIds::U32(&linux);
        assert_eq!(
            mibs.render(&oid("sysObjectID.0"), &Value::ObjectId(subs)),
            "NET-SNMP-TC::linux"
        );
        assert_eq!(
            mibs.render(
                &oid("laLoadFloat.1"),
                &Value::Opaque(&[0x9f, 0x78, 4, 0x3e, 0xeb, 0x85, 0x1f])
            ),
            "Float: 0.460000"
        );
    }
}
