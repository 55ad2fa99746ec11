//! End-to-end tests of snmp-stream against agents on loopback: the project's simulator and
//! net-snmp's `snmpd`, with net-snmp's own client tools as the reference. The tests are in
//! `tests/`; this library holds what they share: reading net-snmp's printed walks
//! ([`net_snmp`]) and rendering collected values the same way, and starting net-snmp's agent
//! ([`snmpd`]).
//!
//! The `sim-agent` binary serves the bundled recording on many ports from a process of its
//! own, so that a test can count the collector's file descriptors without the simulator's.

pub mod net_snmp {
    //! net-snmp's client tools: run them, and parse what they print.

    use std::process::Command;

    use snmp_stream_core::Value;

    /// Output options: numeric OIDs, every OCTET STRING as hex (unambiguous), TimeTicks as a
    /// bare number, enumerations as numbers.
    pub const OUTPUT_OPTIONS: [&str; 4] = ["-On", "-Ox", "-Ot", "-Oe"];

    /// True when `tool` runs; otherwise skips (prints why) or, under CI, fails.
    pub fn have(tool: &str) -> bool {
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
    pub enum Printed {
        /// INTEGER.
        Integer(i64),
        /// OCTET STRING (printed as hex).
        Bytes(Vec<u8>),
        /// OBJECT IDENTIFIER, dotted, without the leading dot.
        Oid(String),
        /// IpAddress, dotted quad.
        IpAddress(String),
        /// Counter32.
        Counter32(u64),
        /// Gauge32.
        Gauge32(u64),
        /// Counter64.
        Counter64(u64),
        /// TimeTicks (a bare number with `-Ot`).
        TimeTicks(u64),
        /// An Opaque-wrapped float (net-snmp decodes these; printed with six decimals).
        Float(f64),
        /// Anything else, with its type label (`Opaque: ...`, `NULL`, exceptions).
        Other(String),
    }

    /// The `OID = value` lines of a walk; hex strings longer than 16 octets continue on the next
    /// lines, which do not start with a dot.
    pub fn parse_walk(stdout: &str) -> Vec<(String, Printed)> {
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

    /// One printed value (the text after ` = `).
    pub fn parse_value(text: &str) -> Printed {
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
    pub fn opaque_float(bytes: &[u8]) -> Option<f32> {
        match bytes {
            [0x9f, 0x78, 0x04, a, b, c, d] => Some(f32::from_be_bytes([*a, *b, *c, *d])),
            _ => None,
        }
    }

    /// A collected value as net-snmp prints it with [`OUTPUT_OPTIONS`].
    pub fn printed(value: &Value<'_>) -> Printed {
        match value {
            Value::Integer(i) => Printed::Integer(*i),
            Value::OctetString(b) => Printed::Bytes(b.to_vec()),
            Value::ObjectId(s) => Printed::Oid(s.to_string()),
            Value::IpAddress(a) => Printed::IpAddress(std::net::Ipv4Addr::from(*a).to_string()),
            Value::Counter32(n) => Printed::Counter32(*n),
            Value::Gauge32(n) => Printed::Gauge32(*n),
            Value::TimeTicks(n) => Printed::TimeTicks(*n),
            Value::Counter64(n) => Printed::Counter64(*n),
            Value::Opaque(b) => match opaque_float(b) {
                Some(f) => Printed::Float(f64::from(f)),
                None => Printed::Other(format!("Opaque: {b:02X?}")),
            },
            Value::Null => Printed::Other("NULL".into()),
            other => Printed::Other(format!("{other:?}")),
        }
    }

    /// Whether two printed values are the same (floats to net-snmp's six decimals).
    pub fn same(a: &Printed, b: &Printed) -> bool {
        match (a, b) {
            (Printed::Float(x), Printed::Float(y)) => (x - y).abs() < 1e-6,
            _ => a == b,
        }
    }

    /// Whether two printed values have the same SNMP type.
    pub fn same_type(a: &Printed, b: &Printed) -> bool {
        std::mem::discriminant(a) == std::mem::discriminant(b)
    }

    /// The number in a counter or TimeTicks, which only grow.
    pub fn monotonic(p: &Printed) -> Option<u64> {
        match p {
            Printed::Counter32(n) | Printed::Counter64(n) | Printed::TimeTicks(n) => Some(*n),
            _ => None,
        }
    }

    /// Runs a walk tool and returns its records; panics with the tool's stderr on failure.
    pub fn walk(tool: &str, args: &[&str]) -> Vec<(String, Printed)> {
        let output = Command::new(tool)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{tool} runs: {e}"));
        assert!(
            output.status.success(),
            "{tool} {args:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).expect("net-snmp prints ASCII with -Ox");
        let mut walked = parse_walk(&stdout);
        // Walking from the root, snmpbulkwalk also prints the endOfMibView that ended the walk.
        if let Some((_, Printed::Other(last))) = walked.last() {
            if last.starts_with("No more variables left in this MIB View") {
                walked.pop();
            }
        }
        walked
    }

    #[cfg(test)]
    mod tests {
        use super::*;

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
            let float = printed(&Value::Opaque(&[0x9f, 0x78, 0x04, 0x3e, 0xeb, 0x85, 0x1f]));
            assert!(same(&float, &walked[3].1), "{float:?}");
            assert!(same_type(&Printed::Counter32(1), &Printed::Counter32(2)));
            assert!(!same_type(&Printed::Counter32(1), &Printed::Gauge32(1)));
        }
    }
}

pub mod snmpd {
    //! net-snmp's agent, started by a test on a free loopback port (UDP and TCP) with a config
    //! of the test's own, killed on drop.

    use std::net::{SocketAddr, TcpListener, UdpSocket};
    use std::path::PathBuf;
    use std::process::{Child, Command, Stdio};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use snmp_stream_core::{Host, Transport};

    use crate::net_snmp::have;

    /// net-snmp's agent, on a free loopback port, killed on drop.
    #[derive(Debug)]
    pub struct Snmpd {
        child: Child,
        dir: PathBuf,
        /// The address it listens on, over UDP and TCP.
        pub addr: SocketAddr,
    }

    impl Snmpd {
        /// Starts `snmpd` with `conf` as its snmpd.conf (access lines, `createUser` lines, ...);
        /// `None` (after saying why) when it is not installed and `CI` is not set.
        pub fn start(conf: &str) -> Option<Snmpd> {
            let binary = ["/usr/sbin/snmpd", "snmpd"]
                .into_iter()
                .find(|b| Command::new(b).arg("-v").output().is_ok());
            let Some(binary) = binary else {
                let why =
                    "`snmpd` cannot be run: install net-snmp's agent (Debian package `snmpd`)";
                assert!(std::env::var_os("CI").is_none(), "CI is set and {why}");
                eprintln!("skipping: {why}");
                return None;
            };
            if !have("snmpbulkwalk") || !have("snmpget") {
                return None;
            }
            static STARTED: AtomicUsize = AtomicUsize::new(0);
            let n = STARTED.fetch_add(1, Ordering::Relaxed);
            let dir =
                std::env::temp_dir().join(format!("snmp-stream-snmpd-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("persist")).unwrap();
            std::fs::write(dir.join("snmpd.conf"), conf).unwrap();
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

        /// Waits until the agent answers on UDP: any reply to an SNMPv3 discovery probe will
        /// do, whatever access the config gives.
        fn wait_ready(&self) {
            let target = self.addr.to_string();
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                // snmpget's engine-ID probe gets a Report from any SNMPv3 agent; the request after
                // it fails for the unknown user, which is fine.
                let out = Command::new("snmpget")
                    .args([
                        "-v3",
                        "-u",
                        "ready-probe",
                        "-l",
                        "noAuthNoPriv",
                        "-t",
                        "0.3",
                        "-r",
                        "0",
                    ])
                    .args([target.as_str(), "1.3.6.1.2.1.1.1.0"])
                    .output();
                let answered = out.is_ok_and(|o| {
                    o.status.success() || !String::from_utf8_lossy(&o.stderr).contains("Timeout")
                });
                if answered {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let log = std::fs::read_to_string(self.dir.join("snmpd.log")).unwrap_or_default();
            panic!("snmpd did not answer on {target} within 20 s; its log:\n{log}");
        }

        /// The agent as a host of the collector.
        pub fn host(&self, transport: Transport) -> Host {
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
}
