//! # snmp-stream-actors
//!
//! The runtime half of snmp-stream (ARCHITECTURE.md, "Data flow"): everything that owns a
//! socket, a clock or a thread for the collector, around the sans-IO logic of
//! [`snmp_stream_core`] (re-exported here as [`core`]).
//!
//! **The collector.** A [`SessionManager`] takes [`Request`](core::Request)s (GET or WALK of
//! many root OIDs on one host, optionally split into index ranges) and hands back finished
//! [`Response`](core::Response)s — each one compact wireline buffer — as soon as each is done:
//! in batches from the blocking [`run`](SessionManager::run) (the seed's API), one at a time
//! from [`next_response`](SessionManager::next_response), or as a
//! [`Stream`](SessionManager::responses). Inside:
//! - a `HostActor` per target host (actix) drives one core
//!   [`Session`](core::engine::Session): it reads the clock, feeds the session datagrams and
//!   timeouts, sends what the session wants sent and re-arms the session's one timer;
//! - the `Supervisor` holds the queue, keeps at most `max_async_sessions` hosts active, one
//!   actor per host address, spreads hosts over the arbiters (one event-loop thread per core by
//!   default), and starts no new host while the caller leaves more than
//!   [`max_buffered_bytes`](ManagerBuilder::max_buffered_bytes) of responses untaken;
//! - a shared transport per arbiter: one UDP socket per address family, whatever the number of
//!   hosts; a datagram is routed to the actor of its source address, whose session accepts it
//!   only if its request-id is in flight. Everything else is counted and dropped
//!   ([`CollectorStats`]).
//!
//! The manager runs its actix system on threads of its own: callers need not know actix, and
//! may call it from synchronous code or from inside a tokio runtime. A host that does not
//! answer costs its own session slot for timeout × (retries + 1) and delays no other host.
//!
//! **What this crate does not do:** encode, decode or interpret SNMP (that is the core's
//! engine), simulate an agent (`snmp-stream-sim`, which the examples below use), or turn
//! wireline buffers into tables (`snmp-stream-decode`; this crate never depends on polars). It installs no `tracing` subscriber: spans (`host`, `request`,
//! `supervisor`) and events go to whatever subscriber the application sets.
//!
//! ```
//! use std::sync::Arc;
//! use snmp_stream_actors::SessionManager;
//! use snmp_stream_sim::{Mib, Simulator, SimulatorConfig};
//! use snmp_stream_actors::core::{Community, Config, Host, Request, Status};
//!
//! // A simulated agent with two interfaces.
//! let mib = Mib::from_snmprec(
//!     "1.3.6.1.2.1.2.2.1.2.1|4|lo\n1.3.6.1.2.1.2.2.1.2.2|4|eth0\n1.3.6.1.2.1.2.2.1.3.1|2|24\n",
//! )?;
//! let sim = Simulator::start(SimulatorConfig::new().mib("public", Arc::new(mib)))?;
//! let agent = sim.addrs()[0];
//!
//! let mut manager = SessionManager::new(Config::default())?;
//! let request = Request::walk(
//!     Host::ip(agent.ip(), agent.port()),
//!     Community::v2c("public"),
//!     vec!["1.3.6.1.2.1.2.2.1.2".parse()?], // ifDescr
//! )
//! .req_id("if-descr")
//! .build()?;
//! manager.add_request(request)?;
//!
//! while let Some(responses) = manager.run() {
//!     for response in responses {
//!         assert_eq!(response.status, Status::Complete);
//!         let records = response.buffer.read()?;
//!         for record in records.records() {
//!             let record = record?;
//!             println!("ifDescr.{} = {:?}", record.index(), record.value()?);
//!         }
//!         assert_eq!(records.records().count(), 2);
//!     }
//! }
//! assert_eq!(manager.stats().responses, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use snmp_stream_core as core;

mod host;
mod manager;
mod output;
mod stats;
mod supervisor;
mod tcp;
mod transport;

pub use manager::{
    CollectorError, ManagerBuilder, Responses, SessionManager, Submitter, get, walk,
};
pub use stats::CollectorStats;

/// The README's Rust examples (the collector's and the core's), compiled as doctests so they
/// stay true. They live here because only this crate sees both.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
