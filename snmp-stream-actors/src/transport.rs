//! The shared UDP transport of one arbiter: at most two sockets (IPv4 and IPv6) for every host
//! actor on the arbiter's thread, and the routing of received datagrams to them.
//!
//! A datagram goes to the actor collecting from its source address (IP and port); that
//! actor's session then checks the request-id, so a reply is accepted only when both the peer
//! and the request-id match a PDU in flight (ARCHITECTURE.md, "Data flow"). Datagrams from an address no actor
//! owns are counted as stray and dropped. Each address has at most one actor at a time — the
//! supervisor sees to that — so the peer alone picks the actor.
//!
//! A datagram from an address no actor owns is offered, by its request-id, to an actor that
//! opted in to replies from other addresses (`accept_other_source`: a multi-homed agent that
//! answers from another interface); its session then checks version, community and
//! request-id as for any reply. Without that opt-in it is stray. An address some actor owns
//! routes to that actor even so: when a job collects two addresses of one multi-homed agent,
//! a reply to one from the other goes to the other's actor, which drops it (an unknown
//! request-id), and the first actor times out.
//!
//! The sockets are bound on first use, on the arbiter's thread, and live as long as it does:
//! 10,000 targets cost two file descriptors per arbiter, not 10,000.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use actix::Addr;
use tokio::net::UdpSocket;

use crate::host::{Datagram, HostActor};
use crate::stats::Counters;

/// The largest datagram accepted: the UDP maximum.
const MAX_DATAGRAM: usize = 65_535;

thread_local! {
    static TRANSPORT: RefCell<Option<Rc<UdpTransport>>> = const { RefCell::new(None) };
}

/// The sockets and routes of the current arbiter thread.
#[derive(Debug)]
pub(crate) struct UdpTransport {
    v4: RefCell<Option<Rc<UdpSocket>>>,
    v6: RefCell<Option<Rc<UdpSocket>>>,
    routes: RefCell<HashMap<(IpAddr, u16), Addr<HostActor>>>,
    /// Request-ids of actors that accept replies from other addresses. Each session draws its
    /// ids on its own, so two actors may hold the same one: such an id routes nothing.
    by_request_id: RefCell<HashMap<i32, Vec<Addr<HostActor>>>>,
    counters: Arc<Counters>,
    /// Local addresses to bind to, per family (the unspecified one where none is given).
    bind: Vec<IpAddr>,
}

impl UdpTransport {
    /// This thread's transport, created on first use. Call it on an arbiter thread.
    pub(crate) fn current(counters: &Arc<Counters>, bind: &[IpAddr]) -> Rc<UdpTransport> {
        TRANSPORT.with(|t| {
            t.borrow_mut()
                .get_or_insert_with(|| {
                    Rc::new(UdpTransport {
                        v4: RefCell::new(None),
                        v6: RefCell::new(None),
                        routes: RefCell::new(HashMap::new()),
                        by_request_id: RefCell::new(HashMap::new()),
                        counters: counters.clone(),
                        bind: bind.to_vec(),
                    })
                })
                .clone()
        })
    }

