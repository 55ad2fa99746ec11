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
//!   as data; a v1 noSuchName records the named OID as noSuchObject and re-asks for the
//!   others. Reply varbinds are matched to the OIDs they name, in any order; an OID a reply
//!   left out is asked again alone, once, then named in a `MissingFromReply` error.
//! - **Bad values**: a varbind whose value does not decode is left out and named
//!   (`MalformedValue`, with its byte offset); the walk goes on after its OID. Only an OID that
//!   does not decode ends its column. Values wider than their type are kept and counted.
//! - **Retries**: after the attempt's timeout, resend with a new request-id, up to `retries`
//!   times; a reply to any attempt of the PDU is accepted, later copies are dropped. When a
//!   PDU's last attempt times out the host is taken as down and all its remaining work fails,
//!   keeping what it collected (Partial).
//! - **Replies** must match a live request-id, the request's version and its community; others
//!   are dropped and counted. One from another address is taken only with `accept_other_source`.
//! - **tooBig**: halve the repetitions, then the heads per PDU, then walk with GETNEXT.
//! - **Repeated OIDs** (the previous OID of a head again) are dropped and counted; a head that
//!   gets nothing else for `retries` + 1 replies ends with `NoProgress`.
//! - **Non-increasing OIDs**: strict by default (the head stops with a `NonIncreasingOid`
//!   error); permissive continues, stopping at an OID it returned before (a loop).
//! - **Bounds**: each head stops at `max_rows_per_root` records (`RowCap`); an optional
//!   whole-host deadline fails what is left when it passes.
//! - **Quirks**: what was tolerated or dropped is counted in each response's `Quirks`.
//!
//! Request-ids come from a seedable generator and stay in 1..2^31−1.

