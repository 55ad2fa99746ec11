//! Long frame, table frame and parquet against the golden buffer, the writer and a recorded
//! agent.

use std::path::PathBuf;

use proptest::prelude::*;
use snmp_stream_core::wireline::{Wireline, WirelineWriter, words_from_bytes};
use snmp_stream_core::{Oid, SubIds, Value};
use snmp_stream_decode::polars::prelude::*;
use snmp_stream_decode::{
    FrameError, LONG_COLUMNS, long_frame, read_parquet, table_frame, write_parquet,
};
use snmp_stream_sim::Mib;

const GOLDEN_BIN: &[u8] = include_bytes!("data/ip-forward-mib.snmp-stream.bin");
const GOLDEN_JSON: &str = include_str!("data/ip-forward-mib.snmp-stream.decoded.json");
const LINUX_FULL_WALK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/snmpsim/recorded/linux-full-walk.snmprec"
);

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn strs(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    let c = df.column(name).expect("column");
    c.str()
        .expect("String column")
        .iter()
        .map(|s| s.map(str::to_owned))
        .collect()
}

fn nanos(df: &DataFrame) -> Vec<Option<i64>> {
    let c = df.column("timestamp").expect("timestamp");
    assert_eq!(
        c.dtype(),
        &DataType::Datetime(TimeUnit::Nanoseconds, None),
        "timestamp type"
    );
    let c = c.cast(&DataType::Int64).expect("cast");
    c.i64().expect("i64").iter().collect()
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("snmp-stream-decode-{}-{name}", std::process::id()))
}

#[test]
fn golden_buffer_decodes_to_the_json() {
    let json: serde_json::Value = serde_json::from_str(GOLDEN_JSON).expect("json");
    let words = words_from_bytes(GOLDEN_BIN).expect("whole words");
    let buf = Wireline::parse(&words).expect("header");
    let df = long_frame(&buf, Some("demo.snmplabs.com")).expect("decodes");

    assert_eq!(df.get_column_names(), LONG_COLUMNS);
    let records = json["records"].as_array().expect("records");
    assert_eq!(records.len(), 45);
    assert_eq!(df.height(), 45);

    let roots: Vec<&str> = json["root_oids"]
        .as_array()
        .expect("roots")
        .iter()
        .map(|r| r.as_str().expect("str"))
        .collect();
    let req_id = strs(&df, "req_id");
    let host = strs(&df, "host");
    let root_oid = strs(&df, "root_oid");
    let index = strs(&df, "index");
    let value_type = strs(&df, "value_type");
    let oid = strs(&df, "oid_value");
    let ip = strs(&df, "ip");
    let ts = nanos(&df);
    let int: Vec<Option<i64>> = df.column("int").unwrap().i64().unwrap().iter().collect();
    let uint = df.column("uint").unwrap();
    let bytes = df.column("bytes").unwrap();

    for (i, r) in records.iter().enumerate() {
        assert_eq!(req_id[i].as_deref(), Some("IP-FORWARD-MIB"));
        assert_eq!(host[i].as_deref(), Some("demo.snmplabs.com"));
        let secs = r["timestamp"].as_i64().expect("ts");
        assert_eq!(ts[i], Some(secs * 1_000_000_000), "row {i}");
        let root = r["root_index"].as_u64().expect("root") as usize;
        assert_eq!(root_oid[i].as_deref(), Some(roots[root]), "row {i}");
        let idx: Vec<String> = r["index"]
            .as_array()
            .expect("index")
            .iter()
            .map(|s| s.as_u64().expect("u64").to_string())
            .collect();
        assert_eq!(index[i].as_deref(), Some(idx.join(".").as_str()), "row {i}");
        let value = hex(r["value_hex"].as_str().expect("hex"));
        assert_eq!(uint.get(i).unwrap(), AnyValue::Null, "row {i}");
        assert_eq!(bytes.get(i).unwrap(), AnyValue::Null, "row {i}");
        match r["type"].as_u64().expect("type") {
            2 => {
                assert_eq!(value_type[i].as_deref(), Some("INTEGER"));
                let v = i64::from_le_bytes(value.try_into().expect("8 bytes"));
                assert_eq!(int[i], Some(v), "row {i}");
                assert_eq!((oid[i].as_deref(), ip[i].as_deref()), (None, None));
            }
            64 => {
                assert_eq!(value_type[i].as_deref(), Some("IpAddress"));
                let q: Vec<String> = value.iter().map(u8::to_string).collect();
                assert_eq!(ip[i].as_deref(), Some(q.join(".").as_str()), "row {i}");
                assert_eq!((int[i], oid[i].as_deref()), (None, None));
            }
            6 => {
                assert_eq!(value_type[i].as_deref(), Some("OID"));
                assert_eq!(value, [0; 16]);
                assert_eq!(oid[i].as_deref(), Some("0.0"), "row {i}");
                assert_eq!((int[i], ip[i].as_deref()), (None, None));
            }
            t => panic!("unexpected type {t} in the JSON"),
        }
    }
}

