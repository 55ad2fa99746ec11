//! [`Partition`]: one request, or one index range of it, with its own wireline buffer and
//! response; what it asks next ([`Partition::next_pdu`]), how it packs its PDUs ([`Packing`])
//! and shrinks them on tooBig. Replies are applied by its walk and get halves.

mod get;
mod walk;

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use crate::ber::{self, DecodeError, error_status};
use crate::config::Config;
use crate::oid::Oid;
use crate::request::{IndexRange, Request, RequestKind};
use crate::response::{CollectError, Quirks, Response, Status, TimedError};
use crate::value::{BerOid, Value};
use crate::wireline::WirelineWriter;

use walk::Head;

/// Malformed values named in a partition's errors; the rest are only counted in its quirks.
const NAMED_MALFORMED: u64 = 16;

/// A varbind whose OID decoded but whose value did not: counted, and named in the errors up
/// to [`NAMED_MALFORMED`] times per partition (an agent can break a whole column). A free
/// function so that it can be called while a head or the GET queue is borrowed.
fn malformed_value(
    quirks: &mut Quirks,
    errors: &mut Vec<TimedError>,
    timestamp: u64,
    oid: &BerOid<'_>,
    error: DecodeError,
) {
    quirks.malformed_values += 1;
    if quirks.malformed_values <= NAMED_MALFORMED {
        errors.push(TimedError {
            timestamp,
            error: CollectError::MalformedValue {
                oid: oid.to_oid(),
                error,
            },
        });
    }
}

/// What a PDU asked for.
#[derive(Debug)]
pub(super) enum Pdu {
    /// GETBULK of these heads' cursors.
    Bulk {
        heads: Vec<usize>,
        oids: Vec<Oid>,
        reps: u32,
    },
    /// GETNEXT of these heads' cursors.
    Next { heads: Vec<usize>, oids: Vec<Oid> },
    /// GET of these OIDs, each of the root at the same position in `roots`; `alone` when it
    /// asks again, on its own, for an OID an earlier reply left out.
    Get {
        oids: Vec<Oid>,
        roots: Vec<usize>,
        alone: bool,
    },
}

/// How a partition packs its heads, adapted on tooBig.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packing {
    heads: usize,
    /// Repetitions per GETBULK, when `budget` does not set them.
    reps: u32,
    /// M, while the repetitions follow the heads actually in each PDU (⌊M / heads⌋): a walk
    /// with fewer live heads than the packing allows still asks for up to M varbinds. `None`
    /// with an explicit max-repetitions, and after a tooBig fixed the repetitions.
    budget: Option<u32>,
    getnext: bool,
}

impl Packing {
    /// Repetitions for a GETBULK of `in_pdu` heads.
    fn reps(&self, in_pdu: usize) -> u32 {
        self.budget.map_or(self.reps, |m| self.reps_for(m, in_pdu))
    }

    fn reps_for(&self, m: u32, in_pdu: usize) -> u32 {
        (m / u32::try_from(in_pdu.max(1)).unwrap_or(u32::MAX)).max(1)
    }

    /// One step down after a tooBig of a PDU that carried `in_pdu` heads (or GET OIDs): halve
    /// the repetitions, then the heads per PDU (from what the PDU carried, so no step is
    /// wasted), then fall back to GETNEXT. False when nothing is left to shrink.
    fn shrink(&mut self, in_pdu: usize) -> bool {
        if let Some(m) = self.budget.take() {
            self.reps = self.reps_for(m, in_pdu);
        }
        let heads = self.heads.min(in_pdu);
        if !self.getnext && self.reps > 1 {
            self.reps /= 2;
        } else if heads > 1 {
            self.heads = heads / 2;
        } else if !self.getnext {
            self.getnext = true;
        } else {
            return false;
        }
        true
    }
}

/// Which limit a PDU in flight counts against: the host's (`max_in_flight_per_host` of the
/// collector, shared by every request without an override of it), or one request's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Budget {
    Host,
    Request(u64),
}

/// One request, or one index range of it: its own wireline buffer and its own Response.
#[derive(Debug)]
pub(super) struct Partition {
    pub(super) id: u64,
    pub(super) request: Arc<Request>,
    pub(super) config: Config,
    pub(super) budget: Budget,
    range: Option<IndexRange>,
    pub(super) writer: WirelineWriter,
    pub(super) errors: Vec<TimedError>,
    work: Work,
    packing: Packing,
    /// Consecutive replies that moved no head: an agent that answers without data.
    stalled: u32,
    pub(super) quirks: Quirks,
}

