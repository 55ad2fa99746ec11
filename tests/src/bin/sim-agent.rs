//! The simulator in a process of its own, for tests that must not count its sockets as the
//! collector's: serves the bundled `linux-full-walk` recording as community `public` on
//! `PORTS` loopback ports, prints one `IP:PORT` line per port, then `ready`, and serves until
//! its standard input closes.
//!
//! Usage: `sim-agent PORTS`

use std::io::{BufRead, Write};
use std::sync::Arc;

use snmp_stream_sim::Mib;
use snmp_stream_sim::{Simulator, SimulatorConfig};

const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/snmpsim/recorded/linux-full-walk.snmprec"
);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ports: usize = match std::env::args().nth(1).map(|a| a.parse()) {
        Some(Ok(n)) if n > 0 => n,
        _ => return Err("usage: sim-agent PORTS (a number above 0)".into()),
    };
    let mib = Mib::from_snmprec(&std::fs::read_to_string(RECORDING)?)?;
    let sim = Simulator::start(
        SimulatorConfig::new()
            .mib("public", Arc::new(mib))
            .ports(ports),
    )?;
    let mut out = std::io::stdout().lock();
    for addr in sim.addrs() {
        writeln!(out, "{addr}")?;
    }
    writeln!(out, "ready")?;
    out.flush()?;
    drop(out);
    // Serve until the parent closes our stdin (or dies).
    for line in std::io::stdin().lock().lines() {
        line?;
    }
    sim.stop();
    Ok(())
}
