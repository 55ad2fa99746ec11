//! The engine harness (in the manner of quinn-proto's test `Pair`): a session and the core's fake agent, the
//! network between them (loss, delay, duplication, reordering, rewritten replies, replies from
//! another address) and a virtual clock, plus the MIBs and helpers the engine tests share.
#![allow(dead_code)] // each test file uses its own part of it

use std::sync::Arc;
use std::time::{Duration, Instant};

use snmp_stream_core::config::ConfigOverrides;
use snmp_stream_core::engine::{Event, Session};
use snmp_stream_core::wireline::Wireline;
use snmp_stream_core::{Community, Config, Host, Oid, Request, Response, Value};
use snmp_stream_sim::{Faults, Mib, MibValue, Reply, Responder};

pub(crate) fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

/// Transport misbehaviour between the session and the agent.
#[derive(Debug, Clone, Default)]
pub(crate) struct Knobs {
    /// Probability (0..1) that a datagram in either direction is lost.
    pub loss: f64,
    /// Requests to drop by their order of transmission (0 = the first).
    pub drop_requests: Vec<usize>,
    /// Drop every request from this transmission number on (the host goes down).
    pub drop_requests_from: Option<usize>,
    /// Replies to drop by their order (0 = the first reply the agent sends).
    pub drop_replies: Vec<usize>,
    /// One-way delay.
    pub delay: Duration,
    /// Extra delay of the reply to the request with this transmission number.
    pub late_reply: Option<(usize, Duration)>,
    /// Probability that a reply is delivered twice.
    pub duplicate: f64,
    /// Random extra delay up to this, which reorders datagrams.
    pub jitter: Duration,
    /// Rewrites every reply on its way to the session (an agent bug no fault flag shows, or a
    /// spoofed datagram).
    pub rewrite: Option<fn(Vec<u8>) -> Vec<u8>>,
    /// Replies arrive from another address than the host's (a multi-homed agent).
    pub from_other_address: bool,
}

/// A session, an agent and the network between them, on a virtual clock.
pub(crate) struct Pair {
    pub now: Instant,
    pub session: Session,
    pub agent: Responder,
    pub knobs: Knobs,
    pub rng: u64,
    pub to_agent: Vec<(Instant, usize, Vec<u8>)>,
    pub to_session: Vec<(Instant, Vec<u8>)>,
    pub requests_sent: usize,
    pub replies_sent: usize,
    pub start: Instant,
}

impl Pair {
    pub(crate) fn new(mib: Mib, faults: Faults, config: Config, knobs: Knobs, seed: u64) -> Pair {
        // The virtual clock's origin; from here on time only moves when the harness says so.
        #[allow(clippy::disallowed_methods)]
        let now = Instant::now();
        Pair {
            now,
            start: now,
            session: Session::new(config, now, 1_700_000_000_000_000_000, seed),
            agent: Responder::new(Arc::new(mib)).with_faults(faults),
            knobs,
            rng: seed | 1,
            to_agent: Vec::new(),
            to_session: Vec::new(),
            requests_sent: 0,
            replies_sent: 0,
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng % 1_000_000) as f64 / 1_000_000.0 < p
    }

    fn jitter(&mut self) -> Duration {
        if self.knobs.jitter.is_zero() {
            return Duration::ZERO;
        }
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.knobs.jitter.mul_f64((self.rng % 1000) as f64 / 1000.0)
    }

