//! The agent's data: an ordered map from OID to owned value.

use snmp_stream_core::oid::MAX_SUB_IDS;
use snmp_stream_core::{BerOid, Oid, Value};

/// An owned SNMP value as an agent holds it.
///
/// The unsigned types have their SMI widths (32 bits, or 64 for Counter64); INTEGER is kept as
/// an `i64` so a simulated agent can send the over-wide integers some real agents do.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MibValue {
    /// INTEGER / Integer32.
    Integer(i64),
    /// OCTET STRING.
    OctetString(Vec<u8>),
    /// NULL.
    Null,
    /// OBJECT IDENTIFIER.
    ObjectId(Oid),
    /// IpAddress: four bytes in network order.
    IpAddress([u8; 4]),
    /// Counter32.
    Counter32(u32),
    /// Gauge32 / Unsigned32.
    Gauge32(u32),
    /// TimeTicks, hundredths of a second.
    TimeTicks(u32),
    /// Opaque: raw bytes.
    Opaque(Vec<u8>),
    /// Counter64 (not visible to SNMPv1 requests, RFC 3584 §4.2.2.1).
    Counter64(u64),
}

impl MibValue {
    /// A borrowed view, as the encoder takes it.
    pub fn as_value(&self) -> Value<'_> {
        match self {
            MibValue::Integer(i) => Value::Integer(*i),
            MibValue::OctetString(b) => Value::OctetString(b),
            MibValue::Null => Value::Null,
            MibValue::ObjectId(o) => Value::ObjectId(o.sub_ids()),
            MibValue::IpAddress(a) => Value::IpAddress(*a),
            MibValue::Counter32(u) => Value::Counter32(u64::from(*u)),
            MibValue::Gauge32(u) => Value::Gauge32(u64::from(*u)),
            MibValue::TimeTicks(u) => Value::TimeTicks(u64::from(*u)),
            MibValue::Opaque(b) => Value::Opaque(b),
            MibValue::Counter64(u) => Value::Counter64(*u),
        }
    }

    /// True for Counter64, the one type an SNMPv1 agent must hide (RFC 3584 §4.2.2.1).
    pub fn is_counter64(&self) -> bool {
        matches!(self, MibValue::Counter64(_))
    }
}

/// An ordered map from OID to value: the object instances an agent serves, in walk order.
///
/// Kept as two sorted vectors (keys apart from values, so a binary search touches only keys).
/// GET is a binary search; GETNEXT is one binary search and each further GETBULK repetition is
/// the next index, so a walk costs O(1) per varbind. Inserting out of order is O(n); build
/// large MIBs with [`FromIterator`] or [`Mib::from_snmprec`](super::Mib::from_snmprec), which
/// sort once.
///
/// ```
/// use snmp_stream_sim::{Mib, MibValue};
/// use snmp_stream_core::Oid;
///
/// let mut mib = Mib::new();
/// let sys_descr: Oid = "1.3.6.1.2.1.1.1.0".parse()?;
/// let sys_uptime: Oid = "1.3.6.1.2.1.1.3.0".parse()?;
/// mib.insert(sys_uptime.clone(), MibValue::TimeTicks(4096));
/// mib.insert(sys_descr.clone(), MibValue::OctetString(b"Linux".to_vec()));
/// assert_eq!(mib.get(&sys_descr), Some(&MibValue::OctetString(b"Linux".to_vec())));
/// assert_eq!(mib.next_after(&sys_descr).map(|(oid, _)| oid), Some(&sys_uptime));
/// assert_eq!(mib.next_after(&sys_uptime), None);
/// # Ok::<(), snmp_stream_core::OidError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mib {
    oids: Vec<Oid>,
    values: Vec<MibValue>,
}

impl Mib {
    /// An empty MIB.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the value of `oid`, returning the value it replaces.
    pub fn insert(&mut self, oid: Oid, value: MibValue) -> Option<MibValue> {
        match self.search(oid.as_slice()) {
            Ok(i) => Some(std::mem::replace(&mut self.values[i], value)),
            Err(i) => {
                self.oids.insert(i, oid);
                self.values.insert(i, value);
                None
            }
        }
    }

    /// The value of exactly `oid`.
    pub fn get(&self, oid: &Oid) -> Option<&MibValue> {
        self.get_arcs(oid.as_slice())
    }

    /// The value of exactly the OID whose sub-identifiers are `arcs`.
    pub fn get_arcs(&self, arcs: &[u32]) -> Option<&MibValue> {
        self.search(arcs).ok().map(|i| &self.values[i])
    }

    /// The GETNEXT successor: the first instance strictly after `oid` in walk order.
    pub fn next_after(&self, oid: &Oid) -> Option<(&Oid, &MibValue)> {
        self.next_after_arcs(oid.as_slice())
    }

