//! [`BerOid`]: a checked view of a BER OBJECT IDENTIFIER's content octets, compared and iterated
//! without decoding it to an [`Oid`] first.

use std::fmt;

use super::SubIds;
use crate::Oid;

/// The content octets of a BER OBJECT IDENTIFIER that the reader has checked: every
/// sub-identifier is terminated and fits in 32 bits, there are 2 to 128 of them.
///
/// The BER reader hands them out ([`crate::ber::VarBind::oid`], OID values).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BerOid<'a> {
    bytes: &'a [u8],
    /// Number of sub-identifiers (the first content sub-identifier counts as two arcs).
    arcs: u8,
}

/// Why OID content octets are not a valid OID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BerOidError {
    /// No content octets.
    Empty,
    /// The last sub-identifier's final octet has its continuation bit set.
    Unterminated,
    /// A sub-identifier does not fit in 32 bits.
    Overflow,
    /// More than 128 sub-identifiers.
    TooLong,
}

impl<'a> BerOid<'a> {
    /// Checks OID content octets (without tag and length).
    ///
    /// Lenient: a sub-identifier with redundant leading `0x80` octets is accepted, as its value is
    /// unambiguous. Strict: an unterminated sub-identifier or one over 32 bits is rejected.
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, BerOidError> {
        if bytes.is_empty() {
            return Err(BerOidError::Empty);
        }
        if bytes.last().is_some_and(|b| b & 0x80 != 0) {
            return Err(BerOidError::Unterminated);
        }
        // The first content sub-identifier stands for two arcs; every other one for one.
        // (A branch-free version of this loop, and one scanning eight octets at a time,
        // measured no faster: the branches predict well and OIDs are short.)
        let mut arcs = 1usize;
        let mut run = 0usize; // octets of the current sub-identifier so far
        for &b in bytes {
            run += 1;
            if b & 0x80 == 0 {
                // Only a sub-identifier of 5 or more octets can exceed 32 bits (4 × 7 = 28).
                if run >= 5 {
                    check_sub_id_widths(bytes)?;
                }
                arcs += 1;
                run = 0;
            }
        }
        if arcs > crate::oid::MAX_SUB_IDS {
            return Err(BerOidError::TooLong);
        }
        Ok(BerOid {
            bytes,
            arcs: arcs as u8,
        })
    }

    /// The content octets.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Number of sub-identifiers.
    #[allow(clippy::len_without_is_empty)] // never empty once parsed
    pub fn len(&self) -> usize {
        usize::from(self.arcs)
    }

    /// The sub-identifiers.
    pub fn iter(&self) -> BerOidIter<'a> {
        BerOidIter {
            bytes: self.bytes,
            second: None,
        }
    }

    /// True when this OID lies in the subtree of `root` (or is `root`).
    #[inline]
    pub fn starts_with(&self, root: &Oid) -> bool {
        self.len() >= root.len() && self.iter().zip(root.as_slice()).all(|(a, &b)| a == b)
    }

    /// Orders two OIDs by their sub-identifiers, as [`Oid`]'s `Ord` does, without decoding
    /// their common leading octets: consecutive OIDs of a walk share most of theirs.
    #[inline]
    pub fn cmp_oid(&self, other: &BerOid<'_>) -> std::cmp::Ordering {
        cmp_content(self.bytes, other.bytes)
    }

    /// An owned [`Oid`].
    pub fn to_oid(&self) -> Oid {
        // BerOid::parse guarantees 2..=128 arcs, first arc 0..=2, second < 40 under 0 and 1
        Oid::from_vec(self.iter().collect()).expect("a parsed BerOid is always a valid Oid")
    }
}

