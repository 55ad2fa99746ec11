//! Serves the bundled recordings with the project's simulated agent until standard input
//! closes, printing each UDP port it listens on (one per line) and its counters at the end.
//!
//! Run: `cargo run -p snmp-stream-examples --example simulator -- [PORTS]`, then e.g.
//! `snmpbulkwalk -v2c -c recorded/linux-full-walk -On 127.0.0.1:PORT .1`.
//! `bench/simulator-throughput.sh` uses it to measure the simulator under net-snmp clients.

use std::io::{Read, Write};

use snmp_stream_sim::{Simulator, SimulatorConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ports: usize = match std::env::args().nth(1) {
        Some(a) => a
            .parse()
            .map_err(|_| format!("PORTS must be a number, not {a:?}"))?,
        None => 1,
    };
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/snmpsim");
    let sim = Simulator::start(SimulatorConfig::new().data_dir(data).ports(ports))?;
    let mut out = std::io::stdout().lock();
    for a in sim.addrs() {
        writeln!(out, "{}", a.port())?;
    }
    out.flush()?;
    drop(out);
    let mut rest = Vec::new();
    std::io::stdin().read_to_end(&mut rest)?;
    eprintln!("{:?}", sim.stats());
    Ok(())
}
