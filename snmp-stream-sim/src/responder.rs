//! The command responder: one request datagram in, one Response datagram (or nothing) out.

use std::cell::RefCell;
use std::sync::Arc;

use crate::faults::{self, Endless, Faults, Marks};
use crate::mib::Mib;

mod answer;
mod writer;

use answer::Ctx;
use snmp_stream_core::ber::{DecodeError, PduHeader, PduType, error_status, read_message};
use snmp_stream_core::{SubIds, Version};
use writer::Writer;

/// The largest UDP payload over IPv4 (65535 − 20 − 8): the default response size limit.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 65507;

/// The fewest octets a response varbind can take: SEQUENCE header (2), an OID TLV of at least one
/// content octet (3), a value TLV (2). Bounds how many varbinds a GETBULK may produce.
const MIN_VARBIND_LEN: usize = 7;

/// What [`Responder::respond`] did with a well-formed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reply {
    /// A Response message is in the output buffer.
    Sent {
        /// Varbinds in the Response.
        varbinds: usize,
        /// Its error-status (0 noError).
        error_status: i32,
        /// Its error-index.
        error_index: i32,
    },
    /// Nothing to send: an agent discards this message silently. The output buffer is empty.
    Dropped(DropReason),
}

/// Why a well-formed message gets no Response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DropReason {
    /// A GetBulkRequest in an SNMPv1 message, which has no such PDU.
    #[error("GetBulkRequest in an SNMPv1 message")]
    BulkInV1,
    /// A Response, Trap, Inform or Report: not something a command responder answers.
    #[error("{0:?} is not a request a command responder answers")]
    NotARequest(PduType),
    /// Even the tooBig Response exceeds the maximum message size (RFC 3416 §4.2.1: silent drop).
    #[error("even the tooBig response exceeds the maximum message size")]
    TooBig,
}

/// A pure SNMP v1/v2c command responder over a [`Mib`]: GET, GETNEXT and GETBULK as
/// RFC 3416 §4.2.1–4.2.3 (and RFC 1157 for v1) describe, with optional [`Faults`].
///
/// No I/O: the caller reads a datagram, calls [`respond`](Self::respond) and sends what it
/// wrote. The community is echoed (unless [`Faults::reply_community`] says otherwise) and not
/// checked (choosing the MIB by community is the caller's business, as snmpsim maps
/// communities to data files). A responder is `Sync`: one can serve many threads. Its working
/// buffers are per thread and reused, so once a thread has answered its largest request it
/// answers without allocating.
///
/// Decisions where the RFCs leave room:
/// - GET miss in v2c: noSuchInstance when some instance lies strictly under the requested OID
///   minus its last arc (the object type exists), else noSuchObject (as net-snmp answers for a
///   scalar asked without `.0`).
/// - GETBULK stops after the first round in which every repeater is at endOfMibView (as
///   net-snmp does); a repeater that reached endOfMibView earlier repeats it, named by the last
///   OID it returned, in the rounds before that.
/// - Too big: GETBULK drops varbinds from the end until the message fits (RFC 3416 §4.2.3), and
///   answers tooBig if not even one fits; GET and GETNEXT answer tooBig with an empty varbind
///   list in v2c (RFC 3416 §4.2.1) and with the request's varbinds in v1 (RFC 1157 §4.1.2).
/// - v1 hides Counter64 (RFC 3584 §4.2.2.1): GET of one is noSuchName, GETNEXT skips them.
/// - SetRequest is refused as a read-only community is: noAccess in v2c, noSuchName in v1
///   (RFC 3584 §4.3), error-index 1, varbinds echoed.
///
/// ```
/// use std::sync::Arc;
/// use snmp_stream_sim::{Mib, Reply, Responder};
/// use snmp_stream_core::ber::{encode_message, read_message, PduHeader};
/// use snmp_stream_core::{Oid, Value, Version};
///
/// let mib = Mib::from_snmprec("1.3.6.1.2.1.1.1.0|4|Linux\n1.3.6.1.2.1.1.3.0|67|42\n")?;
/// let agent = Responder::new(Arc::new(mib));
///
/// let system: Oid = "1.3.6.1.2.1.1".parse().unwrap();
/// let (mut request, mut response) = (Vec::new(), Vec::new());
/// encode_message(&mut request, Version::V2c, b"public", &PduHeader::get_bulk(7, 0, 10),
///     [(system.sub_ids(), Value::Null)]);
/// let reply = agent.respond(&request, &mut response).unwrap();
/// // Two instances, then one round of endOfMibView, then the early stop.
/// assert_eq!(reply, Reply::Sent { varbinds: 3, error_status: 0, error_index: 0 });
/// let msg = read_message(&response).unwrap();
/// assert_eq!(msg.pdu.request_id, 7);
/// let values: Vec<_> = msg.pdu.varbinds().map(|vb| vb.unwrap().value).collect();
/// assert_eq!(values, [Value::OctetString(b"Linux"), Value::TimeTicks(42), Value::EndOfMibView]);
/// # Ok::<(), snmp_stream_sim::SnmprecError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Responder {
    mib: Arc<Mib>,
    faults: Faults,
    /// The MIB instances the faults pick out.
    marks: Marks,
}

