//! Wireline format: the seed's layout byte for byte, BER → wireline → read identity, the
//! original implementation's buffer, and robustness against corrupt buffers.

use proptest::prelude::*;
use snmp_stream_core::ber::{PduHeader, encode_message, read_message};
use snmp_stream_core::wireline::{
    Wireline, WirelineError, WirelineErrorKind, WirelineWriter, words_from_bytes,
};
use snmp_stream_core::{Oid, SubIds, Value, Version};

const TS: u64 = 1_732_000_000_123_456_789;

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

/// The words a little-endian reader expects, built independently of the writer.
fn le_bytes(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

#[test]
fn header_with_req_id_and_16_roots_is_laid_out_as_the_seed_says() {
    // The 16 ipCidrRouteTable columns, in the original's order.
    let cols = [1, 10, 11, 12, 13, 14, 15, 16, 2, 3, 4, 5, 6, 7, 8, 9];
    let roots: Vec<Oid> = cols
        .iter()
        .map(|c| oid(&format!("1.3.6.1.2.1.4.24.4.1.{c}")))
        .collect();
    let buf = WirelineWriter::new(b"IP-FORWARD-MIB", &roots).finish();

    // Header bytes: [0] byte order, [1] word size, [2] sub-id size, [3] timestamp unit, rest 0.
    let mut want: Vec<u8> = vec![0, 8, 4, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    // One word: request-id size in bytes; then the request-id padded to a word.
    want.extend(le_bytes(&[14]));
    want.extend(b"IP-FORWARD-MIB\0\0");
    // One word: count of root OIDs; then per root its size in words and one sub-id per word.
    want.extend(le_bytes(&[16]));
    for c in cols {
        want.extend(le_bytes(&[11, 1, 3, 6, 1, 2, 1, 4, 24, 4, 1, c]));
    }
    if cfg!(target_endian = "little") {
        assert_eq!(buf.as_bytes(), &want[..]);
    }
    assert_eq!(buf.len_bytes(), 16 + 8 + 16 + 8 + 16 * 12 * 8);

    // And the same buffer matches the original's header words, but for the sub-id size and
    // timestamp unit bytes that this writer documents as different (4 and 9).
    let original = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/ip-forward-mib.snmp-stream.bin"
    ))
    .unwrap();
    let records_at = 1584;
    assert_eq!(&original[4..records_at], &buf.as_bytes()[4..]);
    assert_eq!(&original[..4], &[0, 8, 8, 0]);
}

#[test]
fn a_record_is_laid_out_as_the_seed_says() {
    let root = oid("1.3.6.1.2.1.2.2.1.2");
    let mut w = WirelineWriter::new(b"", &[root]);
    // ifDescr.3 = "eth0.100" (8 bytes, exactly one word)
    w.push_record(TS, 0, &[3], &Value::OctetString(b"eth0.100"))
        .unwrap();
    // An index of 3 sub-ids packed at 4 bytes each into 2 words; Counter64 as one word.
    w.push_record(
        TS + 1,
        0,
        &[10, 0, 7],
        &Value::Counter64(0x0102_0304_0506_0708),
    )
    .unwrap();
    let buf = w.finish();
    let header = 16 + 8 + 8 + 8 * 11;
    let mut want = Vec::new();
    // size (bytes after this word), timestamp, root index, type, index length in sub-ids,
    want.extend(le_bytes(&[7 * 8, TS, 0, 0x04, 1]));
    // index: sub-id 3 and padding, value size, value.
    want.extend([3, 0, 0, 0, 0, 0, 0, 0]);
    want.extend(le_bytes(&[8]));
    want.extend(b"eth0.100");
    want.extend(le_bytes(&[8 * 8, TS + 1, 0, 0x46, 3]));
    want.extend([10, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0]);
    want.extend(le_bytes(&[8, 0x0102_0304_0506_0708]));
    if cfg!(target_endian = "little") {
        assert_eq!(&buf.as_bytes()[header..], &want[..]);
    }
}

