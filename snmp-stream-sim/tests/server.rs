//! The UDP simulator against a plain `std::net::UdpSocket` client on 127.0.0.1.
//!
//! Timing assertions are one-sided (a delay is at least what was configured) with loose upper
//! bounds: these tests must pass on a loaded machine.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use snmp_stream_core::ber::{PduHeader, PduType, encode_message, read_message};
use snmp_stream_core::{Oid, Value, Version};
use snmp_stream_sim::{Faults, Mib};
use snmp_stream_sim::{SimError, Simulator, SimulatorConfig, SimulatorHandle};

const RECORDING: &str = "\
1.3.6.1.2.1.1.1.0|4|Linux test
1.3.6.1.2.1.1.3.0|67|42
1.3.6.1.2.1.1.5.0|4|tt
1.3.6.1.2.1.2.2.1.10.1|65|1000
1.3.6.1.2.1.31.1.1.1.6.1|70|123456789012
";

/// How long a test waits for a reply that should come.
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a test waits to be sure a reply does not come.
const SILENCE: Duration = Duration::from_millis(300);

/// A fresh directory under the system's temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("snmp-stream-sim-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn oid(text: &str) -> Oid {
    text.parse().unwrap()
}

fn client(timeout: Duration) -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(timeout)).unwrap();
    socket
}

fn request(version: Version, community: &str, header: PduHeader, oids: &[&str]) -> Vec<u8> {
    let oids: Vec<Oid> = oids.iter().map(|o| oid(o)).collect();
    let mut buf = Vec::new();
    encode_message(
        &mut buf,
        version,
        community.as_bytes(),
        &header,
        oids.iter().map(|o| (o.sub_ids(), Value::Null)),
    );
    buf
}

/// The reply's source address and bytes, or `None` on timeout.
fn exchange(socket: &UdpSocket, to: SocketAddr, datagram: &[u8]) -> Option<(SocketAddr, Vec<u8>)> {
    socket.send_to(datagram, to).unwrap();
    let mut buf = vec![0u8; 65536];
    match socket.recv_from(&mut buf) {
        Ok((len, from)) => Some((from, buf[..len].to_vec())),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            None
        }
        Err(e) => panic!("recv failed: {e}"),
    }
}

fn get_sys_name(community: &str, request_id: i32) -> Vec<u8> {
    request(
        Version::V2c,
        community,
        PduHeader::get(request_id),
        &["1.3.6.1.2.1.1.5.0"],
    )
}

fn assert_sys_name_reply(reply: &[u8], request_id: i32) {
    let msg = read_message(reply).unwrap();
    assert_eq!(msg.pdu.pdu_type, PduType::Response);
    assert_eq!(msg.pdu.request_id, request_id);
    assert_eq!(msg.pdu.error_status, 0);
    let vbs: Vec<_> = msg.pdu.varbinds().map(|vb| vb.unwrap()).collect();
    assert_eq!(vbs.len(), 1);
    assert_eq!(vbs[0].value, Value::OctetString(b"tt"));
}

fn start_with_public(config: SimulatorConfig) -> SimulatorHandle {
    let mib = Mib::from_snmprec(RECORDING).unwrap();
    Simulator::start(config.mib("public", Arc::new(mib))).unwrap()
}

#[test]
fn get_and_getbulk_from_a_data_directory() {
    let dir = TempDir::new("getbulk");
    dir.write("recorded/box.snmprec", RECORDING);
    dir.write("notes.txt", "not a recording");
    let sim = Simulator::start(SimulatorConfig::new().data_dir(&dir.0)).unwrap();
    assert_eq!(sim.communities(), ["recorded/box"]);
    let addr = sim.addrs()[0];
    assert!(addr.ip().is_loopback());
    let socket = client(REPLY_TIMEOUT);

    let (from, reply) = exchange(&socket, addr, &get_sys_name("recorded/box", 11)).unwrap();
    assert_eq!(from, addr);
    assert_sys_name_reply(&reply, 11);

    let bulk = request(
        Version::V2c,
        "recorded/box",
        PduHeader::get_bulk(12, 0, 10),
        &["1.3.6.1.2.1.1"],
    );
    let (_, reply) = exchange(&socket, addr, &bulk).unwrap();
    let msg = read_message(&reply).unwrap();
    assert_eq!(msg.pdu.request_id, 12);
    let values: Vec<_> = msg.pdu.varbinds().map(|vb| vb.unwrap().value).collect();
    assert_eq!(
        values,
        [
            Value::OctetString(b"Linux test"),
            Value::TimeTicks(42),
            Value::OctetString(b"tt"),
            Value::Counter32(1000),
            Value::Counter64(123_456_789_012),
            Value::EndOfMibView,
        ]
    );
    let stats = sim.stats();
    assert_eq!((stats.requests, stats.replies), (2, 2));
    sim.stop();
}

