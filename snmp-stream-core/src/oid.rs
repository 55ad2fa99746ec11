//! Object identifiers (RFC 2578 §3.5, X.690 §8.19).
//!
//! [`Oid`] is the owned, validated form: 2 to 128 sub-identifiers of 32 bits each, whose first two
//! arcs are encodable in BER (first arc 0, 1 or 2; second arc below 40 unless the first is 2).
//! Its order is the order agents walk in: sub-identifier by sub-identifier, a prefix before
//! everything under it.

use std::fmt;
use std::str::FromStr;

/// The most sub-identifiers an OID may have (RFC 2578 §3.5).
pub const MAX_SUB_IDS: usize = 128;

/// An owned object identifier: a validated list of 32-bit sub-identifiers.
///
/// ```
/// use snmp_stream_core::Oid;
///
/// let if_descr: Oid = "1.3.6.1.2.1.2.2.1.2".parse()?;
/// let row: Oid = ".1.3.6.1.2.1.2.2.1.2.7".parse()?;
/// assert!(row.starts_with(&if_descr));
/// assert_eq!(row.suffix(&if_descr), Some(&[7][..]));
/// assert!(if_descr < row);
/// assert_eq!(row.to_string(), "1.3.6.1.2.1.2.2.1.2.7");
/// # Ok::<(), snmp_stream_core::OidError>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Oid(Vec<u32>);

/// Why a list of sub-identifiers or a dotted string is not a valid [`Oid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OidError {
    /// The text was empty (or only a leading dot).
    #[error("empty OID")]
    Empty,
    /// Two dots in a row, or a trailing dot, left an arc with no digits.
    #[error("OID arc {arc} (at byte {at}) is empty")]
    EmptyArc {
        /// 1-based number of the arc.
        arc: usize,
        /// Byte offset of the arc in the text.
        at: usize,
    },
    /// An arc holds something other than decimal digits.
    #[error("OID arc {arc} (at byte {at}) is not a decimal number")]
    NotNumeric {
        /// 1-based number of the arc.
        arc: usize,
        /// Byte offset of the first offending character in the text.
        at: usize,
    },
    /// An arc is larger than 4294967295.
    #[error("OID arc {arc} (at byte {at}) is larger than 4294967295")]
    Overflow {
        /// 1-based number of the arc.
        arc: usize,
        /// Byte offset of the arc in the text.
        at: usize,
    },
    /// More than 128 arcs (RFC 2578 §3.5).
    #[error("OID has more than 128 arcs")]
    TooLong,
    /// A single arc: BER needs at least two (X.690 §8.19.4).
    #[error("OID needs at least two arcs")]
    TooShort,
    /// The first arc is not 0, 1 or 2, or the second is 40 or more under 0 or 1 (X.690 §8.19.4).
    #[error(
        "OID starts with {first}.{second}: the first arc must be 0, 1 or 2, and the second below 40 unless the first is 2"
    )]
    BadRoot {
        /// The first arc.
        first: u32,
        /// The second arc.
        second: u32,
    },
}

impl Oid {
    /// Builds an OID from sub-identifiers, checking the limits above.
    pub fn from_slice(sub_ids: &[u32]) -> Result<Self, OidError> {
        check(sub_ids)?;
        Ok(Oid(sub_ids.to_vec()))
    }

    /// Builds an OID from an owned vector of sub-identifiers, checking the limits above.
    pub fn from_vec(sub_ids: Vec<u32>) -> Result<Self, OidError> {
        check(&sub_ids)?;
        Ok(Oid(sub_ids))
    }

    /// The sub-identifiers.
    pub fn as_slice(&self) -> &[u32] {
        &self.0
    }

