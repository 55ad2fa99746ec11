//! The original's quick start, end to end on loopback: walk two ifTable columns (ifIndex and
//! ifDescr) of the bundled `linux-full-walk` recording, served by the built-in simulated
//! agent, with a [`SessionManager`]; print the wireline buffer as the original did (one 8-byte
//! word per row), then record by record.
//!
//! Run: `cargo run -p snmp-stream-examples --example quick_start`

use std::time::Duration;

use snmp_stream_actors::SessionManager;
use snmp_stream_core::{Community, Config, ConfigOverrides, Host, Oid, Request, Response, Value};
use snmp_stream_sim::{Simulator, SimulatorConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The built-in simulated device, serving the bundled recordings on a free loopback port.
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/snmpsim");
    let sim = Simulator::start(SimulatorConfig::new().data_dir(data))?;
    let agent = sim.addrs()[0];
    println!("simulated agent listening on {agent}");

    // The seed's quick start: walk ifIndex and ifDescr, req_id 'abc', retries 1, timeout 3 s.
    let roots: Vec<Oid> = vec![
        "1.3.6.1.2.1.2.2.1.1".parse()?,
        "1.3.6.1.2.1.2.2.1.2".parse()?,
    ];
    let request = Request::walk(
        Host::ip(agent.ip(), agent.port()),
        Community::v2c("recorded/linux-full-walk"),
        roots.clone(),
    )
    .req_id("abc")
    .config(
        ConfigOverrides::new()
            .retries(1)
            .timeout(Duration::from_secs(3)),
    )
    .build()?;

    let mut manager = SessionManager::new(Config::default())?;
    manager.add_request(request)?;
    // `run` blocks until responses are finished, and returns `None` once none is outstanding.
    while let Some(responses) = manager.run() {
        for response in responses {
            print_response(&response, &roots)?;
        }
    }
    Ok(())
}

/// Prints the buffer as the original did, one 8-byte word per row, then its records.
fn print_response(response: &Response, roots: &[Oid]) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "status: {}, {} errors",
        response.status,
        response.errors.len()
    );

    println!(
        "\nwireline buffer, {} bytes, one word per row:",
        response.buffer.len_bytes()
    );
    for (i, word) in response.buffer.as_bytes().chunks(8).enumerate() {
        let hex: Vec<String> = word.iter().map(|b| format!("{b:02x}")).collect();
        println!("  {:04x}: {}", i * 8, hex.join(" "));
    }

    println!("\nrecords:");
    for rec in response.buffer.read()?.records() {
        let rec = rec?;
        let value = match rec.value()? {
            Value::OctetString(s) => format!("STRING: {}", String::from_utf8_lossy(s)),
            Value::Integer(i) => format!("INTEGER: {i}"),
            other => format!("{other:?}"),
        };
        println!("  {}.{} = {value}", roots[rec.root_index()], rec.index());
    }
    Ok(())
}
