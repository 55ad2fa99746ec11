//! [`HostActor`]: one per target host, a thin loop around the core's sans-IO
//! [`Session`]: read the clock, feed the session, send what it wants sent, hand on what it
//! finished, re-arm its one timer.

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use actix::{
    Actor, ActorContext, ActorFutureExt, Addr, AsyncContext, Context, Handler, Message,
    SpawnHandle, WrapFuture,
};
use snmp_stream_core::engine::{Event, Session, SessionStats};
use snmp_stream_core::{CollectError, Config, Request, Response, Status, Transport};
use tokio::net::UdpSocket;

use crate::output::Output;
use crate::supervisor::{HostGone, HostIdle, Supervisor};
use crate::tcp::{LinkChange, TcpEvent, TcpLink};
use crate::transport::UdpTransport;

/// Where a host actor collects from: the agent's address and the transport to it. A `tcp:`
/// host and a UDP host at one address are two peers, with an actor each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Peer {
    pub addr: SocketAddr,
    pub transport: Transport,
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.transport {
            Transport::Tcp => write!(f, "tcp:{}", self.addr),
            _ => write!(f, "{}", self.addr),
        }
    }
}

/// How a host actor reaches its agent.
#[derive(Debug)]
enum Link {
    /// Through the arbiter's shared UDP socket; `None` when it could not be bound (all work
    /// then fails).
    Udp(Option<Rc<UdpSocket>>),
    /// Over a connection of its own.
    Tcp(TcpLink),
}

/// A message from the actor's host: a datagram routed by the [`UdpTransport`], or a message
/// read from its TCP connection.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct Datagram {
    pub bytes: Vec<u8>,
    /// It came from another address than the host's and was routed by its request-id.
    pub from_other_address: bool,
}

/// More requests for the actor's host.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct AddRequests(pub Vec<Arc<Request>>);

/// The supervisor's word that the actor is done: stop.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct Stop;

/// Collects from one host: owns its [`Session`] and the session's single timer.
///
/// Started by the supervisor on one of the arbiters; talks to its host through the arbiter's
/// shared transport. It reports each finished response at once, and tells the supervisor
/// when it has nothing left to do; the supervisor then stops it, or gives it more requests.
#[derive(Debug)]
pub(crate) struct HostActor {
    peer: Peer,
    /// The supervisor's name for this actor (its request-id seed).
    id: u64,
    session: Session,
    /// The arbiter's UDP transport (its routes, for UDP peers).
    transport: Rc<UdpTransport>,
    link: Link,
    /// The deadline the timer is armed for, and its handle.
    timer: Option<(Instant, SpawnHandle)>,
    output: Output,
    supervisor: Addr<Supervisor>,
    /// Requests received, for the supervisor to match against those it sent.
    requests: u64,
    idle_reported: bool,
    /// The session's counters as last added to the collector's.
    reported: SessionStats,
    buf: Vec<u8>,
    span: tracing::Span,
    /// Request-ids of recent transmits routed to this actor from any address, oldest first;
    /// `None` unless a request or the collector turned `accept_other_source` on.
    other_source_ids: Option<VecDeque<i32>>,
    /// How many of them are kept.
    id_window: usize,
    config: Config,
}

/// Request-ids an actor keeps routable from other addresses, at least: its PDUs in flight and
/// their retries are among the most recent ones, however long the walk. The window grows to
/// four times the attempts the actor may have in flight (PDUs in flight × (retries + 1)).
const OTHER_SOURCE_IDS: usize = 256;

/// The request-id window for a config: [`OTHER_SOURCE_IDS`], or four times the attempts it may
/// have in flight when that is more.
fn id_window(in_flight: Option<u32>, retries: Option<u32>, base: &Config) -> usize {
    let in_flight = in_flight.unwrap_or(base.max_in_flight_per_host()) as usize;
    let attempts = retries.unwrap_or(base.retries()) as usize + 1;
    OTHER_SOURCE_IDS.max(in_flight.saturating_mul(attempts).saturating_mul(4))
}

