//! The collector (`SessionManager`, supervisor, host actors, shared transport) against the
//! built-in simulator on 127.0.0.1: results are checked record for record against the MIB the
//! simulator serves.
//!
//! No assertion here is on elapsed time alone: where time matters ("a dead host does not
//! delay the others") the check is on the order in which things finish, with margins of
//! seconds against work that takes milliseconds.

use std::collections::BTreeMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use snmp_stream_actors::SessionManager;
use snmp_stream_actors::core::config::ConfigOverrides;
use snmp_stream_actors::core::{
    CollectError, Community, Config, Host, IndexRange, Oid, Request, Response, Status, Value,
};
use snmp_stream_sim::{Faults, Mib};
use snmp_stream_sim::{Simulator, SimulatorConfig, SimulatorHandle};

const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/snmpsim/recorded/linux-full-walk.snmprec"
);

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn recording() -> Arc<Mib> {
    let text = std::fs::read_to_string(RECORDING).unwrap();
    Arc::new(Mib::from_snmprec(&text).unwrap())
}

/// A value in a form both the MIB and the wireline side render alike.
fn render(v: &Value<'_>) -> String {
    match v {
        Value::ObjectId(s) => format!("OID {s}"),
        other => format!("{other:?}"),
    }
}

/// The records of a response as (full OID, rendered value), in buffer order.
fn records(r: &Response) -> Vec<(String, String)> {
    let w = r.buffer.read().unwrap();
    w.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let root = &r.request.oids()[rec.root_index()];
            let index = rec.index().to_string();
            let full = if index.is_empty() {
                root.to_string()
            } else {
                format!("{root}.{index}")
            };
            (full, render(&rec.value().unwrap()))
        })
        .collect()
}

/// What a walk of `root` must return from `mib`, in order (Counter64 hidden from v1).
fn expected(mib: &Mib, root: &Oid, v1: bool) -> Vec<(String, String)> {
    mib.iter()
        .filter(|(o, v)| o.starts_with(root) && !(v1 && v.is_counter64()))
        .map(|(o, v)| (o.to_string(), render(&v.as_value())))
        .collect()
}

fn sim(mib: Arc<Mib>, ports: usize) -> SimulatorHandle {
    Simulator::start(SimulatorConfig::new().mib("public", mib).ports(ports)).unwrap()
}

fn host(addr: SocketAddr) -> Host {
    Host::ip(addr.ip(), addr.port())
}

/// A v2c WALK of one root with community `public`.
fn walk_public(addr: SocketAddr, root: &str) -> Request {
    Request::walk(host(addr), Community::v2c("public"), vec![oid(root)])
        .build()
        .unwrap()
}

fn config(f: impl FnOnce(ConfigOverrides) -> ConfigOverrides) -> Config {
    f(ConfigOverrides::new()).build().unwrap()
}

fn run_all(manager: &mut SessionManager) -> Vec<Response> {
    let mut all = Vec::new();
    while let Some(batch) = manager.run() {
        assert!(!batch.is_empty());
        all.extend(batch);
    }
    all
}

#[test]
fn full_walk_v2c_and_v1_equal_the_recording() {
    let mib = recording();
    let sim = sim(mib.clone(), 1);
    let mut manager = SessionManager::new(Config::default()).unwrap();
    let root = oid("1.3.6");
    for (community, v1) in [
        (Community::v2c("public"), false),
        (Community::v1("public"), true),
    ] {
        let request = Request::walk(host(sim.addrs()[0]), community, vec![root.clone()])
            .req_id(if v1 { "v1" } else { "v2c" })
            .build()
            .unwrap();
        manager.add_request(request).unwrap();
    }
    let responses = run_all(&mut manager);
    assert_eq!(responses.len(), 2);
    for r in &responses {
        let v1 = r.request.req_id() == b"v1";
        assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
        let got = records(r);
        let want = expected(&mib, &root, v1);
        assert!(want.len() > 3800);
        assert_eq!(got.len(), want.len(), "v1={v1}");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g, w, "record {i} (v1={v1})");
        }
    }
    let stats = manager.stats();
    assert_eq!(stats.requests, 2);
    assert_eq!(stats.responses, 2);
    assert_eq!(
        stats.hosts_started, 1,
        "both requests share the host's actor"
    );
    assert_eq!(stats.dropped(), 0, "{stats:?}");
    assert_eq!(stats.retries, 0);
    assert!(stats.varbinds >= 7600, "{stats:?}");
    assert_eq!(manager.outstanding(), 0);
    assert!(manager.run().is_none(), "an empty queue runs to None");
}

