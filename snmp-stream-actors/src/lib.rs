//! # snmp-stream-actors
//!
//! The runtime half of snmp-stream (DESIGN.md §4): everything that owns a socket, a clock or a
//! thread, around the sans-IO logic of [`snmp_stream_core`] (re-exported here as [`core`]).
//!
//! **What exists:** the [`sim`] module, a UDP SNMP v1/v2c agent serving snmpsim `.snmprec`
//! recordings ([`Simulator`], configured by [`SimulatorConfig`], controlled through a
//! [`SimulatorHandle`]). The community selects the recording, as snmpsim does; the protocol is
//! [`core::agent::Responder`]'s, with its protocol [`Faults`](core::agent::Faults); the
//! simulator adds transport faults (loss, delay, jitter, replies from another port) and counts
//! what it did ([`SimStats`]). It runs on its own thread and runtime, so tests, examples and
//! benchmarks can start it from synchronous code or from inside a tokio application.
//!
//! **What does not exist yet:** the collector — one actix `HostActor` per target host driving a
//! core session state machine, the `Supervisor` enforcing `max_async_sessions` and splitting
//! ranged requests into partitions, the shared UDP transport and the `SessionManager` API. They
//! arrive with their own issues. This crate never depends on polars or `snmp-stream-decode`
//! (the workspace's dependency rule).
//!
//! ```
//! use std::net::UdpSocket;
//! use std::sync::Arc;
//! use std::time::Duration;
//! use snmp_stream_actors::{Simulator, SimulatorConfig};
//! use snmp_stream_actors::core::agent::Mib;
//! use snmp_stream_actors::core::ber::{encode_message, read_message, PduHeader};
//! use snmp_stream_actors::core::{Oid, Value, Version};
//!
//! let mib = Mib::from_snmprec("1.3.6.1.2.1.1.5.0|4|tt\n")?;
//! // With `.data_dir("data/snmpsim")`, community `recorded/linux-full-walk` would serve
//! // `data/snmpsim/recorded/linux-full-walk.snmprec`.
//! let sim = Simulator::start(SimulatorConfig::new().mib("public", Arc::new(mib)))?;
//!
//! let client = UdpSocket::bind("127.0.0.1:0")?;
//! client.set_read_timeout(Some(Duration::from_secs(5)))?;
//! let sys_name: Oid = "1.3.6.1.2.1.1.5.0".parse()?;
//! let mut request = Vec::new();
//! encode_message(&mut request, Version::V2c, b"public", &PduHeader::get(1),
//!     [(sys_name.sub_ids(), Value::Null)]);
//! client.send_to(&request, sim.addrs()[0])?;
//!
//! let mut buf = [0u8; 1500];
//! let (len, _) = client.recv_from(&mut buf)?;
//! let reply = read_message(&buf[..len])?;
//! assert_eq!(reply.pdu.varbinds().next().unwrap()?.value, Value::OctetString(b"tt"));
//! assert_eq!(sim.stats().replies, 1);
//! sim.stop();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use snmp_stream_core as core;

mod host;
mod manager;
mod output;
pub mod sim;
mod stats;
mod supervisor;
mod transport;

pub use host::HostActor;
pub use manager::{
    CollectorError, ManagerBuilder, Responses, SessionManager, Submitter, get, walk,
};
pub use sim::{SimError, SimStats, Simulator, SimulatorConfig, SimulatorHandle};
pub use stats::CollectorStats;
pub use supervisor::Supervisor;