/// Orders the OIDs of two well-formed BER contents (each as [`BerOid::parse`] accepts) by their
/// sub-identifiers.
///
/// Equal octets mean equal sub-identifiers, so the shared prefix is skipped as bytes, back to
/// the start of the sub-identifier holding the first difference (the last octet before it
/// without the continuation bit ends a sub-identifier in both). From there sub-identifiers are
/// decoded and compared as numbers, which also orders a redundant `0x80`-padded encoding
/// correctly. The first content sub-identifier, `40 * X + Y`, orders as its arcs (X, Y) do.
#[inline]
pub(crate) fn cmp_content(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let same = common_prefix_len(a, b);
    if same == a.len() || same == b.len() {
        // One is a prefix of the other, ending on a sub-identifier (its last octet ends one):
        // the shorter is the ancestor, or they are equal.
        return a.len().cmp(&b.len());
    }
    let start = a[..same]
        .iter()
        .rposition(|&x| x & 0x80 == 0)
        .map_or(0, |i| i + 1);
    let mut x = RawSubIds::new(&a[start..]);
    let mut y = RawSubIds::new(&b[start..]);
    loop {
        match (x.next(), y.next()) {
            (Some(u), Some(v)) if u == v => {}
            (u, v) => return u.cmp(&v),
        }
    }
}

/// How many leading bytes `a` and `b` share, compared eight at a time.
#[inline]
fn common_prefix_len(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (mut ca, mut cb) = (a[..n].chunks_exact(8), b[..n].chunks_exact(8));
    let mut i = 0;
    for (x, y) in (&mut ca).zip(&mut cb) {
        let word = |c: &[u8]| u64::from_le_bytes(c.try_into().unwrap_or_default());
        let diff = word(x) ^ word(y);
        if diff != 0 {
            // Little-endian: the lowest set bit is in the first differing byte.
            return i + (diff.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Raw sub-identifiers of BER content (the first not split into its two arcs).
struct RawSubIds<'a>(BerOidIter<'a>);

impl<'a> RawSubIds<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        // Past the first-arc split: `next_raw` reads every sub-identifier as it stands.
        RawSubIds(BerOidIter {
            bytes,
            second: Some(None),
        })
    }
}

impl Iterator for RawSubIds<'_> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        self.0.next_raw()
    }
}

/// The slow half of [`BerOid::parse`]: every sub-identifier fits in 32 bits (the first, which
/// is `40 * X + Y`, in 32 bits plus 80).
fn check_sub_id_widths(bytes: &[u8]) -> Result<(), BerOidError> {
    let mut limit = u64::from(u32::MAX) + 80;
    let mut acc: u64 = 0;
    for &b in bytes {
        acc = (acc << 7) | u64::from(b & 0x7f);
        if acc > limit {
            return Err(BerOidError::Overflow);
        }
        if b & 0x80 == 0 {
            acc = 0;
            limit = u64::from(u32::MAX);
        }
    }
    Ok(())
}

impl fmt::Debug for BerOid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BerOid({})", SubIds::Ber(*self))
    }
}

/// Iterator over the sub-identifiers of a [`BerOid`].
#[derive(Debug, Clone)]
pub struct BerOidIter<'a> {
    bytes: &'a [u8],
    /// `None` before the first content sub-identifier has been split into its two arcs.
    second: Option<Option<u32>>,
}

impl BerOidIter<'_> {
    #[inline]
    fn next_raw(&mut self) -> Option<u64> {
        let mut acc: u64 = 0;
        let mut i = 0;
        loop {
            let b = *self.bytes.get(i)?;
            acc = (acc << 7) | u64::from(b & 0x7f);
            i += 1;
            if b & 0x80 == 0 {
                break;
            }
        }
        self.bytes = self.bytes.get(i..).unwrap_or_default();
        Some(acc)
    }
}

