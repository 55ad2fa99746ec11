//! [`Supervisor`]: the queue of requests and the policy over host actors — at most
//! `max_async_sessions` hosts at once, one actor per host address, hosts spread over the
//! arbiters, and no new host while the caller has more than its limit of responses to take.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use actix::{
    Actor, ActorFutureExt, Addr, ArbiterHandle, AsyncContext, Context, Handler, Message, WrapFuture,
};
use snmp_stream_core::engine::{Event, Session};
use snmp_stream_core::request::HostName;
use snmp_stream_core::{CollectError, Config, Request};
use tokio::sync::OwnedSemaphorePermit;

use crate::host::{AddRequests, HostActor, Peer, Stop, wall_clock_ns};
use crate::output::Output;

/// A request for the supervisor; `permit` holds a place in a bounded submit queue until the
/// request is handed to its host actor.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct Submit {
    pub request: Arc<Request>,
    pub _permit: Option<OwnedSemaphorePermit>,
}

/// A host actor has nothing left to do after `requests` requests.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct HostIdle {
    pub peer: Peer,
    pub requests: u64,
}

/// A host actor ended (normally after `Stop`, or by a panic): its slot, if it still holds
/// one, is free.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct HostGone {
    pub peer: Peer,
    pub id: u64,
}

/// The caller took responses and is below its limit again.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct Drained;

#[derive(Debug)]
struct ActiveHost {
    addr: Addr<HostActor>,
    /// Tells this actor from a later one for the same address.
    id: u64,
    /// Requests handed to the actor.
    sent: u64,
    arbiter: usize,
}

/// Owns the request queue and starts, feeds and stops the host actors.
#[derive(Debug)]
pub(crate) struct Supervisor {
    config: Config,
    arbiters: Vec<ArbiterHandle>,
    /// Active host actors per arbiter.
    load: Vec<usize>,
    /// Hosts waiting for a session slot, in arrival order.
    waiting: VecDeque<Peer>,
    /// Requests of the waiting hosts.
    pending: HashMap<Peer, Vec<Submit>>,
    active: HashMap<Peer, ActiveHost>,
    output: Output,
    seed: u64,
    span: tracing::Span,
}

impl Supervisor {
    pub(crate) fn new(config: Config, arbiters: Vec<ArbiterHandle>, output: Output) -> Self {
        Supervisor {
            load: vec![0; arbiters.len()],
            arbiters,
            config,
            waiting: VecDeque::new(),
            pending: HashMap::new(),
            active: HashMap::new(),
            output,
            seed: wall_clock_ns(),
            span: tracing::debug_span!("supervisor"),
        }
    }

    /// Queues `submit` for the host at `peer`, or hands it to the host's running actor.
    fn enqueue(&mut self, addr: SocketAddr, submit: Submit, ctx: &mut Context<Self>) {
        // One actor per address and transport, as the UDP transport routes it: an
        // IPv4-mapped IPv6 address is its IPv4 address.
        let peer = Peer {
            addr: SocketAddr::new(addr.ip().to_canonical(), addr.port()),
            transport: submit.request.host().transport(),
        };
        if let Some(host) = self.active.get_mut(&peer) {
            host.sent += 1;
            host.addr.do_send(AddRequests(vec![submit.request]));
            return;
        }
        match self.pending.get_mut(&peer) {
            Some(queued) => queued.push(submit),
            None => {
                self.pending.insert(peer, vec![submit]);
                self.waiting.push_back(peer);
            }
        }
        self.start_hosts(ctx);
    }

    /// Starts waiting hosts while there are session slots and the caller keeps up.
    fn start_hosts(&mut self, ctx: &mut Context<Self>) {
        let max = self.config.max_async_sessions() as usize;
        while self.active.len() < max {
            if self.waiting.is_empty() || self.output.shared().pause_if_over_limit() {
                return;
            }
            let Some(peer) = self.waiting.pop_front() else {
                return;
            };
            let Some(submits) = self.pending.remove(&peer) else {
                continue;
            };
            // Dropping the permits frees places in the submit queue.
            let requests: Vec<Arc<Request>> = submits.into_iter().map(|s| s.request).collect();
            let (arbiter, _) = self
                .load
                .iter()
                .enumerate()
                .min_by_key(|(_, load)| **load)
                .expect("the collector has at least one arbiter");
            self.load[arbiter] += 1;
            self.seed = self.seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let (config, seed, output) = (self.config.clone(), self.seed, self.output.clone());
            let supervisor = ctx.address();
            let sent = requests.len() as u64;
            let addr = HostActor::start_in_arbiter(&self.arbiters[arbiter], move |ctx| {
                HostActor::new(ctx, peer, config, seed, requests, output, supervisor)
            });
            let id = seed;
            self.output
                .shared()
                .counters
                .hosts_started
                .fetch_add(1, Relaxed);
            tracing::debug!(parent: &self.span, %peer, arbiter, "host started");
            self.active.insert(
                peer,
                ActiveHost {
                    addr,
                    id,
                    sent,
                    arbiter,
                },
            );
            self.count_active();
        }
    }

    /// Frees the slot of `peer`'s actor, returning it.
    fn release(&mut self, peer: &Peer) -> Option<ActiveHost> {
        let host = self.active.remove(peer)?;
        self.load[host.arbiter] -= 1;
        self.count_active();
        Some(host)
    }

