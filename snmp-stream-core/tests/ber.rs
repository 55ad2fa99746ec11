//! BER codec: round trips for every value tag, the lenient and strict cases of the reader's
//! module docs (`ber::read`),
//! robustness against truncated and mutated datagrams, and snmp-parser as a reference decoder.

use proptest::prelude::*;
use snmp_stream_core::ber::{
    DecodeErrorKind, PduHeader, PduType, VarBind, encode_message, read_message,
};
use snmp_stream_core::{Oid, SubIds, Value, Version};

/// An owned value, so proptest can generate values that `Value` then borrows.
#[derive(Debug, Clone, PartialEq)]
enum Owned {
    Integer(i64),
    OctetString(Vec<u8>),
    Null,
    ObjectId(Oid),
    IpAddress([u8; 4]),
    Counter32(u32),
    Gauge32(u32),
    TimeTicks(u32),
    Opaque(Vec<u8>),
    Counter64(u64),
    NoSuchObject,
    NoSuchInstance,
    EndOfMibView,
}

impl Owned {
    fn view(&self) -> Value<'_> {
        match self {
            Owned::Integer(i) => Value::Integer(*i),
            Owned::OctetString(b) => Value::OctetString(b),
            Owned::Null => Value::Null,
            Owned::ObjectId(o) => Value::ObjectId(o.sub_ids()),
            Owned::IpAddress(a) => Value::IpAddress(*a),
            Owned::Counter32(u) => Value::Counter32(u64::from(*u)),
            Owned::Gauge32(u) => Value::Gauge32(u64::from(*u)),
            Owned::TimeTicks(u) => Value::TimeTicks(u64::from(*u)),
            Owned::Opaque(b) => Value::Opaque(b),
            Owned::Counter64(u) => Value::Counter64(*u),
            Owned::NoSuchObject => Value::NoSuchObject,
            Owned::NoSuchInstance => Value::NoSuchInstance,
            Owned::EndOfMibView => Value::EndOfMibView,
        }
    }
}

fn arb_oid() -> impl Strategy<Value = Oid> {
    (
        0u32..3,
        any::<u32>(),
        prop::collection::vec(any::<u32>(), 0..20),
    )
        .prop_map(|(first, second, rest)| {
            let second = if first < 2 { second % 40 } else { second };
            let mut v = vec![first, second];
            v.extend(rest);
            Oid::from_vec(v).expect("constructed within the limits")
        })
}

/// A mix of small and boundary-heavy values, so every encoding length is hit.
fn arb_u64() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        0u64..300,
        Just(u64::from(u32::MAX)),
        Just(u64::MAX),
        (0u32..64).prop_map(|s| 1u64 << s)
    ]
}

fn arb_value() -> impl Strategy<Value = Owned> {
    prop_oneof![
        prop_oneof![any::<i64>(), -300i64..300, Just(i64::MIN), Just(1i64 << 31)]
            .prop_map(Owned::Integer),
        prop::collection::vec(any::<u8>(), 0..300).prop_map(Owned::OctetString),
        Just(Owned::Null),
        arb_oid().prop_map(Owned::ObjectId),
        any::<[u8; 4]>().prop_map(Owned::IpAddress),
        arb_u64().prop_map(|u| Owned::Counter32(u as u32)),
        arb_u64().prop_map(|u| Owned::Gauge32(u as u32)),
        arb_u64().prop_map(|u| Owned::TimeTicks(u as u32)),
        prop::collection::vec(any::<u8>(), 0..40).prop_map(Owned::Opaque),
        arb_u64().prop_map(Owned::Counter64),
        Just(Owned::NoSuchObject),
        Just(Owned::NoSuchInstance),
        Just(Owned::EndOfMibView),
    ]
}

/// OIDs of at most 8 arcs below 128: at most 8 content octets.
fn arb_small_oid() -> impl Strategy<Value = Oid> {
    prop::collection::vec(0u32..128, 0..6).prop_map(|rest| {
        let mut v = vec![1, 3];
        v.extend(rest);
        Oid::from_vec(v).unwrap()
    })
}

/// Values of at most 9 content octets.
fn arb_small_value() -> impl Strategy<Value = Owned> {
    prop_oneof![
        any::<i64>().prop_map(Owned::Integer),
        prop::collection::vec(any::<u8>(), 0..9).prop_map(Owned::OctetString),
        Just(Owned::Null),
        any::<[u8; 4]>().prop_map(Owned::IpAddress),
        any::<u64>().prop_map(Owned::Counter64),
        Just(Owned::NoSuchInstance),
    ]
}