impl HostActor {
    /// A host actor for `peer`, collecting `requests`, on the current arbiter thread.
    pub(crate) fn new(
        ctx: &mut Context<Self>,
        peer: Peer,
        config: Config,
        seed: u64,
        requests: Vec<Arc<Request>>,
        output: Output,
        supervisor: Addr<Supervisor>,
    ) -> HostActor {
        let shared = output.shared();
        let transport = UdpTransport::current(&shared.counters, &shared.bind);
        let span = tracing::debug_span!("host", %peer);
        let now = Instant::now();
        // Replies from other addresses are a UDP matter.
        let config_accepts = config.accept_other_source() && peer.transport == Transport::Udp;
        let id_window = id_window(None, None, &config);
        let link = match peer.transport {
            // As long as UDP would try: the kernel resends a lost SYN after 1 s, 3 s, ...
            Transport::Tcp => Link::Tcp(TcpLink::new(
                peer.addr,
                &shared.bind,
                config
                    .timeout()
                    .saturating_mul(config.retries().saturating_add(1)),
                shared.counters.clone(),
            )),
            _ => {
                let socket = match transport.socket_for(peer.addr) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        tracing::warn!(parent: &span, error = %e, "no socket to reach the host");
                        None
                    }
                };
                transport.register(peer.addr, ctx.address());
                Link::Udp(socket)
            }
        };
        let base = config.clone();
        let session = Session::new(config, now, wall_clock_ns(), seed);
        let mut actor = HostActor {
            peer,
            id: seed,
            session,
            transport,
            link,
            timer: None,
            output,
            supervisor,
            requests: 0,
            idle_reported: false,
            reported: SessionStats::default(),
            buf: Vec::with_capacity(1500),
            span,
            other_source_ids: config_accepts.then(VecDeque::new),
            id_window,
            config: base,
        };
        actor.add_requests(requests);
        actor
    }

    /// Queues requests in the session; without a socket they fail at once, with the reason.
    fn add_requests(&mut self, requests: Vec<Arc<Request>>) {
        for request in requests {
            self.requests += 1;
            tracing::debug!(
                parent: &self.span,
                kind = ?request.kind(),
                req_id = %String::from_utf8_lossy(request.req_id()),
                roots = request.oids().len(),
                "request started"
            );
            let overrides = request.config();
            if overrides.accept_other_source == Some(true) && self.peer.transport == Transport::Udp
            {
                self.other_source_ids.get_or_insert_with(VecDeque::new);
            }
            self.id_window = self.id_window.max(id_window(
                overrides.max_in_flight_per_host,
                overrides.retries,
                &self.config,
            ));
            self.session
                .add_request(request)
                .expect("SessionManager validated the overrides against the same config");
        }
        if matches!(self.link, Link::Udp(None)) {
            self.session.abort(
                Instant::now(),
                CollectError::Send(std::io::ErrorKind::AddrNotAvailable),
            );
        }
        self.idle_reported = false;
    }

    /// Sends what is due, hands on what finished, re-arms the timer, reports idleness.
    fn drive(&mut self, ctx: &mut Context<Self>) {
        let now = Instant::now();
        if let Link::Tcp(link) = &mut self.link {
            let me = ctx.address();
            while let Some(t) = self.session.poll_transmit(now, &mut self.buf) {
                link.send(&self.buf[..t.len], &me);
            }
        }
        if let Link::Udp(Some(socket)) = &self.link {
            let socket = socket.clone();
            while let Some(t) = self.session.poll_transmit(now, &mut self.buf) {
                if let Some(ids) = &mut self.other_source_ids {
                    let me = ctx.address();
                    self.transport.register_request_id(t.request_id, me.clone());
                    ids.push_back(t.request_id);
                    if ids.len() > self.id_window {
                        if let Some(old) = ids.pop_front() {
                            self.transport.deregister_request_id(old, &me);
                        }
                    }
                }
                match socket.try_send_to(&self.buf[..t.len], self.peer.addr) {
                    Ok(_) => {}
                    // Not known to be writable yet (a socket the reactor has not polled, or a
                    // full send buffer): send it as soon as it is.
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        let (socket, peer) = (socket.clone(), self.peer.addr);
                        let datagram = self.buf[..t.len].to_vec();
                        let send = async move { socket.send_to(&datagram, peer).await };
                        ctx.spawn(send.into_actor(self).map(|sent, act, ctx| {
                            if let Err(e) = sent {
                                act.send_failed(&e);
                                act.drive(ctx);
                            }
                        }));
                    }
                    Err(e) => {
                        if self.send_failed(&e) {
                            break;
                        }
                    }
                }
            }
        }
        // Counters first, so that a caller holding a response sees the counts that led to it.
        self.output
            .shared()
            .counters
            .add_session(self.session.stats(), &mut self.reported);
        while let Some(Event::Response(response)) = self.session.poll_event() {
            self.emit(response);
        }

        let want = self.session.poll_timeout();
        if want != self.timer.as_ref().map(|t| t.0) {
            if let Some((_, handle)) = self.timer.take() {
                ctx.cancel_future(handle);
            }
            if let Some(at) = want {
                let handle = ctx.run_later(at.saturating_duration_since(now), |act, ctx| {
                    act.timer = None;
                    act.session.handle_timeout(Instant::now());
                    act.drive(ctx);
                });
                self.timer = Some((at, handle));
            }
        }

        if self.session.is_idle() && !self.idle_reported {
            self.idle_reported = true;
            self.supervisor.do_send(HostIdle {
                peer: self.peer,
                requests: self.requests,
            });
        }
    }

    /// Accounts for a failed send; aborts the session (and returns true) when no retry can
    /// cure the error. Otherwise the datagram counts as lost and the retry timer resends it.
    fn send_failed(&mut self, e: &std::io::Error) -> bool {
        if unreachable(e.kind()) {
            tracing::warn!(parent: &self.span, error = %e, "cannot send to the host");
            self.session
                .abort(Instant::now(), CollectError::Send(e.kind()));
            return true;
        }
        self.output
            .shared()
            .counters
            .send_errors
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::debug!(parent: &self.span, error = %e, "send failed; the retry will resend");
        false
    }

    fn emit(&self, response: Response) {
        let span = tracing::debug_span!(
            parent: &self.span,
            "request",
            req_id = %String::from_utf8_lossy(response.request.req_id()),
            range = ?response.range.as_ref().map(|r| r.to_string()),
        );
        let _enter = span.enter();
        // Counting parses the whole buffer (several per cent of a walk's CPU): only when the
        // line is logged (asked inside the span, so span-scoped filters count too).
        let records =
            if response.status != Status::Complete || tracing::enabled!(tracing::Level::DEBUG) {
                response
                    .buffer
                    .read()
                    .map(|w| w.records().count())
                    .unwrap_or(0)
            } else {
                0
            };
        match response.status {
            Status::Complete => tracing::debug!(records, "response complete"),
            _ => tracing::info!(
                status = %response.status,
                records,
                error = %response.errors.first().map(|e| e.error.to_string()).unwrap_or_default(),
                "response not complete"
            ),
        }
        self.output.emit(response);
    }
}

