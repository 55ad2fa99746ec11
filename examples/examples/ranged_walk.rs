//! A full routing table collected one slice at a time: a ranged walk splits a table by the
//! first index arc (for a table indexed by IPv4 address: by /8), and the collector hands out
//! each partition as a response of its own as soon as it is finished. A caller that drops
//! each response after use holds one partition at a time, never the whole table.
//!
//! The table is synthetic, built in-process and served by the simulator: 200,000 rows of
//! ipCidrRouteDest (1.3.6.1.2.1.4.24.4.1.1), indexed dest.mask.tos.nexthop as in
//! IP-FORWARD-MIB, with destinations spread over every /8. It is walked in 16 ranges of 16 /8s
//! each (~12,500 rows apiece), printing each response as it arrives.
//!
//! The peak resident memory of the walk is measured against a baseline taken once the table,
//! the simulator and the collector are up: by default each response is dropped once printed;
//! with `--keep` every response is kept until the end, as a caller that collects the whole
//! table before using it would. The peak comes from `VmHWM` in `/proc/self/status`, reset at
//! the baseline by writing `5` to `/proc/self/clear_refs` (Linux).
//!
//! Run (release, so the figures mean something):
//! `cargo run --release -p snmp-stream-examples --example ranged_walk -- [--keep]`

use std::sync::Arc;
use std::time::Instant;

use snmp_stream_actors::SessionManager;
use snmp_stream_core::{Community, Config, Host, IndexRange, Oid, Request, Response};
use snmp_stream_sim::{Mib, MibValue};
use snmp_stream_sim::{Simulator, SimulatorConfig};

/// Rows in the synthetic table.
const ROWS: u32 = 200_000;
/// Partitions of the walk, each a run of consecutive /8s.
const PARTITIONS: u32 = 16;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let keep = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--keep") => true,
        Some(other) => return Err(format!("unknown argument {other:?}; usage: [--keep]").into()),
    };

    let root: Oid = "1.3.6.1.2.1.4.24.4.1.1".parse()?;
    let mib = Arc::new(routing_table(&root, ROWS)?);
    let sim = Simulator::start(SimulatorConfig::new().mib("public", mib))?;
    let agent = sim.addrs()[0];
    let mut manager = SessionManager::new(Config::default())?;

    let ranges = IndexRange::split_by_first_arc(PARTITIONS, 255);
    let request = Request::walk(
        Host::ip(agent.ip(), agent.port()),
        Community::v2c("public"),
        vec![root],
    )
    .ranges(ranges)
    .req_id("routes")
    .build()?;

    let baseline = Memory::reset_peak()?;
    println!(
        "{ROWS} routes served on {agent}; baseline RSS {} (table, simulator and collector up)",
        mebibytes(baseline.rss)
    );
    println!("{:>9}  {:>8}  {:>15}", "range", "records", "wireline bytes");

    let start = Instant::now();
    manager.add_request(request)?;
    let (mut records, mut partitions, mut largest, mut total_bytes) = (0, 0, 0, 0);
    let mut kept: Vec<Response> = Vec::new();
    while let Some(responses) = manager.run() {
        for r in responses {
            let n = r.buffer.read()?.records().count();
            let range = r
                .range
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            println!("{range:>9}  {n:>8}  {:>15}", r.buffer.len_bytes());
            if !r.errors.is_empty() {
                println!("           {} ({:?})", r.status, r.errors);
            }
            records += n;
            partitions += 1;
            largest = largest.max(r.buffer.len_bytes());
            total_bytes += r.buffer.len_bytes();
            if keep {
                kept.push(r);
            }
        }
    }
    let elapsed = start.elapsed();
    let peak = Memory::read()?;

    println!();
    if keep {
        println!("mode: --keep (every response kept until the end)");
    } else {
        println!("mode: streamed (each response dropped once printed)");
    }
    println!(
        "records: {records} in {partitions} partitions, {:.2} s",
        elapsed.as_secs_f64()
    );
    println!("wireline bytes: largest partition {largest}, total {total_bytes}");
    println!(
        "peak RSS growth over baseline: {} (baseline {}, peak {})",
        mebibytes(peak.hwm.saturating_sub(baseline.rss)),
        mebibytes(baseline.rss),
        mebibytes(peak.hwm)
    );
    drop(kept);
    Ok(())
}

/// A synthetic ipCidrRouteTable column: `rows` routes under `root`, indexed
/// dest(4).mask(4).tos(1).nexthop(4), each valued with its destination. The first arc of the
/// destination cycles through 0..=255, so every /8 holds about `rows / 256` routes.
fn routing_table(root: &Oid, rows: u32) -> Result<Mib, snmp_stream_core::OidError> {
    (0..rows)
        .map(|i| {
            let dest = [i % 256, (i >> 8) % 256, i >> 16, 0];
            let (mask, tos, next_hop) = ([255, 255, 255, 0], 0, [192, 0, 2, 1]);
            let index: Vec<u32> = dest
                .into_iter()
                .chain(mask)
                .chain([tos])
                .chain(next_hop)
                .collect();
            let value = MibValue::IpAddress(dest.map(|x| x as u8));
            Ok((root.join(&index)?, value))
        })
        .collect()
}

/// Resident memory of this process, in bytes, from `/proc/self/status` (Linux).
#[derive(Debug, Clone, Copy)]
struct Memory {
    /// VmRSS: resident now.
    rss: u64,
    /// VmHWM: the peak resident since the process started or the peak was last reset.
    hwm: u64,
}

impl Memory {
    fn read() -> std::io::Result<Memory> {
        let status = std::fs::read_to_string("/proc/self/status")?;
        let field = |name: &str| -> std::io::Result<u64> {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
                .map(|kib: u64| kib * 1024)
                .ok_or_else(|| std::io::Error::other(format!("no {name} in /proc/self/status")))
        };
        Ok(Memory {
            rss: field("VmRSS:")?,
            hwm: field("VmHWM:")?,
        })
    }

    /// Resets the peak to the current resident size, and reads both.
    fn reset_peak() -> std::io::Result<Memory> {
        // proc(5), /proc/pid/clear_refs: "5" resets the peak resident set size (Linux 4.0+).
        std::fs::write("/proc/self/clear_refs", "5")?;
        Memory::read()
    }
}

fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