    /// The first instance strictly after the OID whose sub-identifiers are `arcs` (which need not
    /// be a valid [`Oid`]: an empty slice precedes everything).
    pub fn next_after_arcs(&self, arcs: &[u32]) -> Option<(&Oid, &MibValue)> {
        self.entry(self.upper_bound(arcs))
    }

    /// Number of instances.
    pub fn len(&self) -> usize {
        self.oids.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.oids.is_empty()
    }

    /// The instances in walk order.
    pub fn iter(
        &self,
    ) -> impl ExactSizeIterator<Item = (&Oid, &MibValue)> + DoubleEndedIterator + Clone + '_ {
        self.oids.iter().zip(&self.values)
    }

    /// The `index`-th instance in walk order.
    pub fn entry(&self, index: usize) -> Option<(&Oid, &MibValue)> {
        Some((self.oids.get(index)?, self.values.get(index)?))
    }

    /// `Ok(index)` of `arcs`, or `Err(index)` where it would be inserted.
    #[inline]
    pub(crate) fn search(&self, arcs: &[u32]) -> Result<usize, usize> {
        // `[u32]` orders lexicographically, exactly as `Oid` does (walk order).
        self.oids.binary_search_by(|o| o.as_slice().cmp(arcs))
    }

    /// Index of the first instance at or after `arcs`.
    #[inline]
    pub(crate) fn lower_bound(&self, arcs: &[u32]) -> usize {
        self.oids.partition_point(|o| o.as_slice() < arcs)
    }

    /// Index of the first instance strictly after `arcs`.
    #[inline]
    pub(crate) fn upper_bound(&self, arcs: &[u32]) -> usize {
        self.oids.partition_point(|o| o.as_slice() <= arcs)
    }

    /// The OID at `index`; the caller holds an index below [`Mib::len`].
    #[inline]
    pub(crate) fn oid_at(&self, index: usize) -> &Oid {
        &self.oids[index]
    }

    /// The value at `index`; the caller holds an index below [`Mib::len`].
    #[inline]
    pub(crate) fn value_at(&self, index: usize) -> &MibValue {
        &self.values[index]
    }

    /// Builds from entries sorted by OID without duplicates.
    pub(crate) fn from_sorted(entries: impl Iterator<Item = (Oid, MibValue)>) -> Self {
        let (oids, values): (Vec<_>, Vec<_>) = entries.unzip();
        debug_assert!(oids.windows(2).all(|w| w[0] < w[1]));
        Mib { oids, values }
    }
}

impl FromIterator<(Oid, MibValue)> for Mib {
    /// Sorts once; of two entries with the same OID the later one wins, as with
    /// [`Mib::insert`].
    fn from_iter<T: IntoIterator<Item = (Oid, MibValue)>>(iter: T) -> Self {
        let mut entries: Vec<(Oid, MibValue)> = iter.into_iter().collect();
        // Stable, so equal OIDs keep their input order and the last of each run is the latest.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut deduped: Vec<(Oid, MibValue)> = Vec::with_capacity(entries.len());
        for e in entries {
            match deduped.last_mut() {
                Some(last) if last.0 == e.0 => *last = e,
                _ => deduped.push(e),
            }
        }
        Mib::from_sorted(deduped.into_iter())
    }
}

impl<'a> IntoIterator for &'a Mib {
    type Item = (&'a Oid, &'a MibValue);
    type IntoIter = std::iter::Zip<std::slice::Iter<'a, Oid>, std::slice::Iter<'a, MibValue>>;

    fn into_iter(self) -> Self::IntoIter {
        self.oids.iter().zip(&self.values)
    }
}

