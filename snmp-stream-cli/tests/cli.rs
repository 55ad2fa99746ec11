//! The `snmp-stream` binary, spawned: walk and get (against a simulator started in this test
//! process) to each format, a batch job with dead hosts, the demo, decode, serve, oids, and bad
//! input giving exit 2 with one line naming the problem.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use snmp_stream_core::ber::{PduHeader, encode_message, read_message};
use snmp_stream_core::wireline::Wireline;
use snmp_stream_core::wireline::file::frames;
use snmp_stream_core::{Oid, RequestKind, Status, Value, Version};
use snmp_stream_sim::{Simulator, SimulatorConfig, SimulatorHandle};

const BIN: &str = env!("CARGO_BIN_EXE_snmp-stream");
const GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../snmp-stream-core/tests/data/ip-forward-mib.snmp-stream.bin"
);
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/snmpsim");

/// The community of the bundled recording.
const COMMUNITY: &str = "recorded/linux-full-walk";
const IF_DESCR: &str = "1.3.6.1.2.1.2.2.1.2";

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
            .into_iter()
            .chain(snmp_stream_decode::NAMED_COLUMNS)
            .collect::<Vec<_>>()
    );
    // The raw value, then the MIB's name, decoded index and rendered value.
    assert!(
        lines[1].contains("IpAddress")
            && lines[1].ends_with(
                "0.0.0.0\tIP-FORWARD-MIB::ipCidrRouteDest\t0.0.0.0.0.0.0.0.0.195.218.254.97\t0.0.0.0"
            ),
        "{}",
        lines[1]
    );

    let (code, out, _) = run(&["decode", "--format", "csv", GOLDEN, GOLDEN]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1 + 90, "one header for both files");
    let header: Vec<&str> = snmp_stream_decode::LONG_COLUMNS
        .into_iter()
        .chain(snmp_stream_decode::NAMED_COLUMNS)
        .collect();
    assert_eq!(out.lines().next(), Some(header.join(",").as_str()));
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

