//! # snmp-stream-core
//!
//! The sans-IO heart of snmp-stream: everything about SNMP that can be expressed without a
//! socket or a clock.
//!
//! - [`Oid`]: owned object identifiers (2–128 sub-identifiers of 32 bits), dotted text, walk
//!   order, prefix tests.
//! - [`Value`] and [`Tag`]: borrowed views of SNMP values; [`SubIds`] views OID values and
//!   indices over BER bytes or wireline words alike.
//! - [`ber`]: an allocation-free encoder for v1/v2c request messages and a zero-allocation,
//!   lenient reader for responses (errors carry byte offsets; nothing panics on bad input).
//! - [`wireline`]: the compact, contiguous result format — [`WirelineWriter`] appends a
//!   record per varbind straight from the reader, [`wireline::Wireline`] reads buffers back.
//!   The format spec with a byte-level example is in the module docs.
//! - The request model: [`Config`] (with layered [`ConfigOverrides`]), [`Request`] with its
//!   [`Host`], [`Community`] and [`IndexRange`]s, and [`Response`].
//!
//! ## What it does not do
//! No I/O: no sockets, no timers, no clock reads, no async runtime, no DataFrames. The
//! collector runtime (actix host actors, UDP transport) is `snmp-stream-actors`; DataFrames and
//! parquet are `snmp-stream-decode`. SNMPv3 is not supported yet.
//!
//! ## Example: a response datagram to a wireline buffer
//! ```
//! use snmp_stream_core::ber::{encode_message, read_message, PduHeader};
//! use snmp_stream_core::wireline::WirelineWriter;
//! use snmp_stream_core::{Oid, Value, Version};
//!
//! let if_descr: Oid = "1.3.6.1.2.1.2.2.1.2".parse()?;
//!
//! // What an agent might send back for a GETBULK of ifDescr.
//! let rows = [if_descr.join(&[1])?, if_descr.join(&[2])?];
//! let mut datagram = Vec::new();
//! encode_message(
//!     &mut datagram,
//!     Version::V2c,
//!     b"public",
//!     &PduHeader::response(7, 0, 0),
//!     [(rows[0].sub_ids(), Value::OctetString(b"lo")), (rows[1].sub_ids(), Value::OctetString(b"eth0"))],
//! );
//!
//! // The collector's side: read the varbinds and append each as a record.
//! let roots = [if_descr.clone()];
//! let mut writer = WirelineWriter::new(b"my-request", &roots);
//! let msg = read_message(&datagram).expect("well-formed");
//! for vb in msg.pdu.varbinds() {
//!     let vb = vb.expect("well-formed varbind");
//!     // Fails with PushError::NotUnderRoot once a walk leaves ifDescr's subtree.
//!     writer.push_varbind(1_700_000_000_000_000_000, 0, &vb).expect("under ifDescr");
//! }
//! let buf = writer.finish();
//!
//! let read = buf.read().expect("valid buffer");
//! let names: Vec<_> = read.records().map(|r| r.unwrap().value().unwrap()).collect();
//! assert_eq!(names, [Value::OctetString(b"lo"), Value::OctetString(b"eth0")]);
//! # Ok::<(), snmp_stream_core::OidError>(())
//! ```

pub mod ber;
pub mod community;
pub mod config;
pub mod engine;
pub mod oid;
pub mod request;
pub mod response;
pub mod usm;
pub mod value;
pub mod wireline;

pub use community::{Community, Security, Version};
pub use config::{Config, ConfigError, ConfigOverrides};
pub use oid::{Oid, OidError};
pub use request::{Host, HostName, IndexRange, Request, RequestKind, Transport};
pub use response::{CollectError, Quirks, Response, Status, TimedError, UsmError};
pub use value::{BerOid, SubIds, Tag, Value};
pub use wireline::{WirelineBuf, WirelineWriter};