fn arb_varbinds() -> impl Strategy<Value = Vec<(Oid, Owned)>> {
    prop::collection::vec((arb_oid(), arb_value()), 0..60)
}

fn encode(version: Version, community: &[u8], pdu: &PduHeader, vbs: &[(Oid, Owned)]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_message(
        &mut out,
        version,
        community,
        pdu,
        vbs.iter().map(|(o, v)| (o.sub_ids(), v.view())),
    );
    out
}

fn all_varbinds(datagram: &[u8]) -> Vec<VarBind<'_>> {
    read_message(datagram)
        .expect("message decodes")
        .pdu
        .varbinds()
        .collect::<Result<_, _>>()
        .expect("every varbind decodes")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// encode → read gives back exactly what was encoded, for every tag.
    #[test]
    fn encode_then_read_is_identity(
        vbs in arb_varbinds(),
        v1 in any::<bool>(),
        community in prop::collection::vec(any::<u8>(), 0..40),
        request_id in any::<i32>(),
        status in 0i32..19,
        index in any::<i32>(),
    ) {
        let version = if v1 { Version::V1 } else { Version::V2c };
        let pdu = PduHeader::response(request_id, status, index);
        let datagram = encode(version, &community, &pdu, &vbs);
        let msg = read_message(&datagram).unwrap();
        prop_assert_eq!(msg.version, version);
        prop_assert_eq!(msg.community, &community[..]);
        prop_assert_eq!(msg.pdu.pdu_type, PduType::Response);
        prop_assert_eq!((msg.pdu.request_id, msg.pdu.error_status, msg.pdu.error_index), (request_id, status, index));
        let got = all_varbinds(&datagram);
        prop_assert_eq!(got.len(), vbs.len());
        for (vb, (oid, value)) in got.iter().zip(&vbs) {
            prop_assert_eq!(&vb.oid.to_oid(), oid);
            prop_assert_eq!(vb.value, value.view());
        }
    }

    /// Every proper prefix of a well-formed message is an error, never a panic.
    #[test]
    fn truncation_at_every_byte_is_an_error(vbs in arb_varbinds()) {
        let datagram = encode(Version::V2c, b"public", &PduHeader::response(1, 0, 0), &vbs);
        for cut in 0..datagram.len() {
            let e = read_message(&datagram[..cut]).unwrap_err();
            prop_assert!(e.offset <= cut, "offset {} past cut {}", e.offset, cut);
        }
    }

    /// Truncating inside the varbind list while the outer lengths still claim it is caught
    /// too: the lengths are rewritten to the truncated size so the damage is in a varbind.
    #[test]
    fn truncated_varbind_is_an_error_and_earlier_varbinds_survive(
        small in prop::collection::vec((arb_small_oid(), arb_small_value()), 2..5),
        frac in 0.0f64..1.0,
    ) {
        // Small varbinds keep every length field to one octet, so the patching below is simple.
        let full = encode(Version::V2c, b"c", &PduHeader::response(1, 0, 0), &small);
        prop_assert!(full.len() < 128);
        // Header: 30 L 02 01 01 04 01 'c' a2 L 02 01 01 02 01 00 02 01 00 30 L
        let list_start = 21;
        let cut = list_start + ((full.len() - list_start) as f64 * frac) as usize;
        prop_assume!(cut > list_start && cut < full.len());
        let mut t = full[..cut].to_vec();
        t[1] = (cut - 2) as u8;
        t[9] = (cut - 10) as u8;
        t[20] = (cut - 21) as u8;
        let msg = read_message(&t).unwrap();
        let results: Vec<_> = msg.pdu.varbinds().collect();
        // Varbinds wholly before the cut survive; a cut inside one is reported.
        let ends: Vec<usize> = all_varbinds(&full).iter().map(|vb| vb.offset).skip(1).chain([full.len()]).collect();
        let whole = ends.iter().filter(|&&e| e <= cut).count();
        let ok = results.iter().take_while(|r| r.is_ok()).count();
        prop_assert_eq!(ok, whole);
        if !ends.contains(&cut) {
            prop_assert_eq!(results.len(), whole + 1);
            prop_assert!(results.last().unwrap().is_err(), "the cut varbind is reported");
        }
    }

    /// Arbitrary mutations: reading and iterating never panics, errors stay in bounds.
    #[test]
    fn mutated_datagrams_never_panic(
        vbs in arb_varbinds(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let mut d = encode(Version::V2c, b"public", &PduHeader::response(1, 0, 0), &vbs);
        for (at, byte, op) in edits {
            if d.is_empty() { break; }
            let i = at.index(d.len());
            match op {
                0 => d[i] = byte,
                1 => { d.insert(i, byte); }
                _ => { d.remove(i); }
            }
        }
        match read_message(&d) {
            Err(e) => prop_assert!(e.offset <= d.len()),
            Ok(msg) => {
                for r in msg.pdu.varbinds() {
                    match r {
                        Err(e) => prop_assert!(e.error.offset <= d.len()),
                        Ok(vb) => { let _ = (vb.oid.to_oid(), format!("{:?}", vb.value)); }
                    }
                }
            }
        }
    }

    /// Arbitrary bytes: never a panic.
    #[test]
    fn random_bytes_never_panic(d in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(msg) = read_message(&d) {
            for r in msg.pdu.varbinds() {
                let _ = r.map(|vb| vb.oid.to_oid());
            }
        }
    }
}

