//! The simulator against net-snmp's own client: `snmpbulkwalk` (v2c) and `snmpwalk` (v1) walk
//! the bundled recording `data/snmpsim/recorded/linux-full-walk.snmprec`, and what they print
//! must be exactly that file, in order — minus the Counter64 instances in v1 (RFC 3584
//! §4.2.2.1). And with the simulator repeating one OID, the collector's walk is
//! `snmpbulkwalk -Cc`'s with the repeat removed.
//!
//! net-snmp's `snmp` package provides the tools; `.ci/run` installs it. Without it the tests
//! print why they skip, and fail when `CI` is set.

use std::sync::Arc;

use snmp_stream_tests::net_snmp::{
    OUTPUT_OPTIONS, Printed, have, opaque_float, printed, same, walk,
};

use snmp_stream_actors::core::Oid;
use snmp_stream_sim::{Mib, MibValue};
use snmp_stream_sim::{Simulator, SimulatorConfig};

const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/snmpsim");
const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/snmpsim/recorded/linux-full-walk.snmprec"
);
const COMMUNITY: &str = "recorded/linux-full-walk";

/// Whether net-snmp's rendering `printed` is `expected`.
fn matches(expected: &MibValue, printed: &Printed) -> bool {
    match (expected, printed) {
        (MibValue::Integer(e), Printed::Integer(p)) => e == p,
        (MibValue::OctetString(e), Printed::Bytes(p)) => e == p,
        (MibValue::ObjectId(e), Printed::Oid(p)) => e.to_string() == *p,
        (MibValue::IpAddress(e), Printed::IpAddress(p)) => {
            std::net::Ipv4Addr::from(*e).to_string() == *p
        }
        (MibValue::Counter32(e), Printed::Counter32(p)) => u64::from(*e) == *p,
        (MibValue::Gauge32(e), Printed::Gauge32(p)) => u64::from(*e) == *p,
        (MibValue::TimeTicks(e), Printed::TimeTicks(p)) => u64::from(*e) == *p,
        (MibValue::Counter64(e), Printed::Counter64(p)) => e == p,
        (MibValue::Opaque(e), Printed::Float(p)) => {
            opaque_float(e).is_some_and(|f| (f64::from(f) - p).abs() < 1e-6)
        }
        (MibValue::Null, Printed::Other(p)) => p == "NULL",
        _ => false,
    }
}

/// Walks the simulator with `tool` and checks every record against the recording, in order;
/// returns how many records were compared.
fn walk_and_compare(tool: &str, version_args: &[&str], v1: bool) -> usize {
    let text = std::fs::read_to_string(RECORDING).expect("the bundled recording");
    let mib = Arc::new(Mib::from_snmprec(&text).expect("the bundled recording loads"));
    let expected: Vec<(&Oid, &MibValue)> = mib
        .iter()
        .filter(|(_, value)| !(v1 && value.is_counter64()))
        .collect();
    assert!(expected.len() > 3000, "{} records", expected.len());

    let sim = Simulator::start(SimulatorConfig::new().data_dir(DATA_DIR)).expect("starts");
    assert!(sim.communities().iter().any(|c| c == COMMUNITY));
    let target = format!("127.0.0.1:{}", sim.addrs()[0].port());
    let mut args: Vec<&str> = version_args.to_vec();
    args.extend(["-c", COMMUNITY]);
    args.extend(OUTPUT_OPTIONS);
    args.extend(["-t", "2", "-r", "1", &target, ".1"]);
    let walked = walk(tool, &args);
    for (i, ((oid, value), (walked_oid, printed))) in expected.iter().zip(&walked).enumerate() {
        assert_eq!(
            oid.to_string(),
            *walked_oid,
            "{tool}: record {i} has the wrong OID"
        );
        assert!(
            matches(value, printed),
            "{tool}: record {i} ({oid}): expected {value:?}, net-snmp printed {printed:?}"
        );
    }
    assert_eq!(
        walked.len(),
        expected.len(),
        "{tool}: walked {} records, the recording has {}",
        walked.len(),
        expected.len()
    );

    let stats = sim.stats();
    assert_eq!(stats.malformed + stats.unknown_community + stats.lost, 0);
    assert_eq!(stats.requests, stats.replies, "{stats:?}");
    eprintln!(
        "{tool}: {} records match, {} requests",
        walked.len(),
        stats.requests
    );
    walked.len()
}

