//! The collector against the simulator showing the agent bugs of real devices, over real UDP
//! on 127.0.0.1 (ARCHITECTURE.md, "Failure policy"): each fault flag of the simulator, and
//! what the collector must make of it — no OID lost without an error, no unbounded walk, no
//! datagram from elsewhere taken for data, nothing collected thrown away.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use snmp_stream_actors::SessionManager;
use snmp_stream_actors::core::config::ConfigOverrides;
use snmp_stream_actors::core::{
    CollectError, Community, Config, Host, Oid, Request, Response, Status,
};
use snmp_stream_sim::{Faults, Mib};
use snmp_stream_sim::{Simulator, SimulatorConfig, SimulatorHandle};

const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/snmpsim/recorded/linux-full-walk.snmprec"
);

/// ifDescr in the recording: two interfaces, `lo` and `eth0`.
const IF_DESCR: &str = "1.3.6.1.2.1.2.2.1.2";
/// The recording's system group: 8 scalars and sysORTable.
const SYSTEM: &str = "1.3.6.1.2.1.1";

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn recording() -> Arc<Mib> {
    let text = std::fs::read_to_string(RECORDING).unwrap();
    Arc::new(Mib::from_snmprec(&text).unwrap())
}

fn start(config: SimulatorConfig) -> SimulatorHandle {
    Simulator::start(config.mib("public", recording())).unwrap()
}

fn with_faults(faults: Faults) -> SimulatorHandle {
    start(SimulatorConfig::new().faults(faults))
}

fn host(addr: SocketAddr) -> Host {
    Host::ip(addr.ip(), addr.port())
}