#[test]
fn v1_getnext_skips_counter64() {
    let sim = start_with_public(SimulatorConfig::new());
    let socket = client(REPLY_TIMEOUT);
    let next = request(
        Version::V1,
        "public",
        PduHeader::get_next(5),
        &["1.3.6.1.2.1.2.2.1.10.1"],
    );
    let (_, reply) = exchange(&socket, sim.addrs()[0], &next).unwrap();
    let msg = read_message(&reply).unwrap();
    // Past the last non-Counter64 instance: noSuchName (2) in v1.
    assert_eq!(msg.pdu.error_status, 2);
}

#[test]
fn unknown_community_gets_no_reply_and_is_counted() {
    let sim = start_with_public(SimulatorConfig::new());
    let socket = client(SILENCE);
    let addr = sim.addrs()[0];
    assert!(exchange(&socket, addr, &get_sys_name("private", 1)).is_none());
    assert!(exchange(&socket, addr, &get_sys_name("../public", 2)).is_none());
    assert!(exchange(&socket, addr, &get_sys_name("/public", 3)).is_none());
    let stats = sim.stats();
    assert_eq!(stats.unknown_community, 3);
    assert_eq!(stats.replies, 0);
}

#[test]
fn garbage_is_counted_and_the_next_request_is_answered() {
    let sim = start_with_public(SimulatorConfig::new());
    let addr = sim.addrs()[0];
    let socket = client(SILENCE);
    let valid = get_sys_name("public", 9);
    let garbage: [&[u8]; 5] = [
        b"",
        b"\x30",
        b"\x30\x82\xff\xff\x02\x01\x01",
        b"hello, agent",
        &valid[..valid.len() - 3],
    ];
    for datagram in garbage {
        assert!(exchange(&socket, addr, datagram).is_none());
    }
    socket.set_read_timeout(Some(REPLY_TIMEOUT)).unwrap();
    let (_, reply) = exchange(&socket, addr, &valid).unwrap();
    assert_sys_name_reply(&reply, 9);
    let stats = sim.stats();
    assert_eq!(stats.malformed, 5);
    assert_eq!((stats.requests, stats.replies), (6, 1));
}

#[test]
fn responder_drops_are_counted() {
    let sim = start_with_public(SimulatorConfig::new());
    let socket = client(SILENCE);
    // GETBULK in a v1 message: no such PDU in v1, silently dropped.
    let bulk_v1 = request(
        Version::V1,
        "public",
        PduHeader::get_bulk(1, 0, 5),
        &["1.3.6.1.2.1.1"],
    );
    assert!(exchange(&socket, sim.addrs()[0], &bulk_v1).is_none());
    assert_eq!(sim.stats().responder_dropped, 1);
}

#[test]
fn protocol_faults_apply() {
    let sim = start_with_public(SimulatorConfig::new().faults(Faults {
        wrong_request_id: true,
        ..Faults::default()
    }));
    let socket = client(REPLY_TIMEOUT);
    let (_, reply) = exchange(&socket, sim.addrs()[0], &get_sys_name("public", 40)).unwrap();
    assert_eq!(read_message(&reply).unwrap().pdu.request_id, 41);
}

#[test]
fn total_loss_answers_nothing() {
    let sim = start_with_public(SimulatorConfig::new().loss(1.0));
    let socket = client(SILENCE);
    for id in 0..3 {
        assert!(exchange(&socket, sim.addrs()[0], &get_sys_name("public", id)).is_none());
    }
    let stats = sim.stats();
    assert_eq!((stats.lost, stats.replies), (3, 0));
}

#[test]
fn partial_loss_loses_some() {
    let sim = start_with_public(SimulatorConfig::new().loss(0.5).seed(3));
    let socket = client(SILENCE);
    for id in 0..20 {
        let _ = exchange(&socket, sim.addrs()[0], &get_sys_name("public", id));
    }
    let stats = sim.stats();
    assert_eq!(stats.lost + stats.replies, 20);
    assert!(stats.lost > 0 && stats.replies > 0, "{stats:?}");
}

#[test]
fn bad_loss_probability_is_refused() {
    for p in [-0.1, 1.5, f64::NAN] {
        assert!(matches!(
            Simulator::start(SimulatorConfig::new().loss(p)),
            Err(SimError::BadLossProbability(_))
        ));
    }
}

#[test]
fn delay_and_jitter_hold_replies_back() {
    let delay = Duration::from_millis(150);
    let sim = start_with_public(
        SimulatorConfig::new()
            .delay(delay)
            .jitter(Duration::from_millis(50)),
    );
    let socket = client(REPLY_TIMEOUT);
    let start = Instant::now();
    let (_, reply) = exchange(&socket, sim.addrs()[0], &get_sys_name("public", 2)).unwrap();
    let elapsed = start.elapsed();
    assert_sys_name_reply(&reply, 2);
    assert!(elapsed >= delay, "replied after {elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(4),
        "replied after {elapsed:?}"
    );
}

