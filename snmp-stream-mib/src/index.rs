//! Table indexes decoded from the INDEX clause (RFC 2578 §7.7): the arcs after a column's OID
//! read as the row's index values, and printed as net-snmp prints them
//! (`IP-MIB::ipAddressIfIndex.ipv4."127.0.0.1"`).
//!
//! An [`IndexSchema`] is compiled once per column (from its row, or the row it AUGMENTS, as
//! ifXEntry shares ifEntry's `ifIndex`) and owns what it needs, so a column of millions of
//! rows decodes without MIB lookups.

use std::fmt::Write;

use crate::Mibs;

/// How a row's index arcs read, compiled from its INDEX clause.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexSchema {
    parts: Vec<IndexPart>,
}

/// One component of an INDEX clause.
#[derive(Debug, Clone, PartialEq, Eq)]
struct IndexPart {
    /// The index object's name (`ifIndex`), or the type written in the clause.
    name: String,
    kind: PartKind,
    /// Enumeration labels by number (InetAddressType's `ipv4(1)`, …), sorted.
    enums: Vec<(i64, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartKind {
    /// One arc.
    Integer,
    /// Four arcs.
    IpAddress,
    /// Octets: this many arcs, a length arc first, or (IMPLIED) the rest.
    Octets(Length),
    /// An InetAddress (RFC 4001) read by the InetAddressType before it.
    InetAddress(Length),
    /// An OBJECT IDENTIFIER: a length arc first, or (IMPLIED) the rest.
    Oid(Length),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    Fixed(usize),
    Prefixed,
    Implied,
}

/// One decoded index value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IndexValue {
    /// An integer (with its enumeration label, when it has one).
    Integer {
        /// The number.
        value: i64,
        /// The label, when the index object's syntax names this number.
        label: Option<String>,
    },
    /// An IpAddress.
    IpAddress([u8; 4]),
    /// Octets (a string, fixed or variable length, or IMPLIED).
    Octets(Vec<u8>),
    /// An InetAddress, with the InetAddressType number it was read by (1 ipv4, 2 ipv6, 16
    /// dns, …).
    InetAddress {
        /// The InetAddressType before it.
        kind: i64,
        /// The address octets.
        bytes: Vec<u8>,
    },
    /// An OBJECT IDENTIFIER.
    Oid(Vec<u32>),
}

impl Mibs {
    /// The index schema of the table `column` belongs to (a column OID, or an instance of one);
    /// `None` when it is not a table column or its INDEX does not resolve.
    pub fn index_schema(&self, column: &[u32]) -> Option<IndexSchema> {
        let node = self.mib.lookup_oid(&mib_rs::Oid::from(column));
        let object = node.object()?;
        if !object.is_column() {
            return None;
        }
        let row = object.row()?;
        let mut parts = Vec::new();
        for index in row.effective_indexes() {
            let ty = index.ty()?;
            let length = match index.encoding() {
                mib_rs::IndexEncoding::Implied => Length::Implied,
                mib_rs::IndexEncoding::LengthPrefixed => Length::Prefixed,
                mib_rs::IndexEncoding::FixedString => match index.fixed_size() {
                    (n, true) => Length::Fixed(n),
                    _ => Length::Prefixed,
                },
                _ => Length::Fixed(1),
            };
            let named = |name: &str| type_chain_has(ty, name);
            let kind = match (index.encoding(), ty.effective_base()) {
                (mib_rs::IndexEncoding::Integer, _) => PartKind::Integer,
                (mib_rs::IndexEncoding::IpAddress, _) => PartKind::IpAddress,
                (_, mib_rs::BaseType::ObjectIdentifier) => PartKind::Oid(length),
                _ if named("InetAddress") => PartKind::InetAddress(length),
                (mib_rs::IndexEncoding::Unknown, _) => return None,
                _ => PartKind::Octets(length),
            };
            // An object's inline enumeration (`INTEGER { debug(7) }`) is its own, not its type's.
            let named_values = match index.object() {
                Some(o) => o.effective_enums(),
                None => ty.effective_enums(),
            };
            let mut enums: Vec<(i64, String)> = named_values
                .iter()
                .map(|v| (v.value, v.label.clone()))
                .collect();
            enums.sort_unstable();
            parts.push(IndexPart {
                name: index.name().to_owned(),
                kind,
                enums,
            });
        }
        (!parts.is_empty()).then_some(IndexSchema { parts })
    }
}

/// Whether `ty` or a type it refines is named `name` (InetAddress, whatever module defines it).
fn type_chain_has(ty: mib_rs::Type<'_>, name: &str) -> bool {
    let mut t = Some(ty);
    while let Some(x) = t {
        if x.name() == name {
            return true;
        }
        t = x.parent();
    }
    false
}

impl IndexSchema {
    /// The index components' names, in INDEX order (`["ipAddressAddrType", "ipAddressAddr"]`).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|p| p.name.as_str())
    }

