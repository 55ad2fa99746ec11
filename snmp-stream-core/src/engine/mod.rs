//! The sans-IO request engine: one [`Session`] per host, in the style of quinn-proto.
//!
//! A session never reads a clock or touches a socket. Its driver (the host actor, or a test
//! harness with a virtual clock) feeds it time and datagrams and pulls out what it wants sent,
//! when it next wants to be woken, and what it has finished:
//!
//! ```text
//! add_request(now, request)        queue work (split into range partitions)
//! poll_transmit(now, buf)          -> Some(Transmit): send buf[..len] to the host
//! handle_datagram(now, bytes)      a datagram from the host
//! poll_timeout()                   -> when to call handle_timeout next
//! handle_timeout(now)              the clock reached that time
//! poll_event()                     -> Event::Response for each finished partition
//! ```
//!
//! The rules it owns (ARCHITECTURE.md, "Failure policy", has the agent bugs in one table):
//! - **WALK**: one *head* per root OID × range partition. v2c packs ⌈√M⌉ heads per GETBULK with
//!   ⌊M / heads⌋ repetitions, counting the heads in that PDU, so a walk down to one open head
//!   still asks for M varbinds per response (M = `max_response_var_binds_per_pdu`; an explicit
//!   `max_repetitions` replaces the repetitions); v1 uses GETNEXT with up to M heads. A head
//!   ends when the agent returns an OID outside its subtree or past its range, endOfMibView, or
//!   noSuchName for it. A short response is never taken as the end; varbinds after a head has
//!   ended in the same response are dropped.
//! - **GET**: up to M OIDs per PDU, each OID once; noSuchObject / noSuchInstance are recorded
//!   as data (v2c); a v1 noSuchName is an `Agent` error on the OID it names, as v1 means it,
//!   and the others are asked again, so the records keep the request's order. Reply varbinds are matched to the OIDs they name, in any order; an OID a reply
//!   left out is asked again alone, once, then named in a `MissingFromReply` error.
//! - **Bad values**: a varbind whose value does not decode is left out and named
//!   (`MalformedValue`, with its byte offset; the first 16 per partition, all counted); the walk
//!   goes on after its OID. Only an OID that does not decode ends its column. Values wider than
//!   their type are kept and counted.
//! - **Retries**: after the attempt's timeout, resend with a new request-id, up to `retries`
//!   times; a reply to any attempt of the PDU is accepted, later copies are dropped. When a
//!   PDU's last attempt times out the host is taken as down and all its remaining work fails,
//!   keeping what it collected (Partial).
//! - **Replies** must match a live request-id, the request's version and its community; others
//!   are dropped and counted. One from another address is taken only with `accept_other_source`.
//! - **tooBig**: halve the repetitions, then the heads per PDU, then walk with GETNEXT.
//! - **Repeated OIDs** (the previous OID of a head again) are dropped and counted; a PDU whose
//!   replies move none of its heads `retries` + 1 times in a row ends them with `NoProgress`.
//! - **Non-increasing OIDs**: strict by default (the head stops with a `NonIncreasingOid`
//!   error); permissive continues, stopping at an OID it returned before (a loop).
//! - **Bounds**: each head stops after `max_rows_per_root` varbinds (records, values left out
//!   as malformed, OIDs skipped before a range's start) when one more comes under its root
//!   (`RowCap`; a column of exactly that many ends normally); an optional whole-host deadline
//!   fails what is left when it passes.
//! - **Quirks**: what was tolerated or dropped is counted in each response's `Quirks`.
//!
//! Request-ids come from a seedable generator and stay in 1..2^31−1.

mod partition;
mod request_ids;
mod session;
mod usm;

pub use session::Session;

use crate::response::Response;

/// A datagram for the host is ready: its bytes are the first `len` bytes of the buffer given
/// to [`Session::poll_transmit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    /// Length of the datagram.
    pub len: usize,
    /// Its request-id (a driver that accepts replies from other addresses routes by it).
    pub request_id: i32,
}

/// Something the session finished.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event {
    /// A request, or one range partition of it, is done.
    Response(Response),
}

/// Counters of what the session saw; cumulative.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionStats {
    /// Datagrams sent (first transmissions and retries).
    pub transmits: u64,
    /// Retransmissions after a timeout.
    pub retries: u64,
    /// PDUs whose every attempt timed out.
    pub timeouts: u64,
    /// Datagrams that were not an SNMP Response message.
    pub malformed: u64,
    /// Datagrams with a request-id of no PDU in flight (stray, duplicate or late).
    pub unknown_request_id: u64,
    /// Replies to a PDU in flight in another SNMP version or with another community: dropped.
    pub mismatched: u64,
    /// Datagrams from another address than the host's: dropped, or accepted (and counted in
    /// the response's quirks) when `accept_other_source` is on.
    pub other_source: u64,
    /// Varbinds recorded.
    pub varbinds: u64,
}