/// A 50-varbind response like an ifTable walk would get, covering every value type.
fn fifty_varbinds() -> Vec<(Oid, Vec<u8>, u8, u64)> {
    // (oid, bytes payload, tag, number payload)
    let mut v = Vec::new();
    for i in 0..50u32 {
        let col = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10][i as usize % 10];
        let o = oid(&format!("1.3.6.1.2.1.2.2.1.{col}.{}", i / 10 + 1));
        let (bytes, tag, num) = match i % 10 {
            0 => (vec![], 0x02, (-(i as i64) - 5) as u64),
            1 => (format!("GigabitEthernet0/{i}").into_bytes(), 0x04, 0),
            2 => (vec![], 0x41, 4_294_967_295 - u64::from(i)),
            3 => (vec![], 0x42, 1_000_000_000),
            4 => (vec![], 0x43, u64::from(i) * 100),
            5 => (vec![0x00, 0x1b, 0x21, 0x3c, 0x4d, i as u8], 0x04, 0),
            6 => (vec![10, 0, 0, i as u8], 0x40, 0),
            7 => (vec![], 0x46, u64::MAX - u64::from(i)),
            8 => (vec![], 0x06, 0),
            _ => (vec![0x9f, 0x78, 0x04, 0x3f, 0x80, 0, 0], 0x44, 0),
        };
        v.push((o, bytes, tag, num));
    }
    v
}

fn view<'a>(bytes: &'a [u8], tag: u8, num: u64, oid_value: &'a Oid) -> Value<'a> {
    match tag {
        0x02 => Value::Integer(num as i64),
        0x04 => Value::OctetString(bytes),
        0x41 => Value::Counter32(num),
        0x42 => Value::Gauge32(num),
        0x43 => Value::TimeTicks(num),
        0x40 => Value::IpAddress(bytes.try_into().unwrap()),
        0x46 => Value::Counter64(num),
        0x06 => Value::ObjectId(oid_value.sub_ids()),
        0x44 => Value::Opaque(bytes),
        _ => unreachable!(),
    }
}

#[test]
fn a_50_varbind_response_reads_back_identically() {
    let vbs = fifty_varbinds();
    let sys_object_id = oid("1.3.6.1.4.1.8072.3.2.10");
    let mut datagram = Vec::new();
    encode_message(
        &mut datagram,
        Version::V2c,
        b"public",
        &PduHeader::response(4242, 0, 0),
        vbs.iter()
            .map(|(o, b, t, n)| (o.sub_ids(), view(b, *t, *n, &sys_object_id))),
    );

    let roots: Vec<Oid> = (1..=10)
        .map(|c| oid(&format!("1.3.6.1.2.1.2.2.1.{c}")))
        .collect();
    let mut w = WirelineWriter::new(b"if-table", &roots);
    let msg = read_message(&datagram).unwrap();
    for (i, vb) in msg.pdu.varbinds().enumerate() {
        let vb = vb.unwrap();
        let root = roots.iter().position(|r| vb.oid.starts_with(r)).unwrap();
        w.push_varbind(TS + i as u64, root, &vb).unwrap();
    }
    assert_eq!(w.record_count(), 50);
    let buf = w.finish();

    let read = buf.read().unwrap();
    assert_eq!(read.req_id(), b"if-table");
    assert_eq!(read.root_count(), 10);
    let records: Vec<_> = read.records().collect::<Result<_, _>>().unwrap();
    assert_eq!(records.len(), 50);
    for (i, (rec, (o, b, t, n))) in records.iter().zip(&vbs).enumerate() {
        let root = &roots[rec.root_index()];
        assert_eq!(rec.timestamp_nanos(), TS + i as u64);
        assert!(o.starts_with(root));
        assert_eq!(rec.index(), SubIds::U32(o.suffix(root).unwrap()));
        assert_eq!(rec.tag(), *t);
        assert_eq!(
            rec.value().unwrap(),
            view(b, *t, *n, &sys_object_id),
            "record {i}"
        );
    }
}

