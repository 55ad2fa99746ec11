//! The simulator against net-snmp's own client: `snmpbulkwalk` (v2c) and `snmpwalk` (v1) walk
//! the bundled recording `data/snmpsim/recorded/linux-full-walk.snmprec`, and what they print
//! must be exactly that file, in order — minus the Counter64 instances in v1 (RFC 3584
//! §4.2.2.1).
//!
//! net-snmp's `snmp` package provides the tools; `.ci/run` installs it. Without it the tests
//! print why they skip, and fail when `CI` is set.

use std::process::Command;
use std::sync::Arc;

use snmp_stream_actors::core::Oid;
use snmp_stream_actors::core::agent::{Mib, MibValue};
use snmp_stream_actors::{Simulator, SimulatorConfig};

const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/snmpsim");
const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/snmpsim/recorded/linux-full-walk.snmprec"
);
const COMMUNITY: &str = "recorded/linux-full-walk";

/// Output options: numeric OIDs, every OCTET STRING as hex (unambiguous), TimeTicks as a bare
/// number, enumerations as numbers.
const OUTPUT_OPTIONS: [&str; 4] = ["-On", "-Ox", "-Ot", "-Oe"];

/// True when `tool` runs; otherwise skips (prints why) or, under CI, fails.
fn have(tool: &str) -> bool {
    match Command::new(tool).arg("-V").output() {
        Ok(_) => true,
        Err(e) => {
            let why = format!(
                "`{tool}` cannot be run ({e}): install net-snmp's client tools (Debian package \
                 `snmp`)"
            );
            assert!(std::env::var_os("CI").is_none(), "CI is set and {why}");
            eprintln!("skipping: {why}");
            false
        }
    }
}

/// A value as net-snmp prints it with [`OUTPUT_OPTIONS`].
#[derive(Debug, Clone, PartialEq)]
enum Printed {
    Integer(i64),
    Bytes(Vec<u8>),
    Oid(String),
    IpAddress(String),
    Counter32(u64),
    Gauge32(u64),
    Counter64(u64),
    TimeTicks(u64),
    /// An Opaque-wrapped float (net-snmp decodes these; printed with six decimals).
    Float(f64),
    /// Anything else, with its type label (`Opaque: ...`, `NULL`, exceptions).
    Other(String),
}

/// The `OID = value` lines of a walk; hex strings longer than 16 octets continue on the next
/// lines, which do not start with a dot.
fn parse_walk(stdout: &str) -> Vec<(String, Printed)> {
    let mut records: Vec<String> = Vec::new();
    // snmpwalk ends a v1 walk with this line of its own.
    for line in stdout.lines().filter(|l| *l != "End of MIB") {
        match records.last_mut() {
            Some(last) if !line.starts_with('.') => {
                last.push(' ');
                last.push_str(line);
            }
            _ => records.push(line.to_owned()),
        }
    }
    records
        .iter()
        .map(|record| {
            let (oid, value) = record
                .split_once(" = ")
                .unwrap_or_else(|| panic!("not an `OID = value` line: {record:?}"));
            let oid = oid.strip_prefix('.').unwrap_or(oid).to_owned();
            (oid, parse_value(value.trim()))
        })
        .collect()
}

fn parse_value(text: &str) -> Printed {
    let number = |s: &str| -> u64 {
        s.trim()
            .parse()
            .unwrap_or_else(|e| panic!("{s:?} is not a number: {e}"))
    };
    if text == "\"\"" {
        return Printed::Bytes(Vec::new());
    }
    if let Some(hex) = text.strip_prefix("Hex-STRING:") {
        return Printed::Bytes(
            hex.split_whitespace()
                .map(|h| u8::from_str_radix(h, 16).unwrap_or_else(|e| panic!("{h:?}: {e}")))
                .collect(),
        );
    }
    if let Some(i) = text.strip_prefix("INTEGER:") {
        return Printed::Integer(i.trim().parse().unwrap());
    }
    if let Some(o) = text.strip_prefix("OID:") {
        let o = o.trim();
        return Printed::Oid(o.strip_prefix('.').unwrap_or(o).to_owned());
    }
    if let Some(a) = text.strip_prefix("IpAddress:") {
        return Printed::IpAddress(a.trim().to_owned());
    }
    if let Some(n) = text.strip_prefix("Counter32:") {
        return Printed::Counter32(number(n));
    }
    if let Some(n) = text.strip_prefix("Gauge32:") {
        return Printed::Gauge32(number(n));
    }
    if let Some(n) = text.strip_prefix("Counter64:") {
        return Printed::Counter64(number(n));
    }
    if let Some(f) = text.strip_prefix("Opaque: Float:") {
        return Printed::Float(f.trim().parse().unwrap());
    }
    if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
        // `-Ot`: TimeTicks print as a bare number.
        return Printed::TimeTicks(number(text));
    }
    Printed::Other(text.to_owned())
}

/// The float in an Opaque-wrapped float (net-snmp's encoding: 9f 78 04 + IEEE 754 single).
fn opaque_float(bytes: &[u8]) -> Option<f32> {
    match bytes {
        [0x9f, 0x78, 0x04, a, b, c, d] => Some(f32::from_be_bytes([*a, *b, *c, *d])),
        _ => None,
    }
}

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
    let output = Command::new(tool)
        .args(version_args)
        .args(["-c", COMMUNITY])
        .args(OUTPUT_OPTIONS)
        .args(["-t", "2", "-r", "1", &target, ".1"])
        .output()
        .unwrap_or_else(|e| panic!("{tool} runs: {e}"));
    let stdout = String::from_utf8(output.stdout).expect("net-snmp prints ASCII with -Ox");
    assert!(
        output.status.success(),
        "{tool} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );

    let mut walked = parse_walk(&stdout);
    // Walking from `.1`, snmpbulkwalk also prints the endOfMibView that ended the walk (named by
    // the last instance).
    if let Some((_, Printed::Other(last))) = walked.last() {
        if last.starts_with("No more variables left in this MIB View") {
            walked.pop();
        }
    }
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

#[test]
fn parses_net_snmp_output() {
    let walked = parse_walk(
        ".1.3.6.1.2.1.1.1.0 = Hex-STRING: 4C 69 6E 75 78 20 63 72 61 79 20 32 2E 36 2E 32 \n\
         31 2E 35 \n\
         .1.3.6.1.2.1.1.3.0 = 233425120\n\
         .1.3.6.1.2.1.2.2.1.6.1 = \"\"\n\
         .1.3.6.1.4.1.2021.10.1.6.1 = Opaque: Float: 0.460000\n",
    );
    assert_eq!(walked.len(), 4);
    assert_eq!(
        walked[0],
        (
            "1.3.6.1.2.1.1.1.0".to_owned(),
            Printed::Bytes(b"Linux cray 2.6.21.5".to_vec())
        )
    );
    assert_eq!(walked[1].1, Printed::TimeTicks(233_425_120));
    assert_eq!(walked[2].1, Printed::Bytes(Vec::new()));
    assert!(matches(
        &MibValue::Opaque(vec![0x9f, 0x78, 0x04, 0x3e, 0xeb, 0x85, 0x1f]),
        &walked[3].1
    ));
}
