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
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use snmp_stream_actors::core::config::ConfigOverrides;
use snmp_stream_actors::core::{Community, Host, Oid, Request, Response, Status, Transport};
use snmp_stream_actors::{SessionManager, walk};
use snmp_stream_sim::Mib;
use snmp_stream_tests::net_snmp::{
    OUTPUT_OPTIONS, Printed, have, monotonic, printed, same, same_type,
};

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

/// net-snmp's agent, on a free loopback port, killed on drop.
struct Snmpd {
    child: Child,
    dir: PathBuf,
    addr: SocketAddr,
}

impl Snmpd {
    /// Starts `snmpd` with a config of our own; `None` (after saying why) when it is not
    /// installed and `CI` is not set.
    fn start() -> Option<Snmpd> {
        let binary = ["/usr/sbin/snmpd", "snmpd"]
            .into_iter()
            .find(|b| Command::new(b).arg("-v").output().is_ok());
        let Some(binary) = binary else {
            let why = "`snmpd` cannot be run: install net-snmp's agent (Debian package `snmpd`)";
            assert!(std::env::var_os("CI").is_none(), "CI is set and {why}");
            eprintln!("skipping: {why}");
            return None;
        };
        if !have("snmpbulkwalk") || !have("snmpget") {
            return None;
        }
        let dir = std::env::temp_dir().join(format!("snmp-stream-snmpd-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("persist")).unwrap();
        // Read-only access for `public` from loopback only; nothing else is configured.
        std::fs::write(dir.join("snmpd.conf"), "rocommunity public 127.0.0.1\n").unwrap();
        // A port free for UDP and TCP: bind, read it, release (a race with another process is
        // harmless here: snmpd would fail to start and the readiness wait says so).
        let addr = (0..100)
            .find_map(|_| {
                let udp = UdpSocket::bind("127.0.0.1:0").ok()?;
                let addr = udp.local_addr().ok()?;
                TcpListener::bind(addr).ok().map(|_| addr)
            })
            .expect("a loopback port free for UDP and TCP");
        let child = Command::new(binary)
            .args(["-f", "-r", "-C", "-Lf"])
            .arg(dir.join("snmpd.log"))
            .arg("-c")
            .arg(dir.join("snmpd.conf"))
            .arg("-p")
            .arg(dir.join("snmpd.pid"))
            // UDP and TCP on the same port, as agents that offer both do.
            .arg(format!("udp:{addr},tcp:{addr}"))
            .env("SNMP_PERSISTENT_DIR", dir.join("persist"))
            // No MIB files are needed: everything is numeric.
            .env("MIBS", "")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("snmpd starts");
        let snmpd = Snmpd { child, dir, addr };
        snmpd.wait_ready();
        Some(snmpd)
    }

    fn wait_ready(&self) {
        let target = self.addr.to_string();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let ok = Command::new("snmpget")
                .args(["-v2c", "-c", "public", "-t", "0.3", "-r", "0", "-On"])
                .args([target.as_str(), "1.3.6.1.2.1.1.1.0"])
                .output()
                .is_ok_and(|o| o.status.success());
            if ok {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(self.dir.join("snmpd.log")).unwrap_or_default();
        panic!("snmpd did not answer on {target} within 20 s; its log:\n{log}");
    }

    fn host(&self, transport: Transport) -> Host {
        Host::ip(self.addr.ip(), self.addr.port()).with_transport(transport)
    }
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
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

fn compare_with_net_snmp(tool: &str, version: &str, community: Community, transport: Transport) {
    let _serial = one_at_a_time();
    let Some(snmpd) = Snmpd::start() else {
        return;
    };
    if !have(tool) {
        return;
    }
    // net-snmp's spelling of the target is ours.
    let target = snmpd.host(transport).to_string();
    let mut args = vec![version, "-c", "public"];
    args.extend(OUTPUT_OPTIONS);
    args.extend(["-t", "3", "-r", "1", target.as_str(), ".1.3"]);
    for attempt in 1..=3 {
        let before = snmp_stream_tests::net_snmp::walk(tool, &args);
        let response = walk(
            snmpd.host(transport),
            community.clone(),
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
                assert!(
                    b <= o && o <= a,
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
        "-v2c",
        Community::v2c("public"),
        Transport::Udp,
    );
}

#[test]
fn snmpd_full_walk_v1_equals_snmpwalk() {
    compare_with_net_snmp("snmpwalk", "-v1", Community::v1("public"), Transport::Udp);
}

#[test]
fn snmpd_full_walk_over_tcp_equals_snmpbulkwalk_over_tcp() {
    compare_with_net_snmp(
        "snmpbulkwalk",
        "-v2c",
        Community::v2c("public"),
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
