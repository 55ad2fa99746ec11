//! Allocation-free BER encoder for SNMP v1/v2c messages.
//!
//! Messages are written into a caller-owned `Vec<u8>` that is cleared and reused, so once it has
//! grown to the largest message no further allocation happens. Lengths are definite and minimal
//! (DER-style), which every agent accepts. The sizes of nested TLVs are computed before writing,
//! so nothing is moved after it is written.

use crate::community::Version;
use crate::value::{SubIds, Value};

use super::{PduType, put_header, tag, tlv_len};

/// The four header fields of a PDU (RFC 3416 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PduHeader {
    /// The PDU type.
    pub pdu_type: PduType,
    /// The request-id: the engine keeps its own in 1..2^31-1.
    pub request_id: i32,
    /// error-status, or non-repeaters for GetBulkRequest.
    pub error_status: i32,
    /// error-index, or max-repetitions for GetBulkRequest.
    pub error_index: i32,
}

impl PduHeader {
    /// A GetRequest.
    pub const fn get(request_id: i32) -> Self {
        Self::with(PduType::GetRequest, request_id, 0, 0)
    }

    /// A GetNextRequest.
    pub const fn get_next(request_id: i32) -> Self {
        Self::with(PduType::GetNextRequest, request_id, 0, 0)
    }

    /// A GetBulkRequest (v2c only).
    pub const fn get_bulk(request_id: i32, non_repeaters: i32, max_repetitions: i32) -> Self {
        Self::with(
            PduType::GetBulkRequest,
            request_id,
            non_repeaters,
            max_repetitions,
        )
    }

    /// A Response.
    pub const fn response(request_id: i32, error_status: i32, error_index: i32) -> Self {
        Self::with(PduType::Response, request_id, error_status, error_index)
    }

    /// A Report (SNMPv3: what an agent's security model says about a request it refused).
    pub const fn report(request_id: i32) -> Self {
        Self::with(PduType::Report, request_id, 0, 0)
    }

    const fn with(pdu_type: PduType, request_id: i32, error_status: i32, error_index: i32) -> Self {
        PduHeader {
            pdu_type,
            request_id,
            error_status,
            error_index,
        }
    }
}

/// Encodes a whole v1/v2c message into `out` (cleared first).
///
/// `varbinds` is iterated twice (sizes, then bytes), hence `Clone`. Requests pass
/// [`Value::Null`] for every value.
///
/// ```
/// use snmp_stream_core::ber::{encode_message, read_message, PduHeader};
/// use snmp_stream_core::{Oid, Value, Version};
///
/// let oids: Vec<Oid> = vec!["1.3.6.1.2.1.2.2.1.2".parse()?, "1.3.6.1.2.1.2.2.1.10".parse()?];
/// let mut buf = Vec::with_capacity(1500);
/// encode_message(
///     &mut buf,
///     Version::V2c,
///     b"public",
///     &PduHeader::get_bulk(42, 0, 5),
///     oids.iter().map(|o| (o.sub_ids(), Value::Null)),
/// );
/// let msg = read_message(&buf).unwrap();
/// assert_eq!(msg.pdu.request_id, 42);
/// assert_eq!(msg.pdu.max_repetitions(), 5);
/// assert_eq!(msg.pdu.varbinds().count(), 2);
/// # Ok::<(), snmp_stream_core::OidError>(())
/// ```
pub fn encode_message<'v, I>(
    out: &mut Vec<u8>,
    version: Version,
    community: &[u8],
    pdu: &PduHeader,
    varbinds: I,
) where
    I: IntoIterator<Item = (SubIds<'v>, Value<'v>)>,
    I::IntoIter: Clone,
{
    let varbinds = varbinds.into_iter();
    out.clear();
    let pdu_total = pdu_len(pdu, varbinds.clone());
    let content = int_tlv_len(version.wire_value()) + tlv_len(community.len()) + pdu_total;
    out.reserve(tlv_len(content));
    put_header(out, tag::SEQUENCE, content);
    put_int(out, tag::INTEGER, version.wire_value());
    put_header(out, tag::OCTET_STRING, community.len());
    out.extend_from_slice(community);
    write_pdu(out, pdu, varbinds);
}

/// Writes a v1/v2c message around an encoded PDU TLV into `out` (cleared first).
pub fn encode_message_with_pdu(out: &mut Vec<u8>, version: Version, community: &[u8], pdu: &[u8]) {
    out.clear();
    let content = int_tlv_len(version.wire_value()) + tlv_len(community.len()) + pdu.len();
    out.reserve(tlv_len(content));
    put_header(out, tag::SEQUENCE, content);
    put_int(out, tag::INTEGER, version.wire_value());
    put_header(out, tag::OCTET_STRING, community.len());
    out.extend_from_slice(community);
    out.extend_from_slice(pdu);
}

/// Octets of the whole PDU TLV that [`write_pdu`] would write.
pub fn pdu_len<'v>(
    pdu: &PduHeader,
    varbinds: impl Iterator<Item = (SubIds<'v>, Value<'v>)>,
) -> usize {
    tlv_len(pdu_content_len(pdu, varbind_list_len(varbinds)))
}

