//! The collector end to end, on loopback:
//! - against net-snmp's real `snmpd` (started here on a free port with a generated config): a
//!   full v2c walk equals `snmpbulkwalk`'s, and a full v1 walk equals `snmpwalk`'s, record for
//!   record (OID, type, value), over UDP and over TCP (`tcp:`, RFC 3430);
//! - against 1,000 simulated hosts (the simulator on 1,000 ports, in child processes) with 100
//!   sessions at once: every host's result is right, and the collector's process never has 100
//!   file descriptors open.
//!
//! `snmpd` comes from Debian's `snmpd` package and the client tools from `snmp`; `.ci/run`
//! installs both. Without them these tests print why they skip, and fail when `CI` is set.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use snmp_stream_actors::core::config::ConfigOverrides;
use snmp_stream_actors::core::usm::{AuthProtocol, Credentials, PrivProtocol};
use snmp_stream_actors::core::{
    Community, Host, Oid, Request, Response, Security, Status, Transport,
};
use snmp_stream_actors::{SessionManager, walk};
use snmp_stream_sim::Mib;
use snmp_stream_tests::net_snmp::{
    OUTPUT_OPTIONS, Printed, have, monotonic, printed, same, same_type,
};
use snmp_stream_tests::snmpd::Snmpd;

const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/snmpsim/recorded/linux-full-walk.snmprec"
);

/// The records of a response as (dotted OID, value as net-snmp prints it).
fn records(r: &Response) -> Vec<(String, Printed)> {
    let w = r
        .buffer
        .read()
        .expect("the collector writes readable buffers");
    w.records()
        .map(|rec| {
            let rec = rec.expect("a readable record");
            let root = &r.request.oids()[rec.root_index()];
            let index = rec.index().to_string();
            let oid = if index.is_empty() {
                root.to_string()
            } else {
                format!("{root}.{index}")
            };
            (oid, printed(&rec.value().expect("a readable value")))
        })
        .collect()
}

/// Walks the whole agent with the collector and with `tool` before and after, and checks the
/// collector's records against net-snmp's: the same OIDs in the same order, the same types,
/// and the same values — except where the agent's value changed between net-snmp's two walks
/// (uptimes, the agent's own packet counters, load averages): there the collector's value
/// must have the same type and, for counters and TimeTicks, lie between the two.
/// The tests of this file, one at a time: snmpd serves the machine's process table
/// (hrSWRunTable), which the 1,000-host test changes as it starts its `sim-agent` children, so
/// a full walk running beside it sees the tree change between net-snmp's walks.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    // A test that panicked while holding it poisons it; the next one still runs.
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// The agent's config: `public` read-only from loopback, and SNMPv3 users at each level
/// (`rouser` gives each its minimum level).
const SNMPD_CONF: &str = "\
rocommunity public 127.0.0.1
createUser alice SHA-256 authpass123 AES privpass123
createUser bob MD5 authpass123
createUser carol
rouser alice priv
rouser bob auth
rouser carol noauth
";

/// Alice's SNMPv3 credentials, authPriv, as net-snmp's flags and as ours.
const ALICE: [&str; 10] = [
    "-u",
    "alice",
    "-l",
    "authPriv",
    "-a",
    "SHA-256",
    "-A",
    "authpass123",
    "-x",
    "AES",
];

fn alice() -> Security {
    Credentials::builder("alice")
        .auth_password(AuthProtocol::Sha256, "authpass123")
        .unwrap()
        .priv_password(PrivProtocol::Aes128, "privpass123")
        .unwrap()
        .build()
        .unwrap()
        .into()
}