/// Decodes a request's OID into a stack buffer, for lookups that do not allocate.
///
/// ```
/// use snmp_stream_sim::{Mib, MibValue, decode_arcs};
/// use snmp_stream_core::ber::{encode_message, read_message, PduHeader};
/// use snmp_stream_core::oid::MAX_SUB_IDS;
/// use snmp_stream_core::{Oid, Value, Version};
///
/// let sys_name: Oid = "1.3.6.1.2.1.1.5.0".parse()?;
/// let mib: Mib = [(sys_name.clone(), MibValue::OctetString(b"tt".to_vec()))].into_iter().collect();
/// let mut request = Vec::new();
/// encode_message(&mut request, Version::V2c, b"public", &PduHeader::get(1),
///     [(sys_name.sub_ids(), Value::Null)]);
/// let msg = read_message(&request).unwrap();
/// let vb = msg.pdu.varbinds().next().unwrap().unwrap();
/// let mut buf = [0u32; MAX_SUB_IDS];
/// assert!(mib.get_arcs(decode_arcs(vb.oid, &mut buf)).is_some());
/// # Ok::<(), snmp_stream_core::OidError>(())
/// ```
pub fn decode_arcs<'b>(oid: BerOid<'_>, buf: &'b mut [u32; MAX_SUB_IDS]) -> &'b [u32] {
    let mut n = 0;
    // A BerOid holds at most MAX_SUB_IDS arcs (checked when it was read); zip bounds it anyway.
    for (slot, arc) in buf.iter_mut().zip(oid.iter()) {
        *slot = arc;
        n += 1;
    }
    buf.get(..n).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    #[test]
    fn insert_keeps_walk_order_and_replaces() {
        let mut mib = Mib::new();
        assert!(mib.is_empty());
        for s in [
            "1.3.6.1.2.1.2",
            "1.3.6.1.2.1.10",
            "1.3.6.1.2.1.1.9",
            "1.3.6.1.2.1.2.1",
        ] {
            assert_eq!(mib.insert(oid(s), MibValue::Null), None);
        }
        assert_eq!(
            mib.insert(oid("1.3.6.1.2.1.2"), MibValue::Integer(7)),
            Some(MibValue::Null)
        );
        let order: Vec<String> = mib.iter().map(|(o, _)| o.to_string()).collect();
        assert_eq!(
            order,
            [
                "1.3.6.1.2.1.1.9",
                "1.3.6.1.2.1.2",
                "1.3.6.1.2.1.2.1",
                "1.3.6.1.2.1.10"
            ]
        );
        assert_eq!(mib.get(&oid("1.3.6.1.2.1.2")), Some(&MibValue::Integer(7)));
        assert_eq!(mib.len(), 4);
    }

    #[test]
    fn next_after_is_strictly_greater() {
        let mib: Mib = ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.3.0"]
            .into_iter()
            .map(|s| (oid(s), MibValue::Null))
            .collect();
        let next = |s: &str| mib.next_after(&oid(s)).map(|(o, _)| o.to_string());
        assert_eq!(next("0.0").as_deref(), Some("1.3.6.1.2.1.1.1.0"));
        assert_eq!(
            next("1.3.6.1.2.1.1.1").as_deref(),
            Some("1.3.6.1.2.1.1.1.0")
        );
        assert_eq!(
            next("1.3.6.1.2.1.1.1.0").as_deref(),
            Some("1.3.6.1.2.1.1.3.0")
        );
        assert_eq!(
            next("1.3.6.1.2.1.1.2.99").as_deref(),
            Some("1.3.6.1.2.1.1.3.0")
        );
        assert_eq!(next("1.3.6.1.2.1.1.3.0"), None);
        assert_eq!(
            mib.next_after_arcs(&[])
                .map(|(o, _)| o.to_string())
                .as_deref(),
            Some("1.3.6.1.2.1.1.1.0")
        );
        assert_eq!(mib.lower_bound(oid("1.3.6.1.2.1.1.3.0").as_slice()), 1);
        assert_eq!(mib.upper_bound(oid("1.3.6.1.2.1.1.3.0").as_slice()), 2);
    }

    #[test]
    fn from_iter_sorts_and_the_last_duplicate_wins() {
        let mib: Mib = [
            (oid("1.3.6.2"), MibValue::Integer(1)),
            (oid("1.3.6.1"), MibValue::Integer(2)),
            (oid("1.3.6.2"), MibValue::Integer(3)),
        ]
        .into_iter()
        .collect();
        let all: Vec<_> = mib
            .iter()
            .map(|(o, v)| (o.to_string(), v.clone()))
            .collect();
        assert_eq!(
            all,
            [
                ("1.3.6.1".to_string(), MibValue::Integer(2)),
                ("1.3.6.2".to_string(), MibValue::Integer(3))
            ]
        );
    }

    #[test]
    fn values_view_as_their_tags() {
        let cases = [
            (MibValue::Integer(-1), 0x02),
            (MibValue::OctetString(vec![]), 0x04),
            (MibValue::Null, 0x05),
            (MibValue::ObjectId(oid("0.0")), 0x06),
            (MibValue::IpAddress([127, 0, 0, 1]), 0x40),
            (MibValue::Counter32(1), 0x41),
            (MibValue::Gauge32(1), 0x42),
            (MibValue::TimeTicks(1), 0x43),
            (MibValue::Opaque(vec![1]), 0x44),
            (MibValue::Counter64(u64::MAX), 0x46),
        ];
        for (v, tag) in cases {
            assert_eq!(v.as_value().tag(), tag, "{v:?}");
            assert_eq!(v.is_counter64(), tag == 0x46);
        }
    }
}