#[test]
fn snmpbulkwalk_v2c_walks_the_recording_exactly() {
    if !have("snmpbulkwalk") {
        return;
    }
    let n = walk_and_compare("snmpbulkwalk", &["-v2c", "-Cr50"], false);
    assert_eq!(n, 3882);
}

#[test]
fn snmpwalk_v1_walks_the_recording_without_counter64() {
    if !have("snmpwalk") {
        return;
    }
    let n = walk_and_compare("snmpwalk", &["-v1"], true);
    assert_eq!(n, 3882 - 28);
}

/// The collector's walk of `root` from `sim` as (OID, printed value), with its response.
fn collect_walk(
    addr: std::net::SocketAddr,
    root: &str,
) -> (Vec<(String, Printed)>, snmp_stream_actors::core::Response) {
    use snmp_stream_actors::SessionManager;
    use snmp_stream_actors::core::{Community, Config, Host, Request};
    let root: Oid = root.parse().unwrap();
    let mut manager = SessionManager::new(Config::default()).unwrap();
    let request = Request::walk(
        Host::ip(addr.ip(), addr.port()),
        Community::v2c(COMMUNITY),
        vec![root.clone()],
    )
    .build()
    .unwrap();
    manager.add_request(request).unwrap();
    let mut responses: Vec<_> = std::iter::from_fn(|| manager.run()).flatten().collect();
    assert_eq!(responses.len(), 1);
    let r = responses.pop().unwrap();
    let records = r
        .buffer
        .read()
        .unwrap()
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            let index = rec.index().to_string();
            let full = if index.is_empty() {
                root.to_string()
            } else {
                format!("{root}.{index}")
            };
            (full, printed(&rec.value().unwrap()))
        })
        .collect();
    (records, r)
}

#[test]
fn a_repeated_oid_is_dropped_where_snmpbulkwalk_cc_prints_it_twice() {
    // An agent that returns one object twice in a row (seen in recordings of real devices).
    // net-snmp's `snmpbulkwalk -Cc` (no increasing check) prints the repeat; the collector's
    // walk is that output with the repeat removed, and complete.
    if !have("snmpbulkwalk") {
        return;
    }
    let repeated = "1.3.6.1.2.1.2.2.1.2.2";
    let faults = snmp_stream_sim::Faults {
        repeat_oid_at: Some(repeated.parse().unwrap()),
        ..Default::default()
    };
    let sim =
        Simulator::start(SimulatorConfig::new().data_dir(DATA_DIR).faults(faults)).expect("starts");
    let target = format!("127.0.0.1:{}", sim.addrs()[0].port());
    let mut args = vec!["-v2c", "-Cc", "-Cr10", "-c", COMMUNITY];
    args.extend(OUTPUT_OPTIONS);
    args.extend(["-t", "2", "-r", "1", &target, "1.3.6.1.2.1.2"]);
    let mut walked = walk("snmpbulkwalk", &args);
    let at = walked
        .windows(2)
        .position(|w| w[0].0 == w[1].0)
        .expect("snmpbulkwalk -Cc prints the repeat");
    assert_eq!(walked[at].0, repeated);
    walked.remove(at + 1);

    let (collected, response) = collect_walk(sim.addrs()[0], "1.3.6.1.2.1.2");
    assert_eq!(
        response.status,
        snmp_stream_actors::core::Status::Complete,
        "{:?}",
        response.errors
    );
    assert_eq!(response.quirks.repeated_oids, 1);
    assert_eq!(collected.len(), walked.len());
    for (i, (c, w)) in collected.iter().zip(&walked).enumerate() {
        assert_eq!(c.0, w.0, "record {i}");
        assert!(
            same(&c.1, &w.1),
            "record {i} ({}): {:?} vs {:?}",
            c.0,
            c.1,
            w.1
        );
    }
}