    /// Runs until the session is idle; returns its responses and the virtual time taken.
    pub(crate) fn run(&mut self) -> (Vec<Response>, Duration) {
        let mut responses = Vec::new();
        let mut buf = Vec::new();
        let mut out = Vec::new();
        for _ in 0..1_000_000 {
            while let Some(t) = self.session.poll_transmit(self.now, &mut buf) {
                let n = self.requests_sent;
                self.requests_sent += 1;
                let lost = self.knobs.drop_requests.contains(&n)
                    || self.knobs.drop_requests_from.is_some_and(|k| n >= k)
                    || self.chance(self.knobs.loss);
                if !lost {
                    let at = self.now + self.knobs.delay + self.jitter();
                    self.to_agent.push((at, n, buf[..t.len].to_vec()));
                }
            }
            while let Some(Event::Response(r)) = self.session.poll_event() {
                responses.push(r);
            }
            if self.session.is_idle() {
                return (responses, self.now - self.start);
            }
            // The next thing to happen: a delivery or the session's timer.
            let next_agent = self.to_agent.iter().map(|d| d.0).min();
            let next_session = self.to_session.iter().map(|d| d.0).min();
            let next = [next_agent, next_session, self.session.poll_timeout()]
                .into_iter()
                .flatten()
                .min()
                .expect("a busy session always has a timer or a datagram in flight");
            self.now = self.now.max(next);
            // Deliver to the agent.
            let (due, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.to_agent)
                .into_iter()
                .partition(|d| d.0 <= self.now);
            self.to_agent = rest;
            for (_, n, req) in due {
                if let Ok(Reply::Sent { .. }) = self.agent.respond(&req, &mut out) {
                    let r = self.replies_sent;
                    self.replies_sent += 1;
                    if self.knobs.drop_replies.contains(&r) || self.chance(self.knobs.loss) {
                        continue;
                    }
                    let mut at = self.now + self.knobs.delay + self.jitter();
                    if let Some((k, extra)) = self.knobs.late_reply {
                        if k == n {
                            at += extra;
                        }
                    }
                    let reply = match self.knobs.rewrite {
                        Some(rewrite) => rewrite(out.clone()),
                        None => out.clone(),
                    };
                    if self.chance(self.knobs.duplicate) {
                        let again = at + self.jitter();
                        self.to_session.push((again, reply.clone()));
                    }
                    self.to_session.push((at, reply));
                }
            }
            // Deliver to the session, in time order.
            let (mut due, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.to_session)
                .into_iter()
                .partition(|d| d.0 <= self.now);
            self.to_session = rest;
            due.sort_by_key(|d| d.0);
            for (_, reply) in due {
                if self.knobs.from_other_address {
                    self.session
                        .handle_datagram_from_other_address(self.now, &reply);
                } else {
                    self.session.handle_datagram(self.now, &reply);
                }
            }
            if self.session.poll_timeout().is_some_and(|t| t <= self.now) {
                self.session.handle_timeout(self.now);
            }
        }
        panic!("the session did not finish");
    }
}

/// An ifTable-like MIB: columns 1 (INTEGER) and 2 (OCTET STRING) for interfaces 1..=n, and a
/// sysDescr before and an ifXTable column after, so walks must stop at their subtree.
pub(crate) fn if_table(n: u32) -> Mib {
    let mut m = Mib::new();
    m.insert(
        oid("1.3.6.1.2.1.1.1.0"),
        MibValue::OctetString(b"Linux".to_vec()),
    );
    for i in 1..=n {
        m.insert(
            oid(&format!("1.3.6.1.2.1.2.2.1.1.{i}")),
            MibValue::Integer(i64::from(i)),
        );
        m.insert(
            oid(&format!("1.3.6.1.2.1.2.2.1.2.{i}")),
            MibValue::OctetString(format!("eth{i}").into_bytes()),
        );
    }
    m.insert(
        oid("1.3.6.1.2.1.31.1.1.1.1.1"),
        MibValue::OctetString(b"lo".to_vec()),
    );
    m
}

pub(crate) fn host() -> Host {
    "127.0.0.1:161".parse().unwrap()
}

pub(crate) fn walk(oids: &[&str]) -> Arc<Request> {
    Arc::new(
        Request::walk(
            host(),
            Community::v2c("public"),
            oids.iter().map(|o| oid(o)).collect(),
        )
        .build()
        .unwrap(),
    )
}

/// (root index, index, value) of every record, as owned strings for easy comparison.
pub(crate) fn records(r: &Response) -> Vec<(usize, String, String)> {
    let read = Wireline::parse(r.buffer.as_words()).unwrap();
    read.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let v = match rec.value().unwrap() {
                Value::OctetString(s) => String::from_utf8_lossy(s).into_owned(),
                Value::Integer(i) => i.to_string(),
                other => format!("{other:?}"),
            };
            (rec.root_index(), rec.index().to_string(), v)
        })
        .collect()
}

pub(crate) fn config(f: impl FnOnce(ConfigOverrides) -> ConfigOverrides) -> Config {
    f(ConfigOverrides::new()).build().unwrap()
}

pub(crate) fn one(mut rs: Vec<Response>) -> Response {
    assert_eq!(rs.len(), 1, "{rs:?}");
    rs.pop().unwrap()
}

pub(crate) fn expected_if_rows(n: u32) -> Vec<(usize, String, String)> {
    let mut v: Vec<_> = (1..=n).map(|i| (0, i.to_string(), i.to_string())).collect();
    v.extend((1..=n).map(|i| (1, i.to_string(), format!("eth{i}"))));
    v
}

pub(crate) fn sorted(mut v: Vec<(usize, String, String)>) -> Vec<(usize, String, String)> {
    v.sort_by(|a, b| {
        (
            a.0,
            a.1.split('.')
                .map(|x| x.parse::<u32>().unwrap())
                .collect::<Vec<_>>(),
        )
            .cmp(&(
                b.0,
                b.1.split('.')
                    .map(|x| x.parse::<u32>().unwrap())
                    .collect::<Vec<_>>(),
            ))
    });
    v
}
