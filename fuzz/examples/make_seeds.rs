//! Writes seed inputs for the fuzz targets into `corpus/<target>/seed-*` (next to this crate's
//! Cargo.toml): well-formed BER messages with every value type, and the wireline buffers the
//! writer makes from them. Run with `cargo run --example make_seeds` from `fuzz/`.

use std::fs;
use std::path::Path;

use snmp_stream_core::ber::{PduHeader, encode_message, read_message};
use snmp_stream_core::wireline::WirelineWriter;
use snmp_stream_core::{Oid, SubIds, Value, Version};

fn oid(s: &str) -> Oid {
    s.parse().expect("valid OID")
}

/// A message with community `public`.
fn message(version: Version, header: PduHeader, vbs: &[(Oid, Value<'_>)]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_message(
        &mut out,
        version,
        b"public",
        &header,
        vbs.iter().map(|(o, v)| (o.sub_ids(), *v)),
    );
    out
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let sys_object_id = oid("1.3.6.1.4.1.9.1.1208");
    let big_oid = oid("2.999.4294967295.1.128.16384");
    let rows: Vec<(Oid, Value<'_>)> = vec![
        (
            oid("1.3.6.1.2.1.1.1.0"),
            Value::OctetString(b"Cisco IOS Software"),
        ),
        (
            oid("1.3.6.1.2.1.1.2.0"),
            Value::ObjectId(sys_object_id.sub_ids()),
        ),
        (oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(123_456_789)),
        (oid("1.3.6.1.2.1.2.2.1.3.1"), Value::Integer(-6)),
        (
            oid("1.3.6.1.2.1.2.2.1.5.1"),
            Value::Gauge32(u64::from(u32::MAX)),
        ),
        (
            oid("1.3.6.1.2.1.2.2.1.10.1"),
            Value::Counter32(3_000_000_000),
        ),
        (oid("1.3.6.1.2.1.31.1.1.1.6.1"), Value::Counter64(u64::MAX)),
        (
            oid("1.3.6.1.2.1.4.20.1.1.10.0.0.1"),
            Value::IpAddress([10, 0, 0, 1]),
        ),
        (
            oid("1.3.6.1.4.1.2021.10.1.6.1"),
            Value::Opaque(&[0x9f, 0x78, 0x04, 0x3f, 0x80, 0, 0]),
        ),
        (oid("1.3.6.1.2.1.1.9.1.2.1"), Value::Null),
        (oid("1.3.6.1.2.1.99.1.0"), Value::NoSuchObject),
        (oid("1.3.6.1.2.1.99.2.0"), Value::NoSuchInstance),
        (oid("1.3.6.1.2.1.99.3.0"), Value::EndOfMibView),
        (
            oid("1.3.6.1.2.1.99.4.0"),
            Value::Unknown {
                tag: 0x45,
                content: b"\x01\x02",
            },
        ),
        (big_oid.clone(), Value::ObjectId(big_oid.sub_ids())),
    ];
    let walk_root = oid("1.3.6.1.2.1.4.24.4.1.1");
    let walk: Vec<(Oid, Value<'_>)> = (0..4u32)
        .map(|i| {
            let index = [10, i, 0, 0, 255, 255, 0, 0, 0, 192, 168, 1, 1];
            (
                walk_root.join(&index).unwrap(),
                Value::IpAddress([10, i as u8, 0, 0]),
            )
        })
        .collect();

    let mut messages: Vec<Vec<u8>> = Vec::new();
    let mut encode = |version, header: PduHeader, vbs: &[(Oid, Value<'_>)]| {
        messages.push(message(version, header, vbs));
    };
    encode(Version::V2c, PduHeader::response(1, 0, 0), &rows);
    encode(Version::V2c, PduHeader::response(0x7fff_ffff, 0, 0), &walk);
    encode(Version::V1, PduHeader::response(-5, 2, 1), &rows[..3]);
    encode(Version::V2c, PduHeader::response(9, 0, 0), &[]);
    let nulls: Vec<(Oid, Value<'_>)> = rows
        .iter()
        .take(4)
        .map(|(o, _)| (o.clone(), Value::Null))
        .collect();
    encode(Version::V2c, PduHeader::get_bulk(42, 1, 10), &nulls);
    encode(Version::V1, PduHeader::get_next(43), &nulls);
    for (i, row) in rows.iter().enumerate() {
        encode(
            Version::V2c,
            PduHeader::response(100 + i as i32, 0, 0),
            std::slice::from_ref(row),
        );
    }
    // The reader's doc example (`read_message`): a Timeticks response with request-id 1.
    messages.push(vec![
        0x30, 0x28, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa2, 0x1b,
        0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x10, 0x30, 0x0e, 0x06, 0x08,
        0x2b, 6, 1, 2, 1, 1, 3, 0, 0x43, 0x02, 0x10, 0x00,
    ]);
    // An earlier version of that example, with every length 2 short: the header decodes, the
    // varbind's value runs past its SEQUENCE.
    messages.push(vec![
        0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa2, 0x19,
        0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08,
        0x2b, 6, 1, 2, 1, 1, 3, 0, 0x43, 0x02, 0x10, 0x00,
    ]);

    for target in ["ber_read", "ber_roundtrip"] {
        let d = dir.join(target);
        fs::create_dir_all(&d).unwrap();
        for (i, m) in messages.iter().enumerate() {
            fs::write(d.join(format!("seed-{i:02}")), m).unwrap();
        }
    }

    // Wireline buffers: each message's varbinds under a couple of roots, then one written with
    // explicit indices. The first byte selects the aligned (0) or unaligned (1) path.
    let d = dir.join("wireline_read");
    fs::create_dir_all(&d).unwrap();
    let roots = [oid("1.3.6.1.2.1"), walk_root.clone()];
    let mut n = 0;
    let mut put = |bytes: &[u8]| {
        for sel in [0u8, 1] {
            let mut input = vec![sel];
            input.extend_from_slice(bytes);
            fs::write(d.join(format!("seed-{n:02}")), input).unwrap();
            n += 1;
        }
    };
    for m in &messages {
        let Ok(msg) = read_message(m) else {
            continue;
        };
        let mut w = WirelineWriter::new(b"seed-request", &roots);
        for (i, vb) in msg.pdu.varbinds().enumerate() {
            let Ok(vb) = vb else {
                continue;
            };
            let k = usize::from(vb.oid.starts_with(&roots[1]));
            // A varbind under neither root is simply not written.
            let _ = w.push_varbind(1_700_000_000_000_000_000 + i as u64, k, &vb);
        }
        put(w.finish().as_bytes());
    }
    put(WirelineWriter::new(b"", &[]).finish().as_bytes());
    let mut w = WirelineWriter::new(b"abc", &roots[..1]);
    w.push_record(
        1,
        0,
        &[1, 2, 3],
        &Value::ObjectId(SubIds::U32(&[1, 3, 6, 1])),
    )
    .expect("root 0");
    w.push_record(2, 0, &[], &Value::OctetString(b"exactly8"))
        .expect("root 0");
    put(w.finish().as_bytes());

    // The agent: requests for OIDs the Linux recording holds, after the fault bytes (none;
    // every fault but the message-size limit, with a small parameter; the same and every newer
    // fault, in the third byte the first one's top bit announces).
    let d = dir.join("agent");
    fs::create_dir_all(&d).unwrap();
    let names: Vec<(Oid, Value<'_>)> = ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.25"]
        .iter()
        .map(|o| (oid(o), Value::Null))
        .collect();
    let mut requests: Vec<Vec<u8>> = Vec::new();
    for (version, header) in [
        (Version::V2c, PduHeader::get(7)),
        (Version::V2c, PduHeader::get_next(8)),
        (Version::V2c, PduHeader::get_bulk(9, 1, 10)),
        (Version::V1, PduHeader::get_next(10)),
        (Version::V1, PduHeader::get_bulk(11, 0, 5)),
    ] {
        requests.push(message(version, header, &names));
    }
    let mut agent_seeds = 0;
    for (i, m) in requests.iter().chain(&messages).enumerate() {
        for faults in [&[0u8, 0][..], &[0x3f, 3], &[0xbf, 3, 0xff]] {
            let mut input = faults.to_vec();
            input.extend_from_slice(m);
            fs::write(d.join(format!("seed-{i:02}-{:02x}", faults[0])), input).unwrap();
            agent_seeds += 1;
        }
    }

    // Recordings: the start of the real one, and lines of every kind the reader knows.
    let d = dir.join("snmprec");
    fs::create_dir_all(&d).unwrap();
    let real = include_str!("../../data/snmpsim/recorded/linux-full-walk.snmprec");
    let head: String = real.lines().take(150).map(|l| format!("{l}\n")).collect();
    fs::write(d.join("seed-linux-head"), head).unwrap();
    fs::write(
        d.join("seed-kinds"),
        "# a comment\n\n1.3.6.1.2.1.1.5.0|4|host\n1.3.6.1.2.1.1.5.0|4|duplicate\n\
         1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072\n1.3.6.1.2.1.2.2.1.6.1|4x|00163e0a0b0c\n\
         1.3.6.1.2.1.4.20.1.1.10.0.0.1|64|10.0.0.1\n1.3.6.1.2.1.31.1.1.1.6.1|70|18446744073709551615\n\
         1.3.6.1.2.1.2.2.1.10.1|65|4294967295\n1.3.6.1.2.1.2.2.1.3.1|2|-6\n\
         1.3.6.1.2.1.1.3.0|67|233425120\n1.3.6.1.2.1.2.2.1.1.1|2:delay|value=1,wait=100\n\
         1.3.6.1.2.1.2.2.1.9.1|65|abc\n",
    )
    .unwrap();

    // What users type: OIDs, hosts, index ranges, versions.
    let d = dir.join("text");
    fs::create_dir_all(&d).unwrap();
    let texts = [
        "1.3.6.1.2.1",
        "2.999.4294967295",
        "127.0.0.1:161",
        "[::1]:1161",
        "switch-01.example.net:16100",
        "10:10",
        ":5",
        "7:",
        "1.2.3:1.2.9",
        "2c",
        "v1",
    ];
    for (i, t) in texts.iter().enumerate() {
        fs::write(d.join(format!("seed-{i:02}")), t).unwrap();
    }

    println!(
        "wrote {} BER seeds per BER target, {n} wireline seeds, {agent_seeds} agent seeds, 2 \
         recordings and {} texts under {}",
        messages.len(),
        texts.len(),
        dir.display()
    );
}