#[derive(Debug)]
enum Work {
    Walk(Vec<Head>),
    Get(GetWork),
}

/// A GET's OIDs still to ask, each with its root.
#[derive(Debug, Default)]
struct GetWork {
    queue: VecDeque<(Oid, usize)>,
    /// OIDs a reply left out: each is asked again in a PDU of its own, once.
    alone: VecDeque<(Oid, usize)>,
}

impl GetWork {
    fn is_empty(&self) -> bool {
        self.queue.is_empty() && self.alone.is_empty()
    }
}

impl Partition {
    pub(super) fn new(
        id: u64,
        request: Arc<Request>,
        config: Config,
        budget: Budget,
        range: Option<IndexRange>,
    ) -> Partition {
        let m = config.max_response_var_binds_per_pdu() as usize;
        let v1 = request.version() == crate::community::Version::V1;
        let mut quirks = Quirks::default();
        let work = match request.kind() {
            RequestKind::Walk => Work::Walk(
                request
                    .oids()
                    .iter()
                    .enumerate()
                    .map(|(i, root)| Head::new(i, root, range.as_ref(), config.non_increasing()))
                    .collect(),
            ),
            RequestKind::Get => {
                let mut q = GetWork::default();
                let points: Vec<&[u32]> = if request.ranges().is_empty() {
                    vec![&[]]
                } else {
                    request.ranges().iter().map(|r| r.start()).collect()
                };
                // Each OID once, under the first root that names it (equal points, a root
                // given twice, or a root plus a point equal to another root plus another).
                let mut asked = HashSet::new();
                for point in points {
                    for (i, root) in request.oids().iter().enumerate() {
                        if let Ok(oid) = root.join(point) {
                            if asked.insert(oid.clone()) {
                                q.queue.push_back((oid, i));
                            } else {
                                quirks.duplicate_get_oids += 1;
                            }
                        }
                    }
                }
                Work::Get(q)
            }
        };
        // The original's packing rule: ⌈√M⌉ heads, ⌊M / heads⌋ repetitions — with "heads"
        // the heads in each PDU, so that the last open head of a walk (or the only one) still
        // gets M varbinds per response, not ⌊M / ⌈√M⌉⌋.
        let heads = (1..=m).find(|h| h * h >= m).unwrap_or(1);
        let packing = match (v1, request.kind()) {
            (true, _) | (_, RequestKind::Get) => Packing {
                heads: m,
                reps: 1,
                budget: None,
                getnext: true,
            },
            (false, RequestKind::Walk) => Packing {
                heads,
                reps: config.max_repetitions().unwrap_or(1),
                budget: match config.max_repetitions() {
                    Some(_) => None,
                    None => Some(u32::try_from(m).unwrap_or(u32::MAX)),
                },
                getnext: false,
            },
        };
        let writer = WirelineWriter::new(request.req_id(), request.oids());
        Partition {
            id,
            request,
            config,
            budget,
            range,
            writer,
            errors: Vec::new(),
            work,
            packing,
            stalled: 0,
            quirks,
        }
    }

    pub(super) fn is_done(&self) -> bool {
        match &self.work {
            Work::Walk(heads) => heads.iter().all(|h| h.done),
            Work::Get(q) => q.is_empty(),
        }
    }

    /// The next PDU to send, if the partition has work that is not in flight.
    pub(super) fn next_pdu(&mut self) -> Option<Pdu> {
        let Packing {
            heads: n, getnext, ..
        } = self.packing;
        match &mut self.work {
            Work::Walk(heads) => {
                let picked: Vec<usize> = (0..heads.len())
                    .filter(|&i| !heads[i].done)
                    .take(n)
                    .collect();
                if picked.is_empty() {
                    return None;
                }
                let oids = picked.iter().map(|&i| heads[i].cursor.clone()).collect();
                Some(if getnext {
                    Pdu::Next {
                        heads: picked,
                        oids,
                    }
                } else {
                    Pdu::Bulk {
                        reps: self.packing.reps(picked.len()),
                        heads: picked,
                        oids,
                    }
                })
            }
            Work::Get(q) => {
                if let Some((oid, root)) = q.alone.pop_front() {
                    return Some(Pdu::Get {
                        oids: vec![oid],
                        roots: vec![root],
                        alone: true,
                    });
                }
                if q.queue.is_empty() {
                    return None;
                }
                let take = n.min(q.queue.len());
                let (oids, roots) = q.queue.drain(..take).unzip();
                Some(Pdu::Get {
                    oids,
                    roots,
                    alone: false,
                })
            }
        }
    }