#[test]
fn walk_over_tcp_from_serve_tcp_prints_what_the_udp_walk_prints() {
    let mut child = Command::new(BIN)
        .args(["serve", DATA, "--tcp"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || lines.next().unwrap().unwrap();
    assert!(next().starts_with("serving "));
    let udp = next();
    let tcp = next();
    let addr = udp.strip_prefix("listening on udp ").expect("a UDP line");
    assert_eq!(tcp, format!("listening on tcp {addr}"));
    let walk = |target: &str| {
        run(&[
            "walk",
            target,
            "-c",
            "recorded/linux-full-walk",
            "ifTable",
            "system",
        ])
    };
    let (udp_code, over_udp, udp_err) = walk(addr);
    let (code, over_tcp, err) = walk(&format!("tcp:{addr}"));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(udp_code, 0, "{udp_err}");
    assert_eq!(code, 0, "{err}");
    assert!(over_udp.lines().count() > 20, "{over_udp}");
    // The same tables; only the host line says which transport carried them.
    assert_eq!(over_tcp, over_udp.replace(addr, &format!("tcp:{addr}")));
}

#[test]
fn walk_v3_from_serve_v3_user_prints_what_the_v2c_walk_prints() {
    let recording = format!("{DATA}/recorded/linux-full-walk.snmprec");
    let mut child = Command::new(BIN)
        .args(["serve", &recording])
        .args(["--v3-user", "alice SHA-256 authpass123 AES privpass123"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || lines.next().unwrap().unwrap();
    assert!(next().starts_with("serving "));
    let udp = next();
    let addr = udp
        .strip_prefix("listening on udp ")
        .expect("a UDP line")
        .to_owned();
    assert_eq!(next(), "community linux-full-walk");
    assert!(next().starts_with("SNMPv3 engine ID 0x80001f8804"));
    let v2c = run(&["walk", &addr, "-c", "linux-full-walk", "ifTable"]);
    let v3 = Command::new(BIN)
        .args([
            "walk", &addr, "-v", "3", "-u", "alice", "-l", "authPriv", "-a", "SHA-256",
        ])
        .args([
            "--auth-password-env",
            "AUTH",
            "-x",
            "AES",
            "--priv-password-env",
            "PRIV",
        ])
        .arg("ifTable")
        .env("AUTH", "authpass123")
        .env("PRIV", "privpass123")
        .output()
        .unwrap();
    let wrong = run(&[
        "walk",
        &addr,
        "-v",
        "3",
        "-u",
        "alice",
        "-a",
        "SHA-256",
        "-A",
        "wrongpass123",
        "ifTable",
    ]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(v2c.0, 0, "{}", v2c.2);
    let out = String::from_utf8(v3.stdout).unwrap();
    assert!(
        v3.status.success(),
        "{}",
        String::from_utf8_lossy(&v3.stderr)
    );
    assert!(v2c.1.contains("eth0"), "{}", v2c.1);
    assert_eq!(out, v2c.1);
    assert_eq!(wrong.0, 1);
    assert!(
        wrong
            .2
            .contains("wrong authentication password or protocol for user `alice`"),
        "{}",
        wrong.2
    );
}

#[test]
fn walk_v3_with_keys_instead_of_passwords_and_a_known_engine_id() {
    use snmp_stream_core::usm::{AuthProtocol, PrivProtocol};
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let engine = snmp_stream_sim::DEFAULT_ENGINE_ID;
    let a = AuthProtocol::Sha256;
    let ku = a.password_to_key(b"authpass123").unwrap();
    let auth_local = hex(a.localize(&ku, engine).as_bytes());
    let priv_master = a.password_to_key(b"privpass123").unwrap();
    let priv_local = PrivProtocol::Aes128.localize(a, &priv_master, engine);
    let recording = format!("{DATA}/recorded/linux-full-walk.snmprec");
    let mut child = Command::new(BIN)
        .args(["serve", &recording])
        .args(["--v3-user", "alice SHA-256 authpass123 AES privpass123"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    lines.next();
    let udp = lines.next().unwrap().unwrap();
    let addr = udp.strip_prefix("listening on udp ").unwrap().to_owned();
    let v3 = |extra: &[&str]| {
        let mut args = vec!["get", &addr, "-v", "3", "-u", "alice", "-a", "SHA-256"];
        args.extend(extra);
        args.push("sysName.0");
        run(&args)
    };
    let engine_hex = format!("0x{}", hex(engine));
    let priv_local_hex = hex(priv_local.as_bytes());
    let localized = v3(&[
        "-e",
        &engine_hex,
        "--auth-localized-key",
        &auth_local,
        "-x",
        "AES",
        "--priv-localized-key",
        &priv_local_hex,
    ]);
    let ku_hex = hex(ku.as_bytes());
    let priv_master_hex = hex(priv_master.as_bytes());
    let master = v3(&[
        "--auth-master-key",
        &ku_hex,
        "-x",
        "AES",
        "--priv-master-key",
        &priv_master_hex,
    ]);
    let short = v3(&["--auth-master-key", "00ff"]);
    child.kill().unwrap();
    child.wait().unwrap();
    for (code, out, err) in [&localized, &master] {
        assert_eq!(*code, 0, "{err}");
        assert!(out.contains("sysName.0"), "{out}");
    }
    assert_eq!(short.0, 2, "{}", short.2);
    assert!(short.2.contains("32 octets"), "{}", short.2);
}

/// The simulated agent on the bundled recordings, `ports` loopback ports.
fn simulator(ports: usize) -> SimulatorHandle {
    let mut config = SimulatorConfig::new().data_dir(DATA);
    if ports > 1 {
        config = config.ports(ports);
    }
    Simulator::start(config).expect("the simulator starts")
}

/// Runs the binary with `args`, asserting exit 2 and exactly one line on stderr; returns it.
fn bad(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 2, "{args:?}: stdout {out} stderr {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line, got {err}");
    assert!(err.starts_with("snmp-stream: "), "{err}");
    err
}

#[test]
fn walk_prints_a_readable_table() {
    let sim = simulator(1);
    let host = sim.addrs()[0].to_string();
    let (code, out, err) = run(&[
        "walk",
        &host,
        "-c",
        COMMUNITY,
        "system",
        "ifDescr",
        "ifHCInOctets",
        "ifOperStatus",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with(&format!("# {host} walk complete, ")),
        "{out}"
    );
    assert!(
        lines.iter().any(|l| l.split_whitespace().eq([
            "SNMPv2-MIB::sysName.0",
            "OCTET",
            "STRING",
            "tt"
        ])),
        "{out}"
    );
    // ifXTable's column joins ifTable's in one table: one row per ifIndex.
    let header = lines
        .iter()
        .position(|l| l.starts_with("index"))
        .expect("a table");
    assert_eq!(
        lines[header].split_whitespace().collect::<Vec<_>>(),
        ["index", "ifDescr", "ifOperStatus", "ifHCInOctets"]
    );
    assert_eq!(
        lines[header + 2].split_whitespace().collect::<Vec<_>>(),
        ["2", "eth0", "up(1)", "24167091249"]
    );
}

#[test]
fn walk_streams_a_wire_file_of_every_host_and_range() {
    // Three hosts, two ranges each: six frames, written as they arrive, each naming its host
    // and range; together the whole of ifDescr for every host.
    let sim = simulator(3);
    let hosts: Vec<String> = sim.addrs().iter().map(ToString::to_string).collect();
    let dir = tempfile::tempdir().unwrap();
    let wire = dir.path().join("all.wire");
    let mut args = vec!["walk"];
    args.extend(hosts.iter().map(String::as_str));
    args.extend(["-c", COMMUNITY, IF_DESCR, "--range", ":1", "--range", "2:"]);
    args.extend(["-o", wire.to_str().unwrap()]);
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote 6 varbinds from 3 hosts"), "{err}");
    let bytes = std::fs::read(&wire).unwrap();
    let mut seen: Vec<(String, String, usize)> = frames(&bytes)
        .map(|f| {
            let f = f.unwrap();
            let meta = f.meta.clone().expect("metadata");
            assert_eq!(meta.status, Status::Complete);
            let words = f.words().unwrap();
            let n = Wireline::parse(&words).unwrap().records().count();
            let range = meta.range.map(|r| r.to_string()).unwrap_or_default();
            (meta.host, range, n)
        })
        .collect();
    seen.sort();
    let mut want: Vec<(String, String, usize)> = hosts
        .iter()
        .flat_map(|h| {
            [
                (h.clone(), ":1".to_owned(), 1),
                (h.clone(), "2:".to_owned(), 1),
            ]
        })
        .collect();
    want.sort();
    assert_eq!(seen, want);
}

#[test]
fn decode_of_a_cut_file_keeps_its_whole_frames_and_exits_1() {
    // Two frames (one per range), then the file cut inside the second: the first frame's
    // record is decoded, the file named, and the exit status says the data is partial.
    let sim = simulator(1);
    let host = sim.addrs()[0].to_string();
    let dir = tempfile::tempdir().unwrap();
    let wire = dir.path().join("cut.wire");
    let (code, _, err) = run(&[
        "walk",
        &host,
        "-c",
        COMMUNITY,
        IF_DESCR,
        "--range",
        ":1",
        "--range",
        "2:",
        "-o",
        wire.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(&wire).unwrap();
    std::fs::write(&wire, &bytes[..bytes.len() - 5]).unwrap();

    let (code, out, err) = run(&["decode", wire.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out.lines().filter(|l| l.contains(IF_DESCR)).count(),
        1,
        "{out}"
    );
    assert!(err.contains("cut.wire") && err.contains("kept"), "{err}");

    let pq = dir.path().join("cut.parquet");
    let (code, _, err) = run(&["decode", wire.to_str().unwrap(), "-o", pq.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("wrote 1 record to"), "{err}");

    // The whole file decodes with exit 0.
    std::fs::write(&wire, &bytes).unwrap();
    let (code, out, err) = run(&["decode", wire.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().filter(|l| l.contains(IF_DESCR)).count(),
        2,
        "{out}"
    );
}

#[test]
fn walk_writes_csv_parquet_and_wire() {
    let sim = simulator(1);
    let host = sim.addrs()[0].to_string();
    let dir = tempfile::tempdir().unwrap();
    let walk = |extra: &[&str]| {
        let mut args = vec!["walk", &host, "-c", COMMUNITY, "ifTable", "--req-id", "ifs"];
        args.extend_from_slice(extra);
        run(&args)
    };

    // CSV on stdout: the long frame, one row per varbind (22 ifTable columns × 2 interfaces).
    let (code, out, err) = walk(&["--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    // The raw columns, then the MIB's: name, decoded index, rendered value.
    let columns: Vec<&str> = snmp_stream_decode::LONG_COLUMNS
        .into_iter()
        .chain(snmp_stream_decode::NAMED_COLUMNS)
        .collect();
    assert_eq!(lines[0], columns.join(","));
    assert_eq!(lines.len(), 1 + 44, "{out}");
    assert!(
        lines.iter().any(|l| l.starts_with(&format!("ifs,{host},"))
            && l.ends_with(",6c6f,lo,,,IF-MIB::ifDescr,1,lo")),
        "{out}"
    );

    // Parquet, format from the extension.
    let pq = dir.path().join("ifs.parquet");
    let (code, _, err) = walk(&["-o", pq.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote 44 varbinds from 1 host"), "{err}");
    let df = snmp_stream_decode::read_parquet(&pq).unwrap();
    assert_eq!(df.height(), 44);
    let roots = df.column("root_oid").unwrap().str().unwrap().clone();
    let text = df.column("text").unwrap().str().unwrap().clone();
    let descr: Vec<&str> = (0..df.height())
        .filter(|&i| roots.get(i) == Some(IF_DESCR))
        .filter_map(|i| text.get(i))
        .collect();
    assert_eq!(descr, ["lo", "eth0"]);
    assert_eq!(
        df.column("host").unwrap().str().unwrap().get(0),
        Some(host.as_str())
    );

    // A wireline file: one frame, with its metadata.
    let wire = dir.path().join("ifs.out");
    let (code, _, err) = walk(&["-o", wire.to_str().unwrap(), "--format", "wire"]);
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(&wire).unwrap();
    let all: Vec<_> = frames(&bytes).collect::<Result<_, _>>().unwrap();
    assert_eq!(all.len(), 1);
    let meta = all[0].meta.as_ref().expect("metadata");
    assert_eq!(
        (
            meta.host.as_str(),
            meta.req_id.as_slice(),
            meta.status,
            meta.kind
        ),
        (
            host.as_str(),
            &b"ifs"[..],
            Status::Complete,
            RequestKind::Walk
        )
    );
    let words = all[0].words().unwrap();
    let buf = Wireline::parse(&words).unwrap();
    assert_eq!(buf.root_count(), 22);
    assert_eq!(buf.records().count(), 44);

    // The text table into a file.
    let txt = dir.path().join("ifs.txt");
    let (code, _, err) = walk(&["-o", txt.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&txt).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("index  ifIndex  ifDescr")),
        "{text}"
    );
}

#[test]
fn get_records_an_absent_oid_as_an_exception() {
    let sim = simulator(1);
    let host = sim.addrs()[0].to_string();
    let (code, out, err) = run(&[
        "get",
        &host,
        "-c",
        COMMUNITY,
        "sysName.0",
        "1.3.6.1.2.1.1.99.0",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "an exception is data: {err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[1].contains(",OCTET STRING,") && lines[1].ends_with(",tt,,,SNMPv2-MIB::sysName,0,tt"),
        "{out}"
    );
    assert!(
        lines[2].contains(",1.3.6.1.2.1.1.99.0,,noSuchObject,")
            || lines[2].contains(",noSuchInstance,"),
        "{out}"
    );

    let (code, out, _) = run(&["get", &host, "-c", COMMUNITY, "sysDescr.0", "sysDescr.9"]);
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l.starts_with("SNMPv2-MIB::sysDescr.9") && l.contains("noSuch")),
        "{out}"
    );
}

#[test]
fn a_job_collects_v3_hosts_with_the_password_from_the_environment() {
    let recording = format!("{DATA}/recorded/linux-full-walk.snmprec");
    let mut child = Command::new(BIN)
        .args(["serve", &recording])
        .args(["--v3-user", "alice SHA-256 authpass123 AES privpass123"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    lines.next();
    let udp = lines.next().unwrap().unwrap();
    let addr = udp.strip_prefix("listening on udp ").unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        format!(
            "output = \"out\"\nformat = \"wire\"\nversion = \"3\"\nuser = \"alice\"\n\
             auth_protocol = \"SHA-256\"\nauth_password_env = \"JOB_AUTH\"\n\
             priv_protocol = \"AES\"\npriv_password_env = \"JOB_PRIV\"\n\
             hosts = [\"{addr}\", {{ host = \"{addr}\", user = \"mallory\", level = \"noAuthNoPriv\" }}]\n\
             [[group]]\nname = \"interfaces\"\noids = [\"ifTable\"]\n"
        ),
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["run", job.to_str().unwrap()])
        .env("JOB_AUTH", "authpass123")
        .env("JOB_PRIV", "privpass123")
        .output()
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // alice collects; mallory is unknown to the agent, and named.
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("2 hosts: 1 ok, 0 partial, 1 failed"), "{err}");
    assert!(
        err.contains("the agent does not know user `mallory`"),
        "{err}"
    );
    assert!(
        !err.contains("authpass123") && !err.contains("privpass123"),
        "{err}"
    );
    let report = std::fs::read_to_string(dir.path().join("out/report.csv")).unwrap();
    assert!(
        report.lines().nth(1).is_some_and(|l| l.contains(",ok,44,")),
        "{report}"
    );
}

#[test]
fn a_job_with_dead_hosts_reports_them_and_exits_1() {
    let sim = simulator(18);
    // Bound sockets that never answer: dead agents.
    let dead: Vec<UdpSocket> = (0..2)
        .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
        .collect();
    let dead_addrs: Vec<SocketAddr> = dead.iter().map(|s| s.local_addr().unwrap()).collect();
    let mut hosts: Vec<String> = sim.addrs().iter().map(|a| format!("\"{a}\"")).collect();
    hosts.insert(3, format!("\"{}\"", dead_addrs[0]));
    hosts.insert(
        11,
        format!("{{ host = \"{}\", retries = 1 }}", dead_addrs[1]),
    );
    assert_eq!(hosts.len(), 20);

    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        format!(
            "output = \"out\"\ncommunity = \"{COMMUNITY}\"\nretries = 1\ntimeout = 0.5\n\
             hosts = [\n  {}\n]\n\n\
             [[group]]\nname = \"system\"\noids = [\"sysName\", \"sysUpTime\"]\n\n\
             [[group]]\nname = \"interfaces\"\noids = [\"ifTable\", \"ifXTable\"]\n",
            hosts.join(",\n  ")
        ),
    )
    .unwrap();

    let started = Instant::now();
    let (code, out, err) = run(&["run", job.to_str().unwrap()]);
    let took = started.elapsed();
    assert_eq!(code, 1, "{out}{err}");
    // Each dead host takes two 0.5 s attempts; run one after another, 20 hosts would take at
    // least 20 × 0.5 s.
    assert!(took < Duration::from_secs(10), "took {took:?}");
    // The summary is on stderr; stdout carries no data for a job.
    assert!(out.is_empty(), "{out}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("20 hosts: 18 ok, 0 partial, 2 failed; ")),
        "{err}"
    );
    for d in &dead_addrs {
        assert!(
            err.contains(&format!("{d} failed: system: no reply")),
            "{err}"
        );
    }

    let report = std::fs::read_to_string(dir.path().join("out/report.csv")).unwrap();
    let rows: Vec<Vec<&str>> = report
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 20);
    assert_eq!(rows.iter().filter(|r| r[1] == "ok").count(), 18);
    let failed: Vec<&Vec<&str>> = rows.iter().filter(|r| r[1] == "failed").collect();
    assert_eq!(failed.len(), 2);
    for (row, addr) in failed.iter().zip(&dead_addrs) {
        assert_eq!(row[0], addr.to_string());
        assert_eq!(row[2], "0", "no varbinds");
        assert!(
            row[4].contains("interfaces: no reply after 2 attempts"),
            "{row:?}"
        );
    }

    // One parquet file per live host, each with both groups' varbinds.
    let parquet: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    assert_eq!(parquet.len(), 18);
    let df = snmp_stream_decode::read_parquet(&parquet[0]).unwrap();
    let req_ids = df.column("req_id").unwrap().str().unwrap().clone();
    let groups: Vec<Option<&str>> = (0..df.height()).map(|i| req_ids.get(i)).collect();
    assert!(groups.contains(&Some("system")) && groups.contains(&Some("interfaces")));
    drop(dead);
}

#[test]
fn a_wire_job_writes_a_wireline_file_per_host() {
    // Two hosts, two groups (one ranged): each host's file holds a frame per response, named
    // by group, and its records add up to the report's count.
    let sim = simulator(2);
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    let hosts: Vec<String> = sim.addrs().iter().map(|a| format!("\"{a}\"")).collect();
    std::fs::write(
        &job,
        format!(
            "output = \"out\"\nformat = \"wire\"\ncommunity = \"{COMMUNITY}\"\n\
             hosts = [{}]\n\n\
             [[group]]\nname = \"system\"\noids = [\"sysName\", \"sysUpTime\"]\n\n\
             [[group]]\nname = \"ifs\"\noids = [\"ifDescr\"]\nranges = [\":1\", \"2:\"]\n",
            hosts.join(", ")
        ),
    )
    .unwrap();
    let (code, out, err) = run(&["run", job.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("wrote 2 wire files and report.csv"), "{err}");
    let report = std::fs::read_to_string(dir.path().join("out/report.csv")).unwrap();
    for addr in sim.addrs() {
        let stem = addr.to_string().replace(':', "_");
        let bytes = std::fs::read(dir.path().join(format!("out/{stem}.wire"))).unwrap();
        let mut seen: Vec<(String, usize)> = frames(&bytes)
            .map(|f| {
                let f = f.unwrap();
                let meta = f.meta.clone().expect("metadata");
                assert_eq!(meta.host, addr.to_string());
                assert_eq!(meta.status, Status::Complete);
                let words = f.words().unwrap();
                let n = Wireline::parse(&words).unwrap().records().count();
                (String::from_utf8(meta.req_id).unwrap(), n)
            })
            .collect();
        seen.sort();
        let want = [
            ("ifs".to_owned(), 1),
            ("ifs".to_owned(), 1),
            ("system".to_owned(), 2),
        ];
        assert_eq!(seen, want);
        let row = format!("{addr},ok,4,");
        assert!(report.lines().any(|l| l.starts_with(&row)), "{report}");
    }
}

#[test]
fn a_host_whose_file_cannot_be_written_fails_and_is_not_counted() {
    // The host's file name is taken by a directory: the host fails in the report, the job
    // exits 1, and no file is counted as written.
    let sim = simulator(1);
    let addr = sim.addrs()[0];
    let dir = tempfile::tempdir().unwrap();
    let stem = addr.to_string().replace(':', "_");
    std::fs::create_dir_all(dir.path().join(format!("out/{stem}.wire"))).unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        format!(
            "output = \"out\"\nformat = \"wire\"\ncommunity = \"{COMMUNITY}\"\n\
             hosts = [\"{addr}\"]\n[[group]]\nname = \"system\"\noids = [\"sysName\"]\n"
        ),
    )
    .unwrap();
    let (code, out, err) = run(&["run", job.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("1 host: 0 ok, 0 partial, 1 failed; 1 varbind in ")),
        "{err}"
    );
    assert!(err.contains("wrote 0 wire files and report.csv"), "{err}");
    let report = std::fs::read_to_string(dir.path().join("out/report.csv")).unwrap();
    assert!(report.contains(&format!("{addr},failed,1,")), "{report}");
    assert!(report.contains("output: "), "{report}");
}

#[test]
fn every_command_takes_the_same_format_names_and_names_them_as_typed() {
    // `decode` used to print the enum's name (`Table`) in its error.
    let e = bad(&["decode", "--format", "table", "-o", "x.parquet", GOLDEN]);
    assert!(e.contains("--format table prints to stdout"), "{e}");
    let e = bad(&["decode", "--format", "wire", GOLDEN]);
    assert!(e.contains("--format wire does not apply"), "{e}");
    let e = bad(&[
        "walk",
        "127.0.0.1",
        "-c",
        "x",
        "ifDescr",
        "--format",
        "parquet",
    ]);
    assert!(
        e.contains("--format parquet writes a file: give -o PATH"),
        "{e}"
    );
    // `long` prints the long frame, in walk as in decode.
    let sim = simulator(1);
    let host = sim.addrs()[0].to_string();
    let (code, out, err) = run(&["walk", &host, "-c", COMMUNITY, IF_DESCR, "--format", "long"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0].split('\t').collect::<Vec<_>>(),
        snmp_stream_decode::LONG_COLUMNS
            .into_iter()
            .chain(snmp_stream_decode::NAMED_COLUMNS)
            .collect::<Vec<_>>()
    );
    assert_eq!(lines.len(), 1 + 2, "a header and ifDescr's two rows");
    let (_, decoded, _) = run(&["decode", "--format", "long", GOLDEN]);
    assert_eq!(decoded.lines().next(), Some(lines[0]));
}

#[test]
fn demo_runs_anywhere_from_the_recording_built_in() {
    // An empty directory, far from the source tree: the recording is in the binary.
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("demo")
        .current_dir(dir.path())
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("eth0"));
    let df = snmp_stream_decode::read_parquet(dir.path().join("demo.parquet")).unwrap();
    assert_eq!(df.height(), 110);
}

#[test]
fn demo_over_snmpv3_prints_and_writes_what_the_v2c_demo_does() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        dir.path().join("v2c.parquet"),
        dir.path().join("v3.parquet"),
    );
    let (code, v2c, err) = run(&["demo", "-o", a.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, v3, err) = run(&["demo", "--v3", "-o", b.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("over SNMPv3 (authPriv)"), "{err}");
    // The same screen but sysUpTime's line, which the recording's clock moves.
    let steady = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| !l.starts_with("sysUpTime"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(steady(&v3), steady(&v2c));
    let height = |p: &std::path::Path| snmp_stream_decode::read_parquet(p).unwrap().height();
    assert_eq!((height(&a), height(&b)), (110, 110));
}

#[test]
fn demo_writes_parquet_and_prints_the_interface_table() {
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("demo.parquet");
    let (code, out, err) = run(&["demo", "-o", pq.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("sysName:") && l.ends_with(" tt")),
        "{out}"
    );
    let header = lines
        .iter()
        .position(|l| l.starts_with("ifIndex"))
        .expect("the interface table");
    assert_eq!(
        lines[header].split_whitespace().collect::<Vec<_>>(),
        [
            "ifIndex",
            "ifDescr",
            "ifType",
            "ifMtu",
            "ifSpeed",
            "ifOperStatus",
            "ifHCInOctets",
            "ifHCOutOctets"
        ]
    );
    assert_eq!(
        lines[header + 1].split_whitespace().collect::<Vec<_>>(),
        // Values rendered by the MIB, as snmpwalk shows them.
        [
            "1",
            "lo",
            "softwareLoopback(24)",
            "16436",
            "10000000",
            "up(1)",
            "763065745",
            "763065745"
        ]
    );
    assert!(
        lines[header + 2].split_whitespace().nth(1) == Some("eth0"),
        "{out}"
    );
    // The summary goes to stderr, the data to stdout.
    assert!(!out.contains("walked system"), "{out}");
    let summary = err
        .lines()
        .find(|l| l.starts_with("walked system, ifTable and ifXTable"))
        .unwrap_or_else(|| panic!("a summary on stderr: {err}"));
    let df = snmp_stream_decode::read_parquet(&pq).unwrap();
    assert!(
        summary.contains(&format!("wrote {} rows", df.height())),
        "{summary}"
    );
    assert!(df.height() > 100, "{}", df.height());
}

#[test]
fn every_command_has_help_with_examples() {
    for cmd in ["walk", "get", "run", "decode", "serve", "demo"] {
        let (code, out, _) = run(&[cmd, "--help"]);
        assert_eq!(code, 0);
        assert!(out.contains("Examples:"), "{cmd}: {out}");
    }
    let (_, out, _) = run(&["run", "--help"]);
    assert!(
        out.contains("[[group]]") && out.contains("report.csv"),
        "{out}"
    );
    let (_, out, _) = run(&["--help"]);
    assert!(out.contains("Exit status"), "{out}");
}

#[test]
fn bad_collection_input_exits_2_with_one_line() {
    // No agent is needed: every one of these is refused before anything is sent.
    let h = "127.0.0.1:9";
    let e = bad(&["walk", h, "-c", "public", "1.3.6.x.1"]);
    assert!(e.contains("malformed OID `1.3.6.x.1`"), "{e}");
    let e = bad(&["walk", h, "-c", "public", "ifTabel"]);
    assert!(e.contains("unknown OID name `ifTabel`"), "{e}");
    let e = bad(&["get", h, "-c", "public", "sysDescr.0", "ifdescr.1"]);
    assert!(
        e.contains("unknown OID name `ifdescr.1`; did you mean `ifDescr`?"),
        "{e}"
    );
    let e = bad(&["walk", h, "-c", "public", "ifTable", "--range", "1-5"]);
    assert!(e.contains("bad range `1-5`"), "{e}");
    let e = bad(&["walk", h, "-c", "public", "ifTable", "--range", "9:1"]);
    assert!(e.contains("bad range `9:1`"), "{e}");
    // RFC 6761: .invalid never resolves.
    let e = bad(&["walk", "no-such-host.invalid", "-c", "public", "ifTable"]);
    assert!(
        e.contains("cannot resolve host `no-such-host.invalid`"),
        "{e}"
    );
    let e = bad(&["walk", "bad!host", "-c", "public", "ifTable"]);
    assert!(e.contains("bad host `bad!host`"), "{e}");
    let e = bad(&["walk", h, "-c", "public", "ifTable", "--format", "parquet"]);
    assert!(e.contains("give -o PATH"), "{e}");
    let e = bad(&["walk", h, "-c", "public", "ifTable", "-t", "0"]);
    assert!(e.contains("--timeout must be a positive number"), "{e}");
    // The config's bounds, named by the flag that broke them.
    for (flag, value, want) in [
        ("-t", "1e300", "--timeout must be at most 86400 s"),
        (
            "--max-varbinds",
            "3000000000",
            "--max-varbinds must be at most 2147483647",
        ),
        (
            "--max-repetitions",
            "0",
            "--max-repetitions must be at least 1",
        ),
        ("--sessions", "0", "--sessions must be at least 1"),
    ] {
        let e = bad(&["walk", h, "-c", "public", "ifTable", flag, value]);
        assert!(e.contains(want), "{flag} {value}: {e}");
    }
}

#[test]
fn bad_job_files_exit_2_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let e = bad(&["run", "/nonexistent/job.toml"]);
    assert!(
        e.contains("cannot read job file /nonexistent/job.toml"),
        "{e}"
    );

    let job = dir.path().join("job.toml");
    let write_and_run = |text: &str| {
        std::fs::write(&job, text).unwrap();
        bad(&["run", job.to_str().unwrap()])
    };
    // A TOML syntax error.
    let e = write_and_run("hosts = [\"10.0.0.1\"]\n[[group]\noids = [\"ifTable\"]\n");
    assert!(e.contains("job.toml line 2: "), "{e}");
    // A misspelt key.
    let e = write_and_run("hosts = [\"10.0.0.1\"]\n\n[[group]]\noid = [\"ifTable\"]\n");
    assert!(e.contains("job.toml line 4: unknown field `oid`"), "{e}");
    // An unknown OID name, in a multi-line array.
    let e = write_and_run(
        "hosts = [\"10.0.0.1\"]\n[[group]]\noids = [\n  \"ifTable\",\n  \"ifTabel\",\n]\n",
    );
    assert!(
        e.contains("job.toml line 5: unknown OID name `ifTabel`"),
        "{e}"
    );
    let e = write_and_run(
        "hosts = [\"10.0.0.1\"]\n[[group]]\noids = [\"ifTable\"]\nranges = [\"x\"]\n",
    );
    assert!(e.contains("job.toml line 4: bad range `x`"), "{e}");
    let e = write_and_run("hosts_file = \"missing.txt\"\n[[group]]\noids = [\"ifTable\"]\n");
    assert!(e.contains("job.toml line 1: cannot read hosts file"), "{e}");
}

#[test]
fn serve_refuses_a_missing_recording() {
    let e = bad(&["serve", "/nonexistent/recorded/router.snmprec"]);
    assert!(
        e.contains("/nonexistent/recorded/router.snmprec") && e.contains("No such file"),
        "{e}"
    );
    let dir = tempfile::tempdir().unwrap();
    let e = bad(&["serve", dir.path().to_str().unwrap()]);
    assert!(e.contains("no .snmprec recordings under"), "{e}");
    let not_a_recording = dir.path().join("notes.txt");
    std::fs::write(&not_a_recording, "hello").unwrap();
    let e = bad(&["serve", not_a_recording.to_str().unwrap()]);
    assert!(
        e.contains("neither a directory nor a .snmprec recording"),
        "{e}"
    );
}

#[test]
fn a_job_collects_one_address_under_two_communities() {
    // Cisco's per-VLAN bridge tables: one agent, one community per VLAN, each its own data.
    let mib = |descr: &str| {
        std::sync::Arc::new(
            snmp_stream_sim::Mib::from_snmprec(&format!("1.3.6.1.2.1.2.2.1.2.1|4|{descr}\n"))
                .unwrap(),
        )
    };
    let sim = Simulator::start(
        SimulatorConfig::new()
            .mib("public@10", mib("vlan10"))
            .mib("public@20", mib("vlan20")),
    )
    .unwrap();
    let addr = sim.addrs()[0];
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        format!(
            "output = \"out\"\nformat = \"wire\"\n\
             hosts = [{{ host = \"{addr}\", community = \"public@10\" }},\n  \
             {{ host = \"{addr}\", community = \"public@20\" }}]\n\
             [[group]]\nname = \"bridge\"\noids = [\"ifDescr\"]\n"
        ),
    )
    .unwrap();
    let (code, out, err) = run(&["run", job.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let report = std::fs::read_to_string(dir.path().join("out/report.csv")).unwrap();
    let rows: Vec<&str> = report.lines().skip(1).collect();
    assert!(rows[0].starts_with(&format!("{addr}#1,ok,1,")), "{report}");
    assert!(rows[1].starts_with(&format!("{addr}#2,ok,1,")), "{report}");
    let stem = addr.to_string().replace(':', "_");
    for (n, descr) in [(1, "vlan10"), (2, "vlan20")] {
        let bytes = std::fs::read(dir.path().join(format!("out/{stem}_{n}.wire"))).unwrap();
        let frame = frames(&bytes).next().unwrap().unwrap();
        let words = frame.words().unwrap();
        let w = Wireline::parse(&words).unwrap();
        let value = w.records().next().unwrap().unwrap().value().unwrap();
        assert_eq!(value, Value::OctetString(descr.as_bytes()), "entry {n}");
    }
}

#[test]
fn walk_shows_live_progress_on_a_terminal_and_none_otherwise() {
    // `script` (util-linux, in every Debian) runs the walk on a pseudo-terminal.
    if Command::new("script").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set and `script` cannot be run"
        );
        eprintln!("skipping: `script` (util-linux) cannot be run");
        return;
    }
    // 10 ms per reply: the ~390 replies of the whole recording take about 4 s.
    let sim = Simulator::start(
        SimulatorConfig::new()
            .data_dir(DATA)
            .delay(Duration::from_millis(10)),
    )
    .unwrap();
    let host = sim.addrs()[0].to_string();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("all.csv");
    let walk = format!(
        "{BIN} walk {host} -c {COMMUNITY} 1.3.6 --format csv -o {}",
        csv.display()
    );
    let tty = Command::new("script")
        .args(["-qec", &walk, "/dev/null"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&tty.stdout);
    assert!(tty.status.success(), "{shown}");
    let live = shown
        .split(['\r', '\n'])
        .filter(|l| l.contains("1 host: ") && l.contains(" varbinds, "))
        .count();
    assert!(live > 2, "a live line on the terminal: {shown}");
    // Not a terminal: only the summary.
    let (code, _, err) = run(&[
        "walk",
        &host,
        "-c",
        COMMUNITY,
        "system",
        "--format",
        "csv",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("wrote "), "{err}");
}

#[test]
fn walk_sends_from_the_bind_address() {
    let sim = simulator(1);
    let host = sim.addrs()[0].to_string();
    let (code, out, err) = run(&[
        "walk",
        &host,
        "-c",
        COMMUNITY,
        "system",
        "--bind",
        "127.0.0.2",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().count() > 5, "{out}");
    // An address this machine does not have: the host fails with the send error, named.
    let (code, _, err) = run(&[
        "walk",
        &host,
        "-c",
        COMMUNITY,
        "system",
        "--bind",
        "192.0.2.1",
        "-t",
        "0.2",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("send failed"), "{err}");
}

#[test]
fn a_walk_of_several_roots_prints_in_oid_order() {
    // One GETBULK carries both columns interleaved (ifIndex.1, ifDescr.1, ifIndex.2, …); the
    // output lists the host's records in OID order.
    let sim = simulator(1);
    let host = sim.addrs()[0].to_string();
    let (code, out, err) = run(&[
        "walk", &host, "-c", COMMUNITY, "ifDescr", "ifIndex", "--format", "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let header: Vec<&str> = out.lines().next().unwrap().split(',').collect();
    let (root, index) = (
        header.iter().position(|c| *c == "root_oid").unwrap(),
        header.iter().position(|c| *c == "index").unwrap(),
    );
    let rows: Vec<(String, String)> = out
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[root].to_string(), cells[index].to_string())
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("1.3.6.1.2.1.2.2.1.1".to_string(), "1".to_string()),
            ("1.3.6.1.2.1.2.2.1.1".to_string(), "2".to_string()),
            ("1.3.6.1.2.1.2.2.1.2".to_string(), "1".to_string()),
            ("1.3.6.1.2.1.2.2.1.2".to_string(), "2".to_string()),
        ]
    );
}

#[test]
fn net_snmp_output_options_print_numbers_and_hex() {
    let sim = simulator(1);
    let host = sim.addrs()[0].to_string();
    let (code, out, err) = run(&["walk", &host, "-c", COMMUNITY, "sysName", "-On", "-Ox"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines().any(|l| l.split_whitespace().eq([
            ".1.3.6.1.2.1.1.5.0",
            "OCTET",
            "STRING",
            "0x7474"
        ])),
        "{out}"
    );
    // Values by their MIB syntax (PhysAddress: DISPLAY-HINT "1x:"), or as collected with -Or.
    let (code, out, err) = run(&["walk", &host, "-c", COMMUNITY, "ifPhysAddress"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("2 ") && l.ends_with(" 0:12:79:62:f9:40")),
        "{out}"
    );
    let (code, out, err) = run(&["walk", &host, "-c", COMMUNITY, "ifPhysAddress", "-Or"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("2 ") && l.ends_with(" 0x00127962f940")),
        "{out}"
    );
    let e = bad(&["walk", &host, "-c", COMMUNITY, "sysName", "-Oq"]);
    assert!(e.contains("unsupported output option -Oq"), "{e}");
}

#[test]
fn a_get_keeps_the_order_asked() {
    // As snmpget does: sysName.0 before sysDescr.0 when asked so (OID order is the reverse).
    let sim = simulator(1);
    let host = sim.addrs()[0].to_string();
    for format in ["csv", "table"] {
        let (code, out, err) = run(&[
            "get",
            &host,
            "-c",
            COMMUNITY,
            "sysName.0",
            "sysDescr.0",
            "--format",
            format,
        ]);
        assert_eq!(code, 0, "{err}");
        let name = out.find("1.3.6.1.2.1.1.5").or_else(|| out.find("sysName"));
        let descr = out.find("1.3.6.1.2.1.1.1").or_else(|| out.find("sysDescr"));
        assert!(name.unwrap() < descr.unwrap(), "{format}: {out}");
    }
}

/// A vendor module as users drop them in: it imports from the standard modules and names a
/// subtree the bundled recording has (UCD's memory group, under a name of its own).
const ACME_MIB: &str = "ACME-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM SNMPv2-SMI;
acmeMemory OBJECT IDENTIFIER ::= { enterprises 2021 4 }
END
";

#[test]
fn translate_turns_names_and_numbers_both_ways() {
    let (code, out, err) = run(&[
        "translate",
        "IF-MIB::ifHCInOctets.3",
        ".1.3.6.1.2.1.2.2.1.8.2",
        "sysDescr.0",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "IF-MIB::ifHCInOctets.3",
            "IF-MIB::ifOperStatus.2",
            "SNMPv2-MIB::sysDescr.0"
        ]
    );
    let (code, out, _) = run(&["translate", "-On", "IF-MIB::ifHCInOctets.3", "ifTable"]);
    assert_eq!(code, 0);
    assert_eq!(out, ".1.3.6.1.2.1.31.1.1.1.6.3\n.1.3.6.1.2.1.2.2\n");
    let (code, out, _) = run(&["translate", "-Td", "ifOperStatus"]);
    assert_eq!(code, 0);
    assert!(out.contains("up(1), down(2)"), "{out}");
    let e = bad(&["translate", "ifDescrr"]);
    assert!(e.contains("unknown OID name `ifDescrr`"), "{e}");
    // Several: each named, then how many failed; the good ones still print.
    let (code, out, err) = run(&["translate", "ifDescrr", "ifDescr", "1.3.x"]);
    assert_eq!(code, 2);
    assert_eq!(out, "IF-MIB::ifDescr\n");
    assert!(err.starts_with("unknown OID name `ifDescrr`"), "{err}");
    assert!(err.contains("malformed OID `1.3.x`"), "{err}");
    assert!(err.contains("2 of 3 OIDs did not translate"), "{err}");
}

#[test]
fn a_vendor_mib_in_a_directory_just_works() {
    let dir = tempfile::tempdir().unwrap();
    let mibs = dir.path().join("mibs");
    std::fs::create_dir(&mibs).unwrap();
    std::fs::write(mibs.join("ACME-MIB.my"), ACME_MIB).unwrap();
    // A broken module beside it: a warning naming file and line, and the rest loads.
    std::fs::write(
        mibs.join("BROKEN-MIB.txt"),
        "BROKEN-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM SNMPv2-SMI;\nb OBJECT-TYPE SYNTAX {\n",
    )
    .unwrap();
    let m = format!("+{}", mibs.display());
    let (code, out, err) = run(&["translate", "-M", &m, "-On", "acmeMemory"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, ".1.3.6.1.4.1.2021.4\n");
    assert!(
        err.lines()
            .any(|l| l.starts_with("MIB warning: ") && l.contains("BROKEN-MIB.txt:")),
        "{err}"
    );

    let sim = simulator(1);
    let host = sim.addrs()[0].to_string();
    let (code, out, err) = run(&["walk", "-M", &m, &host, "-c", COMMUNITY, "acmeMemory"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("UCD-SNMP-MIB::memTotalReal.0 ")),
        "{out}"
    );

    // A job file's mib_dirs, relative to it.
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        format!(
            "output = \"out\"\nformat = \"wire\"\ncommunity = \"{COMMUNITY}\"\n\
             mib_dirs = [\"mibs\"]\nhosts = [\"{host}\"]\n[[group]]\noids = [\"acmeMemory\"]\n"
        ),
    )
    .unwrap();
    let (code, _, err) = run(&["run", job.to_str().unwrap(), "--quiet"]);
    assert_eq!(code, 0, "{err}");
    let report = std::fs::read_to_string(dir.path().join("out/report.csv")).unwrap();
    assert!(report.lines().nth(1).unwrap().contains(",ok,"), "{report}");
}

#[test]
fn indexes_print_decoded_from_the_index_clause_or_in_numbers_with_ob() {
    let sim = simulator(1);
    let host = sim.addrs()[0].to_string();
    // A table: the index column decoded (InetAddressType + InetAddress).
    let (code, out, err) = run(&["walk", &host, "-c", COMMUNITY, "ipAddressIfIndex"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.split_whitespace().eq(["ipv4.\"127.0.0.1\"", "1"])),
        "{out}"
    );
    let (code, out, err) = run(&["walk", &host, "-c", COMMUNITY, "ipAddressIfIndex", "-Ob"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.split_whitespace().eq(["1.4.127.0.0.1", "1"])),
        "{out}"
    );
    // A list line (a GET), as net-snmp names it.
    let (code, out, err) = run(&[
        "get",
        &host,
        "-c",
        COMMUNITY,
        "IP-MIB::ipAddressIfIndex.1.4.127.0.0.1",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("IP-MIB::ipAddressIfIndex.ipv4.\"127.0.0.1\" ")),
        "{out}"
    );
}