impl Actor for HostActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.drive(ctx);
    }

    fn stopped(&mut self, ctx: &mut Context<Self>) {
        let me = ctx.address();
        match &mut self.link {
            Link::Udp(_) => self.transport.deregister(self.peer.addr, &me),
            Link::Tcp(link) => link.close(),
        }
        for id in self.other_source_ids.take().into_iter().flatten() {
            self.transport.deregister_request_id(id, &me);
        }
    }
}

impl Drop for HostActor {
    /// A host actor dropped with work left — the collector shutting down, or a panic — still
    /// answers every partition it had (Partial or Failed, with [`CollectError::Cancelled`]), so
    /// no caller waits forever for a response that will not come.
    fn drop(&mut self) {
        if !self.session.is_idle() {
            self.session.abort(Instant::now(), CollectError::Cancelled);
            self.output
                .shared()
                .counters
                .add_session(self.session.stats(), &mut self.reported);
            while let Some(Event::Response(response)) = self.session.poll_event() {
                self.output.emit(response);
            }
        }
        // Frees the slot if the actor ended without finishing (a panic).
        self.supervisor.do_send(HostGone {
            peer: self.peer,
            id: self.id,
        });
    }
}

impl Handler<Datagram> for HostActor {
    type Result = ();

    fn handle(&mut self, msg: Datagram, ctx: &mut Context<Self>) {
        if msg.from_other_address {
            self.session
                .handle_datagram_from_other_address(Instant::now(), &msg.bytes);
        } else {
            self.session.handle_datagram(Instant::now(), &msg.bytes);
        }
        self.drive(ctx);
    }
}

impl Handler<TcpEvent> for HostActor {
    type Result = ();

    fn handle(&mut self, event: TcpEvent, ctx: &mut Context<Self>) {
        let Link::Tcp(link) = &mut self.link else {
            return;
        };
        match link.handle(event, &ctx.address()) {
            LinkChange::None => {}
            LinkChange::ConnectFailed(e) => {
                tracing::warn!(parent: &self.span, error = %e, "cannot connect to the host over TCP");
                self.session
                    .abort(Instant::now(), CollectError::Connect(e.kind()));
            }
            LinkChange::Lost => self.session.handle_connection_lost(),
        }
        self.drive(ctx);
    }
}

impl Handler<AddRequests> for HostActor {
    type Result = ();

    fn handle(&mut self, msg: AddRequests, ctx: &mut Context<Self>) {
        self.add_requests(msg.0);
        self.drive(ctx);
    }
}

impl Handler<Stop> for HostActor {
    type Result = ();

    fn handle(&mut self, _: Stop, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}

/// Send errors that no retry will cure.
fn unreachable(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        kind,
        NetworkUnreachable | HostUnreachable | AddrNotAvailable | PermissionDenied | InvalidInput
    )
}

/// Nanoseconds since the Unix epoch, for record timestamps.
pub(crate) fn wall_clock_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}
