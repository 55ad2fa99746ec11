//! One collector, many hosts: the simulator listens on N loopback ports (default 1000), each
//! port a "device" serving the bundled `linux-full-walk` recording, and one [`SessionManager`]
//! walks ifTable on every one of them, at most 100 hosts at a time.
//!
//! Prints how the responses ended, the varbinds collected, the elapsed time and rate, the
//! collector's counters, and the process's open file descriptors. The simulator runs in this
//! process and holds one socket per port, so the count is taken before it starts, after it,
//! once the collector is up, and at its peak during the collection. The collector's own share
//! is a few descriptors per thread (an event loop each, a socket per arbiter), however many
//! hosts it collects from.
//!
//! Run: `cargo run --release -p snmp-stream-examples --example many_hosts -- [HOSTS]`

use std::time::{Duration, Instant};

use snmp_stream_actors::SessionManager;
use snmp_stream_core::{Community, ConfigOverrides, Host, Oid, Request, Status};
use snmp_stream_sim::{Simulator, SimulatorConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let hosts: usize = match std::env::args().nth(1) {
        Some(a) => a
            .parse()
            .map_err(|_| format!("HOSTS must be a number, not {a:?}"))?,
        None => 1000,
    };

    let fds_before = open_fds()?;
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/snmpsim");
    let sim = Simulator::start(SimulatorConfig::new().data_dir(data).ports(hosts))?;
    let fds_sim = open_fds()?;
    println!("simulator: {hosts} devices on 127.0.0.1");

    let config = ConfigOverrides::new().max_async_sessions(100).build()?;
    let mut manager = SessionManager::new(config)?;
    let fds_manager = open_fds()?;
    let if_table: Oid = "1.3.6.1.2.1.2.2".parse()?;
    let start = Instant::now();
    for (i, addr) in sim.addrs().iter().enumerate() {
        let request = Request::walk(
            Host::ip(addr.ip(), addr.port()),
            Community::v2c("recorded/linux-full-walk"),
            vec![if_table.clone()],
        )
        .req_id(format!("host-{i}"))
        .build()?;
        manager.add_request(request)?;
    }

    let (mut complete, mut partial, mut failed) = (0, 0, 0);
    let mut wireline_bytes = 0;
    let mut fds_peak = open_fds()?;
    let mut sampled = Instant::now();
    while let Some(responses) = manager.run() {
        for r in responses {
            match r.status {
                Status::Complete => complete += 1,
                Status::Partial => partial += 1,
                Status::Failed => failed += 1,
            }
            wireline_bytes += r.buffer.len_bytes();
        }
        // Listing /proc/self/fd costs as much as a few responses; sample it now and then.
        if sampled.elapsed() >= Duration::from_millis(10) {
            fds_peak = fds_peak.max(open_fds()?);
            sampled = Instant::now();
        }
    }
    let elapsed = start.elapsed();
    fds_peak = fds_peak.max(open_fds()?);
    let stats = manager.stats();

    println!("responses: {complete} complete, {partial} partial, {failed} failed");
    println!(
        "varbinds: {} ({} wireline bytes) in {:.3} s: {:.0} varbinds/s",
        stats.varbinds,
        wireline_bytes,
        elapsed.as_secs_f64(),
        stats.varbinds as f64 / elapsed.as_secs_f64()
    );
    println!("collector stats: {stats:#?}");
    println!("open file descriptors:");
    println!("  {fds_before:>6}  before the simulator");
    println!(
        "  {fds_sim:>6}  with the simulator (+{}: a socket per device, and its runtime)",
        fds_sim - fds_before
    );
    println!(
        "  {fds_manager:>6}  with the collector started (+{}: its event loops, one per thread)",
        fds_manager - fds_sim
    );
    println!(
        "  {fds_peak:>6}  at the peak of the collection (+{}: its sockets, shared by all {hosts} hosts)",
        fds_peak - fds_manager
    );
    println!(
        "  the collector's own share: {} descriptors for {hosts} hosts",
        fds_peak - fds_sim
    );
    Ok(())
}

/// The process's open file descriptors: the entries of `/proc/self/fd` (Linux).
fn open_fds() -> std::io::Result<usize> {
    // Listing the directory opens one descriptor of its own, which is listed too.
    Ok(std::fs::read_dir("/proc/self/fd")?.count() - 1)
}