use std::collections::{HashSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Instant;

use crate::ber::{PduHeader, PduType, VarBindError, encode_message, error_status, read_message};
use crate::config::{Config, NonIncreasingPolicy};
use crate::oid::{MAX_SUB_IDS, Oid};
use crate::request::{IndexRange, Request, RequestError, RequestKind};
use crate::response::{CollectError, Quirks, Response, Status, TimedError};
use crate::value::{BerOid, SubIds, Value, cmp_content};
use crate::wireline::WirelineWriter;

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

/// The protocol state for one host. See the [module docs](self).
#[derive(Debug)]
pub struct Session {
    config: Config,
    /// Wall clock at `origin`, in ns since the Unix epoch: timestamps are derived from it.
    origin: (Instant, u64),
    deadline: Option<Instant>,
    ids: RequestIds,
    partitions: Vec<Partition>,
    next_partition: u64,
    in_flight: Vec<InFlight>,
    events: VecDeque<Event>,
    stats: SessionStats,
    /// Drops no partition can be blamed for, reported with the next response that finishes.
    pending_quirks: Quirks,
}

impl Session {
    /// A session for one host with the collector's `config`.
    ///
    /// `wall_clock_ns` is the wall-clock time at `now`, in nanoseconds since the Unix epoch;
    /// record timestamps are derived from it and the `now` values passed later. `seed` seeds the
    /// request-id generator.
    pub fn new(config: Config, now: Instant, wall_clock_ns: u64, seed: u64) -> Session {
        Session {
            deadline: config.host_deadline().map(|d| now + d),
            config,
            origin: (now, wall_clock_ns),
            ids: RequestIds::new(seed),
            partitions: Vec::new(),
            next_partition: 0,
            in_flight: Vec::new(),
            events: VecDeque::new(),
            stats: SessionStats::default(),
            pending_quirks: Quirks::default(),
        }
    }

    /// Queues a request as its [`Request::partitions`]; each is answered by one
    /// [`Event::Response`]. A `host_deadline` override shortens the session's deadline (both
    /// count from the session's start).
    ///
    /// Fails when the request's config overrides are invalid on top of the session's config.
    pub fn add_request(&mut self, request: Arc<Request>) -> Result<(), RequestError> {
        let config = self.config.with_overrides(request.config())?;
        // A request's own deadline counts, like the collector's, from the session's start:
        // the host's work ends at the earliest of them.
        if let Some(d) = config.host_deadline() {
            let at = self.origin.0 + d;
            self.deadline = Some(self.deadline.map_or(at, |x| x.min(at)));
        }
        // A request that sets its own in-flight limit has a budget of its own beside the
        // host's, which every other request shares: neither can starve the other. It is named
        // by the id of its first partition, unique to it.
        let budget = match request.config().max_in_flight_per_host {
            Some(_) => Budget::Request(self.next_partition),
            None => Budget::Host,
        };
        for range in request.partitions() {
            let id = self.next_partition;
            self.next_partition += 1;
            self.partitions.push(Partition::new(
                id,
                request.clone(),
                config.clone(),
                budget,
                range,
            ));
        }
        Ok(())
    }

    /// True when nothing is queued, in flight, or waiting to be polled.
    pub fn is_idle(&self) -> bool {
        self.partitions.is_empty() && self.in_flight.is_empty() && self.events.is_empty()
    }

    /// The counters.
    pub fn stats(&self) -> &SessionStats {
        &self.stats
    }

    /// Writes the next datagram to send into `buf` (cleared first), if any is due. Call it
    /// after every other call, until it returns `None`.
    pub fn poll_transmit(&mut self, now: Instant, buf: &mut Vec<u8>) -> Option<Transmit> {
        // Retransmissions first: their timers already ran out.
        if let Some(i) = self.in_flight.iter().position(|f| f.resend) {
            let in_flight = &self.in_flight;
            let id = self.ids.next_unused(|id| id_in_use(in_flight, id));
            let f = &mut self.in_flight[i];
            f.resend = false;
            f.attempts.push(id);
            let config = &self
                .partitions
                .iter()
                .find(|p| p.id == f.partition)
                .expect("an in-flight PDU's partition exists")
                .config;
            f.deadline = now + config.attempt_timeout(f.attempts.len() as u32 - 1);
            encode(buf, &self.partitions, f, id);
            self.stats.transmits += 1;
            self.stats.retries += 1;
            return Some(Transmit {
                len: buf.len(),
                request_id: id,
            });
        }
        for p in &mut self.partitions {
            // Up to its budget's limit of PDUs in flight (the request's own, else the host's);
            // one PDU per partition at a time: its heads move in step.
            let (mut used, mut busy) = (0, false);
            for f in &self.in_flight {
                used += usize::from(f.budget == p.budget);
                busy |= f.partition == p.id;
            }
            if busy || used >= p.config.max_in_flight_per_host() as usize {
                continue;
            }
            if let Some(pdu) = p.next_pdu() {
                let in_flight = &self.in_flight;
                let id = self.ids.next_unused(|id| id_in_use(in_flight, id));
                let f = InFlight {
                    partition: p.id,
                    budget: p.budget,
                    pdu,
                    attempts: vec![id],
                    deadline: now + p.config.attempt_timeout(0),
                    resend: false,
                };
                encode(buf, std::slice::from_ref(p), &f, id);
                self.in_flight.push(f);
                self.stats.transmits += 1;
                return Some(Transmit {
                    len: buf.len(),
                    request_id: id,
                });
            }
        }
        None
    }

    /// The next time [`Session::handle_timeout`] should be called, if any.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let pdus = self
            .in_flight
            .iter()
            .filter(|f| !f.resend)
            .map(|f| f.deadline)
            .min();
        match (pdus, self.deadline) {
            (Some(a), Some(b)) if !self.partitions.is_empty() => Some(a.min(b)),
            (None, Some(b)) if !self.partitions.is_empty() => Some(b),
            (a, _) => a,
        }
    }

    /// Advances timers to `now`: retries, host-down and the host deadline.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.deadline.is_some_and(|d| now >= d) && !self.partitions.is_empty() {
            self.fail_all(now, CollectError::DeadlineExceeded);
            return;
        }
        let mut host_down = None;
        for f in &mut self.in_flight {
            if f.resend || now < f.deadline {
                continue;
            }
            let p = self.partitions.iter().find(|p| p.id == f.partition);
            let retries = p.map_or(0, |p| p.config.retries());
            if (f.attempts.len() as u32) <= retries {
                f.resend = true;
            } else {
                host_down = Some(f.attempts.len() as u32);
            }
        }
        if let Some(attempts) = host_down {
            self.stats.timeouts += 1;
            self.fail_all(now, CollectError::Timeout { attempts });
        }
    }

    /// Ends all remaining work with `error`: every queued or in-flight partition becomes a
    /// response (Partial when it has data, Failed otherwise) for [`Session::poll_event`].
    ///
    /// For what the driver knows and the session cannot see: the host name did not resolve,
    /// the socket cannot reach the host, the collector is shutting down.
    pub fn abort(&mut self, now: Instant, error: CollectError) {
        self.fail_all(now, error);
    }

    /// Fails everything left: the host is down or out of time.
    fn fail_all(&mut self, now: Instant, error: CollectError) {
        let ts = self.timestamp(now);
        self.in_flight.clear();
        for mut p in std::mem::take(&mut self.partitions) {
            p.errors.push(TimedError {
                timestamp: ts,
                error: error.clone(),
            });
            self.finish(p);
        }
    }

    /// Emits a finished partition's response, with the drops not blamed on any partition.
    fn finish(&mut self, mut p: Partition) {
        p.quirks.add(&std::mem::take(&mut self.pending_quirks));
        self.events.push_back(Event::Response(p.finish()));
    }

    /// Takes a datagram that came from the host's address.
    pub fn handle_datagram(&mut self, now: Instant, datagram: &[u8]) {
        self.datagram(now, datagram, false);
    }

    /// Takes a datagram that came from another address than the host's, which its driver
    /// routed here by request-id (a multi-homed agent answering from another interface). It is
    /// accepted like one from the host's address only when the PDU's config has
    /// `accept_other_source` on, and counted in the response's quirks; otherwise dropped.
    pub fn handle_datagram_from_other_address(&mut self, now: Instant, datagram: &[u8]) {
        self.stats.other_source += 1;
        self.datagram(now, datagram, true);
    }

    fn datagram(&mut self, now: Instant, datagram: &[u8], other_source: bool) {
        // Only a Response-PDU answers a request (RFC 3416 §4.2.4); anything else is not ours.
        let msg = match read_message(datagram) {
            Ok(msg) if msg.pdu.pdu_type == PduType::Response => msg,
            _ => {
                self.stats.malformed += 1;
                self.pending_quirks.malformed_replies += 1;
                return;
            }
        };
        let rid = msg.pdu.request_id;
        let found = self
            .in_flight
            .iter()
            .position(|f| f.attempts.contains(&rid))
            .and_then(|pos| {
                let pi = self
                    .partitions
                    .iter()
                    .position(|p| p.id == self.in_flight[pos].partition)?;
                Some((pos, pi))
            });
        let Some((pos, pi)) = found else {
            self.stats.unknown_request_id += 1;
            self.pending_quirks.unknown_request_id += 1;
            return;
        };
        let p = &mut self.partitions[pi];
        // A reply must be in the request's version and community (RFC 3416 §4.2, RFC 1157
        // §4.1): a matching request-id alone could be a spoofed or misrouted datagram.
        let community = p.request.community();
        if msg.version != community.version() {
            self.stats.mismatched += 1;
            p.quirks.wrong_version += 1;
            return;
        }
        if msg.community != community.name() {
            self.stats.mismatched += 1;
            p.quirks.wrong_community += 1;
            return;
        }
        if other_source {
            if !p.config.accept_other_source() {
                return;
            }
            p.quirks.other_source += 1;
        }
        let f = self.in_flight.swap_remove(pos);
        let ts = self.timestamp(now);
        let p = &mut self.partitions[pi];
        let before = p.writer.record_count();
        p.handle_response(ts, f.pdu, &msg);
        self.stats.varbinds += (p.writer.record_count() - before) as u64;
        if p.is_done() {
            let p = self.partitions.remove(pi);
            self.finish(p);
        }
    }

    /// The next finished partition, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    fn timestamp(&self, now: Instant) -> u64 {
        let since = now.saturating_duration_since(self.origin.0);
        self.origin
            .1
            .saturating_add(u64::try_from(since.as_nanos()).unwrap_or(u64::MAX))
    }
}