#[test]
fn reply_from_other_port() {
    let sim = start_with_public(SimulatorConfig::new().reply_from_other_port(true));
    let addr = sim.addrs()[0];
    let socket = client(REPLY_TIMEOUT);
    let (from, reply) = exchange(&socket, addr, &get_sys_name("public", 3)).unwrap();
    assert_sys_name_reply(&reply, 3);
    assert_eq!(from.ip(), addr.ip());
    assert_ne!(from.port(), addr.port());
}

#[test]
fn reply_from_address() {
    let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    let sim = start_with_public(SimulatorConfig::new().reply_from_address(other));
    let addr = sim.addrs()[0];
    assert_eq!(addr.ip(), Ipv4Addr::LOCALHOST);
    let socket = client(REPLY_TIMEOUT);
    let (from, reply) = exchange(&socket, addr, &get_sys_name("public", 4)).unwrap();
    assert_sys_name_reply(&reply, 4);
    assert_eq!(
        from,
        SocketAddr::new(other, addr.port()),
        "same port, other address"
    );
    sim.stop();

    // It wins over another port.
    let sim = start_with_public(
        SimulatorConfig::new()
            .reply_from_other_port(true)
            .reply_from_address(other),
    );
    let addr = sim.addrs()[0];
    let (from, reply) = exchange(&socket, addr, &get_sys_name("public", 5)).unwrap();
    assert_sys_name_reply(&reply, 5);
    assert_eq!(from, SocketAddr::new(other, addr.port()));
}

#[test]
fn reply_from_an_address_of_the_other_family_is_refused() {
    let config = SimulatorConfig::new().reply_from_address("::1".parse().unwrap());
    let err = Simulator::start(config).unwrap_err();
    assert!(matches!(err, SimError::Bind { .. }), "{err:?}");
}

#[test]
fn reply_community() {
    let sim = start_with_public(SimulatorConfig::new().faults(Faults {
        reply_community: Some(b"private".to_vec()),
        ..Faults::default()
    }));
    let socket = client(REPLY_TIMEOUT);
    let (from, reply) = exchange(&socket, sim.addrs()[0], &get_sys_name("public", 6)).unwrap();
    assert_eq!(from, sim.addrs()[0]);
    let msg = read_message(&reply).unwrap();
    assert_eq!(msg.community, b"private");
    assert_sys_name_reply(&reply, 6);
}

#[test]
fn several_ports_each_answer() {
    let sim = start_with_public(SimulatorConfig::new().ports(3));
    let addrs = sim.addrs().to_vec();
    assert_eq!(addrs.len(), 3);
    let socket = client(REPLY_TIMEOUT);
    for (id, addr) in (1..).zip(&addrs) {
        let (from, reply) = exchange(&socket, *addr, &get_sys_name("public", id)).unwrap();
        assert_eq!(from, *addr);
        assert_sys_name_reply(&reply, id);
    }
    let mut ports: Vec<u16> = addrs.iter().map(SocketAddr::port).collect();
    ports.dedup();
    assert_eq!(ports.len(), 3);
}

#[test]
fn malformed_recording_names_file_and_line() {
    let dir = TempDir::new("malformed");
    dir.write("good.snmprec", RECORDING);
    dir.write(
        "sub/bad.snmprec",
        "1.3.6.1.2.1.1.1.0|4|ok\n1.3.6.1.2.1.1.2.0|99|x\n",
    );
    let err = Simulator::start(SimulatorConfig::new().data_dir(&dir.0)).unwrap_err();
    match &err {
        SimError::Snmprec { path, source } => {
            assert!(path.ends_with("sub/bad.snmprec"), "{path:?}");
            assert_eq!(source.line, 2);
        }
        other => panic!("expected a .snmprec error, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("bad.snmprec") && message.contains("line 2"),
        "{message}"
    );
}

#[test]
fn missing_data_directory_is_an_error() {
    let err =
        Simulator::start(SimulatorConfig::new().data_dir("/nonexistent/snmp-stream")).unwrap_err();
    assert!(matches!(err, SimError::Io { .. }), "{err:?}");
}

#[test]
fn communities_escaping_the_directory_are_refused() {
    let mib = Arc::new(Mib::new());
    for bad in ["../x", "/x", ""] {
        let err = Simulator::start(SimulatorConfig::new().mib(bad, mib.clone())).unwrap_err();
        assert!(matches!(err, SimError::BadCommunity(_)), "{err:?}");
    }
}

#[test]
fn starts_and_stops_inside_a_tokio_runtime() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sim = start_with_public(SimulatorConfig::new());
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        socket
            .send_to(&get_sys_name("public", 8), sim.addrs()[0])
            .await
            .unwrap();
        let mut buf = [0u8; 1500];
        let (len, _) = tokio::time::timeout(REPLY_TIMEOUT, socket.recv_from(&mut buf))
            .await
            .expect("a reply")
            .unwrap();
        assert_sys_name_reply(&buf[..len], 8);
        drop(sim);
    });
}

#[test]
fn stop_closes_the_sockets() {
    let sim = start_with_public(SimulatorConfig::new());
    let addr = sim.addrs()[0];
    sim.stop();
    // The port is free again.
    UdpSocket::bind(addr).unwrap();
}