#[test]
fn golden_buffer_table_frame() {
    let words = words_from_bytes(GOLDEN_BIN).expect("whole words");
    let buf = Wireline::parse(&words).expect("header");
    let df = table_frame(&buf).expect("decodes");
    // 45 records over 16 columns: 3 routes, minus absent cells.
    assert_eq!(df.width(), 17);
    assert_eq!(df.height(), 3);
    assert_eq!(
        df.column("ipCidrRouteDest").unwrap().dtype(),
        &DataType::String
    );
    assert_eq!(
        df.column("ipCidrRouteIfIndex").unwrap().dtype(),
        &DataType::Int64
    );
    assert_eq!(
        strs(&df, "index")[0].as_deref(),
        Some("0.0.0.0.0.0.0.0.0.195.218.254.97")
    );
}

/// An owned value to write and the long-frame cells it should decode to.
#[derive(Debug, Clone)]
enum Owned {
    Int(i64),
    Str(Vec<u8>),
    Null,
    Oid(Vec<u32>),
    Ip([u8; 4]),
    C32(u64),
    G32(u64),
    Ticks(u64),
    Opaque(Vec<u8>),
    C64(u64),
    NoSuchObject,
    NoSuchInstance,
    EndOfMibView,
    Unknown(u8, Vec<u8>),
}

impl Owned {
    fn as_value(&self) -> Value<'_> {
        match self {
            Owned::Int(i) => Value::Integer(*i),
            Owned::Str(b) => Value::OctetString(b),
            Owned::Null => Value::Null,
            Owned::Oid(o) => Value::ObjectId(SubIds::U32(o)),
            Owned::Ip(a) => Value::IpAddress(*a),
            Owned::C32(u) => Value::Counter32(*u),
            Owned::G32(u) => Value::Gauge32(*u),
            Owned::Ticks(u) => Value::TimeTicks(*u),
            Owned::Opaque(b) => Value::Opaque(b),
            Owned::C64(u) => Value::Counter64(*u),
            Owned::NoSuchObject => Value::NoSuchObject,
            Owned::NoSuchInstance => Value::NoSuchInstance,
            Owned::EndOfMibView => Value::EndOfMibView,
            Owned::Unknown(tag, b) => Value::Unknown {
                tag: *tag,
                content: b,
            },
        }
    }

    fn type_name(&self) -> String {
        match self {
            Owned::Int(_) => "INTEGER".into(),
            Owned::Str(_) => "OCTET STRING".into(),
            Owned::Null => "NULL".into(),
            Owned::Oid(_) => "OID".into(),
            Owned::Ip(_) => "IpAddress".into(),
            Owned::C32(_) => "Counter32".into(),
            Owned::G32(_) => "Gauge32".into(),
            Owned::Ticks(_) => "Timeticks".into(),
            Owned::Opaque(_) => "Opaque".into(),
            Owned::C64(_) => "Counter64".into(),
            Owned::NoSuchObject => "noSuchObject".into(),
            Owned::NoSuchInstance => "noSuchInstance".into(),
            Owned::EndOfMibView => "endOfMibView".into(),
            Owned::Unknown(tag, _) => format!("tag {tag:#04x}"),
        }
    }
}

fn owned() -> impl Strategy<Value = Owned> {
    let bytes = || {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..24),
            "[ -~\t]{0,20}".prop_map(String::into_bytes),
            "\\PC{0,8}".prop_map(String::into_bytes),
        ]
    };
    prop_oneof![
        any::<i64>().prop_map(Owned::Int),
        bytes().prop_map(Owned::Str),
        Just(Owned::Null),
        proptest::collection::vec(any::<u32>(), 0..10).prop_map(Owned::Oid),
        any::<[u8; 4]>().prop_map(Owned::Ip),
        any::<u64>().prop_map(Owned::C32),
        any::<u64>().prop_map(Owned::G32),
        any::<u64>().prop_map(Owned::Ticks),
        bytes().prop_map(Owned::Opaque),
        any::<u64>().prop_map(Owned::C64),
        Just(Owned::NoSuchObject),
        Just(Owned::NoSuchInstance),
        Just(Owned::EndOfMibView),
        (
            prop_oneof![Just(0x01u8), Just(0x45), Just(0x47), Just(0x9f)],
            bytes()
        )
            .prop_map(|(t, b)| Owned::Unknown(t, b)),
    ]
}