    /// The socket to reach `peer` from, bound (and its receive loop started) on first use.
    pub(crate) fn socket_for(self: &Rc<Self>, peer: SocketAddr) -> io::Result<Rc<UdpSocket>> {
        let (slot, unspecified) = match peer {
            SocketAddr::V4(_) => (&self.v4, IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            SocketAddr::V6(_) => (&self.v6, IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
        };
        let any = self
            .bind
            .iter()
            .copied()
            .find(|a| a.is_ipv4() == unspecified.is_ipv4())
            .unwrap_or(unspecified);
        if let Some(s) = slot.borrow().as_ref() {
            return Ok(s.clone());
        }
        let std_socket = bind_shared(SocketAddr::new(any, 0))?;
        let socket = Rc::new(UdpSocket::from_std(std_socket)?);
        *slot.borrow_mut() = Some(socket.clone());
        actix::spawn(self.clone().receive(socket.clone()));
        Ok(socket)
    }

    /// Routes datagrams from `peer` to `actor` (replacing a stopping actor's route).
    pub(crate) fn register(&self, peer: SocketAddr, actor: Addr<HostActor>) {
        self.routes.borrow_mut().insert(key(peer), actor);
    }

    /// Removes `peer`'s route if it still leads to `actor`.
    pub(crate) fn deregister(&self, peer: SocketAddr, actor: &Addr<HostActor>) {
        let mut routes = self.routes.borrow_mut();
        if routes.get(&key(peer)) == Some(actor) {
            routes.remove(&key(peer));
        }
    }

    /// Routes replies with request-id `id` from any address to `actor` (which accepts replies
    /// from other addresses).
    pub(crate) fn register_request_id(&self, id: i32, actor: Addr<HostActor>) {
        let mut routes = self.by_request_id.borrow_mut();
        let actors = routes.entry(id).or_default();
        if !actors.contains(&actor) {
            actors.push(actor);
        }
    }

    /// Removes request-id `id`'s route if it still leads to `actor`.
    pub(crate) fn deregister_request_id(&self, id: i32, actor: &Addr<HostActor>) {
        let mut routes = self.by_request_id.borrow_mut();
        if let Some(actors) = routes.get_mut(&id) {
            actors.retain(|a| a != actor);
            if actors.is_empty() {
                routes.remove(&id);
            }
        }
    }

    /// The actor that accepts a reply from an address it does not own, by the datagram's
    /// request-id; none when two actors hold that id (the reply could be either's).
    fn by_request_id(&self, datagram: &[u8]) -> Option<Addr<HostActor>> {
        let routes = self.by_request_id.borrow();
        if routes.is_empty() {
            return None;
        }
        let id = snmp_stream_core::ber::read_message(datagram)
            .ok()?
            .pdu
            .request_id;
        match routes.get(&id).map(Vec::as_slice) {
            Some([actor]) => Some(actor.clone()),
            _ => None,
        }
    }

    /// Receives for as long as the arbiter runs, handing each datagram to its actor.
    async fn receive(self: Rc<Self>, socket: Rc<UdpSocket>) {
        let mut buf = vec![0u8; MAX_DATAGRAM];
        loop {
            match socket.recv_from(&mut buf).await {
                Ok((len, from)) => {
                    self.counters.datagrams_received.fetch_add(1, Relaxed);
                    let routes = self.routes.borrow();
                    let datagram = &buf[..len];
                    if let Some(actor) = routes.get(&key(from)) {
                        actor.do_send(Datagram {
                            bytes: datagram.to_vec(),
                            from_other_address: false,
                        });
                    } else if let Some(actor) = self.by_request_id(datagram) {
                        self.counters.other_source.fetch_add(1, Relaxed);
                        tracing::debug!(%from, len, "reply from another address, routed by request-id");
                        actor.do_send(Datagram {
                            bytes: datagram.to_vec(),
                            from_other_address: true,
                        });
                    } else {
                        self.counters.stray_datagrams.fetch_add(1, Relaxed);
                        tracing::debug!(%from, len, "stray datagram dropped");
                    }
                }
                Err(e) => {
                    // An ICMP error queued on the socket, or the socket failing: log it, and
                    // pause briefly so that a persistent error cannot spin the loop.
                    tracing::debug!(error = %e, "receive error");
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
        }
    }
}

/// Receive buffer asked for a shared socket. Every host of the arbiter answers into it: 64
/// GETBULK replies of 50 varbinds in flight are ~400 KiB, which overflowed Linux's default
/// (212,992 bytes) while the arbiter was busy writing records, and each lost reply cost a
/// whole timeout (measured: 23 retries in a 64-host walk). The kernel silently caps the request
/// at `net.core.rmem_max`: 212,992 bytes on many distributions' kernels, 4 MiB on recent
/// upstream ones; a socket left below the request logs one warning naming the sysctl.
const RECV_BUFFER: usize = 4 << 20;

/// Whether the capped-buffer warning has been logged (once per process).
static SMALL_BUFFER_WARNED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// A non-blocking UDP socket bound to `addr`, with a receive buffer for many hosts.
fn bind_shared(addr: SocketAddr) -> io::Result<std::net::UdpSocket> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    if let Err(e) = socket.set_recv_buffer_size(RECV_BUFFER) {
        tracing::debug!(error = %e, "cannot enlarge the receive buffer");
    }
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    let got = socket.recv_buffer_size().ok();
    tracing::debug!(
        local = ?socket.local_addr().ok().and_then(|a| a.as_socket()),
        recv_buffer = got,
        "transport socket bound"
    );
    // Linux reports twice what it granted; below the request means the sysctl capped it.
    if got.is_some_and(|g| g < RECV_BUFFER)
        && !SMALL_BUFFER_WARNED.swap(true, std::sync::atomic::Ordering::Relaxed)
    {
        tracing::warn!(
            granted = got,
            asked = RECV_BUFFER,
            "UDP receive buffer capped by the kernel: many hosts answering at once may \
             overflow it and cost timeouts; raise it with `sysctl -w net.core.rmem_max=4194304`"
        );
    }
    Ok(socket.into())
}

/// The routing key of an address: IP (IPv4-mapped IPv6 as IPv4) and port; flow info and
/// scope id do not take part.
fn key(addr: SocketAddr) -> (IpAddr, u16) {
    (addr.ip().to_canonical(), addr.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_sockets_get_a_large_receive_buffer() {
        // As large as asked, or as the kernel allows (Linux reports twice what was set).
        let cap = std::fs::read_to_string("/proc/sys/net/core/rmem_max")
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok());
        let socket = bind_shared("127.0.0.1:0".parse().unwrap()).unwrap();
        let size = socket2::SockRef::from(&socket).recv_buffer_size().unwrap();
        if let Some(cap) = cap {
            assert!(
                size >= RECV_BUFFER.min(cap),
                "{size} < min({RECV_BUFFER}, {cap})"
            );
        }
        assert!(socket.local_addr().unwrap().port() != 0);
        let v6 = bind_shared("[::]:0".parse().unwrap());
        assert!(v6.is_ok() || std::net::UdpSocket::bind("[::]:0").is_err());
    }

    #[test]
    fn keys_ignore_mapping_flow_and_scope() {
        let v4: SocketAddr = "127.0.0.1:161".parse().unwrap();
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:161".parse().unwrap();
        assert_eq!(key(v4), key(mapped));
        let a = SocketAddr::V6(std::net::SocketAddrV6::new(Ipv6Addr::LOCALHOST, 161, 0, 0));
        let b = SocketAddr::V6(std::net::SocketAddrV6::new(Ipv6Addr::LOCALHOST, 161, 7, 3));
        assert_eq!(key(a), key(b));
        assert_ne!(key(a), key(v4));
    }
}
