//! The simulator against net-snmp's own client: `snmpbulkwalk` (v2c) and `snmpwalk` (v1) walk
//! the bundled recording `data/snmpsim/recorded/linux-full-walk.snmprec`, and what they print
//! must be exactly that file, in order — minus the Counter64 instances in v1 (RFC 3584
//! §4.2.2.1).
//!
//! net-snmp's `snmp` package provides the tools; `.ci/run` installs it. Without it the tests
//! print why they skip, and fail when `CI` is set.

use std::sync::Arc;

use snmp_stream_tests::net_snmp::{OUTPUT_OPTIONS, Printed, have, opaque_float, walk};

use snmp_stream_actors::core::Oid;
use snmp_stream_actors::core::agent::{Mib, MibValue};
use snmp_stream_actors::{Simulator, SimulatorConfig};

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