impl Iterator for BerOidIter<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        match self.second {
            Some(Some(second)) => {
                self.second = Some(None);
                Some(second)
            }
            // BerOid::parse bounded every later sub-identifier to 32 bits.
            Some(None) => self.next_raw().map(|v| v as u32),
            None => {
                // X.690 §8.19.4: the first sub-identifier is 40 * X + Y.
                let v = self.next_raw()?;
                let (first, second) = match v {
                    0..40 => (0, v),
                    40..80 => (1, v - 40),
                    _ => (2, v - 80),
                };
                self.second = Some(Some(second as u32));
                Some(first)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// BER content of `arcs`, each sub-identifier padded with `pad` redundant `0x80` octets.
    fn padded_content(arcs: &[u32], pad: &[u8]) -> Vec<u8> {
        let mut units = vec![u64::from(arcs[0]) * 40 + u64::from(arcs[1])];
        units.extend(arcs[2..].iter().map(|&a| u64::from(a)));
        let mut out = Vec::new();
        for (i, u) in units.into_iter().enumerate() {
            let mut groups = vec![(u & 0x7f) as u8];
            let mut rest = u >> 7;
            while rest > 0 {
                groups.push((rest & 0x7f) as u8 | 0x80);
                rest >>= 7;
            }
            groups.extend(std::iter::repeat_n(
                0x80,
                usize::from(pad.get(i).copied().unwrap_or(0)),
            ));
            out.extend(groups.into_iter().rev());
        }
        out
    }

    fn arb_oid() -> impl Strategy<Value = Vec<u32>> {
        // Few distinct values per arc, so pairs often share prefixes; some large arcs.
        let arc = prop_oneof![
            0u32..4,
            Just(127),
            Just(128),
            Just(16_383),
            Just(16_384),
            Just(u32::MAX)
        ];
        // Under arcs 0 and 1 the second arc is below 40; under 2 it may be anything (a first
        // content sub-identifier of 80 and up, several octets long).
        let first_two = prop_oneof![
            (0u32..2, 0u32..40).prop_map(|(x, y)| vec![x, y]),
            prop_oneof![
                0u32..4,
                Just(39),
                Just(40),
                Just(47),
                Just(48),
                Just(127),
                Just(128),
                Just(u32::MAX - 80)
            ]
            .prop_map(|y| vec![2, y]),
        ];
        (first_two, proptest::collection::vec(arc, 0..8))
            .prop_map(|(head, rest)| [head, rest].concat())
    }

    proptest! {
        #[test]
        fn cmp_oid_orders_as_the_arcs_do(
            a in arb_oid(),
            b in arb_oid(),
            pad_a in proptest::collection::vec(0u8..2, 10),
            pad_b in proptest::collection::vec(0u8..2, 10),
        ) {
            let (ca, cb) = (padded_content(&a, &pad_a), padded_content(&b, &pad_b));
            let (oa, ob) = (BerOid::parse(&ca).unwrap(), BerOid::parse(&cb).unwrap());
            prop_assert_eq!(oa.iter().collect::<Vec<_>>(), a.clone());
            prop_assert_eq!(oa.cmp_oid(&ob), a.cmp(&b));
            prop_assert_eq!(ob.cmp_oid(&oa), b.cmp(&a));
        }
    }

    #[test]
    fn common_prefix_len_finds_the_first_difference() {
        let a: Vec<u8> = (0..40).collect();
        for i in 0..40 {
            let mut b = a.clone();
            b[i] ^= 0x40;
            assert_eq!(common_prefix_len(&a, &b), i);
            assert_eq!(common_prefix_len(&a[..i], &b), i);
        }
        assert_eq!(common_prefix_len(&a, &a), 40);
        assert_eq!(common_prefix_len(&a[..17], &a), 17);
        assert_eq!(common_prefix_len(&[], &a), 0);
    }

    proptest! {
        /// The one-pass scan (widths checked only for long sub-identifiers) agrees with
        /// checking everything, whatever the octets.
        #[test]
        fn parse_agrees_with_the_plain_scan(bytes in proptest::collection::vec(
            prop_oneof![Just(0x80u8), Just(0x8f), Just(0xff), Just(0x01), Just(0x7f), any::<u8>()],
            0..40,
        )) {
            let plain = || -> Result<usize, BerOidError> {
                if bytes.is_empty() { return Err(BerOidError::Empty); }
                if bytes.last().is_some_and(|b| b & 0x80 != 0) { return Err(BerOidError::Unterminated); }
                check_sub_id_widths(&bytes)?;
                let arcs = 1 + bytes.iter().filter(|&&b| b & 0x80 == 0).count();
                if arcs > crate::oid::MAX_SUB_IDS { return Err(BerOidError::TooLong); }
                Ok(arcs)
            };
            prop_assert_eq!(BerOid::parse(&bytes).map(|o| o.len()), plain());
        }
    }

    #[test]
    fn cmp_oid_cases() {
        let cmp = |a: &[u32], b: &[u32]| {
            let (ca, cb) = (padded_content(a, &[]), padded_content(b, &[]));
            BerOid::parse(&ca)
                .unwrap()
                .cmp_oid(&BerOid::parse(&cb).unwrap())
        };
        use std::cmp::Ordering::*;
        // Same first octet of a longer sub-identifier: 0x81 0x00 (128) vs 0x81 0x80 0x00.
        assert_eq!(cmp(&[1, 3, 128], &[1, 3, 16_384]), Less);
        // A bytewise compare gets this wrong: 16,256 = 0xff 0x00 against 16,384 = 0x81 0x80 0x00.
        assert_eq!(cmp(&[1, 3, 16_256], &[1, 3, 16_384]), Less);
        assert_eq!(cmp(&[1, 3, 6], &[1, 3, 6, 1]), Less);
        assert_eq!(cmp(&[1, 3, 6, 1], &[1, 3, 6, 1]), Equal);
        assert_eq!(cmp(&[2, 100], &[1, 39, 5]), Greater);
    }

    #[test]
    fn ber_oid_limits_are_checked_at_their_boundaries() {
        // 1.3.4294967295: the largest sub-identifier, 5 octets.
        let max = [0x2b, 0x8f, 0xff, 0xff, 0xff, 0x7f];
        let o = BerOid::parse(&max).unwrap();
        assert_eq!(o.iter().collect::<Vec<_>>(), [1, 3, u32::MAX]);
        // One more is 2^32: overflow.
        assert_eq!(
            BerOid::parse(&[0x2b, 0x90, 0x80, 0x80, 0x80, 0x00]),
            Err(BerOidError::Overflow)
        );
        // A redundant leading 0x80 (6 octets, same value) is read as meant.
        let padded = [0x2b, 0x80, 0x8f, 0xff, 0xff, 0xff, 0x7f];
        assert_eq!(BerOid::parse(&padded).unwrap().to_oid(), o.to_oid());
        // Very long runs overflow even u64 arithmetic: still an error, not a panic.
        let mut long = vec![0x2b];
        long.extend([0xff; 12]);
        long.push(0x7f);
        assert_eq!(BerOid::parse(&long), Err(BerOidError::Overflow));
        // The first sub-identifier may be up to 2^32 - 1 + 80 (2.4294967295).
        let first_max = [0x90, 0x80, 0x80, 0x80, 0x4f];
        let o = BerOid::parse(&first_max).unwrap();
        assert_eq!(o.iter().collect::<Vec<_>>(), [2, u32::MAX]);
        assert_eq!(
            BerOid::parse(&[0x90, 0x80, 0x80, 0x80, 0x50]),
            Err(BerOidError::Overflow)
        );
        assert_eq!(BerOid::parse(&[]), Err(BerOidError::Empty));
        assert_eq!(BerOid::parse(&[0x2b, 0x86]), Err(BerOidError::Unterminated));
        let too_long = vec![0x01; 128]; // 129 arcs
        assert_eq!(BerOid::parse(&too_long), Err(BerOidError::TooLong));
        assert_eq!(BerOid::parse(&too_long[..127]).unwrap().len(), 128);
    }
}