fn quick() -> Config {
    ConfigOverrides::new()
        .retries(1)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

/// Runs one request to completion with `config`; returns its response and the manager.
fn collect(config: Config, request: Request) -> (Response, SessionManager) {
    let mut manager = SessionManager::new(config).unwrap();
    manager.add_request(request).unwrap();
    let mut all = Vec::new();
    while let Some(batch) = manager.run() {
        all.extend(batch);
    }
    assert_eq!(all.len(), 1, "{all:?}");
    (all.pop().unwrap(), manager)
}

fn walk(sim: &SimulatorHandle, roots: &[&str]) -> Request {
    Request::walk(
        host(sim.addrs()[0]),
        Community::v2c("public"),
        roots.iter().map(|r| oid(r)).collect(),
    )
    .build()
    .unwrap()
}

/// The system group's eight scalars, `.0` each.
fn system_scalars() -> Vec<Oid> {
    (1..=8).map(|i| oid(&format!("{SYSTEM}.{i}.0"))).collect()
}

fn get(sim: &SimulatorHandle, oids: Vec<Oid>) -> Request {
    Request::get(host(sim.addrs()[0]), Community::v2c("public"), oids)
        .build()
        .unwrap()
}

fn records(r: &Response) -> usize {
    r.buffer.read().unwrap().records().count()
}

fn errors(r: &Response) -> Vec<CollectError> {
    r.errors.iter().map(|e| e.error.clone()).collect()
}

#[test]
fn a_short_get_reply_loses_no_oid() {
    let sim = with_faults(Faults {
        get_reply_cap: Some(3),
        ..Faults::default()
    });
    let (r, _) = collect(Config::default(), get(&sim, system_scalars()));
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(records(&r), 8);
    assert_eq!(r.quirks.reasked_oids, 5);
}

#[test]
fn an_oid_the_agent_leaves_out_is_named() {
    let left_out = oid(&format!("{SYSTEM}.5.0"));
    let sim = with_faults(Faults {
        get_reply_omit: Some(left_out.clone()),
        ..Faults::default()
    });
    let (r, _) = collect(Config::default(), get(&sim, system_scalars()));
    assert_eq!(r.status, Status::Partial);
    assert_eq!(records(&r), 7);
    assert_eq!(
        errors(&r),
        [CollectError::MissingFromReply { oid: left_out }]
    );
}

#[test]
fn a_malformed_value_does_not_end_its_column() {
    let bad = oid(&format!("{IF_DESCR}.1"));
    let sim = with_faults(Faults {
        malformed_value_at: Some(bad.clone()),
        ..Faults::default()
    });
    let (r, _) = collect(Config::default(), walk(&sim, &[IF_DESCR]));
    assert_eq!(r.status, Status::Partial);
    // eth0 after the malformed `lo`.
    assert_eq!(records(&r), 1);
    assert!(
        matches!(&errors(&r)[..], [CollectError::MalformedValue { oid, .. }] if *oid == bad),
        "{:?}",
        r.errors
    );
    assert_eq!(r.quirks.malformed_values, 1);
}

#[test]
fn a_repeated_oid_is_dropped_and_the_walk_completes() {
    let sim = with_faults(Faults {
        repeat_oid_at: Some(oid(&format!("{SYSTEM}.3.0"))),
        ..Faults::default()
    });
    let (r, _) = collect(Config::default(), walk(&sim, &[SYSTEM]));
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    let mib = recording();
    let want = mib
        .iter()
        .filter(|(o, _)| o.starts_with(&oid(SYSTEM)))
        .count();
    assert_eq!(records(&r), want);
    assert_eq!(r.quirks.repeated_oids, 1);
}

#[test]
fn an_endless_column_stops_at_the_row_cap() {
    let sim = with_faults(Faults {
        endless_column: Some(oid(IF_DESCR)),
        ..Faults::default()
    });
    let config = ConfigOverrides::new()
        .max_rows_per_root(2000)
        .max_response_var_binds_per_pdu(50)
        .build()
        .unwrap();
    let (r, _) = collect(config, walk(&sim, &[IF_DESCR]));
    assert_eq!(r.status, Status::Partial);
    assert_eq!(records(&r), 2000);
    assert_eq!(
        errors(&r),
        [CollectError::RowCap {
            root: oid(IF_DESCR),
            cap: 2000
        }]
    );
}

#[test]
fn replies_with_another_community_are_not_data() {
    let sim = with_faults(Faults {
        reply_community: Some(b"private".to_vec()),
        ..Faults::default()
    });
    let (r, manager) = collect(quick(), walk(&sim, &[IF_DESCR]));
    assert_eq!(r.status, Status::Failed);
    assert_eq!(errors(&r), [CollectError::Timeout { attempts: 2 }]);
    assert_eq!(r.quirks.wrong_community, 2);
    let stats = manager.stats();
    assert_eq!((stats.mismatched, stats.varbinds), (2, 0), "{stats:?}");
}

#[test]
fn replies_from_another_address_count_only_when_accepted() {
    // The agent answers from 127.0.0.2, the collector asked 127.0.0.1.
    let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    let sim = start(SimulatorConfig::new().reply_from_address(other));

    let (r, manager) = collect(quick(), walk(&sim, &[IF_DESCR]));
    assert_eq!(r.status, Status::Failed);
    let stats = manager.stats();
    assert_eq!(stats.stray_datagrams, 2, "{stats:?}");
    assert_eq!(stats.varbinds, 0);

    let accept = ConfigOverrides::new()
        .accept_other_source(true)
        .build()
        .unwrap();
    let (r, manager) = collect(accept, walk(&sim, &[IF_DESCR, SYSTEM]));
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert!(records(&r) > 2);
    let stats = manager.stats();
    assert_eq!(stats.stray_datagrams, 0, "{stats:?}");
    assert_eq!(r.quirks.other_source, stats.other_source);
    assert!(stats.other_source > 0);

    // As a request's own setting too.
    let request = Request::walk(
        host(sim.addrs()[0]),
        Community::v2c("public"),
        vec![oid(IF_DESCR)],
    )
    .config(ConfigOverrides::new().accept_other_source(true))
    .build()
    .unwrap();
    let (r, _) = collect(quick(), request);
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
}

#[test]
fn a_host_that_stops_answering_mid_walk_keeps_what_it_sent() {
    // Three replies, then silence: a walk of two subtrees (interfaces, host resources) in
    // one GETBULK each time is cut short.
    let sim = start(SimulatorConfig::new().silent_after(3));
    let (r, _) = collect(quick(), walk(&sim, &["1.3.6.1.2.1.2", "1.3.6.1.2.1.25"]));
    assert_eq!(r.status, Status::Partial, "{:?}", r.errors);
    assert_eq!(errors(&r), [CollectError::Timeout { attempts: 2 }]);
    // Three replies of ten varbinds.
    assert_eq!(records(&r), 30);
}

#[test]
fn a_get_oid_asked_twice_is_asked_and_recorded_once() {
    let sim = start(SimulatorConfig::new());
    // ifDescr given twice, and the point 2 given twice: one OID, asked once.
    let request = Request::get(
        host(sim.addrs()[0]),
        Community::v2c("public"),
        vec![oid(IF_DESCR), oid(IF_DESCR)],
    )
    .ranges(vec!["2:2".parse().unwrap(), "2:2".parse().unwrap()])
    .build()
    .unwrap();
    let (r, _) = collect(Config::default(), request);
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(records(&r), 1);
    assert_eq!(r.quirks.duplicate_get_oids, 3);
    let stats = sim.stats();
    assert_eq!(stats.requests, 1, "{stats:?}");
}

#[test]
fn a_get_of_several_pdus_keeps_the_answers_before_the_host_went_silent() {
    // 25 OIDs, 10 per PDU: the first PDU is answered, then the device goes silent.
    let sim = start(SimulatorConfig::new().silent_after(1));
    let oids: Vec<Oid> = (1..=25)
        .map(|i| oid(&format!("1.3.6.1.2.1.25.2.3.1.3.{i}")))
        .collect();
    let (r, _) = collect(quick(), get(&sim, oids));
    assert_eq!(r.status, Status::Partial, "{:?}", r.errors);
    assert_eq!(records(&r), 10);
    assert_eq!(errors(&r), [CollectError::Timeout { attempts: 2 }]);
}

#[test]
fn concurrent_ranges_of_a_silent_host_each_keep_their_records() {
    // hrDeviceType in two ranges, walked at once (two PDUs in flight) two varbinds per
    // GETBULK: each range's first reply comes, then the device goes silent.
    let sim = start(SimulatorConfig::new().silent_after(2));
    let request = Request::walk(
        host(sim.addrs()[0]),
        Community::v2c("public"),
        vec![oid("1.3.6.1.2.1.25.3.2.1.2")],
    )
    .ranges(vec![
        "768:1280".parse().unwrap(),
        "1537:3072".parse().unwrap(),
    ])
    .build()
    .unwrap();
    let config = ConfigOverrides::new()
        .retries(1)
        .timeout(Duration::from_millis(300))
        .max_in_flight_per_host(2)
        .max_repetitions(2)
        .build()
        .unwrap();
    let mut manager = SessionManager::new(config).unwrap();
    manager.add_request(request).unwrap();
    let mut all = Vec::new();
    while let Some(batch) = manager.run() {
        all.extend(batch);
    }
    assert_eq!(all.len(), 2);
    for r in &all {
        assert_eq!(r.status, Status::Partial, "{:?}: {:?}", r.range, r.errors);
        assert_eq!(records(r), 2, "{:?}", r.range);
        assert_eq!(errors(r), [CollectError::Timeout { attempts: 2 }]);
    }
}
