//! Wireline files to frames: frames of either byte order with their hosts, the errors their
//! metadata records, a file still being written, the original's bare buffers, damage located
//! by its offset in the file, and many files into one parquet dataset.

use polars::prelude::*;
use snmp_stream_core::wireline::file::{
    ErrorKind, ErrorRecord, FileErrorKind, FrameMeta, WirelineFileWriter, frames,
};
use snmp_stream_core::wireline::{WirelineWriter, convert};
use snmp_stream_core::{Oid, Quirks, RequestKind, Status, Value};
use snmp_stream_decode::{
    FrameError, decode_file, decode_file_bytes, files_to_parquet, read_parquet,
};

fn buffer(n: u32) -> Vec<u8> {
    wireline(n).as_bytes().to_vec()
}

/// `n` ifDescr records, `eth1` to `ethN`.
fn wireline(n: u32) -> snmp_stream_core::WirelineBuf {
    let root: Oid = "1.3.6.1.2.1.2.2.1.2".parse().unwrap();
    let mut w = WirelineWriter::new(b"if-descr", std::slice::from_ref(&root));
    for i in 1..=n {
        w.push_record(
            1_700_000_000_000_000_000 + u64::from(i),
            0,
            &[i],
            &Value::OctetString(format!("eth{i}").as_bytes()),
        )
        .unwrap();
    }
    w.finish()
}

fn meta(host: &str, errors: &[&str]) -> FrameMeta {
    FrameMeta {
        kind: RequestKind::Walk,
        status: if errors.is_empty() {
            Status::Complete
        } else {
            Status::Partial
        },
        host: host.into(),
        req_id: b"if-descr".to_vec(),
        range: None,
        errors: errors
            .iter()
            .map(|m| ErrorRecord {
                timestamp: 1_700_000_000_000_000_999,
                kind: ErrorKind::Timeout,
                message: (*m).into(),
            })
            .collect(),
        quirks: Quirks::default(),
    }
}

/// Three frames: 2 records from r1, 3 from r2 written in the other byte order, 1 from r3.
fn file() -> Vec<u8> {
    let other_order = if cfg!(target_endian = "little") { 1 } else { 0 };
    let mut w = WirelineFileWriter::new(Vec::new()).unwrap();
    w.write_frame(&meta("r1:161", &[]), &buffer(2)).unwrap();
    w.write_frame(
        &meta("r2:161", &["no reply after 4 attempts"]),
        &convert(&buffer(3), other_order).unwrap(),
    )
    .unwrap();
    w.write_frame(&meta("r3:161", &[]), &buffer(1)).unwrap();
    w.into_inner().unwrap()
}

fn strings(df: &DataFrame, col: &str) -> Vec<Option<String>> {
    let c = df
        .column(col)
        .unwrap()
        .as_materialized_series()
        .str()
        .unwrap()
        .clone();
    (0..c.len()).map(|i| c.get(i).map(str::to_owned)).collect()
}

#[test]
fn every_frame_decodes_with_its_host_whatever_its_byte_order() {
    let f = decode_file_bytes(&file(), None).unwrap();
    assert_eq!(f.frames, 3);
    assert!(f.truncated.is_none());
    assert_eq!(f.records.height(), 6);
    let hosts: Vec<_> = strings(&f.records, "host").into_iter().flatten().collect();
    assert_eq!(
        hosts,
        ["r1:161", "r1:161", "r2:161", "r2:161", "r2:161", "r3:161"]
    );
    let text: Vec<_> = strings(&f.records, "text").into_iter().flatten().collect();
    assert_eq!(text, ["eth1", "eth2", "eth1", "eth2", "eth3", "eth1"]);
    assert_eq!(f.errors.height(), 1);
    assert_eq!(strings(&f.errors, "host"), [Some("r2:161".into())]);
    assert_eq!(strings(&f.errors, "kind"), [Some("timeout".into())]);
    assert_eq!(
        strings(&f.errors, "message"),
        [Some("no reply after 4 attempts".into())]
    );
}

#[test]
fn a_file_still_being_written_gives_its_complete_frames() {
    let bytes = file();
    let third = frames(&bytes).nth(2).unwrap().unwrap().offset as usize;
    let f = decode_file_bytes(&bytes[..bytes.len() - 5], None).unwrap();
    assert_eq!(f.frames, 2);
    assert_eq!(f.records.height(), 5);
    let t = f.truncated.unwrap();
    assert_eq!(
        (t.offset, t.kind),
        (third as u64, FileErrorKind::TruncatedFrame)
    );
}

