//! SNMP value tags and borrowed value views (RFC 2578 §7.1, RFC 3416 §3).
//!
//! A [`Value`] borrows from whatever holds the bytes — a datagram being read, or a wireline
//! buffer — so reading a varbind never allocates. OID values are a [`SubIds`] view that can sit
//! over BER bytes or over a wireline buffer's packed sub-identifiers.

use std::fmt;

use crate::Oid;

mod ber_oid;

pub use ber_oid::{BerOid, BerOidIter};
pub(crate) use ber_oid::{BerOidError, cmp_content};

/// The ASN.1 tag of an SNMP value, as carried on the wire and in wireline records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
#[non_exhaustive]
pub enum Tag {
    /// INTEGER / Integer32.
    Integer = 0x02,
    /// OCTET STRING.
    OctetString = 0x04,
    /// NULL (the value of every varbind in a request).
    Null = 0x05,
    /// OBJECT IDENTIFIER.
    ObjectId = 0x06,
    /// IpAddress, `[APPLICATION 0]`.
    IpAddress = 0x40,
    /// Counter32, `[APPLICATION 1]`.
    Counter32 = 0x41,
    /// Gauge32 / Unsigned32, `[APPLICATION 2]`.
    Gauge32 = 0x42,
    /// TimeTicks, `[APPLICATION 3]`.
    TimeTicks = 0x43,
    /// Opaque, `[APPLICATION 4]`.
    Opaque = 0x44,
    /// Counter64, `[APPLICATION 6]`.
    Counter64 = 0x46,
    /// noSuchObject exception, `[0] IMPLICIT NULL` (RFC 3416 §3).
    NoSuchObject = 0x80,
    /// noSuchInstance exception, `[1] IMPLICIT NULL`.
    NoSuchInstance = 0x81,
    /// endOfMibView exception, `[2] IMPLICIT NULL`.
    EndOfMibView = 0x82,
}

impl Tag {
    /// The tag for an identifier octet, if it is one SNMP defines.
    pub const fn from_u8(b: u8) -> Option<Tag> {
        Some(match b {
            0x02 => Tag::Integer,
            0x04 => Tag::OctetString,
            0x05 => Tag::Null,
            0x06 => Tag::ObjectId,
            0x40 => Tag::IpAddress,
            0x41 => Tag::Counter32,
            0x42 => Tag::Gauge32,
            0x43 => Tag::TimeTicks,
            0x44 => Tag::Opaque,
            0x46 => Tag::Counter64,
            0x80 => Tag::NoSuchObject,
            0x81 => Tag::NoSuchInstance,
            0x82 => Tag::EndOfMibView,
            _ => return None,
        })
    }

    /// The identifier octet.
    pub const fn as_u8(self) -> u8 {
        self as u8
    }