#[test]
fn the_original_implementations_buffer_reads_as_its_decode_says() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/ip-forward-mib.snmp-stream.bin"
    ))
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/ip-forward-mib.snmp-stream.decoded.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let words = words_from_bytes(&bytes).unwrap();
    let w = Wireline::parse(&words).unwrap();
    assert_eq!(w.header().sub_id_size, 8);
    assert_eq!(w.header().timestamp_unit, 0);
    assert_eq!(w.req_id(), json["req_id"].as_str().unwrap().as_bytes());
    let roots: Vec<String> = w
        .roots()
        .map(|r| r.iter().map(u64::to_string).collect::<Vec<_>>().join("."))
        .collect();
    let want_roots: Vec<&str> = json["root_oids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(roots, want_roots);

    let want = json["records"].as_array().unwrap();
    let got: Vec<_> = w.records().collect::<Result<_, _>>().unwrap();
    assert_eq!(got.len(), 45);
    assert_eq!(got.len(), want.len());
    for (rec, j) in got.iter().zip(want) {
        assert_eq!(rec.offset() as u64, j["offset"].as_u64().unwrap());
        assert_eq!(rec.timestamp_raw(), j["timestamp"].as_u64().unwrap());
        assert_eq!(
            rec.timestamp_nanos(),
            j["timestamp"].as_u64().unwrap() * 1_000_000_000
        );
        assert_eq!(rec.root_index() as u64, j["root_index"].as_u64().unwrap());
        assert_eq!(u64::from(rec.tag()), j["type"].as_u64().unwrap());
        let index: Vec<u64> = j["index"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        assert_eq!(rec.index(), SubIds::U64(&index));
        let hex: String = rec
            .value_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, j["value_hex"].as_str().unwrap());
        // Values interpret by type: INTEGER as i64, IpAddress 4 bytes, OID at 8-byte sub-ids.
        match rec.value().unwrap() {
            Value::Integer(_) => assert_eq!(rec.tag(), 0x02),
            Value::IpAddress(_) => assert_eq!(rec.tag(), 0x40),
            Value::ObjectId(o) => assert_eq!(o.to_string(), "0.0"),
            other => panic!("unexpected {other:?}"),
        }
    }
    // Spot checks against the decode: the default route's metric is -1, 127.0.0.0's next hop.
    assert_eq!(got[3].value().unwrap(), Value::Integer(-1));
    assert_eq!(got[4].value().unwrap(), Value::IpAddress([127, 0, 0, 0]));
}

#[test]
fn counter64_in_the_originals_high_low_form_is_read() {
    // net-snmp's struct counter64 { u_long high; u_long low; } as the original copied it.
    let mut words = vec![
        u64::from_ne_bytes([
            if cfg!(target_endian = "little") { 0 } else { 1 },
            8,
            8,
            0,
            0,
            0,
            0,
            0,
        ]),
        0,
        0,
        1,
        2,
        1,
        3,
    ];
    words.extend([8 * 8, 1_582_926_912, 0, 0x46, 1, 5, 16, 0x1, 0x2]);
    let w = Wireline::parse(&words).unwrap();
    let rec = w.records().next().unwrap().unwrap();
    assert_eq!(rec.value().unwrap(), Value::Counter64((1 << 32) | 2));
    assert_eq!(rec.index(), SubIds::U64(&[5]));
}

#[test]
fn corrupt_buffers_name_the_field_and_offset() {
    let root = oid("1.3.6.1.2.1.1");
    let mut w = WirelineWriter::new(b"x", &[root]);
    w.push_record(TS, 0, &[1, 0], &Value::OctetString(b"Linux box"))
        .unwrap();
    let good = w.finish().into_words();
    let records_at = (2 + 1 + 1 + 1 + 1 + 7) * 8;

    let mut bad = good.clone();
    bad[0] = u64::from_ne_bytes([7, 8, 4, 9, 0, 0, 0, 0]);
    assert_eq!(
        Wireline::parse(&bad).unwrap_err(),
        WirelineError {
            offset: 0,
            kind: WirelineErrorKind::BadByteOrder(7)
        }
    );
    let mut bad = good.clone();
    bad[0] = u64::from_ne_bytes([0, 8, 3, 9, 0, 0, 0, 0]);
    assert_eq!(
        Wireline::parse(&bad).unwrap_err().kind,
        WirelineErrorKind::BadSubIdSize(3)
    );
    let mut bad = good.clone();
    bad[2] = u64::MAX; // request-id size
    assert_eq!(
        Wireline::parse(&bad).unwrap_err(),
        WirelineError {
            offset: 16,
            kind: WirelineErrorKind::BadLength(u64::MAX)
        }
    );
    let mut bad = good.clone();
    bad[records_at / 8 + 2] = 9; // root index
    let e = Wireline::parse(&bad)
        .unwrap()
        .records()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        e,
        WirelineError {
            offset: records_at + 16,
            kind: WirelineErrorKind::BadRootIndex { index: 9, roots: 1 }
        }
    );
    let mut bad = good.clone();
    bad[records_at / 8] = 12; // record size not a word multiple
    let e = Wireline::parse(&bad)
        .unwrap()
        .records()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        e,
        WirelineError {
            offset: records_at,
            kind: WirelineErrorKind::BadRecordSize(12)
        }
    );
    let mut bad = good.clone();
    bad.pop();
    let e = Wireline::parse(&bad)
        .unwrap()
        .records()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        e,
        WirelineError {
            offset: records_at,
            kind: WirelineErrorKind::Truncated
        }
    );
    assert_eq!(
        words_from_bytes(&[0; 12]).unwrap_err().kind,
        WirelineErrorKind::NotWordMultiple
    );
}