#[test]
fn the_originals_bare_buffer_is_one_frame_without_a_host() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/ip-forward-mib.snmp-stream.bin"
    ))
    .unwrap();
    let f = decode_file_bytes(&bytes, None).unwrap();
    assert_eq!(
        (f.frames, f.records.height(), f.errors.height()),
        (1, 45, 0)
    );
    assert_eq!(f.records.column("host").unwrap().null_count(), 45);
}

#[test]
fn a_corrupt_record_is_located_in_the_file() {
    let mut bytes = file();
    let second = frames(&bytes).nth(1).unwrap().unwrap();
    let (buffer_at, len) = (second.buffer_offset as usize, second.buffer.len());
    // The second frame's last record is 8 words (size, timestamp, root, type, index length,
    // index, value size, value): make its root index (its third word) impossible.
    let record_at = buffer_at + len - 8 * 8;
    bytes[record_at + 16] = 0x7f;
    let e = decode_file_bytes(&bytes, None).unwrap_err();
    match e {
        FrameError::File(f) => {
            assert_eq!(f.offset as usize, record_at + 16, "{f}");
            assert!(matches!(f.kind, FileErrorKind::Buffer(_)));
        }
        other => panic!("{other}"),
    }
}

#[test]
fn many_files_become_one_parquet_dataset() {
    let dir = std::env::temp_dir().join(format!("snmp-stream-decode-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = dir.join("a.wire");
    let b = dir.join("b.wire");
    std::fs::write(&a, file()).unwrap();
    std::fs::write(&b, buffer(4)).unwrap();
    let out = dir.join("all.parquet");
    let (rows, truncated) = files_to_parquet(&[a.clone(), b], &out, None).unwrap();
    assert_eq!(rows, 10);
    assert!(truncated.is_empty());
    let back = read_parquet(&out).unwrap();
    assert_eq!(back.height(), 10);
    assert_eq!(back.get_column_names().len(), 12);
    // A damaged file on disk names itself.
    let mut bad = file();
    bad[8] = 9;
    std::fs::write(&a, bad).unwrap();
    let e = decode_file(&a, None).unwrap_err();
    assert!(
        e.to_string().contains("a.wire") && e.to_string().contains("version 9"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn collected_responses_give_the_frames_their_wireline_file_gives() {
    use std::sync::Arc;

    use snmp_stream_core::{CollectError, Community, Host, Request, Response, TimedError};

    let request = |host: &str| {
        Arc::new(
            Request::walk(
                host.parse::<Host>().unwrap(),
                Community::v2c("public"),
                vec!["1.3.6.1.2.1.2.2.1.2".parse().unwrap()],
            )
            .req_id(b"if-descr".to_vec())
            .build()
            .unwrap(),
        )
    };
    let response = |host: &str, n: u32, errors: Vec<TimedError>| Response {
        request: request(host),
        range: None,
        status: if errors.is_empty() {
            Status::Complete
        } else {
            Status::Partial
        },
        buffer: wireline(n),
        errors,
        quirks: Quirks::default(),
    };
    let responses = [
        response("r1", 2, Vec::new()),
        response(
            "tcp:r2:1161",
            3,
            vec![TimedError {
                timestamp: 1_700_000_000_000_000_999,
                error: CollectError::Timeout { attempts: 4 },
            }],
        ),
    ];
    let direct = snmp_stream_decode::responses_frames(&responses, None).unwrap();
    let mut w = WirelineFileWriter::new(Vec::new()).unwrap();
    for r in &responses {
        w.write_response(r).unwrap();
    }
    let via_file = decode_file_bytes(&w.into_inner().unwrap(), None).unwrap();
    assert_eq!(direct.frames, 2);
    assert!(direct.records.equals_missing(&via_file.records));
    assert!(direct.errors.equals_missing(&via_file.errors));
    assert_eq!(direct.records.height(), 5);
    let hosts = direct.records.column("host").unwrap().str().unwrap();
    assert_eq!(hosts.get(4), Some("tcp:r2:1161"));
}