    fn error(&mut self, timestamp: u64, error: CollectError) {
        self.errors.push(TimedError { timestamp, error });
    }

    /// Applies a reply to the PDU it answers.
    pub(super) fn handle_response(&mut self, ts: u64, pdu: Pdu, reply: &ber::Pdu<'_>) {
        let status = reply.error_status;
        let index = reply.error_index;
        if status == error_status::TOO_BIG {
            self.too_big(ts, pdu);
            return;
        }
        match pdu {
            Pdu::Get { oids, roots, alone } => {
                self.get_reply(ts, oids, roots, alone, status, index, reply)
            }
            Pdu::Bulk { heads, oids, .. } | Pdu::Next { heads, oids } => {
                self.walk_reply(ts, &heads, &oids, status, index, reply)
            }
        }
    }

    /// tooBig: halve the repetitions, then the heads per PDU, then use GETNEXT; give up on
    /// what a single-OID GETNEXT or GET cannot fetch.
    fn too_big(&mut self, ts: u64, pdu: Pdu) {
        let in_pdu = match &pdu {
            Pdu::Bulk { heads, .. } | Pdu::Next { heads, .. } => heads.len(),
            Pdu::Get { oids, .. } => oids.len(),
        };
        if self.packing.shrink(in_pdu) {
            // Ask again, smaller: walk heads simply stay open; GET OIDs go back in the queue.
            if let (Pdu::Get { oids, roots, .. }, Work::Get(q)) = (pdu, &mut self.work) {
                for item in oids.into_iter().zip(roots).rev() {
                    q.queue.push_front(item);
                }
            }
            return;
        }
        // Nothing left to shrink: what this PDU asked for cannot be had from this agent.
        let oid = match (pdu, &mut self.work) {
            (Pdu::Bulk { heads, oids, .. } | Pdu::Next { heads, oids }, Work::Walk(hs)) => {
                for &h in &heads {
                    hs[h].done = true;
                }
                oids.into_iter().next()
            }
            (Pdu::Get { oids, .. }, _) | (Pdu::Bulk { oids, .. } | Pdu::Next { oids, .. }, _) => {
                oids.into_iter().next()
            }
        };
        let status = error_status::TOO_BIG;
        self.error(
            ts,
            CollectError::Agent {
                status,
                index: 1,
                oid,
            },
        );
    }

    pub(super) fn finish(self) -> Response {
        let records = self.writer.record_count();
        Response {
            status: Status::from_outcome(records, self.errors.len()),
            request: self.request,
            range: self.range,
            buffer: self.writer.finish(),
            errors: self.errors,
            quirks: self.quirks,
        }
    }
}

/// True for a value wider than its SMI type (RFC 2578 §7.1): a Counter32, Gauge32 or TimeTicks
/// above 2^32−1, an INTEGER outside Integer32. Kept as sent, counted as a quirk.
fn out_of_range(v: &Value<'_>) -> bool {
    match *v {
        Value::Counter32(x) | Value::Gauge32(x) | Value::TimeTicks(x) => x > u64::from(u32::MAX),
        Value::Integer(x) => i32::try_from(x).is_err(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_big_shrinks_repetitions_then_heads_then_falls_back_to_getnext() {
        let b = |heads, reps, getnext| Packing {
            heads,
            reps,
            budget: None,
            getnext,
        };
        let ladder = |mut p: Packing, in_pdu: usize| {
            let mut steps = vec![p];
            while p.shrink(in_pdu.min(p.heads)) {
                steps.push(p);
            }
            steps
        };
        assert_eq!(
            ladder(b(4, 2, false), 4),
            [
                b(4, 2, false),
                b(4, 1, false),
                b(2, 1, false),
                b(1, 1, false),
                b(1, 1, true)
            ]
        );
        // Repetitions from the budget: M = 10 gives 4 heads; a PDU of 4 heads asks 2
        // repetitions, of 1 head 10. A tooBig fixes them from what the PDU asked, then halves.
        let budget = Packing {
            budget: Some(10),
            ..b(4, 1, false)
        };
        assert_eq!((budget.reps(4), budget.reps(3), budget.reps(1)), (2, 3, 10));
        assert_eq!(
            ladder(budget, 1),
            [
                budget,
                b(4, 5, false),
                b(4, 2, false),
                b(4, 1, false),
                b(4, 1, true)
            ]
        );
        // A PDU with fewer heads than the packing allows halves from what it carried.
        assert_eq!(
            ladder(b(4, 2, false), 2),
            [
                b(4, 2, false),
                b(4, 1, false),
                b(1, 1, false),
                b(1, 1, true)
            ]
        );
    }
}