#[test]
fn many_hosts_with_a_session_cap_all_complete() {
    let mib = recording();
    let sim = sim(mib.clone(), 120);
    let mut manager = SessionManager::builder(config(|c| c.max_async_sessions(16)))
        .arbiters(2)
        .start()
        .unwrap();
    let root = oid("1.3.6.1.2.1.2.2.1");
    for (i, addr) in sim.addrs().iter().enumerate() {
        let request = Request::walk(host(*addr), Community::v2c("public"), vec![root.clone()])
            .req_id(i.to_string())
            .build()
            .unwrap();
        manager.add_request(request).unwrap();
    }
    let mut peak_active = 0;
    let mut responses = Vec::new();
    while let Some(batch) = manager.run() {
        peak_active = peak_active.max(manager.stats().hosts_active);
        responses.extend(batch);
    }
    assert_eq!(responses.len(), 120);
    let want = expected(&mib, &root, false);
    let mut seen = std::collections::HashSet::new();
    for r in &responses {
        assert_eq!(r.status, Status::Complete);
        assert_eq!(records(r), want);
        assert!(seen.insert(r.request.req_id().to_vec()));
    }
    assert!(peak_active <= 16, "{peak_active} hosts active at once");
    let stats = manager.stats();
    assert_eq!(stats.hosts_started, 120);
    assert_eq!(stats.dropped(), 0);
}

#[test]
fn a_dead_host_does_not_delay_the_others() {
    let mib = recording();
    let sim = sim(mib, 49);
    // A bound socket that never answers.
    let dead = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut manager = SessionManager::builder(config(|c| {
        c.max_async_sessions(4)
            .timeout(Duration::from_secs(2))
            .retries(1)
    }))
    .start()
    .unwrap();
    let root = oid("1.3.6.1.2.1.2.2.1.2");
    // The dead host goes first, so it holds one of the four session slots throughout.
    let targets: Vec<SocketAddr> = std::iter::once(dead.local_addr().unwrap())
        .chain(sim.addrs().iter().copied())
        .collect();
    for addr in &targets {
        let request = Request::walk(host(*addr), Community::v2c("public"), vec![root.clone()])
            .build()
            .unwrap();
        manager.add_request(request).unwrap();
    }
    let start = Instant::now();
    let mut order = Vec::new();
    while let Some(batch) = manager.run() {
        for r in batch {
            order.push((
                r.request.host().clone(),
                r.status,
                start.elapsed(),
                r.errors,
            ));
        }
    }
    assert_eq!(order.len(), 50);
    let (last_host, status, dead_after, errors) = order.last().unwrap();
    assert_eq!(*last_host, host(targets[0]), "the dead host finishes last");
    assert_eq!(*status, Status::Failed);
    assert_eq!(errors[0].error, CollectError::Timeout { attempts: 2 });
    assert!(*dead_after >= Duration::from_secs(4), "2 attempts × 2 s");
    // The 49 live hosts all finished before the dead host's first timeout.
    let live_done = order[..49].iter().map(|o| o.2).max().unwrap();
    assert!(order[..49].iter().all(|o| o.1 == Status::Complete));
    assert!(
        live_done < Duration::from_secs(2),
        "the live hosts took {live_done:?}; the dead one {dead_after:?}"
    );
    eprintln!("live hosts done after {live_done:?}, the dead host failed after {dead_after:?}");
}