/// Walks the whole agent with the collector speaking as `security`, and with net-snmp's
/// `tool` given `auth` (its version and security flags) before and after, and compares.
fn compare_with_net_snmp(tool: &str, auth: &[&str], security: Security, transport: Transport) {
    let _serial = one_at_a_time();
    let Some(snmpd) = Snmpd::start(SNMPD_CONF) else {
        return;
    };
    if !have(tool) {
        return;
    }
    // net-snmp's spelling of the target is ours.
    let target = snmpd.host(transport).to_string();
    let version = auth[0];
    let mut args = auth.to_vec();
    args.extend(OUTPUT_OPTIONS);
    args.extend(["-t", "3", "-r", "1", target.as_str(), ".1.3"]);
    for attempt in 1..=3 {
        let before = snmp_stream_tests::net_snmp::walk(tool, &args);
        let response = walk(
            snmpd.host(transport),
            security.clone(),
            vec!["1.3".parse().unwrap()],
        )
        .expect("the collector starts");
        let after = snmp_stream_tests::net_snmp::walk(tool, &args);
        assert_eq!(response.status, Status::Complete, "{:?}", response.errors);
        let ours = records(&response);
        let oids = |v: &[(String, Printed)]| v.iter().map(|r| r.0.clone()).collect::<Vec<_>>();
        let (b, a) = (oids(&before), oids(&after));
        if b != a {
            let at = b
                .iter()
                .zip(&a)
                .position(|(x, y)| x != y)
                .unwrap_or(b.len().min(a.len()));
            eprintln!(
                "attempt {attempt}: the agent's tree changed between net-snmp's walks \
                 ({} then {} records; first difference at {}: {:?} then {:?})",
                b.len(),
                a.len(),
                at,
                b.get(at),
                a.get(at)
            );
            continue;
        }
        assert!(
            before.len() > 500,
            "snmpd served only {} records",
            before.len()
        );
        for (i, (o, b)) in ours.iter().zip(&before).enumerate() {
            assert_eq!(o.0, b.0, "{tool}: record {i} has another OID");
        }
        assert_eq!(
            ours.len(),
            before.len(),
            "{tool}: the collector walked {} records, net-snmp {}",
            ours.len(),
            before.len()
        );
        let mut volatile = 0;
        for (i, ((oid, o), (b, a))) in ours
            .iter()
            .zip(before.iter().map(|r| &r.1).zip(after.iter().map(|r| &r.1)))
            .enumerate()
        {
            assert!(
                same_type(o, b),
                "{tool}: record {i} ({oid}): collector {o:?}, net-snmp {b:?}"
            );
            if same(b, a) {
                assert!(
                    same(o, b),
                    "{tool}: record {i} ({oid}): collector {o:?}, net-snmp {b:?}"
                );
                continue;
            }
            volatile += 1;
            if let (Some(o), Some(b), Some(a)) = (monotonic(o), monotonic(b), monotonic(a)) {
                // A 32-bit counter may wrap between net-snmp's walks (UCD-DISKIO's byte
                // counters do under a busy disk): then ours is after the first or before the
                // second.
                let between = if b <= a {
                    b <= o && o <= a
                } else {
                    o >= b || o <= a
                };
                assert!(
                    between,
                    "{tool}: record {i} ({oid}): {o} is not between net-snmp's {b} and {a}"
                );
            }
        }
        // A handful of live values; anything more would make the comparison vacuous.
        assert!(
            volatile * 50 < ours.len(),
            "{volatile} of {} values changed between walks",
            ours.len()
        );
        eprintln!(
            "{tool} {version} over {transport}: {} records equal ({volatile} live values \
             checked by type and range)",
            ours.len()
        );
        return;
    }
    panic!("snmpd's tree kept changing between walks");
}

#[test]
fn snmpd_full_walk_v2c_equals_snmpbulkwalk() {
    compare_with_net_snmp(
        "snmpbulkwalk",
        &["-v2c", "-c", "public"],
        Community::v2c("public").into(),
        Transport::Udp,
    );
}

#[test]
fn snmpd_full_walk_v1_equals_snmpwalk() {
    compare_with_net_snmp(
        "snmpwalk",
        &["-v1", "-c", "public"],
        Community::v1("public").into(),
        Transport::Udp,
    );
}

#[test]
fn snmpd_full_walk_over_tcp_equals_snmpbulkwalk_over_tcp() {
    compare_with_net_snmp(
        "snmpbulkwalk",
        &["-v2c", "-c", "public"],
        Community::v2c("public").into(),
        Transport::Tcp,
    );
}

#[test]
fn snmpd_full_walk_v3_auth_priv_equals_snmpbulkwalk() {
    let mut args = vec!["-v3"];
    args.extend(ALICE);
    args.extend(["-X", "privpass123"]);
    compare_with_net_snmp("snmpbulkwalk", &args, alice(), Transport::Udp);
}

#[test]
fn snmpd_full_walk_v3_auth_no_priv_and_no_auth_equal_snmpbulkwalk() {
    let bob = Credentials::builder("bob")
        .auth_password(AuthProtocol::Md5, "authpass123")
        .unwrap()
        .build()
        .unwrap();
    compare_with_net_snmp(
        "snmpbulkwalk",
        &[
            "-v3",
            "-u",
            "bob",
            "-l",
            "authNoPriv",
            "-a",
            "MD5",
            "-A",
            "authpass123",
        ],
        bob.into(),
        Transport::Udp,
    );
    let carol = Credentials::no_auth("carol").unwrap();
    compare_with_net_snmp(
        "snmpbulkwalk",
        &["-v3", "-u", "carol", "-l", "noAuthNoPriv"],
        carol.into(),
        Transport::Tcp,
    );
}

