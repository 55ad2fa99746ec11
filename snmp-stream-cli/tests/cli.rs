//! The `snmp-stream` binary, spawned: decode to each format, serve, oids, and bad input giving
//! exit 2 with one line naming the problem.

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::time::Duration;

use snmp_stream_core::ber::{PduHeader, encode_message, read_message};
use snmp_stream_core::{Oid, Value, Version};

const BIN: &str = env!("CARGO_BIN_EXE_snmp-stream");
const GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../snmp-stream-core/tests/data/ip-forward-mib.snmp-stream.bin"
);
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/snmpsim");

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.code().expect("exited"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn oids_lists_the_alias_table() {
    let (code, out, _) = run(&["oids"]);
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l.split_whitespace().eq(["ifDescr", "1.3.6.1.2.1.2.2.1.2"])),
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("ipCidrRouteDest")));
}

#[test]
fn decode_prints_the_long_frame_and_csv() {
    let (code, out, err) = run(&["decode", GOLDEN]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        46,
        "a header and the original buffer's 45 records"
    );
    assert_eq!(
        lines[0].split('\t').collect::<Vec<_>>(),
        snmp_stream_decode::LONG_COLUMNS
    );
    assert!(lines[1].contains("IpAddress") && lines[1].ends_with("0.0.0.0"));

    let (code, out, _) = run(&["decode", "--format", "csv", GOLDEN, GOLDEN]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1 + 90, "one header for both files");
    assert_eq!(
        out.lines().next(),
        Some(snmp_stream_decode::LONG_COLUMNS.join(",").as_str())
    );
}

#[test]
fn decode_reassembles_a_table() {
    let (code, out, _) = run(&["decode", "--format", "table", GOLDEN]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("index\tipCidrRouteDest\t"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 4, "three routes");
}

#[test]
fn decode_writes_parquet() {
    let path = std::env::temp_dir().join(format!("snmp-stream-cli-{}.parquet", std::process::id()));
    let p = path.to_str().unwrap();
    let (code, _, err) = run(&["decode", "-o", p, GOLDEN]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote 45 records"), "{err}");
    assert_eq!(
        snmp_stream_decode::read_parquet(&path).unwrap().height(),
        45
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn bad_input_exits_2_with_one_line_naming_it() {
    let (code, _, err) = run(&["decode", "/nonexistent/x.wire"]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("/nonexistent/x.wire") && err.contains("No such file"),
        "{err}"
    );

    // A corrupt buffer: the error names the byte offset.
    let mut bytes = std::fs::read(GOLDEN).unwrap();
    bytes[1584 + 16] = 0x55; // the first record's root index
    let path = std::env::temp_dir().join(format!("snmp-stream-cli-bad-{}.bin", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let (code, _, err) = run(&["decode", path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("at byte 1600"), "{err}");

    let (code, _, err) = run(&["serve", "/nonexistent/data"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/data"), "{err}");

    let (code, _, err) = run(&["decode"]);
    assert_eq!(code, 2, "usage error: {err}");
}

#[test]
fn serve_answers_snmp_on_the_address_it_prints() {
    let mut child = Command::new(BIN)
        .args(["serve", DATA])
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("serving "), "{first}");
    let listen = lines.next().unwrap().unwrap();
    let addr = listen
        .strip_prefix("listening on udp ")
        .expect("an address line");

    let sys_descr: Oid = "1.3.6.1.2.1.1.1.0".parse().unwrap();
    let mut req = Vec::new();
    encode_message(
        &mut req,
        Version::V2c,
        b"recorded/linux-full-walk",
        &PduHeader::get(5),
        [(sys_descr.sub_ids(), Value::Null)],
    );
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    sock.send_to(&req, addr).unwrap();
    let mut buf = [0u8; 2048];
    let n = sock.recv(&mut buf).expect("a reply");
    child.kill().unwrap();
    child.wait().unwrap();
    let msg = read_message(&buf[..n]).unwrap();
    let vb = msg.pdu.varbinds().next().unwrap().unwrap();
    assert!(
        matches!(vb.value, Value::OctetString(s) if s.starts_with(b"Linux")),
        "{:?}",
        vb.value
    );
}