    /// Decodes `suffix` (the arcs after the column) into one value per component. `Err` holds
    /// the values decoded before the first component that does not fit, and the arcs from
    /// there on; arcs left after the last component are an error too.
    pub fn decode(&self, suffix: &[u32]) -> Result<Vec<IndexValue>, (Vec<IndexValue>, usize)> {
        let mut values = Vec::with_capacity(self.parts.len());
        let mut rest = suffix;
        for part in &self.parts {
            let before = suffix.len() - rest.len();
            let previous = values.last();
            match part.decode(rest, previous) {
                Some((value, used)) => {
                    values.push(value);
                    rest = &rest[used..];
                }
                None => return Err((values, before)),
            }
        }
        if rest.is_empty() {
            Ok(values)
        } else {
            Err((values, suffix.len() - rest.len()))
        }
    }

    /// Appends the index as net-snmp prints it after the column's name: `.ipv4."127.0.0.1"`,
    /// `.3`, `."_snmpd".'_linkDown'`; from a component that does not fit on, the arcs in
    /// numbers.
    pub fn write(&self, out: &mut String, suffix: &[u32]) {
        let (values, at) = match self.decode(suffix) {
            Ok(v) => (v, suffix.len()),
            Err(partial) => partial,
        };
        for (part, value) in self.parts.iter().zip(&values) {
            out.push('.');
            part.write(out, value);
        }
        for a in &suffix[at..] {
            let _ = write!(out, ".{a}");
        }
    }
}

fn bytes(arcs: &[u32]) -> Option<Vec<u8>> {
    arcs.iter().map(|&a| u8::try_from(a).ok()).collect()
}

impl IndexPart {
    /// The value at the start of `arcs` and how many arcs it took; `None` when it does not fit.
    fn decode(&self, arcs: &[u32], previous: Option<&IndexValue>) -> Option<(IndexValue, usize)> {
        let take = |length: Length| -> Option<(&[u32], usize)> {
            match length {
                Length::Fixed(n) => Some((arcs.get(..n)?, n)),
                Length::Prefixed => {
                    let n = usize::try_from(*arcs.first()?).ok()?;
                    Some((arcs.get(1..1 + n)?, 1 + n))
                }
                Length::Implied => Some((arcs, arcs.len())),
            }
        };
        match self.kind {
            PartKind::Integer => {
                let value = i64::from(*arcs.first()?);
                let label = self
                    .enums
                    .binary_search_by_key(&value, |(n, _)| *n)
                    .ok()
                    .map(|at| self.enums[at].1.clone());
                Some((IndexValue::Integer { value, label }, 1))
            }
            PartKind::IpAddress => {
                let b = bytes(arcs.get(..4)?)?;
                Some((IndexValue::IpAddress([b[0], b[1], b[2], b[3]]), 4))
            }
            PartKind::Octets(length) => {
                let (field, used) = take(length)?;
                Some((IndexValue::Octets(bytes(field)?), used))
            }
            PartKind::Oid(length) => {
                let (field, used) = take(length)?;
                Some((IndexValue::Oid(field.to_vec()), used))
            }
            PartKind::InetAddress(length) => {
                let (field, used) = take(length)?;
                let bytes = bytes(field)?;
                let kind = match previous {
                    Some(IndexValue::Integer { value, .. }) => *value,
                    _ => 0,
                };
                // RFC 4001 §3: each type has its length; net-snmp prints the arcs as numbers
                // when they disagree.
                let fits = match kind {
                    1 => bytes.len() == 4,
                    2 => bytes.len() == 16,
                    3 => bytes.len() == 8,
                    4 => bytes.len() == 20,
                    _ => true,
                };
                fits.then_some((IndexValue::InetAddress { kind, bytes }, used))
            }
        }
    }

    fn write(&self, out: &mut String, value: &IndexValue) {
        match value {
            IndexValue::Integer { value, label } => match label {
                Some(l) => out.push_str(l),
                None => {
                    let _ = write!(out, "{value}");
                }
            },
            IndexValue::IpAddress([a, b, c, d]) => {
                let _ = write!(out, "{a}.{b}.{c}.{d}");
            }
            IndexValue::Octets(b) => {
                // net-snmp: IMPLIED and fixed-length strings in single quotes, others in
                // double; what is not printable ASCII as a dot.
                let q = match self.kind {
                    PartKind::Octets(Length::Prefixed) => '"',
                    _ => '\'',
                };
                out.push(q);
                out.extend(b.iter().map(|&c| {
                    if (0x20..0x7f).contains(&c) {
                        char::from(c)
                    } else {
                        '.'
                    }
                }));
                out.push(q);
            }
            IndexValue::InetAddress { kind, bytes } => {
                out.push('"');
                match kind {
                    1 => {
                        let parts: Vec<String> = bytes.iter().map(u8::to_string).collect();
                        out.push_str(&parts.join("."));
                    }
                    2 => {
                        let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
                        out.push_str(&parts.join(":"));
                    }
                    _ => out.extend(bytes.iter().map(|&c| {
                        if (0x20..0x7f).contains(&c) {
                            char::from(c)
                        } else {
                            '.'
                        }
                    })),
                }
                out.push('"');
            }
            IndexValue::Oid(arcs) => {
                // net-snmp prints an OID index in numbers, its length arc included.
                let implied = matches!(self.kind, PartKind::Oid(Length::Implied));
                if !implied {
                    let _ = write!(out, "{}", arcs.len());
                }
                for (i, a) in arcs.iter().enumerate() {
                    if i > 0 || !implied {
                        out.push('.');
                    }
                    let _ = write!(out, "{a}");
                }
            }
        }
    }
}
