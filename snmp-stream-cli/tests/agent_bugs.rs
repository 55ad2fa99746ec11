//! The `snmp-stream` binary against a simulator showing real devices' bugs: the policy flags
//! and job keys (`-Cc`, `--non-increasing`, `--max-rows`, `--deadline`), and each host's
//! quirks named on stderr and in report.csv.

use std::process::Command;
use std::time::Duration;

use snmp_stream_sim::Faults;
use snmp_stream_sim::{Simulator, SimulatorConfig, SimulatorHandle};

const BIN: &str = env!("CARGO_BIN_EXE_snmp-stream");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/snmpsim");
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

fn simulator(config: SimulatorConfig) -> SimulatorHandle {
    Simulator::start(config.data_dir(DATA)).expect("the simulator starts")
}

fn faulty(faults: Faults) -> SimulatorHandle {
    simulator(SimulatorConfig::new().faults(faults))
}

#[test]
fn a_repeated_oid_is_named_as_a_quirk_and_the_walk_succeeds() {
    let sim = faulty(Faults {
        repeat_oid_at: Some("1.3.6.1.2.1.1.3.0".parse().unwrap()),
        ..Faults::default()
    });
    let host = sim.addrs()[0].to_string();
    let (code, out, err) = run(&["walk", &host, "-c", COMMUNITY, "system", "-Cr20"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains(&format!(
            "snmp-stream: {host} quirks: repeated OIDs dropped: 1"
        )),
        "{err}"
    );
    // Printed once (as net-snmp names sysUpTime.0: DISMAN-EVENT-MIB::sysUpTimeInstance).
    assert_eq!(out.matches("::sysUpTimeInstance ").count(), 1, "{out}");
}

#[test]
fn an_endless_column_stops_at_max_rows_and_the_deadline() {
    let sim = simulator(
        SimulatorConfig::new()
            .faults(Faults {
                endless_column: Some(IF_DESCR.parse().unwrap()),
                ..Faults::default()
            })
            .delay(Duration::from_millis(20)),
    );
    let host = sim.addrs()[0].to_string();
    let (code, out, err) = run(&[
        "walk",
        &host,
        "-c",
        COMMUNITY,
        IF_DESCR,
        "--max-rows",
        "500",
        "-Cr50",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "snmp-stream: {host} partial: stopped {IF_DESCR} at the cap of 500 varbinds per root OID"
        )),
        "{err}"
    );
    assert_eq!(
        out.lines().count(),
        1 + 500,
        "header and the capped records"
    );

    // 20 ms per reply of 10 records, for 0.5 s: stopped by the deadline, the data kept.
    let (code, out, err) = run(&[
        "walk",
        &host,
        "-c",
        COMMUNITY,
        IF_DESCR,
        "--deadline",
        "0.5",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "snmp-stream: {host} partial: host deadline exceeded"
        )),
        "{err}"
    );
    assert!(out.lines().count() > 50, "{out}");
}

#[test]
fn policy_flags_are_checked() {
    let (code, _, err) = run(&["walk", "127.0.0.1", "-c", "x", "-Cq", "ifDescr"]);
    assert_eq!(code, 2);
    assert!(err.contains("unsupported walk option -Cq"), "{err}");
    let (code, _, err) = run(&["walk", "127.0.0.1", "-c", "x", "--max-rows", "0", "ifDescr"]);
    assert_eq!(code, 2);
    assert!(err.contains("--max-rows must be at least 1"), "{err}");
    let (code, _, err) = run(&[
        "walk",
        "127.0.0.1",
        "-c",
        "x",
        "-Cc",
        "--non-increasing",
        "strict",
        "ifDescr",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("contradict"), "{err}");
    let (code, _, err) = run(&["walk", "127.0.0.1", "-c", "x", "--deadline", "0", "ifDescr"]);
    assert_eq!(code, 2);
    assert!(err.contains("--deadline"), "{err}");
}

#[test]
fn a_job_reports_each_hosts_quirks_and_takes_the_policy_keys() {
    let sim = simulator(
        SimulatorConfig::new()
            .faults(Faults {
                repeat_oid_at: Some("1.3.6.1.2.1.1.3.0".parse().unwrap()),
                malformed_value_at: Some("1.3.6.1.2.1.1.5.0".parse().unwrap()),
                ..Faults::default()
            })
            .ports(2),
    );
    let hosts: Vec<String> = sim.addrs().iter().map(ToString::to_string).collect();
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        format!(
            "output = \"out\"\ncommunity = \"{COMMUNITY}\"\nnon_increasing = \"permissive\"\n\
             max_rows = 5\nmax_repetitions = 20\n\
             hosts = [\"{}\", {{ host = \"{}\", max_rows = 100 }}]\n\n\
             [[group]]\nname = \"system\"\noids = [\"system\"]\n",
            hosts[0], hosts[1]
        ),
    )
    .unwrap();
    let (code, out, err) = run(&["run", job.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    let report = std::fs::read_to_string(dir.path().join("out/report.csv")).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "host,status,varbinds,errors,message,quirks");
    // The first host stops after 5 varbinds: sysDescr, sysObjectID, sysUpTime (whose repeat
    // is dropped), sysContact and sysName, the malformed value, left out and named: 4
    // records. The second walks the whole group but for that value.
    assert!(
        lines[1].starts_with(&format!("{},partial,4,2,", hosts[0])),
        "{report}"
    );
    assert!(lines[1].contains("cap of 5 varbinds"), "{report}");
    assert!(
        lines[1].ends_with(",repeated OIDs dropped: 1; malformed values: 1"),
        "{report}"
    );
    assert!(
        lines[2].starts_with(&format!("{},partial,", hosts[1])),
        "{report}"
    );
    assert!(
        lines[2].contains(
            "malformed value of 1.3.6.1.2.1.1.5.0: integer with no content octets at byte"
        ),
        "{report}"
    );
    assert!(
        lines[2].ends_with(",repeated OIDs dropped: 1; malformed values: 1"),
        "{report}"
    );
    assert!(
        err.contains(&format!(
            "snmp-stream: {} quirks: repeated OIDs dropped: 1; malformed values: 1",
            hosts[1]
        )),
        "{err}"
    );
}