fn encode(buf: &mut Vec<u8>, partitions: &[Partition], f: &InFlight, id: i32) {
    let p = partitions
        .iter()
        .find(|p| p.id == f.partition)
        .expect("an in-flight PDU's partition exists");
    let community = p.request.community();
    let (header, oids) = match &f.pdu {
        Pdu::Bulk { oids, reps, .. } => (PduHeader::get_bulk(id, 0, *reps as i32), oids),
        Pdu::Next { oids, .. } => (PduHeader::get_next(id), oids),
        Pdu::Get { oids, .. } => (PduHeader::get(id), oids),
    };
    encode_message(
        buf,
        community.version(),
        community.name(),
        &header,
        oids.iter().map(|o| (o.sub_ids(), Value::Null)),
    );
}

/// A request-id generator: xorshift64* from a seed, mapped into 1..2^31−1.
#[derive(Debug, Clone)]
struct RequestIds(u64);

impl RequestIds {
    fn new(seed: u64) -> Self {
        // splitmix64 spreads every seed bit; xorshift needs a non-zero state.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        RequestIds(if z == 0 { 0x9e37_79b9_7f4a_7c15 } else { z })
    }

    fn next(&mut self) -> i32 {
        loop {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            let v = (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as i32;
            if v > 0 {
                return v;
            }
        }
    }

    fn next_unused(&mut self, in_use: impl Fn(i32) -> bool) -> i32 {
        loop {
            let id = self.next();
            if !in_use(id) {
                return id;
            }
        }
    }
}

/// True when `id` is an attempt of a PDU in flight (a new attempt must not reuse it).
fn id_in_use(in_flight: &[InFlight], id: i32) -> bool {
    in_flight.iter().any(|f| f.attempts.contains(&id))
}

/// A PDU in flight: what it asked, and the request-ids of its attempts.
#[derive(Debug)]
struct InFlight {
    partition: u64,
    budget: Budget,
    pdu: Pdu,
    attempts: Vec<i32>,
    deadline: Instant,
    /// The timer ran out and a retry is due at the next `poll_transmit`.
    resend: bool,
}

/// What a PDU asked for.
#[derive(Debug)]
enum Pdu {
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

/// One walk cursor: a root OID within one range partition.
#[derive(Debug)]
struct Head {
    root: usize,
    /// The OID to continue after.
    cursor: Oid,
    /// The BER content of the range's start as a full OID: varbinds before it are skipped
    /// (see `Head::new`).
    start: Option<Vec<u8>>,
    /// The range's stop as a full OID, and its BER content: the head ends past its subtree.
    stop: Option<(Oid, Vec<u8>)>,
    done: bool,
    /// Records collected, against the cap `max_rows_per_root`.
    rows: u64,
    /// Permissive policy only: hashes of the OIDs seen, to detect a loop.
    seen: Option<HashSet<u64>>,
}

impl Head {
    fn new(
        root_index: usize,
        root: &Oid,
        range: Option<&IndexRange>,
        policy: NonIncreasingPolicy,
    ) -> Head {
        let join = |idx: &[u32]| (!idx.is_empty()).then(|| root.join(idx).ok()).flatten();
        let start = range.and_then(|r| join(r.start()));
        let stop = range.and_then(|r| join(r.stop()));
        // GETNEXT returns what lies strictly after the cursor, so to include `start` itself the
        // cursor must sit just before it: the parent when start ends in 0, else its previous
        // sibling followed by the largest arc (only an OID under that, which no table has, lies
        // between it and start; anything before start is skipped anyway).
        let content = |o: &Oid| crate::ber::write::oid_content(SubIds::U32(o.as_slice()));
        let cursor = match &start {
            None => root.clone(),
            Some(s) => {
                let arcs = s.as_slice();
                let (last, parent) = arcs.split_last().expect("an Oid has arcs");
                let before = if *last == 0 {
                    Oid::from_slice(parent).ok()
                } else if arcs.len() < MAX_SUB_IDS {
                    let mut v = parent.to_vec();
                    v.extend([last - 1, u32::MAX]);
                    Oid::from_vec(v).ok()
                } else {
                    None
                };
                before
                    .filter(|b| b.starts_with(root))
                    .unwrap_or_else(|| root.clone())
            }
        };
        let seen = matches!(policy, NonIncreasingPolicy::Permissive).then(HashSet::new);
        Head {
            root: root_index,
            cursor,
            start: start.as_ref().map(content),
            stop: stop.map(|o| {
                let c = content(&o);
                (o, c)
            }),
            done: false,
            rows: 0,
            seen,
        }
    }
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
enum Budget {
    Host,
    Request(u64),
}

/// One request, or one index range of it: its own wireline buffer and its own Response.
#[derive(Debug)]
struct Partition {
    id: u64,
    request: Arc<Request>,
    config: Config,
    budget: Budget,
    range: Option<IndexRange>,
    writer: WirelineWriter,
    errors: Vec<TimedError>,
    work: Work,
    packing: Packing,
    /// Consecutive replies that moved no head: an agent that answers without data.
    stalled: u32,
    quirks: Quirks,
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
    fn new(
        id: u64,
        request: Arc<Request>,
        config: Config,
        budget: Budget,
        range: Option<IndexRange>,
    ) -> Partition {
        let m = config.max_response_var_binds_per_pdu() as usize;
        let v1 = request.community().version() == crate::community::Version::V1;
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

    fn is_done(&self) -> bool {
        match &self.work {
            Work::Walk(heads) => heads.iter().all(|h| h.done),
            Work::Get(q) => q.is_empty(),
        }
    }

    /// The next PDU to send, if the partition has work that is not in flight.
    fn next_pdu(&mut self) -> Option<Pdu> {
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
    fn handle_response(&mut self, ts: u64, pdu: Pdu, msg: &crate::ber::Message<'_>) {
        let status = msg.pdu.error_status;
        let index = msg.pdu.error_index;
        if status == error_status::TOO_BIG {
            self.too_big(ts, pdu);
            return;
        }
        match pdu {
            Pdu::Get { oids, roots, alone } => {
                self.get_reply(ts, oids, roots, alone, status, index, msg)
            }
            Pdu::Bulk { heads, oids, .. } | Pdu::Next { heads, oids } => {
                self.walk_reply(ts, &heads, &oids, status, index, msg)
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

    /// Applies a GET reply: each varbind goes to the requested OID it names, wherever it sits
    /// in the reply; varbinds that name nothing asked are dropped and counted; OIDs the reply
    /// left out are asked again, alone, once, and then become `MissingFromReply` errors. No
    /// OID is lost without an error.
    #[allow(clippy::too_many_arguments)]
    fn get_reply(
        &mut self,
        ts: u64,
        oids: Vec<Oid>,
        roots: Vec<usize>,
        alone: bool,
        status: i32,
        index: i32,
        msg: &crate::ber::Message<'_>,
    ) {
        let Work::Get(q) = &mut self.work else {
            return;
        };
        // The 0-based position of the OID the error-index blames, if it names one asked.
        let blamed = usize::try_from(index)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .filter(|&i| i < oids.len());
        if status != error_status::NO_ERROR {
            match blamed {
                Some(bad) if status == error_status::NO_SUCH_NAME => {
                    // v1: the named OID does not exist. Record it as noSuchObject.
                    if let Some(idx) = oids[bad].suffix(&self.request.oids()[roots[bad]]) {
                        let idx = idx.to_vec();
                        let _ = self
                            .writer
                            .push_record(ts, roots[bad], &idx, &Value::NoSuchObject);
                    }
                }
                Some(bad) => self.errors.push(TimedError {
                    timestamp: ts,
                    error: CollectError::Agent {
                        status,
                        index,
                        oid: Some(oids[bad].clone()),
                    },
                }),
                None if alone || oids.len() == 1 => self.errors.push(TimedError {
                    timestamp: ts,
                    error: CollectError::Agent {
                        status,
                        index,
                        oid: oids.first().cloned(),
                    },
                }),
                None => {
                    // The agent blames no OID in particular: ask each alone to find out.
                    self.quirks.reasked_oids += oids.len() as u64;
                    q.alone.extend(oids.into_iter().zip(roots));
                    return;
                }
            }
            // Ask again for the others the error held back (RFC 1157 §4.1.2: an error answers
            // the whole PDU).
            for (i, item) in oids.into_iter().zip(roots).enumerate().rev() {
                if Some(i) != blamed {
                    q.queue.push_front(item);
                }
            }
            return;
        }
        let mut answered = vec![false; oids.len()];
        // Where a varbind's OID is among those asked and not yet answered: at its own position
        // first (the common case, one comparison), else anywhere.
        let find = |answered: &[bool], i: usize, oid: &BerOid<'_>| {
            let same = |j: usize| !answered[j] && oid.iter().eq(oids[j].as_slice().iter().copied());
            if i < oids.len() && same(i) {
                Some(i)
            } else {
                (0..oids.len()).find(|&j| same(j))
            }
        };
        for (i, vb) in msg.pdu.varbinds().enumerate() {
            match vb {
                Ok(vb) => {
                    let Some(j) = find(&answered, i, &vb.oid) else {
                        self.quirks.unrequested_varbinds += 1;
                        continue;
                    };
                    answered[j] = true;
                    self.quirks.out_of_range_values += u64::from(out_of_range(&vb.value));
                    // The OID is the one asked, which lies under its root.
                    let _ = self.writer.push_varbind(ts, roots[j], &vb);
                }
                Err(VarBindError {
                    error,
                    oid: Some(oid),
                }) => {
                    self.quirks.malformed_values += 1;
                    match find(&answered, i, &oid) {
                        Some(j) => {
                            answered[j] = true;
                            self.errors.push(TimedError {
                                timestamp: ts,
                                error: CollectError::MalformedValue {
                                    oid: oid.to_oid(),
                                    error,
                                },
                            });
                        }
                        None => self.quirks.unrequested_varbinds += 1,
                    }
                }
                // An OID that did not decode answers nothing we can name: the OID it was meant
                // to answer is missing below and asked again.
                Err(VarBindError { oid: None, .. }) => self.quirks.malformed_values += 1,
            }
        }
        for (j, item) in oids.into_iter().zip(roots).enumerate() {
            if answered[j] {
                continue;
            }
            if alone {
                self.errors.push(TimedError {
                    timestamp: ts,
                    error: CollectError::MissingFromReply { oid: item.0 },
                });
            } else {
                self.quirks.reasked_oids += 1;
                q.alone.push_back(item);
            }
        }
    }

    fn walk_reply(
        &mut self,
        ts: u64,
        pdu_heads: &[usize],
        oids: &[Oid],
        status: i32,
        index: i32,
        msg: &crate::ber::Message<'_>,
    ) {
        let Work::Walk(heads) = &mut self.work else {
            return;
        };
        if status == error_status::NO_SUCH_NAME && index >= 1 && (index as usize) <= pdu_heads.len()
        {
            // v1 (and some v2c agents): nothing after this head's cursor. Its end; the other
            // heads of the PDU are asked again.
            heads[pdu_heads[index as usize - 1]].done = true;
            return;
        }
        if status != error_status::NO_ERROR {
            for &h in pdu_heads {
                heads[h].done = true;
            }
            let oid = usize::try_from(index)
                .ok()
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| oids.get(i).cloned());
            self.errors.push(TimedError {
                timestamp: ts,
                error: CollectError::Agent { status, index, oid },
            });
            return;
        }
        let policy = self.config.non_increasing();
        let cap = self.config.max_rows_per_root();
        let n = pdu_heads.len();
        // The last OID seen per head in this reply, borrowed from the datagram.
        let mut last: Vec<Option<BerOid<'_>>> = vec![None; n];
        let mut progressed = false;
        for (i, vb) in msg.pdu.varbinds().enumerate() {
            let slot = i % n;
            let h = &mut heads[pdu_heads[slot]];
            if h.done {
                continue;
            }
            // A varbind whose value is malformed still says where the walk is.
            let (oid, value) = match vb {
                Ok(vb) => (vb.oid, Ok(vb)),
                Err(VarBindError {
                    error,
                    oid: Some(oid),
                }) => (oid, Err(error)),
                Err(VarBindError { error, oid: None }) => {
                    // The OID itself is broken: the head cannot know where it is; stop it,
                    // keep the rest.
                    h.done = true;
                    self.errors.push(TimedError {
                        timestamp: ts,
                        error: CollectError::Malformed(error),
                    });
                    continue;
                }
            };
            let end = matches!(&value, Ok(vb) if vb.value == Value::EndOfMibView);
            match step(h, last[slot].as_ref(), &oid, end, policy) {
                Step::End => h.done = true,
                Step::Repeat => self.quirks.repeated_oids += 1,
                Step::Skip => {
                    last[slot] = Some(oid);
                    progressed = true;
                }
                Step::NonIncreasing => {
                    h.done = true;
                    let previous = last[slot].map_or_else(|| h.cursor.clone(), |b| b.to_oid());
                    self.errors.push(TimedError {
                        timestamp: ts,
                        error: CollectError::NonIncreasingOid {
                            previous,
                            received: oid.to_oid(),
                        },
                    });
                }
                Step::Record => {
                    last[slot] = Some(oid);
                    progressed = true;
                    match value {
                        Ok(vb) => {
                            if self.writer.push_varbind(ts, h.root, &vb).is_err() {
                                // Left the root's subtree: the head's normal end.
                                h.done = true;
                                last[slot] = None;
                                continue;
                            }
                            self.quirks.out_of_range_values += u64::from(out_of_range(&vb.value));
                            h.rows += 1;
                        }
                        Err(error) => {
                            if !oid.starts_with(&self.request.oids()[h.root]) {
                                h.done = true;
                                last[slot] = None;
                                continue;
                            }
                            // Left out (the wireline format has no "malformed" value); named
                            // in the errors, and the walk goes on after it.
                            self.quirks.malformed_values += 1;
                            self.errors.push(TimedError {
                                timestamp: ts,
                                error: CollectError::MalformedValue {
                                    oid: oid.to_oid(),
                                    error,
                                },
                            });
                        }
                    }
                    if h.rows >= cap {
                        h.done = true;
                        self.errors.push(TimedError {
                            timestamp: ts,
                            error: CollectError::RowCap {
                                root: self.request.oids()[h.root].clone(),
                                cap,
                            },
                        });
                    }
                }
            }
        }
        for (slot, l) in last.into_iter().enumerate() {
            if let Some(oid) = l {
                heads[pdu_heads[slot]].cursor = oid.to_oid();
            }
        }
        let any_open = pdu_heads.iter().any(|&h| !heads[h].done);
        if progressed || !any_open {
            self.stalled = 0;
        } else {
            // An empty or useless reply: ask again, but not forever.
            self.stalled += 1;
            if self.stalled > self.config.retries() {
                for &h in pdu_heads {
                    heads[h].done = true;
                }
                self.errors.push(TimedError {
                    timestamp: ts,
                    error: CollectError::NoProgress,
                });
            }
        }
    }

    fn finish(self) -> Response {
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

/// What to do with one varbind of a walk reply.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// The head has ended (normally): endOfMibView, or left its subtree or range.
    End,
    /// The OID the head saw last, again (an agent returning one object twice in a row):
    /// dropped.
    Repeat,
    /// Before the range's start: move on without recording.
    Skip,
    /// Before the previous OID (an agent bug) under the strict policy, or a loop.
    NonIncreasing,
    /// Record it.
    Record,
}

fn step(
    h: &mut Head,
    last: Option<&BerOid<'_>>,
    oid: &BerOid<'_>,
    end_of_mib_view: bool,
    policy: NonIncreasingPolicy,
) -> Step {
    if end_of_mib_view {
        return Step::End;
    }
    // Leaving the root's subtree is caught when the record is written (PushError::NotUnderRoot).
    if let Some((stop, stop_content)) = &h.stop {
        // Past the stop's subtree: greater than stop and not under it.
        if cmp_content(oid.as_bytes(), stop_content) == std::cmp::Ordering::Greater
            && !oid.starts_with(stop)
        {
            return Step::End;
        }
    }
    let order = match last {
        Some(prev) => oid.cmp_oid(prev),
        None => oid.iter().cmp(h.cursor.as_slice().iter().copied()),
    };
    match order {
        std::cmp::Ordering::Greater => {}
        std::cmp::Ordering::Equal => return Step::Repeat,
        std::cmp::Ordering::Less if policy == NonIncreasingPolicy::Strict => {
            return Step::NonIncreasing;
        }
        std::cmp::Ordering::Less => {}
    }
    // Permissive: remember every OID; seeing one again is a loop.
    if let Some(seen) = &mut h.seen {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        oid.as_bytes().hash(&mut hasher);
        if !seen.insert(hasher.finish()) {
            return Step::NonIncreasing;
        }
    }
    if let Some(start_content) = &h.start {
        if cmp_content(oid.as_bytes(), start_content) == std::cmp::Ordering::Less {
            return Step::Skip;
        }
    }
    Step::Record
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_stay_positive_and_are_seedable() {
        let mut a = RequestIds::new(42);
        let mut b = RequestIds::new(42);
        let mut c = RequestIds::new(43);
        let xs: Vec<i32> = (0..10_000).map(|_| a.next()).collect();
        assert!(xs.iter().all(|&x| x >= 1));
        assert_eq!(xs[..10], (0..10).map(|_| b.next()).collect::<Vec<_>>()[..]);
        assert_ne!(xs[..10], (0..10).map(|_| c.next()).collect::<Vec<_>>()[..]);
        let mut d = RequestIds::new(42);
        assert_ne!(d.next_unused(|id| id == xs[0]), xs[0], "skips an id in use");
    }

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
