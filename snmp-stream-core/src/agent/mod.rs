//! The agent half of the simulator, as pure logic: a [`Mib`] of object instances, a loader for
//! snmpsim's `.snmprec` recordings, and a [`Responder`] that turns a request datagram into a
//! Response datagram.
//!
//! No sockets, no clock, no runtime: the UDP simulator in `snmp-stream-actors` reads a datagram,
//! picks a responder (by community, as snmpsim does), calls [`Responder::respond`] and sends
//! what it wrote. Transport faults (loss, delay) are the simulator's; the protocol-level ones
//! (tooBig, GETBULK caps, looping or endless OIDs, wrong request-ids, error-status, reshaped GET
//! replies, a repeated or malformed varbind, a foreign community) are [`Faults`] here.
//!
//! ```
//! use std::sync::Arc;
//! use snmp_stream_core::agent::{Mib, Reply, Responder};
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
//! # Ok::<(), snmp_stream_core::agent::SnmprecError>(())
//! ```

mod faults;
mod mib;
mod responder;
mod snmprec;

pub use faults::Faults;
pub use mib::{Mib, MibValue, decode_arcs};
pub use responder::{DEFAULT_MAX_MESSAGE_SIZE, DropReason, Reply, Responder};
pub use snmprec::{SnmprecError, SnmprecErrorKind, ValueProblem};