/// A `sim-agent` child process serving the bundled recording on `ports` ports.
struct SimAgent {
    child: Child,
    stdin: Option<ChildStdin>,
    addrs: Vec<SocketAddr>,
}

impl SimAgent {
    fn start(ports: usize) -> SimAgent {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sim-agent"))
            .arg(ports.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("sim-agent starts");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut addrs = Vec::new();
        for line in stdout.lines() {
            let line = line.unwrap();
            if line == "ready" {
                break;
            }
            addrs.push(line.parse().unwrap());
        }
        assert_eq!(addrs.len(), ports, "sim-agent did not start");
        SimAgent {
            child,
            stdin,
            addrs,
        }
    }
}

impl Drop for SimAgent {
    fn drop(&mut self) {
        drop(self.stdin.take()); // closing stdin stops it
        if self.child.wait().is_err() {
            let _ = self.child.kill();
        }
    }
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

#[test]
fn a_thousand_hosts_with_a_hundred_sessions_stay_under_100_fds() {
    let _serial = one_at_a_time();
    // Two processes of 500 ports each: the simulator's sockets are not the collector's.
    let agents = [SimAgent::start(500), SimAgent::start(500)];
    let targets: Vec<SocketAddr> = agents.iter().flat_map(|a| a.addrs.clone()).collect();
    assert_eq!(targets.len(), 1000);

    let mib = Mib::from_snmprec(&std::fs::read_to_string(RECORDING).unwrap()).unwrap();
    let roots: Vec<Oid> = vec![
        "1.3.6.1.2.1.2.2".parse().unwrap(),
        "1.3.6.1.2.1.31.1.1".parse().unwrap(),
    ];
    let expected: Vec<(String, Printed)> = mib
        .iter()
        .filter(|(o, _)| roots.iter().any(|r| o.starts_with(r)))
        .map(|(o, v)| (o.to_string(), printed(&v.as_value())))
        .collect();
    assert!(expected.len() > 40, "{} records per host", expected.len());

    // Sample the process's descriptors throughout the run.
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(open_fds());
                std::thread::sleep(Duration::from_millis(2));
            }
            peak.max(open_fds())
        })
    };

    let config = ConfigOverrides::new()
        .max_async_sessions(100)
        .build()
        .unwrap();
    let mut manager = SessionManager::new(config).unwrap();
    for (i, addr) in targets.iter().enumerate() {
        let request = Request::walk(
            Host::ip(addr.ip(), addr.port()),
            Community::v2c("public"),
            roots.clone(),
        )
        .req_id(i.to_string())
        .build()
        .unwrap();
        manager.add_request(request).unwrap();
    }
    let start = Instant::now();
    let mut responses = Vec::new();
    let mut peak_active = 0;
    while let Some(batch) = manager.run() {
        peak_active = peak_active.max(manager.stats().hosts_active);
        responses.extend(batch);
    }
    let took = start.elapsed();
    let stats = manager.stats();
    drop(manager);
    done.store(true, Ordering::Relaxed);
    let peak_fds = sampler.join().unwrap();

    assert_eq!(responses.len(), 1000);
    let mut ids: Vec<usize> = Vec::new();
    for r in &responses {
        assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
        let got = records(r);
        // The two roots are walked side by side; each root's records are in order.
        let mut got_sorted = got.clone();
        got_sorted.sort_by(|a, b| {
            let key = |s: &str| -> Vec<u32> { s.split('.').map(|x| x.parse().unwrap()).collect() };
            key(&a.0).cmp(&key(&b.0))
        });
        assert_eq!(got_sorted, expected);
        ids.push(String::from_utf8_lossy(r.request.req_id()).parse().unwrap());
    }
    ids.sort_unstable();
    assert!(ids.iter().copied().eq(0..1000), "every host answered once");
    assert!(peak_active <= 100, "{peak_active} hosts active at once");
    assert_eq!(stats.hosts_started, 1000);
    assert!(
        peak_fds < 100,
        "the collector's process had {peak_fds} descriptors open"
    );
    eprintln!(
        "1,000 hosts × {} varbinds in {took:?}; peak {peak_fds} fds, {} retries, {} dropped",
        expected.len(),
        stats.retries,
        stats.dropped()
    );
}