fn is_printable(b: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(b).ok()?;
    s.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .then(|| s.to_owned())
}

fn dotted(s: impl IntoIterator<Item = impl ToString>) -> String {
    s.into_iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

fn check_round_trip(
    req_id: &[u8],
    records: &[(u64, usize, Vec<u32>, Owned)],
) -> Result<(), TestCaseError> {
    let roots: Vec<Oid> = [
        "1.3.6.1.2.1.2.2.1.2",
        "1.3.6.1.2.1.31.1.1.1.6",
        "1.3.6.1.4.1",
    ]
    .iter()
    .map(|r| r.parse().expect("oid"))
    .collect();
    let mut w = WirelineWriter::new(req_id, &roots);
    for (ts, root, index, value) in records {
        w.push_record(*ts, *root, index, &value.as_value())
            .expect("root exists");
    }
    let buf = w.finish();
    let df = long_frame(&buf.read().expect("readable"), None).expect("decodes");
    prop_assert_eq!(df.height(), records.len());
    prop_assert_eq!(df.get_column_names(), LONG_COLUMNS);

    let req = String::from_utf8_lossy(req_id).into_owned();
    let ts = nanos(&df);
    let (root_oid, index, value_type) = (
        strs(&df, "root_oid"),
        strs(&df, "index"),
        strs(&df, "value_type"),
    );
    let (req_ids, host, text, oid, ip) = (
        strs(&df, "req_id"),
        strs(&df, "host"),
        strs(&df, "text"),
        strs(&df, "oid_value"),
        strs(&df, "ip"),
    );
    let int: Vec<Option<i64>> = df.column("int").unwrap().i64().unwrap().iter().collect();
    let uint: Vec<Option<u64>> = df.column("uint").unwrap().u64().unwrap().iter().collect();
    let bytes: Vec<Option<Vec<u8>>> = df
        .column("bytes")
        .unwrap()
        .binary()
        .unwrap()
        .iter()
        .map(|b| b.map(<[u8]>::to_vec))
        .collect();

    for (i, (t, root, idx, value)) in records.iter().enumerate() {
        prop_assert_eq!(req_ids[i].as_deref(), Some(req.as_str()));
        prop_assert_eq!(host[i].as_deref(), None);
        prop_assert_eq!(ts[i], Some(i64::try_from(*t).unwrap_or(i64::MAX)));
        prop_assert_eq!(root_oid[i].clone(), Some(roots[*root].to_string()));
        prop_assert_eq!(index[i].clone(), Some(dotted(idx)));
        prop_assert_eq!(value_type[i].clone(), Some(value.type_name()));
        let mut want = (None, None, None, None, None, None);
        match value {
            Owned::Int(v) => want.0 = Some(*v),
            Owned::C32(v) | Owned::G32(v) | Owned::Ticks(v) | Owned::C64(v) => want.1 = Some(*v),
            Owned::Str(b) => {
                want.2 = Some(b.clone());
                want.3 = is_printable(b);
            }
            Owned::Opaque(b) | Owned::Unknown(_, b) => want.2 = Some(b.clone()),
            Owned::Oid(o) => want.4 = Some(dotted(o)),
            Owned::Ip(a) => want.5 = Some(dotted(a)),
            _ => {}
        }
        let got = (
            int[i],
            uint[i],
            bytes[i].clone(),
            text[i].clone(),
            oid[i].clone(),
            ip[i].clone(),
        );
        prop_assert_eq!(got, want, "row {}: {:?}", i, value);
    }
    Ok(())
}

proptest! {
    #[test]
    fn writer_records_decode_to_what_was_written(
        req_id in proptest::collection::vec(any::<u8>(), 0..20),
        records in proptest::collection::vec(
            (any::<u64>(), 0usize..3, proptest::collection::vec(any::<u32>(), 0..8), owned()),
            0..40,
        ),
    ) {
        check_round_trip(&req_id, &records)?;
    }
}

#[test]
fn every_value_type_round_trips() {
    let all = [
        Owned::Int(-1),
        Owned::Int(i64::MIN),
        Owned::Str(b"eth0".to_vec()),
        Owned::Str(vec![0x00, 0x12, 0x79, 0x62, 0xf9, 0x40]),
        Owned::Str(Vec::new()),
        Owned::Null,
        Owned::Oid(vec![1, 3, 6, 1, 4, 1, u32::MAX]),
        Owned::Oid(Vec::new()),
        Owned::Ip([192, 0, 2, 255]),
        Owned::C32(u64::from(u32::MAX)),
        Owned::G32(0),
        Owned::Ticks(4242),
        Owned::Opaque(vec![0x9f, 0x78, 0x04, 0, 0, 0, 0]),
        Owned::C64(u64::MAX),
        Owned::NoSuchObject,
        Owned::NoSuchInstance,
        Owned::EndOfMibView,
        Owned::Unknown(0x47, vec![1, 2, 3]),
    ];
    let records: Vec<_> = all
        .into_iter()
        .enumerate()
        .map(|(i, v)| (i as u64 * 1_000_000_007, i % 3, vec![i as u32, 7], v))
        .collect();
    check_round_trip(b"every-type", &records).expect("round trip");
    // An empty buffer is an empty frame with the same schema.
    check_round_trip(b"", &[]).expect("empty");
}

/// A buffer of an ifTable WALK, as the collector would write it from the recorded agent.
fn if_table_buffer() -> (snmp_stream_core::WirelineBuf, usize) {
    let text = std::fs::read_to_string(LINUX_FULL_WALK).expect("recording");
    let mib = Mib::from_snmprec(&text).expect("parses");
    let roots: Vec<Oid> = (1..=22)
        .map(|c| format!("1.3.6.1.2.1.2.2.1.{c}").parse().expect("oid"))
        .collect();
    let mut w = WirelineWriter::new(b"ifTable", &roots);
    let ts = 1_732_363_200_000_000_000;
    for (i, root) in roots.iter().enumerate() {
        for (oid, value) in mib.iter() {
            if let Some(index) = oid.suffix(root).filter(|s| !s.is_empty()) {
                w.push_record(ts, i, index, &value.as_value())
                    .expect("root");
            }
        }
    }
    let interfaces = mib
        .iter()
        .filter(|(oid, _)| oid.starts_with(&roots[0]) && oid.len() > roots[0].len())
        .count();
    (w.finish(), interfaces)
}

#[test]
fn if_table_frame_has_one_row_per_interface() {
    let (buf, interfaces) = if_table_buffer();
    assert_eq!(interfaces, 2, "lo and eth0 in the recording");
    let df = table_frame(&buf.read().expect("readable")).expect("decodes");
    assert_eq!(df.height(), interfaces);
    assert_eq!(df.width(), 23);
    let names = df.get_column_names();
    assert_eq!(names[0].as_str(), "index");
    assert_eq!(names[1].as_str(), "ifIndex");
    assert_eq!(names[22].as_str(), "ifSpecific");

    let dtype = |c: &str| df.column(c).expect(c).dtype().clone();
    assert_eq!(dtype("ifIndex"), DataType::Int64);
    assert_eq!(dtype("ifDescr"), DataType::String);
    assert_eq!(dtype("ifInOctets"), DataType::UInt64);
    assert_eq!(dtype("ifSpeed"), DataType::UInt64);
    assert_eq!(dtype("ifLastChange"), DataType::UInt64);
    assert_eq!(dtype("ifPhysAddress"), DataType::Binary);
    assert_eq!(dtype("ifSpecific"), DataType::String);

    assert_eq!(
        strs(&df, "index"),
        [Some("1".to_owned()), Some("2".to_owned())]
    );
    assert_eq!(
        strs(&df, "ifDescr"),
        [Some("lo".to_owned()), Some("eth0".to_owned())]
    );
    let octets: Vec<_> = df
        .column("ifInOctets")
        .unwrap()
        .u64()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(octets, [Some(762_888_510), Some(2_692_239_107)]);
    let mac: Vec<_> = df
        .column("ifPhysAddress")
        .unwrap()
        .binary()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(
        mac,
        [
            Some(&[][..]),
            Some(&[0x00, 0x12, 0x79, 0x62, 0xf9, 0x40][..])
        ]
    );
    assert_eq!(
        strs(&df, "ifSpecific"),
        [Some("0.0".to_owned()), Some("0.0".to_owned())]
    );
}

#[test]
fn table_rows_are_in_numeric_index_order_with_gaps_null() {
    let roots: Vec<Oid> = vec![
        "1.3.6.1.2.1.2.2.1.2".parse().unwrap(),
        "1.3.6.1.9".parse().unwrap(),
    ];
    let mut w = WirelineWriter::new(b"", &roots);
    for i in [10u32, 9, 100, 2] {
        w.push_record(0, 0, &[i, 1], &Value::OctetString(b"x"))
            .unwrap();
    }
    w.push_record(0, 1, &[9, 1], &Value::Integer(5)).unwrap();
    w.push_record(0, 1, &[2, 1], &Value::NoSuchInstance)
        .unwrap();
    let buf = w.finish();
    let df = table_frame(&buf.read().unwrap()).unwrap();
    let index: Vec<_> = strs(&df, "index").into_iter().flatten().collect();
    assert_eq!(index, ["2.1", "9.1", "10.1", "100.1"]);
    assert_eq!(df.get_column_names()[2].as_str(), "1.3.6.1.9");
    let col: Vec<_> = df
        .column("1.3.6.1.9")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(col, [None, Some(5), None, None]);
}

#[test]
fn parquet_round_trips_both_frames() {
    let (buf, _) = if_table_buffer();
    let buf = buf.read().unwrap();
    for (name, mut df) in [
        ("long", long_frame(&buf, Some("192.0.2.1")).unwrap()),
        ("table", table_frame(&buf).unwrap()),
    ] {
        let path = temp_path(&format!("{name}.parquet"));
        let written = write_parquet(&mut df, &path).expect("writes");
        assert!(written > 0);
        let back = read_parquet(&path).expect("reads");
        std::fs::remove_file(&path).ok();
        assert_eq!(back.schema(), df.schema(), "{name}");
        assert!(back.equals_missing(&df), "{name}:\n{back}\n{df}");
    }
    // The golden buffer too (8-byte sub-ids, seconds timestamps).
    let words = words_from_bytes(GOLDEN_BIN).unwrap();
    let mut df = long_frame(&Wireline::parse(&words).unwrap(), None).unwrap();
    let path = temp_path("golden.parquet");
    write_parquet(&mut df, &path).unwrap();
    let back = read_parquet(&path).unwrap();
    std::fs::remove_file(&path).ok();
    assert!(back.equals_missing(&df));
}

#[test]
fn parquet_reports_missing_files() {
    let err = read_parquet("/nonexistent/dir/x.parquet").unwrap_err();
    assert!(matches!(err, FrameError::Io { .. }), "{err}");
    assert_eq!(err.offset(), None);
}

#[test]
fn truncated_records_fail_with_their_offset() {
    let json: serde_json::Value = serde_json::from_str(GOLDEN_JSON).unwrap();
    let rec = &json["records"][5];
    let offset = rec["offset"].as_u64().unwrap() as usize;
    let words = words_from_bytes(GOLDEN_BIN).unwrap();
    // Cut the buffer two words into record 5.
    let cut = &words[..offset / 8 + 2];
    let buf = Wireline::parse(cut).expect("header intact");
    for err in [
        long_frame(&buf, None).unwrap_err(),
        table_frame(&buf).unwrap_err(),
    ] {
        assert!(matches!(err, FrameError::Wireline(_)), "{err}");
        assert_eq!(err.offset(), Some(offset), "{err}");
    }
}

#[test]
fn corrupt_buffers_never_panic() {
    let words = words_from_bytes(GOLDEN_BIN).unwrap().into_owned();
    let len = words.len() * 8;
    let check = |w: &[u64]| {
        let Ok(buf) = Wireline::parse(w) else { return };
        for r in [long_frame(&buf, None), table_frame(&buf)] {
            match r {
                Ok(df) => assert_eq!(df.width(), df.get_column_names().len()),
                Err(e) => assert!(e.offset().is_some_and(|o| o < len), "{e}"),
            }
        }
    };
    // Every truncation.
    for n in 0..words.len() {
        check(&words[..n]);
    }
    // Every word replaced by a few hostile values.
    for i in 0..words.len() {
        for bad in [0, 1, 7, 8, 16, 0x46, u64::MAX, u64::MAX / 8 * 8, 1 << 40] {
            let mut w = words.clone();
            w[i] = bad;
            check(&w);
        }
    }
}

#[test]
fn unaligned_and_odd_sized_bytes_are_errors_not_panics() {
    let err = words_from_bytes(&GOLDEN_BIN[..GOLDEN_BIN.len() - 3]).unwrap_err();
    assert_eq!(err.offset, GOLDEN_BIN.len() - 8);
}