    fn count_active(&self) {
        let counters = &self.output.shared().counters;
        counters
            .hosts_active
            .store(self.active.len() as u64, Relaxed);
    }

    /// Answers a request that cannot run (its host did not resolve) with a response per
    /// partition, each Failed with `error`.
    fn fail(&self, request: Arc<Request>, error: CollectError) {
        let now = Instant::now();
        let mut session = Session::new(self.config.clone(), now, wall_clock_ns(), 0);
        session
            .add_request(request)
            .expect("SessionManager validated the overrides against the same config");
        session.abort(now, error);
        while let Some(Event::Response(response)) = session.poll_event() {
            self.output.emit(response);
        }
    }
}

impl Actor for Supervisor {
    type Context = Context<Self>;
}

impl Handler<Submit> for Supervisor {
    type Result = ();

    fn handle(&mut self, submit: Submit, ctx: &mut Context<Self>) {
        let host = submit.request.host();
        let (port, family) = (host.port(), host.family());
        match host.name() {
            HostName::Ip(ip) => self.enqueue(SocketAddr::new(*ip, port), submit, ctx),
            HostName::Dns(name) => {
                let name = name.clone();
                // IPv4 first, as net-snmp's default `udp:` transport does; IPv6 when the name
                // has no IPv4 address. Only IPv6 for `udp6:` and `tcp6:`.
                let lookup = async move {
                    let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), port))
                        .await
                        .map(Iterator::collect)
                        .unwrap_or_default();
                    let pick = found
                        .iter()
                        .filter(|a| family.is_none_or(|f| f.contains(a.ip())))
                        .min_by_key(|a| a.is_ipv6())
                        .copied();
                    (pick, name)
                };
                ctx.spawn(lookup.into_actor(self).map(move |(found, name), act, ctx| {
                    match found {
                        Some(peer) => act.enqueue(peer, submit, ctx),
                        None => {
                            tracing::warn!(parent: &act.span, host = %name, "host name did not resolve");
                            act.fail(submit.request, CollectError::Resolve);
                        }
                    }
                }));
            }
        }
    }
}

impl Handler<HostIdle> for Supervisor {
    type Result = ();

    fn handle(&mut self, idle: HostIdle, ctx: &mut Context<Self>) {
        // Requests sent after the actor went idle are still on their way to it: it will
        // report again when it has done them.
        let done = self
            .active
            .get(&idle.peer)
            .is_some_and(|h| h.sent == idle.requests);
        if !done {
            return;
        }
        if let Some(host) = self.release(&idle.peer) {
            host.addr.do_send(Stop);
            tracing::debug!(parent: &self.span, peer = %idle.peer, "host done");
            self.start_hosts(ctx);
        }
    }
}

impl Handler<HostGone> for Supervisor {
    type Result = ();

    fn handle(&mut self, gone: HostGone, ctx: &mut Context<Self>) {
        // After a normal stop the slot was freed at HostIdle (or holds a newer actor): only an
        // actor that ended without finishing — a panic — still has it.
        if self.active.get(&gone.peer).is_some_and(|h| h.id == gone.id) {
            self.release(&gone.peer);
            tracing::error!(parent: &self.span, peer = %gone.peer, "host actor ended without finishing; its requests were answered as cancelled");
            self.start_hosts(ctx);
        }
    }
}

impl Handler<Drained> for Supervisor {
    type Result = ();

    fn handle(&mut self, _: Drained, ctx: &mut Context<Self>) {
        self.start_hosts(ctx);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use actix::{Arbiter, System};
    use snmp_stream_core::{Community, Host, Oid};
    use tokio::sync::mpsc::unbounded_channel;

    use super::*;
    use crate::output::Shared;

    #[test]
    fn a_late_idle_report_keeps_the_busy_hosts_slot() {
        // A host that never answers keeps its actor busy for the whole test.
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = silent.local_addr().unwrap();
        let peer = Peer {
            addr,
            transport: snmp_stream_core::Transport::Udp,
        };
        let shared = Arc::new(Shared::new(usize::MAX, Vec::new()));
        System::new().block_on(async {
            let (tx, _rx) = unbounded_channel();
            let config = Config::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap();
            let output = Output::new(tx, shared.clone());
            let supervisor = Supervisor::new(config, vec![Arbiter::current()], output).start();
            let submit = || Submit {
                request: Arc::new(
                    Request::get(
                        Host::ip(addr.ip(), addr.port()),
                        Community::v2c("public"),
                        vec!["1.3.6.1.2.1.1.5.0".parse::<Oid>().unwrap()],
                    )
                    .build()
                    .unwrap(),
                ),
                _permit: None,
            };
            supervisor.send(submit()).await.unwrap();
            supervisor.send(submit()).await.unwrap();
            // The actor's report of being idle after the first request reaches the supervisor
            // after the second was handed to it: the host is still busy.
            supervisor
                .send(HostIdle { peer, requests: 1 })
                .await
                .unwrap();
            supervisor.send(submit()).await.unwrap();
            let counters = &shared.counters;
            assert_eq!(
                counters.hosts_started.load(Relaxed),
                1,
                "a second actor was started for a busy host"
            );
            assert_eq!(counters.hosts_active.load(Relaxed), 1);
            // Its report after all three frees the slot.
            supervisor
                .send(HostIdle { peer, requests: 3 })
                .await
                .unwrap();
            assert_eq!(counters.hosts_active.load(Relaxed), 0);
        });
    }
}