#[test]
fn unaligned_bytes_take_the_copying_path() {
    let mut w = WirelineWriter::new(b"abc", &[oid("1.3.6.1.2.1.1")]);
    w.push_record(TS, 0, &[5, 0], &Value::TimeTicks(12345))
        .unwrap();
    let buf = w.finish();
    let mut shifted = vec![0u8];
    shifted.extend_from_slice(buf.as_bytes());
    let words = words_from_bytes(&shifted[1..]).unwrap();
    assert!(matches!(words, std::borrow::Cow::Owned(_)));
    let read = Wireline::parse(&words).unwrap();
    assert_eq!(
        read.records().next().unwrap().unwrap().value().unwrap(),
        Value::TimeTicks(12345)
    );
    assert!(matches!(
        words_from_bytes(buf.as_bytes()).unwrap(),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[derive(Debug, Clone)]
enum Rec {
    Int(i64),
    Uint(u8, u64),
    Bytes(u8, Vec<u8>),
    Ip([u8; 4]),
    Oid(Vec<u32>),
    Empty(u8),
}

fn arb_rec() -> impl Strategy<Value = Rec> {
    prop_oneof![
        any::<i64>().prop_map(Rec::Int),
        (
            prop::sample::select(vec![0x41u8, 0x42, 0x43, 0x46]),
            any::<u64>()
        )
            .prop_map(|(t, u)| Rec::Uint(t, u)),
        (
            prop::sample::select(vec![0x04u8, 0x44]),
            prop::collection::vec(any::<u8>(), 0..70)
        )
            .prop_map(|(t, b)| Rec::Bytes(t, b)),
        any::<[u8; 4]>().prop_map(Rec::Ip),
        prop::collection::vec(any::<u32>(), 0..20).prop_map(Rec::Oid),
        prop::sample::select(vec![0x05u8, 0x80, 0x81]).prop_map(Rec::Empty),
    ]
}

fn rec_value(r: &Rec) -> Value<'_> {
    match r {
        Rec::Int(i) => Value::Integer(*i),
        Rec::Uint(0x41, u) => Value::Counter32(*u),
        Rec::Uint(0x42, u) => Value::Gauge32(*u),
        Rec::Uint(0x43, u) => Value::TimeTicks(*u),
        Rec::Uint(_, u) => Value::Counter64(*u),
        Rec::Bytes(0x04, b) => Value::OctetString(b),
        Rec::Bytes(_, b) => Value::Opaque(b),
        Rec::Ip(a) => Value::IpAddress(*a),
        Rec::Oid(o) => Value::ObjectId(SubIds::U32(o)),
        Rec::Empty(0x05) => Value::Null,
        Rec::Empty(0x80) => Value::NoSuchObject,
        Rec::Empty(_) => Value::NoSuchInstance,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Records written are the records read, whatever their types and sizes.
    #[test]
    fn write_then_read_is_identity(
        req_id in prop::collection::vec(any::<u8>(), 0..30),
        n_roots in 1usize..20,
        recs in prop::collection::vec((any::<u64>(), any::<prop::sample::Index>(), prop::collection::vec(any::<u32>(), 0..20), arb_rec()), 0..80),
    ) {
        let roots: Vec<Oid> = (0..n_roots).map(|i| Oid::from_vec(vec![1, 3, 6, 1, i as u32]).unwrap()).collect();
        let mut w = WirelineWriter::new(&req_id, &roots);
        for (ts, root, index, r) in &recs {
            w.push_record(*ts, root.index(n_roots), index, &rec_value(r)).unwrap();
        }
        let buf = w.finish();
        let read = buf.read().unwrap();
        prop_assert_eq!(read.req_id(), &req_id[..]);
        let got: Vec<_> = read.records().collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(got.len(), recs.len());
        for (g, (ts, root, index, r)) in got.iter().zip(&recs) {
            prop_assert_eq!(g.timestamp_nanos(), *ts);
            prop_assert_eq!(g.root_index(), root.index(n_roots));
            prop_assert_eq!(g.index(), SubIds::U32(index));
            prop_assert_eq!(g.value().unwrap(), rec_value(r));
        }
    }

    /// Any corruption of a valid buffer is an error or fewer/different records, never a panic.
    #[test]
    fn corrupt_buffers_never_panic(
        recs in prop::collection::vec(arb_rec(), 1..10),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u64>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut w = WirelineWriter::new(b"id", &[oid("1.3.6.1.2.1.2.2.1.2")]);
        for r in &recs {
            w.push_record(TS, 0, &[1, 2, 3], &rec_value(r)).unwrap();
        }
        let mut words = w.finish().into_words();
        for (at, v) in edits {
            let i = at.index(words.len());
            words[i] = v;
        }
        let len = cut.index(words.len() + 1);
        if let Ok(read) = Wireline::parse(&words[..len]) {
            let _ = read.req_id();
            let _ = read.roots().count();
            for r in read.records() {
                match r {
                    Ok(rec) => { let _ = (rec.value(), rec.index().iter().count(), rec.timestamp_nanos()); }
                    Err(e) => prop_assert!(e.offset <= len * 8),
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// BER → wireline: every varbind under its root is accepted with the OID's tail as its
    /// index; every other one is refused, whatever the sizes of the arcs.
    #[test]
    fn push_varbind_strips_exactly_the_root(
        root_tail in prop::collection::vec(prop_oneof![0u32..200, any::<u32>()], 0..6),
        rows in prop::collection::vec(
            (any::<bool>(), prop::collection::vec(prop_oneof![0u32..300, any::<u32>()], 0..14)),
            1..30,
        ),
    ) {
        let mut r = vec![1, 3, 6, 1];
        r.extend(&root_tail);
        let root = Oid::from_vec(r).unwrap();
        let other = oid("1.3.6.1.99999.4294967295");
        let oids: Vec<Oid> = rows
            .iter()
            .map(|(under, index)| {
                let base = if *under { &root } else { &other };
                base.join(index).unwrap()
            })
            .collect();
        let mut datagram = Vec::new();
        encode_message(
            &mut datagram,
            Version::V2c,
            b"c",
            &PduHeader::response(1, 0, 0),
            oids.iter().map(|o| (o.sub_ids(), Value::Null)),
        );
        let mut w = WirelineWriter::new(b"", std::slice::from_ref(&root));
        let mut accepted = Vec::new();
        for (vb, o) in read_message(&datagram).unwrap().pdu.varbinds().zip(&oids) {
            let vb = vb.unwrap();
            match w.push_varbind(TS, 0, &vb) {
                Ok(()) => accepted.push(o.suffix(&root).expect("accepted means under the root").to_vec()),
                Err(e) => {
                    prop_assert_eq!(e, snmp_stream_core::wireline::PushError::NotUnderRoot(0));
                    prop_assert!(!o.starts_with(&root));
                }
            }
        }
        prop_assert_eq!(accepted.len(), oids.iter().filter(|o| o.starts_with(&root)).count());
        let buf = w.finish();
        let read = buf.read().unwrap();
        let got: Vec<_> = read.records().collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(got.len(), accepted.len());
        for (rec, want) in got.iter().zip(&accepted) {
            prop_assert_eq!(rec.index(), SubIds::U32(want));
            prop_assert_eq!(rec.value().unwrap(), Value::Null);
        }
    }
}