/// Builds a one-varbind v2c Response with a hand-written value TLV.
fn response_with_raw_value(value_tlv: &[u8]) -> Vec<u8> {
    let oid = [0x06, 0x08, 0x2b, 6, 1, 2, 1, 2, 2, 1];
    let vb_len = oid.len() + value_tlv.len();
    let mut vb = vec![0x30, vb_len as u8];
    vb.extend_from_slice(&oid);
    vb.extend_from_slice(value_tlv);
    let mut list = vec![0x30, vb.len() as u8];
    list.extend(vb);
    let mut pdu = vec![
        0xa2,
        (9 + list.len()) as u8,
        0x02,
        0x01,
        0x07,
        0x02,
        0x01,
        0x00,
        0x02,
        0x01,
        0x00,
    ];
    pdu.extend(list);
    let mut msg = vec![0x02, 0x01, 0x01, 0x04, 0x06];
    msg.extend_from_slice(b"public");
    msg.extend(pdu);
    let mut out = vec![0x30, msg.len() as u8];
    out.extend(msg);
    out
}

fn only_value(d: &[u8]) -> Result<Value<'_>, DecodeErrorKind> {
    let msg = read_message(d).expect("framing is fine");
    let mut it = msg.pdu.varbinds();
    let r = it.next().expect("one varbind");
    assert!(it.next().is_none());
    r.map(|vb| vb.value).map_err(|e| e.error.kind)
}

#[test]
fn counter32_without_leading_zero_is_read_as_unsigned() {
    // Buggy agents send 4294967295 as ff ff ff ff (which BER says is -1).
    let d = response_with_raw_value(&[0x41, 0x04, 0xff, 0xff, 0xff, 0xff]);
    assert_eq!(only_value(&d), Ok(Value::Counter32(4_294_967_295)));
    let d = response_with_raw_value(&[0x41, 0x04, 0x80, 0x00, 0x00, 0x00]);
    assert_eq!(only_value(&d), Ok(Value::Counter32(2_147_483_648)));
}