thread_local! {
    /// Each thread's working buffers, reused from request to request.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Reused per-request buffers.
#[derive(Debug, Clone, Default)]
struct Scratch {
    /// The request's OIDs, decoded back to back.
    arcs: Vec<u32>,
    /// Each request varbind's OID as a range of `arcs`.
    spans: Vec<(usize, usize)>,
    /// The response varbinds.
    slots: Vec<Slot>,
    /// GETBULK repeater positions.
    repeaters: Vec<Repeater>,
    /// The names of endless-column varbinds, back to back (each slot holds its range).
    synth: Vec<u32>,
}

// Invariant for the types below: an entry index is below the MIB's length, a request index
// below the number of request varbinds. A synthetic range is one of the scratch's `synth`
// (out-of-range ones would read as an empty name, never a panic).

/// One response varbind.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// Name and value of a MIB instance.
    Entry(usize),
    /// An exception value under the given name.
    Exception(Name, Exception),
    /// An endless column's instance ([`Faults::endless_column`]): the name at this range of
    /// `synth`, the value INTEGER its last arc.
    Synthetic(usize, usize),
    /// The varbind nobody asked for ([`Faults::get_reply_extra`]).
    Extra,
}

/// A GETNEXT successor: a MIB instance, or an endless column's instance with this last arc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pos {
    Entry(usize),
    Synthetic(u32),
}

/// Where a response varbind's name comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    /// The name of a request varbind.
    Request(usize),
    /// The OID of a MIB instance.
    Entry(usize),
}

/// The RFC 3416 §3 exceptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exception {
    NoSuchObject,
    NoSuchInstance,
    EndOfMibView,
}

/// A GETBULK repeater between rounds (RFC 3416 §4.2.3: each round continues from the name the
/// previous round returned).
#[derive(Debug, Clone, Copy)]
enum Repeater {
    /// Not yet advanced: continues from request varbind `.0`.
    Start(usize),
    /// Last returned this instance.
    At(usize),
    /// Last returned this instance for the first time, and returns it again next
    /// ([`Faults::repeat_oid_at`]).
    Again(usize),
    /// Last returned the endless column's instance with this last arc.
    AtSynthetic(u32),
    /// Reached endOfMibView under this name.
    End(Name),
}

/// The kinds of request answered with data.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Get,
    GetNext,
    Bulk {
        non_repeaters: usize,
        repetitions: usize,
    },
}

impl Responder {
    /// A responder over `mib` with no faults.
    pub fn new(mib: Arc<Mib>) -> Self {
        Responder {
            mib,
            faults: Faults::default(),
            marks: Marks::default(),
        }
    }