    /// The SMI name of the type, as `snmpwalk` prints it (`INTEGER`, `Counter64`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Tag::Integer => "INTEGER",
            Tag::OctetString => "OCTET STRING",
            Tag::Null => "NULL",
            Tag::ObjectId => "OID",
            Tag::IpAddress => "IpAddress",
            Tag::Counter32 => "Counter32",
            Tag::Gauge32 => "Gauge32",
            Tag::TimeTicks => "Timeticks",
            Tag::Opaque => "Opaque",
            Tag::Counter64 => "Counter64",
            Tag::NoSuchObject => "noSuchObject",
            Tag::NoSuchInstance => "noSuchInstance",
            Tag::EndOfMibView => "endOfMibView",
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A borrowed SNMP value.
///
/// Unsigned types carry a `u64`: the reader is lenient with agents that send a Counter32 wider
/// than 32 bits, and the wireline format stores them as 64-bit words anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Value<'a> {
    /// INTEGER.
    Integer(i64),
    /// OCTET STRING: raw bytes, not necessarily text.
    OctetString(&'a [u8]),
    /// NULL.
    Null,
    /// OBJECT IDENTIFIER.
    ObjectId(SubIds<'a>),
    /// IpAddress: four bytes in network order.
    IpAddress([u8; 4]),
    /// Counter32.
    Counter32(u64),
    /// Gauge32 / Unsigned32.
    Gauge32(u64),
    /// TimeTicks, hundredths of a second.
    TimeTicks(u64),
    /// Opaque: raw bytes (usually a nested BER value).
    Opaque(&'a [u8]),
    /// Counter64.
    Counter64(u64),
    /// noSuchObject: the agent has no such object type.
    NoSuchObject,
    /// noSuchInstance: the object type exists but not this instance.
    NoSuchInstance,
    /// endOfMibView: nothing lies beyond the requested OID.
    EndOfMibView,
    /// A tag SNMP does not define (an obsolete NsapAddress or UInteger32, say), kept raw so no
    /// data is lost.
    Unknown {
        /// The identifier octet.
        tag: u8,
        /// The content bytes.
        content: &'a [u8],
    },
}

impl Value<'_> {
    /// The identifier octet of this value.
    pub fn tag(&self) -> u8 {
        match self {
            Value::Integer(_) => Tag::Integer as u8,
            Value::OctetString(_) => Tag::OctetString as u8,
            Value::Null => Tag::Null as u8,
            Value::ObjectId(_) => Tag::ObjectId as u8,
            Value::IpAddress(_) => Tag::IpAddress as u8,
            Value::Counter32(_) => Tag::Counter32 as u8,
            Value::Gauge32(_) => Tag::Gauge32 as u8,
            Value::TimeTicks(_) => Tag::TimeTicks as u8,
            Value::Opaque(_) => Tag::Opaque as u8,
            Value::Counter64(_) => Tag::Counter64 as u8,
            Value::NoSuchObject => Tag::NoSuchObject as u8,
            Value::NoSuchInstance => Tag::NoSuchInstance as u8,
            Value::EndOfMibView => Tag::EndOfMibView as u8,
            Value::Unknown { tag, .. } => *tag,
        }
    }

    /// True for the three RFC 3416 exceptions.
    pub fn is_exception(&self) -> bool {
        matches!(
            self,
            Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView
        )
    }
}

/// A borrowed sequence of OID sub-identifiers, in whichever form its bytes hold them.
///
/// Two views are equal when they hold the same sub-identifiers, whatever their forms.
#[derive(Clone, Copy)]
pub enum SubIds<'a> {
    /// BER content octets of an OBJECT IDENTIFIER, already checked to be well formed.
    Ber(BerOid<'a>),
    /// Packed 32-bit sub-identifiers (a wireline buffer with sub-id size 4).
    U32(&'a [u32]),
    /// One sub-identifier per 64-bit word (a wireline buffer with sub-id size 8, the original's
    /// layout); values above `u32::MAX` are kept as they are.
    U64(&'a [u64]),
}

impl<'a> SubIds<'a> {
    /// Number of sub-identifiers.
    pub fn len(&self) -> usize {
        match self {
            SubIds::Ber(b) => b.len(),
            SubIds::U32(s) => s.len(),
            SubIds::U64(s) => s.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The sub-identifiers, widened to `u64` (the U64 form can carry wider values).
    pub fn iter(&self) -> SubIdIter<'a> {
        match *self {
            SubIds::Ber(b) => SubIdIter::Ber(b.iter()),
            SubIds::U32(s) => SubIdIter::U32(s.iter()),
            SubIds::U64(s) => SubIdIter::U64(s.iter()),
        }
    }

    /// An owned [`Oid`], or `None` when the sub-identifiers are not a valid OID.
    pub fn to_oid(&self) -> Option<Oid> {
        let v: Option<Vec<u32>> = self.iter().map(|s| u32::try_from(s).ok()).collect();
        Oid::from_vec(v?).ok()
    }
}

impl PartialEq for SubIds<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for SubIds<'_> {}

impl fmt::Debug for SubIds<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SubIds({self})")
    }
}

impl fmt::Display for SubIds<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

/// Iterator over [`SubIds`].
#[derive(Debug, Clone)]
pub enum SubIdIter<'a> {
    /// Over BER content.
    Ber(BerOidIter<'a>),
    /// Over packed u32s.
    U32(std::slice::Iter<'a, u32>),
    /// Over u64 words.
    U64(std::slice::Iter<'a, u64>),
}

impl Iterator for SubIdIter<'_> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        match self {
            SubIdIter::Ber(it) => it.next().map(u64::from),
            SubIdIter::U32(it) => it.next().map(|&s| u64::from(s)),
            SubIdIter::U64(it) => it.next().copied(),
        }
    }
}
