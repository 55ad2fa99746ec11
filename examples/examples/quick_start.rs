//! The original's quick start, end to end on loopback: walk two ifTable columns (ifIndex and
//! ifDescr) of the bundled `linux-full-walk` recording, served by the built-in simulated
//! agent, and print the wireline buffer as the original did (one 8-byte word per row), then
//! record by record.
//!
//! The collector actors do not exist yet, so this example drives one engine `Session` with a
//! blocking UDP socket — the loop a host actor will run: send what the session wants sent,
//! wait for a reply or the session's timer, feed either back, collect finished responses.
//!
//! Run: `cargo run -p snmp-stream-examples --example quick_start`

use std::net::UdpSocket;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use snmp_stream_actors::{Simulator, SimulatorConfig};
use snmp_stream_core::config::ConfigOverrides;
use snmp_stream_core::engine::{Event, Session};
use snmp_stream_core::{Community, Host, Oid, Request, Response, Value};

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

    let response = collect(agent, Arc::new(request))?;
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
    let read = response.buffer.read()?;
    for rec in read.records() {
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

/// Drives one session until its request is answered: the host-actor loop, blocking.
fn collect(
    agent: std::net::SocketAddr,
    request: Arc<Request>,
) -> Result<Response, Box<dyn std::error::Error>> {
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    let wall_ns = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos() as u64;
    let mut session = Session::new(Default::default(), Instant::now(), wall_ns, wall_ns);
    session.add_request(request)?;
    let (mut out, mut inbuf) = (Vec::with_capacity(1500), vec![0u8; 65536]);
    loop {
        let now = Instant::now();
        while let Some(t) = session.poll_transmit(now, &mut out) {
            socket.send_to(&out[..t.len], agent)?;
        }
        if let Some(Event::Response(r)) = session.poll_event() {
            return Ok(r);
        }
        // Wait for a reply until the session's timer, then feed whichever came first.
        let wait = session
            .poll_timeout()
            .map_or(Duration::from_secs(1), |t| t.saturating_duration_since(now));
        socket.set_read_timeout(Some(wait.max(Duration::from_millis(1))))?;
        match socket.recv_from(&mut inbuf) {
            // Only the agent's address may answer (the transport's check, not the session's).
            Ok((n, from)) if from == agent => session.handle_datagram(Instant::now(), &inbuf[..n]),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                session.handle_timeout(Instant::now());
            }
            Err(e) => return Err(e.into()),
        }
    }
}