#[test]
fn counter64_without_leading_zero_is_read_as_unsigned() {
    let d = response_with_raw_value(&[0x46, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
    assert_eq!(only_value(&d), Ok(Value::Counter64(u64::MAX - 1)));
}

#[test]
fn integer_above_2_pow_31_is_kept() {
    // 2^31 and 2^40 as INTEGER: out of Integer32's range, but the agent's meaning is clear.
    let d = response_with_raw_value(&[0x02, 0x05, 0x00, 0x80, 0x00, 0x00, 0x00]);
    assert_eq!(only_value(&d), Ok(Value::Integer(1 << 31)));
    let d = response_with_raw_value(&[0x02, 0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00]);
    assert_eq!(only_value(&d), Ok(Value::Integer(1 << 40)));
    // Too wide to mean anything in 64 bits: an error for this varbind only.
    let d = response_with_raw_value(&[0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(only_value(&d), Err(DecodeErrorKind::IntegerTooWide));
}

#[test]
fn non_minimal_lengths_are_accepted() {
    // OCTET STRING "up" with its length as 0x82 0x00 0x02.
    let d = response_with_raw_value(&[0x04, 0x82, 0x00, 0x02, b'u', b'p']);
    assert_eq!(only_value(&d), Ok(Value::OctetString(b"up")));
}

#[test]
fn trailing_bytes_are_ignored() {
    let mut d = encode(
        Version::V2c,
        b"public",
        &PduHeader::response(1, 0, 0),
        &[("1.3.6.1.2.1.1.3.0".parse().unwrap(), Owned::TimeTicks(5))],
    );
    d.extend_from_slice(&[0, 0, 0xde, 0xad]);
    assert_eq!(all_varbinds(&d)[0].value, Value::TimeTicks(5));
    // Bytes after the value inside the varbind's SEQUENCE.
    let d = response_with_raw_value(&[0x43, 0x01, 0x05, 0xee, 0xee]);
    assert_eq!(only_value(&d), Ok(Value::TimeTicks(5)));
}

#[test]
fn non_utf8_community_is_bytes() {
    let community = b"\xff\xfecomm\x00unity";
    let d = encode(
        Version::V1,
        community,
        &PduHeader::get(9),
        &[("1.3.6.1.2.1.1.1.0".parse().unwrap(), Owned::Null)],
    );
    let msg = read_message(&d).unwrap();
    assert_eq!(msg.community, community);
    assert_eq!(msg.version, Version::V1);
    assert_eq!(msg.pdu.pdu_type, PduType::GetRequest);
}

#[test]
fn a_bad_varbind_does_not_cost_the_others() {
    // Three varbinds; the middle one's IpAddress has 5 octets.
    let good = |last: u8| {
        vec![
            0x30, 0x0b, 0x06, 0x06, 0x2b, 6, 1, 2, 1, last, 0x42, 0x01, 0x07,
        ]
    };
    let bad = vec![
        0x30, 0x0f, 0x06, 0x06, 0x2b, 6, 1, 2, 1, 2, 0x40, 0x05, 10, 0, 0, 1, 9,
    ];
    let mut list = good(1);
    list.extend(bad);
    list.extend(good(3));
    let mut body = vec![
        0x02,
        0x01,
        0x01,
        0x04,
        0x01,
        b'c',
        0xa2,
        (9 + 2 + list.len()) as u8,
    ];
    body.extend([
        0x02,
        0x01,
        0x01,
        0x02,
        0x01,
        0x00,
        0x02,
        0x01,
        0x00,
        0x30,
        list.len() as u8,
    ]);
    body.extend(list);
    let mut d = vec![0x30, body.len() as u8];
    d.extend(body);
    let msg = read_message(&d).unwrap();
    let r: Vec<_> = msg.pdu.varbinds().collect();
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].as_ref().unwrap().value, Value::Gauge32(7));
    let e = r[1].unwrap_err();
    assert_eq!(e.error.kind, DecodeErrorKind::BadIpAddress(5));
    assert_eq!(
        e.error.offset,
        2 + 6 + 2 + 9 + 2 + 13 + 10,
        "offset of the IpAddress TLV"
    );
    // Only the value is bad: the error names the varbind's OID, so a walk can go on after it.
    assert_eq!(
        e.oid.map(|o| o.to_oid().to_string()).as_deref(),
        Some("1.3.6.1.2.1.2")
    );
    assert_eq!(
        r[2].as_ref().unwrap().oid.to_oid().to_string(),
        "1.3.6.1.2.1.3"
    );
}

#[test]
fn strict_cases_are_errors_with_offsets() {
    // Indefinite length on the message.
    let e = read_message(&[0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00]).unwrap_err();
    assert_eq!((e.offset, e.kind), (1, DecodeErrorKind::IndefiniteLength));
    // A length past the datagram.
    let e = read_message(&[0x30, 0x7f, 0x02, 0x01, 0x01]).unwrap_err();
    assert_eq!((e.offset, e.kind), (0, DecodeErrorKind::LengthPastEnd));
    // A value whose length runs past its varbind.
    let d = response_with_raw_value(&[0x04, 0x05, b'a']);
    let msg = read_message(&d);
    // The outer lengths were computed from the short bytes, so the value overruns its varbind.
    let kind = msg.map(|m| m.pdu.varbinds().next().unwrap().unwrap_err().error.kind);
    assert_eq!(kind.unwrap(), DecodeErrorKind::LengthPastEnd);
    // Unterminated OID value.
    let d = response_with_raw_value(&[0x06, 0x02, 0x2b, 0x86]);
    assert_eq!(only_value(&d), Err(DecodeErrorKind::BadOid));
    // Unsupported version 3 names itself.
    let mut d = response_with_raw_value(&[0x05, 0x00]);
    d[4] = 3;
    let e = read_message(&d).unwrap_err();
    assert_eq!(
        (e.offset, e.kind),
        (2, DecodeErrorKind::UnsupportedVersion(3))
    );
    // The v1 Trap-PDU is not a Response.
    let mut d = response_with_raw_value(&[0x05, 0x00]);
    d[13] = 0xa4;
    assert_eq!(
        read_message(&d).unwrap_err().kind,
        DecodeErrorKind::UnsupportedPdu(0xa4)
    );
}

#[test]
fn exceptions_and_unknown_tags_are_data() {
    assert_eq!(
        only_value(&response_with_raw_value(&[0x80, 0x00])),
        Ok(Value::NoSuchObject)
    );
    assert_eq!(
        only_value(&response_with_raw_value(&[0x81, 0x00])),
        Ok(Value::NoSuchInstance)
    );
    assert_eq!(
        only_value(&response_with_raw_value(&[0x82, 0x00])),
        Ok(Value::EndOfMibView)
    );
    // UInteger32 ([APPLICATION 7], obsolete) is kept raw.
    assert_eq!(
        only_value(&response_with_raw_value(&[0x47, 0x01, 0x05])),
        Ok(Value::Unknown {
            tag: 0x47,
            content: &[5]
        })
    );
}

// ---- snmp-parser as the reference decoder ------------------------------------------------

/// Asserts that our reading of `d` agrees with snmp-parser's on every varbind.
fn agree_with_snmp_parser(d: &[u8], version: Version) {
    use snmp_parser::{ObjectSyntax, SnmpPdu, VarBindValue};
    let (_, theirs) = match version {
        Version::V1 => snmp_parser::parse_snmp_v1(d),
        _ => snmp_parser::parse_snmp_v2c(d),
    }
    .expect("snmp-parser reads the well-formed message");
    let ours = read_message(d).expect("we read it too");
    assert_eq!(theirs.community.as_bytes(), ours.community);
    let (req_id, their_vars) = match &theirs.pdu {
        SnmpPdu::Generic(p) => (p.req_id, &p.var),
        SnmpPdu::Bulk(p) => (p.req_id, &p.var),
        SnmpPdu::TrapV1(_) => panic!("no traps here"),
    };
    assert_eq!(req_id as i32, ours.pdu.request_id);
    let our_vars: Vec<_> = ours.pdu.varbinds().collect::<Result<_, _>>().unwrap();
    assert_eq!(their_vars.len(), our_vars.len());
    for (t, o) in their_vars.iter().zip(&our_vars) {
        let their_oid: Vec<u64> = t.oid.iter().expect("oid fits u64").collect();
        let our_oid: Vec<u64> = o.oid.iter().map(u64::from).collect();
        assert_eq!(their_oid, our_oid);
        let agrees = match (&t.val, o.value) {
            (VarBindValue::Unspecified, Value::Null) => true,
            (VarBindValue::NoSuchObject, Value::NoSuchObject) => true,
            (VarBindValue::NoSuchInstance, Value::NoSuchInstance) => true,
            (VarBindValue::EndOfMibView, Value::EndOfMibView) => true,
            (VarBindValue::Value(v), ours) => match (v, ours) {
                (ObjectSyntax::Number(a), Value::Integer(b)) => i64::from(*a) == b,
                (ObjectSyntax::String(a), Value::OctetString(b)) => *a == b,
                // snmp-parser reads zero-length simple values (an empty string) as Empty.
                (ObjectSyntax::Empty, Value::OctetString(b)) => b.is_empty(),
                (ObjectSyntax::Object(a), Value::ObjectId(b)) => {
                    a.iter().expect("fits").eq(b.iter())
                }
                (
                    ObjectSyntax::IpAddress(snmp_parser::NetworkAddress::IPv4(a)),
                    Value::IpAddress(b),
                ) => a.octets() == b,
                (ObjectSyntax::Counter32(a), Value::Counter32(b)) => u64::from(*a) == b,
                (ObjectSyntax::Gauge32(a), Value::Gauge32(b)) => u64::from(*a) == b,
                (ObjectSyntax::TimeTicks(a), Value::TimeTicks(b)) => u64::from(*a) == b,
                (ObjectSyntax::Opaque(a), Value::Opaque(b)) => *a == b,
                (ObjectSyntax::Counter64(a), Value::Counter64(b)) => *a == b,
                _ => false,
            },
            _ => false,
        };
        assert!(agrees, "snmp-parser {:?} vs ours {:?}", t.val, o.value);
    }
}

/// An OID moved into snmp-parser's correct domain. asn1-rs 0.7 (under snmp-parser 0.11)
/// splits the first content octet as `octet / 40, octet % 40` without capping the first arc at
/// 2, so it misreads `2.Y` for Y >= 40, and it reads `0.0` (content `00`) as the single arc
/// `0`. Ours follows X.690 §8.19.4; see `first_arcs_follow_x690_for_large_second_arcs`.
fn reference_safe(o: Oid) -> Oid {
    let mut v = o.into_vec();
    if v[0] == 2 {
        v[1] %= 40;
    }
    if v == [0, 0] {
        v.push(1);
    }
    Oid::from_vec(v).unwrap()
}

fn arb_reference_oid() -> impl Strategy<Value = Oid> {
    arb_oid().prop_map(reference_safe)
}

/// Values inside snmp-parser's domain: Integer32, 32-bit unsigned types, OIDs as above.
fn arb_reference_value() -> impl Strategy<Value = Owned> {
    arb_value().prop_map(|v| match v {
        Owned::Integer(i) => Owned::Integer(i64::from(i as i32)),
        Owned::ObjectId(o) => Owned::ObjectId(reference_safe(o)),
        other => other,
    })
}

#[test]
fn first_arcs_follow_x690_for_large_second_arcs() {
    // X.690 §8.19.5's example: {2 999 3} is 88 37 03 (first sub-identifier 1079).
    let d = response_with_raw_value(&[0x06, 0x03, 0x88, 0x37, 0x03]);
    match only_value(&d) {
        Ok(Value::ObjectId(o)) => assert_eq!(o.to_string(), "2.999.3"),
        other => panic!("{other:?}"),
    }
    let o: Oid = "2.999.3".parse().unwrap();
    let enc = encode(
        Version::V2c,
        b"c",
        &PduHeader::response(1, 0, 0),
        &[(o.clone(), Owned::Null)],
    );
    assert!(enc.windows(5).any(|w| w == [0x06, 0x03, 0x88, 0x37, 0x03]));
    assert_eq!(all_varbinds(&enc)[0].oid.to_oid(), o);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn agrees_with_snmp_parser_on_well_formed_messages(
        vbs in prop::collection::vec((arb_reference_oid(), arb_reference_value()), 0..40),
        v1 in any::<bool>(),
        // snmp-parser reads communities as UTF-8 text.
        community in "[ -~]{0,20}",
        request_id in 0i32..i32::MAX,
    ) {
        let version = if v1 { Version::V1 } else { Version::V2c };
        let d = encode(version, community.as_bytes(), &PduHeader::response(request_id, 0, 0), &vbs);
        agree_with_snmp_parser(&d, version);
    }

    #[test]
    fn agrees_with_snmp_parser_on_requests(
        oids in prop::collection::vec(arb_reference_oid(), 1..30),
        request_id in 0i32..i32::MAX,
        reps in 0i32..100,
    ) {
        let vbs: Vec<_> = oids.into_iter().map(|o| (o, Owned::Null)).collect();
        for pdu in [PduHeader::get(request_id), PduHeader::get_next(request_id), PduHeader::get_bulk(request_id, 0, reps)] {
            let d = encode(Version::V2c, b"public", &pdu, &vbs);
            agree_with_snmp_parser(&d, Version::V2c);
        }
    }
}

#[test]
fn subids_views_compare_across_forms() {
    let oid: Oid = "1.3.6.1.2.1.2.2.1.2.7".parse().unwrap();
    let d = encode(
        Version::V2c,
        b"c",
        &PduHeader::response(1, 0, 0),
        &[(oid.clone(), Owned::ObjectId(oid.clone()))],
    );
    let vb = all_varbinds(&d)[0];
    let wide: Vec<u64> = oid.as_slice().iter().map(|&s| u64::from(s)).collect();
    assert_eq!(vb.value, Value::ObjectId(SubIds::U32(oid.as_slice())));
    assert_eq!(vb.value, Value::ObjectId(SubIds::U64(&wide)));
    assert!(vb.oid.starts_with(&"1.3.6.1.2.1.2.2.1.2".parse().unwrap()));
    assert!(!vb.oid.starts_with(&"1.3.6.1.2.1.2.2.1.20".parse().unwrap()));
}