#[test]
fn a_ranged_walk_streams_one_response_per_partition() {
    // A routing-like table: 16 first-arc blocks of 25 rows each.
    let mut mib = Mib::new();
    for a in 0..16u32 {
        for b in 0..25u32 {
            let o = oid(&format!("1.3.6.1.2.1.4.24.4.1.1.{a}.{b}.0.0"));
            mib.insert(
                o,
                snmp_stream_sim::MibValue::IpAddress([a as u8, b as u8, 0, 0]),
            );
        }
    }
    let mib = Arc::new(mib);
    let sim = sim(mib.clone(), 1);
    let mut manager = SessionManager::new(Config::default()).unwrap();
    let root = oid("1.3.6.1.2.1.4.24.4.1.1");
    let ranges = IndexRange::split_by_first_arc(16, 16);
    assert_eq!(ranges.len(), 16);
    let request = Request::walk(
        host(sim.addrs()[0]),
        Community::v2c("public"),
        vec![root.clone()],
    )
    .ranges(ranges)
    .build()
    .unwrap();
    manager.add_request(request).unwrap();
    assert_eq!(manager.outstanding(), 16);
    let mut by_range = BTreeMap::new();
    while let Some(batch) = manager.run() {
        for r in batch {
            let first_arc = r.range.as_ref().unwrap().start().first().copied();
            assert_eq!(r.status, Status::Complete);
            by_range.insert(first_arc, records(&r));
        }
    }
    assert_eq!(by_range.len(), 16, "one response per partition");
    let all: Vec<_> = by_range.into_values().flatten().collect();
    assert_eq!(all, expected(&mib, &root, false));
}

#[test]
fn works_from_inside_a_tokio_runtime_sync_and_async() {
    let sim = sim(recording(), 1);
    let addr = sim.addrs()[0];
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let mut manager = SessionManager::new(Config::default()).unwrap();
        let request = Request::get(
            host(addr),
            Community::v2c("public"),
            vec![oid("1.3.6.1.2.1.1.5.0"), oid("1.3.6.1.2.1.1.99.0")],
        )
        .build()
        .unwrap();
        manager.add_request(request.clone()).unwrap();
        let r = manager.next_response().await.unwrap();
        assert_eq!(r.status, Status::Complete);
        let got = records(&r);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].1, "NoSuchObject");
        assert!(manager.next_response().await.is_none());

        // The blocking API, called on the runtime's thread, must not panic.
        manager.add_request(request).unwrap();
        let batch = manager.run().unwrap();
        assert_eq!(batch.len(), 1);

        // And the one-call helper.
        let r = snmp_stream_actors::walk(
            host(addr),
            Community::v2c("public"),
            vec![oid("1.3.6.1.2.1.1")],
        )
        .unwrap();
        assert_eq!(r.status, Status::Complete);
        assert!(records(&r).len() > 5);
    });
}

#[test]
fn the_stream_yields_every_response() {
    use std::future::poll_fn;
    use std::pin::Pin;

    let sim = sim(recording(), 5);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let mut manager = SessionManager::new(Config::default()).unwrap();
        let submitter = manager.submitter();
        for addr in sim.addrs() {
            let request = walk_public(*addr, "1.3.6.1.2.1.1");
            submitter.submit(request).await.unwrap();
        }
        let mut stream = manager.responses();
        let mut n = 0;
        while let Some(r) =
            poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut stream), cx)).await
        {
            assert_eq!(r.status, Status::Complete);
            n += 1;
        }
        assert_eq!(n, 5);
    });
}

#[test]
fn a_slow_consumer_holds_back_new_hosts() {
    let sim = sim(recording(), 40);
    let mut manager = SessionManager::builder(config(|c| c.max_async_sessions(4)))
        .max_buffered_bytes(1)
        .start()
        .unwrap();
    for addr in sim.addrs() {
        let request = walk_public(*addr, "1.3.6.1.2.1.2");
        manager.add_request(request).unwrap();
    }
    // Nobody takes responses for a while: the first hosts finish, then nothing new starts.
    std::thread::sleep(Duration::from_millis(500));
    let stats = manager.stats();
    assert!(
        stats.hosts_started <= 4 && stats.responses <= 4,
        "started {} hosts while the caller took nothing",
        stats.hosts_started
    );
    assert_eq!(run_all(&mut manager).len(), 40);
    assert_eq!(manager.stats().hosts_started, 40);
}