    /// The same responder showing `faults`.
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.marks = Marks::new(&self.mib, &faults);
        self.faults = faults;
        self
    }

    /// The MIB it serves.
    pub fn mib(&self) -> &Arc<Mib> {
        &self.mib
    }

    /// The faults it shows.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Answers one request datagram, writing the Response message into `out` (cleared first;
    /// left empty when nothing is to be sent).
    ///
    /// `Err` when the datagram is not a well-formed v1/v2c message with well-formed varbinds
    /// (including SNMPv3 and the v1 Trap-PDU, which the reader does not take): an agent counts
    /// it (snmpInASNParseErrs) and drops it. Never panics, whatever the bytes.
    pub fn respond(&self, request: &[u8], out: &mut Vec<u8>) -> Result<Reply, DecodeError> {
        let mut answer = |scratch: &mut Scratch| self.respond_in(scratch, request, out);
        // Fresh buffers in the cases the thread's own cannot be had (a call from a thread-local
        // destructor, or re-entrantly): slower, never a panic.
        SCRATCH
            .try_with(|cell| match cell.try_borrow_mut() {
                Ok(mut scratch) => Some(answer(&mut scratch)),
                Err(_) => None,
            })
            .ok()
            .flatten()
            .unwrap_or_else(|| answer(&mut Scratch::default()))
    }

    fn respond_in(
        &self,
        scratch: &mut Scratch,
        request: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<Reply, DecodeError> {
        out.clear();
        let msg = read_message(request)?;
        let v1 = msg.version == Version::V1;
        let kind = match msg.pdu.pdu_type {
            PduType::GetRequest | PduType::SetRequest => Kind::Get,
            PduType::GetNextRequest => Kind::GetNext,
            // RFC 1157 has no GetBulkRequest-PDU: in a v1 message it is a parse error, which
            // an agent drops (net-snmp does so silently).
            PduType::GetBulkRequest if v1 => return Ok(Reply::Dropped(DropReason::BulkInV1)),
            PduType::GetBulkRequest => Kind::Bulk {
                // RFC 3416 §4.2.3: negative values count as zero.
                non_repeaters: usize::try_from(msg.pdu.non_repeaters()).unwrap_or(0),
                repetitions: usize::try_from(msg.pdu.max_repetitions()).unwrap_or(0),
            },
            other => return Ok(Reply::Dropped(DropReason::NotARequest(other))),
        };

        let Responder { mib, faults, marks } = self;
        let Scratch {
            arcs,
            spans,
            slots,
            repeaters,
            synth,
        } = scratch;
        arcs.clear();
        spans.clear();
        slots.clear();
        synth.clear();
        for vb in msg.pdu.varbinds() {
            let vb = vb?;
            let start = arcs.len();
            arcs.extend(vb.oid.iter());
            spans.push((start, arcs.len()));
        }

        let request_id = if faults.wrong_request_id {
            msg.pdu.request_id.wrapping_add(1)
        } else {
            msg.pdu.request_id
        };
        let mut w = Writer {
            out,
            version: msg.version,
            community: faults.reply_community.as_deref().unwrap_or(msg.community),
            request_id,
            max: faults.max_message_size,
            echo_len: spans.len(),
        };
        // The request's varbinds exactly as they came, for error responses.
        let echo = msg
            .pdu
            .varbinds()
            .filter_map(Result::ok)
            .map(|vb| (SubIds::Ber(vb.oid), vb.value));

        if msg.pdu.pdu_type == PduType::SetRequest {
            // Read-only: RFC 3416 §4.2.5 noAccess; RFC 3584 §4.3 maps it to noSuchName for v1.
            let status = if v1 {
                error_status::NO_SUCH_NAME
            } else {
                error_status::NO_ACCESS
            };
            let index = i32::from(!spans.is_empty());
            return Ok(w.error(status, index, echo, v1));
        }

        let ctx = Ctx {
            mib: mib.as_ref(),
            faults,
            marks: *marks,
            endless: Endless::of(faults),
            arcs,
            spans,
            v1,
        };
        let count = spans.len();
        // Non-repeaters and repeaters (GET and GETNEXT: all non-repeaters).
        let (n, r) = match kind {
            Kind::Get => {
                slots.extend((0..count).map(|j| ctx.get(j, synth)));
                (count, 0)
            }
            Kind::GetNext => {
                slots.extend((0..count).map(|j| ctx.get_next(j, synth)));
                (count, 0)
            }
            Kind::Bulk {
                non_repeaters,
                repetitions,
            } => {
                let n = non_repeaters.min(count);
                let limit = faults
                    .bulk_cap
                    .unwrap_or(usize::MAX)
                    .min(faults.max_message_size / MIN_VARBIND_LEN + 1);
                ctx.bulk(n, repetitions, limit, slots, repeaters, synth);
                (n, count - n)
            }
        };
        // 1-based position of the request varbind behind response varbind `p`.
        let position = |p: usize| {
            let j = if p < n || r == 0 { p } else { n + (p - n) % r };
            i32::try_from(j + 1).unwrap_or(i32::MAX)
        };

        // RFC 1157 §4.1.2–4.1.3: the first varbind without a value fails the whole request
        // with noSuchName, error-index its position, varbinds echoed.
        if v1 {
            if let Some(p) = slots.iter().position(|s| matches!(s, Slot::Exception(..))) {
                return Ok(w.error(error_status::NO_SUCH_NAME, position(p), echo, v1));
            }
        }
        if let Some((oid, status)) = &faults.error_status_on {
            let hit = slots
                .iter()
                .position(|s| ctx.slot_oid(*s, synth) == oid.as_slice());
            if let Some(p) = hit {
                // RFC 3416 §4.2.1 (genErr and the like): request-id and varbinds as received.
                return Ok(w.error(*status, position(p), echo, v1));
            }
        }
        if matches!(kind, Kind::Get) {
            // After the decisions above, which name request varbinds by position.
            let named = |s: &Slot, oid: &[u32]| ctx.slot_oid(*s, synth) == oid;
            faults::shape_get_reply(faults, slots, named, Slot::Extra);
        }
        if faults.too_big_above.is_some_and(|max| slots.len() > max)
            || (faults.bulk_too_big && matches!(kind, Kind::Bulk { .. }))
        {
            return Ok(w.too_big(echo, v1));
        }

        let synth = &synth[..];
        let varbinds = |k: usize| slots.iter().take(k).map(|s| ctx.varbind(*s, synth));
        let header = PduHeader::response(request_id, 0, 0);
        let all = slots.len();
        // The common case first: encode everything, then check.
        let sent = w.send(&header, varbinds(all), all);
        if w.out.len() <= w.max {
            return Ok(sent);
        }
        if all > 0 && matches!(kind, Kind::Bulk { .. }) {
            // RFC 3416 §4.2.3: drop varbinds from the end until the message fits. The largest
            // fitting count, by binary search over exact sizes (lo fits, or is 0).
            let (mut lo, mut hi) = (0, all - 1);
            while lo < hi {
                let mid = lo + (hi - lo).div_ceil(2);
                if w.message_len(&header, varbinds(mid)) <= w.max {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            if lo > 0 {
                return Ok(w.send(&header, varbinds(lo), lo));
            }
        }
        Ok(w.too_big(echo, v1))
    }
}