/// Appends a PDU TLV (header fields and varbind list) to `out`.
///
/// This is the part of a message that SNMPv3 carries inside its scoped PDU, kept separate from
/// the v1/v2c message header for that reason.
pub fn write_pdu<'v, I>(out: &mut Vec<u8>, pdu: &PduHeader, varbinds: I)
where
    I: Iterator<Item = (SubIds<'v>, Value<'v>)> + Clone,
{
    let list = varbind_list_len(varbinds.clone());
    put_header(out, pdu.pdu_type as u8, pdu_content_len(pdu, list));
    put_int(out, tag::INTEGER, i64::from(pdu.request_id));
    put_int(out, tag::INTEGER, i64::from(pdu.error_status));
    put_int(out, tag::INTEGER, i64::from(pdu.error_index));
    put_header(out, tag::SEQUENCE, list);
    for (oid, value) in varbinds {
        let name = oid_content_len(oid);
        let val = value_content_len(&value);
        put_header(out, tag::SEQUENCE, tlv_len(name) + tlv_len(val));
        put_header(out, tag::OBJECT_ID, name);
        put_oid_content(out, oid);
        put_value(out, &value, val);
    }
}

fn pdu_content_len(pdu: &PduHeader, list: usize) -> usize {
    int_tlv_len(i64::from(pdu.request_id))
        + int_tlv_len(i64::from(pdu.error_status))
        + int_tlv_len(i64::from(pdu.error_index))
        + tlv_len(list)
}

fn varbind_list_len<'v>(varbinds: impl Iterator<Item = (SubIds<'v>, Value<'v>)>) -> usize {
    varbinds
        .map(|(oid, value)| {
            tlv_len(tlv_len(oid_content_len(oid)) + tlv_len(value_content_len(&value)))
        })
        .sum()
}

/// Octets of a minimal two's-complement encoding of `v` (X.690 §8.3.2).
#[inline]
fn int_len(v: i64) -> usize {
    // Significant bits, plus one for the sign.
    let bits = 65 - (v ^ (v >> 63)).leading_zeros() as usize;
    bits.div_ceil(8)
}

#[inline]
pub(super) fn int_tlv_len(v: i64) -> usize {
    2 + int_len(v)
}

#[inline]
pub(super) fn put_int(out: &mut Vec<u8>, tag: u8, v: i64) {
    let n = int_len(v);
    put_header(out, tag, n);
    out.extend_from_slice(&v.to_be_bytes()[8 - n..]);
}

/// Octets of an unsigned value: minimal, with a leading `0x00` when the top bit is set.
#[inline]
fn uint_len(v: u64) -> usize {
    let bits = 64 - v.leading_zeros() as usize;
    // One extra bit keeps the encoding non-negative; zero still takes one octet.
    (bits + 1).div_ceil(8)
}

#[inline]
fn put_uint_content(out: &mut Vec<u8>, v: u64, n: usize) {
    if n == 9 {
        out.push(0);
        out.extend_from_slice(&v.to_be_bytes());
    } else {
        out.extend_from_slice(&v.to_be_bytes()[8 - n..]);
    }
}

/// Octets of base-128 `v` (X.690 §8.19.2).
#[inline]
fn base128_len(v: u64) -> usize {
    let bits = 64 - v.leading_zeros() as usize;
    bits.div_ceil(7).max(1)
}

#[inline]
fn put_base128(out: &mut Vec<u8>, v: u64) {
    let n = base128_len(v);
    for i in (1..n).rev() {
        out.push(0x80 | ((v >> (7 * i)) & 0x7f) as u8);
    }
    out.push((v & 0x7f) as u8);
}

