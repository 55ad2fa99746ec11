//! [`Session`]: the per-host state machine's public face — requests in, datagrams and timers
//! through, responses out — and the PDUs it has in flight.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use super::partition::{Budget, Partition, Pdu};
use super::request_ids::RequestIds;
use super::usm::Usm;
use super::{Event, SessionStats, Transmit};
use crate::ber::{self, DecodeErrorKind, PduHeader, PduType, encode_message, read_message};
use crate::community::Security;
use crate::config::Config;
use crate::request::{Request, RequestError};
use crate::response::{CollectError, Quirks, TimedError, UsmError};
use crate::usm::{Credentials, SecurityLevel};
use crate::value::Value;

mod v3;

/// The protocol state for one host. See the [module docs](crate::engine).
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
    /// SNMPv3: the agent's engine, users' keys, discovery.
    usm: Usm,
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
            usm: Usm::new(seed.rotate_left(17) ^ wall_clock_ns),
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
            encode(buf, &mut self.usm, &self.partitions, f, id, now);
            self.stats.transmits += 1;
            self.stats.retries += 1;
            return Some(Transmit {
                len: buf.len(),
                request_id: id,
            });
        }
        if let Some(t) = self.poll_probe(now, buf) {
            return Some(t);
        }
        for p in &mut self.partitions {
            // SNMPv3 requests wait for their user's discovery.
            if let Security::Usm(user) = p.request.security() {
                if !self.usm.ready(user) {
                    continue;
                }
            }
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
                    resynced: false,
                };
                encode(buf, &mut self.usm, std::slice::from_ref(p), &f, id, now);
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
            .chain(
                self.usm
                    .probe
                    .iter()
                    .filter(|p| !p.resend)
                    .map(|p| p.deadline),
            )
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
        self.probe_timeout(now);
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
                let user = p.and_then(|p| match p.request.security() {
                    Security::Usm(u) => Some(u.clone()),
                    Security::Community(_) => None,
                });
                host_down = Some((f.attempts.len() as u32, user));
            }
        }
        if let Some((attempts, user)) = host_down {
            self.stats.timeouts += 1;
            match user {
                // Its authentication was confirmed, it was never answered: most likely the
                // agent could not decrypt it (net-snmp's drops such requests silently). The
                // host is up: only this user's work ends.
                Some(u)
                    if u.level() == SecurityLevel::AuthPriv
                        && self.usm.verified(&u)
                        && !self.usm.answered(&u) =>
                {
                    let error = CollectError::Usm(UsmError::PrivacyLikelyWrong {
                        user: String::from_utf8_lossy(u.user()).into_owned(),
                        attempts,
                    });
                    self.fail_user(now, &u, error);
                }
                _ => self.fail_all(now, CollectError::Timeout { attempts }),
            }
        }
    }

    /// The transport lost every message in flight: a stream connection (TCP) closed. Each PDU
    /// in flight is resent at the next [`Session::poll_transmit`] without waiting out its
    /// timer, as one of its retries; a PDU with no retry left waits for its timer and then
    /// takes the host down as a timeout does.
    pub fn handle_connection_lost(&mut self) {
        for f in &mut self.in_flight {
            let p = self.partitions.iter().find(|p| p.id == f.partition);
            let retries = p.map_or(0, |p| p.config.retries());
            if !f.resend && (f.attempts.len() as u32) <= retries {
                f.resend = true;
            }
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
        self.usm.probe = None;
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
            Err(e) if e.kind == DecodeErrorKind::UnsupportedVersion(3) => {
                return self.v3_datagram(now, datagram, other_source);
            }
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
        // From another address: not the host's unless this request opted in (counted in
        // `stats.other_source` either way).
        if other_source && !p.config.accept_other_source() {
            return;
        }
        // A reply must be in the request's version and community (RFC 3416 §4.2, RFC 1157
        // §4.1): a matching request-id alone could be a spoofed or misrouted datagram.
        let Some(community) = p.request.community() else {
            self.stats.mismatched += 1;
            p.quirks.wrong_version += 1;
            return;
        };
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
            p.quirks.other_source += 1;
        }
        self.accept(now, pos, pi, &msg.pdu);
    }

    /// Takes the reply `pdu` to in-flight PDU `pos` of partition `pi`.
    pub(super) fn accept(&mut self, now: Instant, pos: usize, pi: usize, pdu: &ber::Pdu<'_>) {
        let f = self.in_flight.swap_remove(pos);
        let ts = self.timestamp(now);
        let p = &mut self.partitions[pi];
        let before = p.writer.record_count();
        p.handle_response(ts, f.pdu, pdu);
        self.stats.varbinds += (p.writer.record_count() - before) as u64;
        if p.is_done() {
            let p = self.partitions.remove(pi);
            self.finish(p);
        }
    }

    /// The in-flight PDU with an attempt `id`, and its partition's index.
    pub(super) fn find_in_flight(&self, id: i32) -> Option<(usize, usize)> {
        let pos = self
            .in_flight
            .iter()
            .position(|f| f.attempts.contains(&id))?;
        let pi = self
            .partitions
            .iter()
            .position(|p| p.id == self.in_flight[pos].partition)?;
        Some((pos, pi))
    }

    /// Ends the partitions of `user` (and their PDUs in flight) with `error`.
    pub(super) fn fail_user(&mut self, now: Instant, user: &Credentials, error: CollectError) {
        let ts = self.timestamp(now);
        let of_user = |p: &Partition| matches!(p.request.security(), Security::Usm(u) if u == user);
        let ids: Vec<u64> = self
            .partitions
            .iter()
            .filter(|p| of_user(p))
            .map(|p| p.id)
            .collect();
        self.in_flight.retain(|f| !ids.contains(&f.partition));
        let (failed, kept): (Vec<Partition>, Vec<Partition>) = std::mem::take(&mut self.partitions)
            .into_iter()
            .partition(of_user);
        self.partitions = kept;
        for mut p in failed {
            p.errors.push(TimedError {
                timestamp: ts,
                error: error.clone(),
            });
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

fn encode(
    buf: &mut Vec<u8>,
    usm: &mut Usm,
    partitions: &[Partition],
    f: &InFlight,
    id: i32,
    now: Instant,
) {
    let p = partitions
        .iter()
        .find(|p| p.id == f.partition)
        .expect("an in-flight PDU's partition exists");
    let (header, oids) = match &f.pdu {
        Pdu::Bulk { oids, reps, .. } => (PduHeader::get_bulk(id, 0, *reps as i32), oids),
        Pdu::Next { oids, .. } => (PduHeader::get_next(id), oids),
        Pdu::Get { oids, .. } => (PduHeader::get(id), oids),
    };
    let varbinds = oids.iter().map(|o| (o.sub_ids(), Value::Null));
    match p.request.security() {
        Security::Community(c) => encode_message(buf, c.version(), c.name(), &header, varbinds),
        Security::Usm(user) => usm.encode(buf, user, &header, varbinds, now, true),
    }
}

/// A PDU in flight: what it asked, and the request-ids of its attempts.
#[derive(Debug)]
pub(super) struct InFlight {
    partition: u64,
    budget: Budget,
    pdu: Pdu,
    attempts: Vec<i32>,
    deadline: Instant,
    /// The timer ran out and a retry is due at the next `poll_transmit`.
    resend: bool,
    /// SNMPv3: it was resent once after a time-window or engine-ID Report.
    resynced: bool,
}

/// True when `id` is an attempt of a PDU in flight (a new attempt must not reuse it).
fn id_in_use(in_flight: &[InFlight], id: i32) -> bool {
    in_flight.iter().any(|f| f.attempts.contains(&id))
}
