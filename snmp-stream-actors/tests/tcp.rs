//! The TCP transport (`tcp:` hosts, RFC 3430) against the simulator serving TCP on loopback:
//! the same records as over UDP, a connection the agent closes is made again without losing
//! anything, and an agent without TCP fails the host at once with a connect error.

use std::net::{Ipv6Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::{Duration, Instant};

use snmp_stream_actors::SessionManager;
use snmp_stream_actors::core::config::ConfigOverrides;
use snmp_stream_actors::core::{
    CollectError, Community, Config, Host, Oid, Request, Response, Status, Transport,
};
use snmp_stream_sim::{Mib, Simulator, SimulatorConfig, SimulatorHandle};

const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/snmpsim/recorded/linux-full-walk.snmprec"
);

fn recording() -> Arc<Mib> {
    let text = std::fs::read_to_string(RECORDING).unwrap();
    Arc::new(Mib::from_snmprec(&text).unwrap())
}

fn start(config: SimulatorConfig) -> SimulatorHandle {
    Simulator::start(config.mib("public", recording())).unwrap()
}

fn host(addr: SocketAddr, transport: Transport) -> Host {
    Host::ip(addr.ip(), addr.port()).with_transport(transport)
}

fn quick() -> Config {
    ConfigOverrides::new()
        .retries(2)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

fn walk(host: Host, roots: &[&str]) -> Request {
    Request::walk(
        host,
        Community::v2c("public"),
        roots.iter().map(|r| r.parse::<Oid>().unwrap()).collect(),
    )
    .build()
    .unwrap()
}

/// Runs the requests to completion; returns the responses in the order asked, and the
/// manager for its counters.
fn collect(config: Config, requests: Vec<Request>) -> (Vec<Response>, SessionManager) {
    let mut manager = SessionManager::new(config).unwrap();
    let asked: Vec<Host> = requests.iter().map(|r| r.host().clone()).collect();
    for r in requests {
        manager.add_request(r).unwrap();
    }
    let mut all = Vec::new();
    while let Some(batch) = manager.run() {
        all.extend(batch);
    }
    all.sort_by_key(|r| asked.iter().position(|h| h == r.request.host()));
    assert_eq!(all.len(), asked.len());
    (all, manager)
}

/// A response's records as (root index, index, value), comparable across transports.
fn records(r: &Response) -> Vec<(usize, String, String)> {
    r.buffer
        .read()
        .unwrap()
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            let value = format!("{:?}", rec.value().unwrap());
            (rec.root_index(), rec.index().to_string(), value)
        })
        .collect()
}

/// Walks the whole recording at `addr` over UDP and over TCP, each to Complete.
fn walk_both_ways(config: Config, addr: SocketAddr) -> (Vec<Response>, SessionManager) {
    let (responses, manager) = collect(
        config,
        vec![
            walk(host(addr, Transport::Udp), &["1.3.6"]),
            walk(host(addr, Transport::Tcp), &["1.3.6"]),
        ],
    );
    for r in &responses {
        let host = r.request.host();
        assert_eq!(r.status, Status::Complete, "{host}: {:?}", r.errors);
    }
    (responses, manager)
}

#[test]
fn a_walk_over_tcp_has_the_records_of_the_walk_over_udp() {
    let sim = start(SimulatorConfig::new().tcp(true));
    let addr = sim.addrs()[0];
    let (responses, manager) = walk_both_ways(quick(), addr);
    let (udp, tcp) = (records(&responses[0]), records(&responses[1]));
    assert!(udp.len() > 3000, "{} records", udp.len());
    assert_eq!(tcp, udp);
    // Two actors (one per transport), one connection.
    let stats = manager.stats();
    assert_eq!(stats.hosts_started, 2);
    assert_eq!((stats.tcp_connects, stats.tcp_closes), (1, 0));
}

#[test]
fn a_get_over_tcp_keeps_the_order_asked() {
    let sim = start(SimulatorConfig::new().tcp(true));
    let oids: Vec<Oid> = [5, 1, 3]
        .iter()
        .map(|i| format!("1.3.6.1.2.1.1.{i}.0").parse().unwrap())
        .collect();
    let get = Request::get(
        host(sim.addrs()[0], Transport::Tcp),
        Community::v2c("public"),
        oids,
    )
    .build()
    .unwrap();
    let (responses, _) = collect(quick(), vec![get]);
    let r = &responses[0];
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    let roots: Vec<usize> = records(r).iter().map(|rec| rec.0).collect();
    assert_eq!(roots, [0, 1, 2]);
}

#[test]
fn a_connection_the_agent_closes_is_made_again_and_nothing_is_lost() {
    let sim = start(SimulatorConfig::new().tcp_close_after(20));
    let addr = sim.addrs()[0];
    // Each close spends a retry of the PDUs in flight: room for that and for a slow machine.
    let patient = ConfigOverrides::new()
        .retries(4)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let (responses, manager) = walk_both_ways(patient, addr);
    assert_eq!(records(&responses[1]), records(&responses[0]));
    // The walk takes a few hundred PDUs: the agent closed the connection after every 20.
    let stats = manager.stats();
    assert!(stats.tcp_connects >= 5, "{stats:?}");
    assert!(stats.tcp_closes >= stats.tcp_connects - 1, "{stats:?}");
}

#[test]
fn an_agent_without_tcp_fails_the_host_at_once_with_a_connect_error() {
    // A port nothing listens on: bound, then released.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let slow = ConfigOverrides::new()
        .retries(3)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let (responses, _) = collect(slow, vec![walk(host(addr, Transport::Tcp), &["1.3.6"])]);
    let r = &responses[0];
    assert_eq!(r.status, Status::Failed);
    let errors: Vec<&CollectError> = r.errors.iter().map(|e| &e.error).collect();
    assert_eq!(
        errors,
        [&CollectError::Connect(
            std::io::ErrorKind::ConnectionRefused
        )]
    );
    assert_eq!(
        r.errors[0].error.to_string(),
        "cannot connect over TCP: connection refused"
    );
    // A refusal is an answer: no waiting out the 20 s of timeouts and retries.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn tcp_over_ipv6_loopback() {
    let v6 = SocketAddr::from((Ipv6Addr::LOCALHOST, 0));
    let sim = start(SimulatorConfig::new().listen(v6).tcp(true));
    let addr = sim.addrs()[0];
    let (responses, manager) = collect(
        quick(),
        vec![walk(host(addr, Transport::Tcp), &["1.3.6.1.2.1.2.2.1.2"])],
    );
    let r = &responses[0];
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(records(r).len(), 2);
    assert_eq!(r.request.host().to_string(), format!("tcp:{addr}"));
    assert_eq!(manager.stats().tcp_connects, 1);
}

#[test]
fn an_agent_that_closes_every_connection_at_once_fails_the_host_after_its_retries() {
    // Accepts each connection and closes it unread, for as long as the test runs.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            drop(stream);
        }
    });
    let (responses, manager) = collect(quick(), vec![walk(host(addr, Transport::Tcp), &["1.3.6"])]);
    let r = &responses[0];
    assert_eq!(r.status, Status::Failed);
    let errors: Vec<&CollectError> = r.errors.iter().map(|e| &e.error).collect();
    assert_eq!(errors, [&CollectError::Timeout { attempts: 3 }]);
    // One connection per attempt: each close resent the PDU at once, as its next retry.
    let stats = manager.stats();
    assert_eq!(stats.tcp_connects, 3, "{stats:?}");
    assert_eq!(stats.retries, 2, "{stats:?}");
}