/// The sub-identifiers as BER content: the first two arcs combine into `40 * X + Y`
/// (X.690 §8.19.4). A single arc is written as `40 * X`; no arcs as no octets.
fn oid_units(oid: SubIds<'_>) -> impl Iterator<Item = u64> + '_ {
    let mut it = oid.iter();
    let first = match (it.next(), it.clone().next()) {
        (Some(x), Some(y)) => {
            it.next();
            Some(x.saturating_mul(40).saturating_add(y))
        }
        (Some(x), None) => Some(x.saturating_mul(40)),
        _ => None,
    };
    first.into_iter().chain(it)
}

#[inline]
fn oid_content_len(oid: SubIds<'_>) -> usize {
    match oid {
        // Already BER content: copied as it came.
        SubIds::Ber(b) => b.as_bytes().len(),
        _ => oid_units(oid).map(base128_len).sum(),
    }
}

/// The BER content octets of an OID (without tag and length).
pub(crate) fn oid_content(oid: SubIds<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(oid_content_len(oid));
    put_oid_content(&mut out, oid);
    out
}

#[inline]
fn put_oid_content(out: &mut Vec<u8>, oid: SubIds<'_>) {
    match oid {
        SubIds::Ber(b) => out.extend_from_slice(b.as_bytes()),
        _ => oid_units(oid).for_each(|u| put_base128(out, u)),
    }
}

fn value_content_len(v: &Value<'_>) -> usize {
    match *v {
        Value::Integer(i) => int_len(i),
        Value::OctetString(b) | Value::Opaque(b) => b.len(),
        Value::Unknown { content, .. } => content.len(),
        Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => 0,
        Value::ObjectId(o) => oid_content_len(o),
        Value::IpAddress(_) => 4,
        Value::Counter32(u) | Value::Gauge32(u) | Value::TimeTicks(u) | Value::Counter64(u) => {
            uint_len(u)
        }
    }
}

fn put_value(out: &mut Vec<u8>, v: &Value<'_>, len: usize) {
    put_header(out, v.tag(), len);
    match *v {
        Value::Integer(i) => out.extend_from_slice(&i.to_be_bytes()[8 - len..]),
        Value::OctetString(b) | Value::Opaque(b) => out.extend_from_slice(b),
        Value::Unknown { content, .. } => out.extend_from_slice(content),
        Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {}
        Value::ObjectId(o) => put_oid_content(out, o),
        Value::IpAddress(a) => out.extend_from_slice(&a),
        Value::Counter32(u) | Value::Gauge32(u) | Value::TimeTicks(u) | Value::Counter64(u) => {
            put_uint_content(out, u, len)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Oid;

    fn enc_int(v: i64) -> Vec<u8> {
        let mut out = Vec::new();
        put_int(&mut out, 0x02, v);
        out
    }

    #[test]
    fn integers_are_minimal_twos_complement() {
        assert_eq!(enc_int(0), [0x02, 0x01, 0x00]);
        assert_eq!(enc_int(127), [0x02, 0x01, 0x7f]);
        assert_eq!(enc_int(128), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(enc_int(-1), [0x02, 0x01, 0xff]);
        assert_eq!(enc_int(-128), [0x02, 0x01, 0x80]);
        assert_eq!(enc_int(-129), [0x02, 0x02, 0xff, 0x7f]);
        assert_eq!(enc_int(i64::MAX).len(), 10);
        assert_eq!(enc_int(i64::MIN).len(), 10);
    }

    #[test]
    fn unsigned_get_a_leading_zero_when_needed() {
        for (v, want) in [
            (0u64, &[0x00u8][..]),
            (0x7f, &[0x7f]),
            (0x80, &[0x00, 0x80]),
            (u64::from(u32::MAX), &[0x00, 0xff, 0xff, 0xff, 0xff]),
            (
                u64::MAX,
                &[0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            ),
        ] {
            let mut out = Vec::new();
            let n = uint_len(v);
            put_uint_content(&mut out, v, n);
            assert_eq!(out, want, "{v}");
        }
    }

    #[test]
    fn oids_use_base128_and_combine_the_first_arcs() {
        let oid: Oid = "1.3.6.1.4.1.2680.1.2.7.3.2.0".parse().unwrap();
        let mut out = Vec::new();
        put_oid_content(&mut out, oid.sub_ids());
        assert_eq!(
            out,
            [0x2b, 6, 1, 4, 1, 0x94, 0x78, 1, 2, 7, 3, 2, 0],
            "the classic X.690 example"
        );
        assert_eq!(oid_content_len(oid.sub_ids()), out.len());

        let big: Oid = "2.4294967295.4294967295".parse().unwrap();
        out.clear();
        put_oid_content(&mut out, big.sub_ids());
        assert_eq!(out.len(), oid_content_len(big.sub_ids()));
        let parsed = crate::value::BerOid::parse(&out).unwrap();
        assert_eq!(parsed.to_oid(), big);
    }

    #[test]
    fn get_request_matches_net_snmp_bytes() {
        // snmpget -v2c -c public localhost 1.3.6.1.2.1.1.1.0, request-id 0x1234.
        let oid: Oid = "1.3.6.1.2.1.1.1.0".parse().unwrap();
        let mut out = Vec::new();
        encode_message(
            &mut out,
            Version::V2c,
            b"public",
            &PduHeader::get(0x1234),
            [(oid.sub_ids(), Value::Null)],
        );
        let want = [
            0x30, 0x27, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa0,
            0x1a, 0x02, 0x02, 0x12, 0x34, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30,
            0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00,
        ];
        assert_eq!(out, want);
    }

    #[test]
    fn reusing_the_buffer_does_not_allocate() {
        let oids: Vec<Oid> = (0..20)
            .map(|i| Oid::from_vec(vec![1, 3, 6, 1, 2, 1, 2, 2, 1, i]).unwrap())
            .collect();
        let mut out = Vec::new();
        let vbs = || oids.iter().map(|o| (o.sub_ids(), Value::Null));
        encode_message(
            &mut out,
            Version::V2c,
            b"public",
            &PduHeader::get_bulk(1, 0, 10),
            vbs(),
        );
        let (ptr, cap) = (out.as_ptr(), out.capacity());
        for id in 2..100 {
            encode_message(
                &mut out,
                Version::V2c,
                b"public",
                &PduHeader::get_bulk(id, 0, 10),
                vbs(),
            );
            assert_eq!((out.as_ptr(), out.capacity()), (ptr, cap));
        }
    }
}
