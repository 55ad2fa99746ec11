//! # snmp-stream-sim
//!
//! The simulated SNMP agent of snmp-stream: what its tests, examples, benchmarks,
//! `snmp-stream serve` and `snmp-stream demo` collect from.
//!
//! - The agent as pure logic (sans-IO): a [`Mib`] of object instances, a loader for snmpsim's
//!   `.snmprec` recordings ([`Mib::from_snmprec`]), and a [`Responder`] that turns a request
//!   datagram into a Response datagram (v1/v2c GET, GETNEXT, GETBULK as RFC 3416 says), with
//!   the protocol-level [`Faults`] of real devices on demand: tooBig, GETBULK caps, looping or
//!   endless OIDs, wrong request-ids, error-status, reshaped GET replies, a repeated or
//!   malformed varbind, a foreign community.
//! - Its UDP server, [`Simulator`] (configured by [`SimulatorConfig`], controlled through a
//!   [`SimulatorHandle`]): one or many loopback sockets, the responder picked by community as
//!   snmpsim does (the recording's path without `.snmprec`), and the faults only a transport
//!   can show: loss, delay, jitter, replies from another port or address, a device that goes
//!   silent.
//!
//! **What it does not do:** collect (that is `snmp-stream-actors`), SNMPv3, SET, traps.
//!
//! ```
//! use std::sync::Arc;
//! use snmp_stream_sim::{Mib, Reply, Responder};
//! use snmp_stream_core::ber::{encode_message, read_message, PduHeader};
//! use snmp_stream_core::{Oid, Value, Version};
//!
//! let mib = Mib::from_snmprec("1.3.6.1.2.1.1.5.0|4|tt\n")?;
//! let agent = Responder::new(Arc::new(mib));
//!
//! let sys_name: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
//! let (mut request, mut response) = (Vec::new(), Vec::new());
//! encode_message(&mut request, Version::V2c, b"public", &PduHeader::get(1),
//!     [(sys_name.sub_ids(), Value::Null)]);
//! assert!(matches!(agent.respond(&request, &mut response), Ok(Reply::Sent { varbinds: 1, .. })));
//! let msg = read_message(&response).unwrap();
//! assert_eq!(msg.pdu.varbinds().next().unwrap().unwrap().value, Value::OctetString(b"tt"));
//! # Ok::<(), snmp_stream_sim::SnmprecError>(())
//! ```

mod faults;
mod mib;
mod responder;
mod server;
mod snmprec;

pub use faults::Faults;
pub use mib::{Mib, MibValue, decode_arcs};
pub use responder::{DEFAULT_MAX_MESSAGE_SIZE, DropReason, Reply, Responder};
pub use server::{
    DEFAULT_ENGINE_ID, SimError, SimStats, Simulator, SimulatorConfig, SimulatorHandle,
};
pub use snmprec::{SnmprecError, SnmprecErrorKind, ValueProblem};