    /// A borrowed view of the sub-identifiers, as the encoder and wireline writer take them.
    pub fn sub_ids(&self) -> crate::SubIds<'_> {
        crate::SubIds::U32(&self.0)
    }

    /// Number of sub-identifiers (at least 2).
    #[allow(clippy::len_without_is_empty)] // an Oid is never empty
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when `prefix` is this OID or an ancestor of it.
    pub fn starts_with(&self, prefix: &Oid) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// True when `other` is this OID or lies in the subtree under it.
    pub fn is_prefix_of(&self, other: &Oid) -> bool {
        other.starts_with(self)
    }

    /// The arcs after `prefix` (the *index* of a table cell under its column), or `None` when
    /// `prefix` is not a prefix of this OID.
    pub fn suffix(&self, prefix: &Oid) -> Option<&[u32]> {
        self.0.strip_prefix(prefix.as_slice())
    }

    /// This OID with `suffix` appended (a column plus an index), checked against the limits.
    pub fn join(&self, suffix: &[u32]) -> Result<Oid, OidError> {
        if self.0.len() + suffix.len() > MAX_SUB_IDS {
            return Err(OidError::TooLong);
        }
        let mut v = Vec::with_capacity(self.0.len() + suffix.len());
        v.extend_from_slice(&self.0);
        v.extend_from_slice(suffix);
        Ok(Oid(v))
    }

    /// Consumes the OID, returning its sub-identifiers.
    pub fn into_vec(self) -> Vec<u32> {
        self.0
    }
}

fn check(sub_ids: &[u32]) -> Result<(), OidError> {
    match sub_ids {
        [] => Err(OidError::Empty),
        [_] => Err(OidError::TooShort),
        _ if sub_ids.len() > MAX_SUB_IDS => Err(OidError::TooLong),
        &[first, second, ..] if first > 2 || (first < 2 && second >= 40) => {
            Err(OidError::BadRoot { first, second })
        }
        _ => Ok(()),
    }
}

impl FromStr for Oid {
    type Err = OidError;

    /// Parses dotted decimal, with or without a leading dot (`1.3.6.1` or `.1.3.6.1`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (body, base) = match s.strip_prefix('.') {
            Some(rest) => (rest, 1),
            None => (s, 0),
        };
        if body.is_empty() {
            return Err(OidError::Empty);
        }
        let mut sub_ids = Vec::with_capacity(16);
        let mut at = base;
        for (i, part) in body.split('.').enumerate() {
            let arc = i + 1;
            if arc > MAX_SUB_IDS {
                return Err(OidError::TooLong);
            }
            if part.is_empty() {
                return Err(OidError::EmptyArc { arc, at });
            }
            if let Some(bad) = part.bytes().position(|b| !b.is_ascii_digit()) {
                return Err(OidError::NotNumeric { arc, at: at + bad });
            }
            let value = part
                .parse::<u32>()
                .map_err(|_| OidError::Overflow { arc, at })?;
            sub_ids.push(value);
            at += part.len() + 1;
        }
        Oid::from_vec(sub_ids)
    }
}

impl TryFrom<&[u32]> for Oid {
    type Error = OidError;
    fn try_from(sub_ids: &[u32]) -> Result<Self, Self::Error> {
        Oid::from_slice(sub_ids)
    }
}

impl TryFrom<Vec<u32>> for Oid {
    type Error = OidError;
    fn try_from(sub_ids: Vec<u32>) -> Result<Self, Self::Error> {
        Oid::from_vec(sub_ids)
    }
}

impl AsRef<[u32]> for Oid {
    fn as_ref(&self) -> &[u32] {
        &self.0
    }
}

impl fmt::Display for Oid {
    /// Dotted decimal without a leading dot, as `snmpwalk -On` prints it minus the dot.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_dotted(f, &self.0)
    }
}

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oid({self})")
    }
}