#[test]
fn replies_from_another_address_are_stray_and_the_request_times_out() {
    let sim = Simulator::start(
        SimulatorConfig::new()
            .mib("public", recording())
            .reply_from_other_port(true),
    )
    .unwrap();
    let mut manager =
        SessionManager::new(config(|c| c.timeout(Duration::from_millis(200)).retries(1))).unwrap();
    let request = Request::get(
        host(sim.addrs()[0]),
        Community::v2c("public"),
        vec![oid("1.3.6.1.2.1.1.5.0")],
    )
    .build()
    .unwrap();
    manager.add_request(request).unwrap();
    let r = run_all(&mut manager).pop().unwrap();
    assert_eq!(r.status, Status::Failed);
    assert_eq!(r.errors[0].error, CollectError::Timeout { attempts: 2 });
    let stats = manager.stats();
    assert_eq!(stats.stray_datagrams, 2, "{stats:?}");
    assert_eq!(stats.retries, 1);
    assert_eq!(stats.timeouts, 1);
}

#[test]
fn dropping_the_manager_mid_walk_returns_promptly() {
    let sim = Simulator::start(
        SimulatorConfig::new()
            .mib("public", recording())
            .faults(Faults::default())
            .delay(Duration::from_millis(50)),
    )
    .unwrap();
    let manager = SessionManager::new(Config::default()).unwrap();
    let request = walk_public(sim.addrs()[0], "1.3");
    manager.add_request(request).unwrap();
    std::thread::sleep(Duration::from_millis(120));
    let t = Instant::now();
    manager.shutdown();
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn host_names_resolve_ipv4_first() {
    let sim = sim(recording(), 1);
    let port = sim.addrs()[0].port();
    let r = snmp_stream_actors::get(
        Host::parse(&format!("localhost:{port}")).unwrap(),
        Community::v2c("public"),
        vec![oid("1.3.6.1.2.1.1.5.0")],
    )
    .unwrap();
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(records(&r).len(), 1);
}

#[test]
fn ipv6_hosts_share_an_ipv6_socket() {
    let any_v6: SocketAddr = "[::1]:0".parse().unwrap();
    let Ok(sim) = Simulator::start(
        SimulatorConfig::new()
            .mib("public", recording())
            .listen(any_v6)
            .listen(any_v6)
            .listen(any_v6),
    ) else {
        eprintln!("skipping: this machine has no IPv6 loopback");
        return;
    };
    let mut manager = SessionManager::new(Config::default()).unwrap();
    for addr in sim.addrs() {
        assert!(addr.is_ipv6());
        let request = walk_public(*addr, "1.3.6.1.2.1.1");
        manager.add_request(request).unwrap();
    }
    let responses = run_all(&mut manager);
    assert_eq!(responses.len(), 3);
    assert!(responses.iter().all(|r| r.status == Status::Complete));
    assert_eq!(manager.stats().dropped(), 0);
}

#[test]
fn requests_leave_from_the_bound_address() {
    // A bare socket as the agent: it sees where the collector's datagrams come from.
    let agent = UdpSocket::bind("127.0.0.1:0").unwrap();
    agent
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let addr = agent.local_addr().unwrap();
    let from: std::net::IpAddr = "127.0.0.2".parse().unwrap();
    let mut manager =
        SessionManager::builder(config(|c| c.retries(0).timeout(Duration::from_millis(200))))
            .bind(from)
            .start()
            .unwrap();
    manager
        .add_request(walk_public(addr, "1.3.6.1.2.1.1"))
        .unwrap();
    let mut buf = [0u8; 1500];
    let (_, source) = agent.recv_from(&mut buf).unwrap();
    assert_eq!(source.ip(), from);
    let responses = run_all(&mut manager);
    assert_eq!(responses[0].status, Status::Failed, "nobody answered");
}