/// Writes sub-identifiers as dotted decimal (`1.3.6`); nothing for an empty list.
pub fn write_dotted(f: &mut impl fmt::Write, sub_ids: &[u32]) -> fmt::Result {
    let mut first = true;
    for s in sub_ids {
        if !first {
            f.write_char('.')?;
        }
        first = false;
        write!(f, "{s}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_dotted() {
        assert_eq!(oid("1.3.6.1").as_slice(), &[1, 3, 6, 1]);
        assert_eq!(oid(".1.3.6.1").as_slice(), &[1, 3, 6, 1]);
        assert_eq!(oid("2.999.4294967295").to_string(), "2.999.4294967295");
        assert_eq!(format!("{:?}", oid("0.0")), "Oid(0.0)");
    }

    #[test]
    fn rejects_bad_text_naming_the_arc() {
        assert_eq!("".parse::<Oid>(), Err(OidError::Empty));
        assert_eq!(".".parse::<Oid>(), Err(OidError::Empty));
        assert_eq!(
            "1..3".parse::<Oid>(),
            Err(OidError::EmptyArc { arc: 2, at: 2 })
        );
        assert_eq!(
            "1.3.".parse::<Oid>(),
            Err(OidError::EmptyArc { arc: 3, at: 4 })
        );
        assert_eq!(
            "1.3.x6".parse::<Oid>(),
            Err(OidError::NotNumeric { arc: 3, at: 4 })
        );
        assert_eq!(
            "1.3.-6".parse::<Oid>(),
            Err(OidError::NotNumeric { arc: 3, at: 4 })
        );
        assert_eq!(
            "1.3. 6".parse::<Oid>(),
            Err(OidError::NotNumeric { arc: 3, at: 4 })
        );
        assert_eq!(
            ".1.3.4294967296".parse::<Oid>(),
            Err(OidError::Overflow { arc: 3, at: 5 })
        );
        assert_eq!("1".parse::<Oid>(), Err(OidError::TooShort));
        assert_eq!(
            "3.1".parse::<Oid>(),
            Err(OidError::BadRoot {
                first: 3,
                second: 1
            })
        );
        assert_eq!(
            "1.40".parse::<Oid>(),
            Err(OidError::BadRoot {
                first: 1,
                second: 40
            })
        );
        assert!("2.40".parse::<Oid>().is_ok());
    }

    #[test]
    fn arc_limit_is_128() {
        let ok = vec!["1"; MAX_SUB_IDS].join(".");
        assert_eq!(oid(&ok).len(), 128);
        let long = vec!["1"; MAX_SUB_IDS + 1].join(".");
        assert_eq!(long.parse::<Oid>(), Err(OidError::TooLong));
        assert_eq!(
            Oid::from_vec(vec![1; MAX_SUB_IDS + 1]),
            Err(OidError::TooLong)
        );
        assert_eq!(oid(&ok).join(&[1]), Err(OidError::TooLong));
    }

    #[test]
    fn order_is_walk_order() {
        let mut v = [
            oid("1.3.6.1.2.1.2"),
            oid("1.3.6.1.2.1.10"),
            oid("1.3.6.1.2.1.2.1"),
            oid("1.3.6.1.2.1.1.9"),
            oid("1.3.6.1.2.1.2.2.1.1.1"),
        ];
        v.sort();
        let s: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(
            s,
            [
                "1.3.6.1.2.1.1.9",
                "1.3.6.1.2.1.2",
                "1.3.6.1.2.1.2.1",
                "1.3.6.1.2.1.2.2.1.1.1",
                "1.3.6.1.2.1.10"
            ]
        );
    }

    #[test]
    fn prefixes() {
        let col = oid("1.3.6.1.2.1.2.2.1.2");
        let cell = oid("1.3.6.1.2.1.2.2.1.2.10");
        let other = oid("1.3.6.1.2.1.2.2.1.20");
        assert!(cell.starts_with(&col) && col.is_prefix_of(&cell));
        assert!(col.starts_with(&col));
        assert!(!other.starts_with(&col));
        assert_eq!(cell.suffix(&col), Some(&[10][..]));
        assert_eq!(other.suffix(&col), None);
        assert_eq!(col.join(&[10]).unwrap(), cell);
    }
}
