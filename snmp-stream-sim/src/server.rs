//! The UDP simulator: an SNMP v1/v2c agent on loopback serving snmpsim `.snmprec` recordings,
//! with optional protocol and transport faults.
//!
//! The protocol is [`Responder`](crate::Responder)'s; this module owns the sockets, picks
//! the responder by community (as snmpsim does: the community is the data file's path relative
//! to the data directory, without `.snmprec`), and adds what only the transport can do: loss,
//! delay, jitter and replies from the wrong port or address.
//!
//! The simulator runs on a thread of its own with its own single-threaded tokio runtime, so it
//! can be started from a plain `#[test]` as well as from inside a tokio application.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket as StdUdpSocket};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::{Reply, Responder, SnmprecError};
use snmp_stream_core::ber::{DecodeErrorKind, read_message};
use tokio::net::UdpSocket;
use tokio::sync::oneshot;

use data::{community_is_safe, load_dir};
use rng::XorShift;

mod config;
mod data;
mod rng;
mod tcp;
mod usm;

pub use config::{DEFAULT_ENGINE_ID, SimulatorConfig};

/// The file extension of snmpsim recordings.
const SNMPREC_EXTENSION: &str = "snmprec";

/// How deep [`SimulatorConfig::data_dir`] is searched for recordings (a guard against
/// pathological trees; snmpsim's own layouts are one or two levels deep).
const MAX_DIR_DEPTH: usize = 16;

/// Receive buffer size: larger than any UDP payload, so no datagram is truncated.
const RECV_BUFFER_LEN: usize = 65536;

/// Why a [`Simulator`] could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The loss probability is not a number in `[0, 1]`.
    #[error("loss probability {0} is not in [0, 1]")]
    BadLossProbability(f64),
    /// A community given to [`SimulatorConfig::mib`] is one snmpsim could not map to a file.
    #[error("community {0:?} is empty, starts with `/` or contains `..`")]
    BadCommunity(String),
    /// The data directory or one of its entries could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A recording is not valid `.snmprec` (the error names the line).
    #[error("{path}: {source}")]
    Snmprec {
        /// The file.
        path: PathBuf,
        /// The line and what is wrong with it.
        source: SnmprecError,
    },
    /// A listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        source: io::Error,
    },
    /// The simulator's thread or runtime could not be started.
    #[error("cannot start the simulator thread: {0}")]
    Runtime(io::Error),
}

/// Counts of what a running simulator did, from [`SimulatorHandle::stats`].
///
/// Every received datagram is counted in `requests` and then in exactly one of the others.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SimStats {
    /// Datagrams received.
    pub requests: u64,
    /// Responses sent (or handed to the delay timer, when one is configured).
    pub replies: u64,
    /// Datagrams that are not well-formed v1/v2c messages (snmpInASNParseErrs).
    pub malformed: u64,
    /// Messages for a community with no data: no reply, as an agent does (snmpInBadCommunityNames).
    pub unknown_community: u64,
    /// Requests dropped by the configured loss, or unanswered after `silent_after`.
    pub lost: u64,
    /// Well-formed messages the responder chose not to answer (GETBULK in v1, a non-request
    /// PDU, a tooBig that does not fit either).
    pub responder_dropped: u64,
    /// Responses the socket failed to send.
    pub send_errors: u64,
}

/// The live counters behind [`SimStats`].
#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    replies: AtomicU64,
    malformed: AtomicU64,
    unknown_community: AtomicU64,
    lost: AtomicU64,
    responder_dropped: AtomicU64,
    send_errors: AtomicU64,
}

impl Counters {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> SimStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        SimStats {
            requests: get(&self.requests),
            replies: get(&self.replies),
            malformed: get(&self.malformed),
            unknown_community: get(&self.unknown_community),
            lost: get(&self.lost),
            responder_dropped: get(&self.responder_dropped),
            send_errors: get(&self.send_errors),
        }
    }
}

/// The UDP simulator. See [`Simulator::start`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Simulator;

impl Simulator {
    /// Loads the data, binds the sockets and starts serving on a new thread.
    ///
    /// Every recording is parsed here, so a malformed file fails the start with
    /// [`SimError::Snmprec`] naming the file and line. Returns once the simulator is ready to
    /// answer; it serves until [`SimulatorHandle::stop`] or the handle is dropped.
    pub fn start(config: SimulatorConfig) -> Result<SimulatorHandle, SimError> {
        if !(0.0..=1.0).contains(&config.loss) {
            return Err(SimError::BadLossProbability(config.loss));
        }
        let mut communities = HashMap::new();
        if let Some(dir) = &config.data_dir {
            load_dir(dir, &mut communities)?;
        }
        for (community, mib) in &config.mibs {
            if !community_is_safe(community) {
                return Err(SimError::BadCommunity(community.clone()));
            }
            communities.insert(community.clone().into_bytes(), mib.clone());
        }
        if communities.is_empty() {
            tracing::warn!("simulator has no data: every request will go unanswered");
        }
        let responders: HashMap<Vec<u8>, Responder> = communities
            .into_iter()
            .map(|(c, mib)| (c, Responder::new(mib).with_faults(config.faults.clone())))
            .collect();

        let mut listen = config.listen.clone();
        if listen.is_empty() {
            listen.push(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0)));
        }
        let mut sockets = Vec::with_capacity(listen.len());
        let mut addrs = Vec::with_capacity(listen.len());
        for addr in listen {
            let bind = |addr: SocketAddr| {
                let socket = StdUdpSocket::bind(addr)?;
                socket.set_nonblocking(true)?;
                Ok(socket)
            };
            let (socket, listener, local) = bind_listening(addr, config.tcp)?;
            let other = if let Some(ip) = config.reply_from_address {
                Some(bind_reply_address(ip, local, bind)?)
            } else if config.reply_from_other_port {
                // The other socket shares the listening one's IP, so only the port differs.
                let other_addr = SocketAddr::new(local.ip(), 0);
                Some(bind(other_addr).map_err(|source| SimError::Bind {
                    addr: other_addr,
                    source,
                })?)
            } else {
                None
            };
            addrs.push(local);
            sockets.push(Listening {
                socket,
                other,
                listener,
            });
        }

        let shared = Arc::new(Shared {
            responders,
            counters: Counters::default(),
            loss: config.loss,
            delay: config.delay,
            jitter: config.jitter,
            silent_after: config.silent_after,
            tcp_close_after: config.tcp_close_after,
            usm: (!config.v3_users.is_empty()).then(|| {
                usm::Usm::new(
                    config.engine_id.clone(),
                    config.engine_boots,
                    &config.v3_users,
                )
            }),
        });
        let (stop_tx, stop_rx) = oneshot::channel();
        let (ready_tx, ready_rx) = mpsc::channel();
        let thread_shared = shared.clone();
        let seed = config.seed;
        let thread = std::thread::Builder::new()
            .name("snmp-simulator".into())
            .spawn(move || serve(thread_shared, sockets, seed, stop_rx, ready_tx))
            .map_err(SimError::Runtime)?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(SimError::Runtime(e));
            }
            Err(_) => {
                let _ = thread.join();
                return Err(SimError::Runtime(io::Error::other(
                    "the simulator thread ended before it was ready",
                )));
            }
        }
        tracing::info!(
            ?addrs,
            communities = shared.responders.len(),
            "simulator started"
        );
        Ok(SimulatorHandle {
            addrs,
            shared,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

/// The UDP socket at `addr`, with a TCP listener on the same address and port when `tcp` is
/// on, and their address. An ephemeral port (0) is chosen again while TCP has it taken.
fn bind_listening(
    addr: SocketAddr,
    tcp: bool,
) -> Result<(StdUdpSocket, Option<std::net::TcpListener>, SocketAddr), SimError> {
    let mut tries = 0;
    loop {
        let err = |source| SimError::Bind { addr, source };
        let socket = StdUdpSocket::bind(addr).map_err(err)?;
        socket.set_nonblocking(true).map_err(err)?;
        let local = socket.local_addr().map_err(err)?;
        if !tcp {
            return Ok((socket, None, local));
        }
        let listener = std::net::TcpListener::bind(local).and_then(|l| {
            l.set_nonblocking(true)?;
            Ok(l)
        });
        match listener {
            Ok(l) => return Ok((socket, Some(l), local)),
            Err(_) if addr.port() == 0 && tries < 64 => tries += 1,
            Err(source) => {
                return Err(SimError::Bind {
                    addr: local,
                    source,
                });
            }
        }
    }
}

/// The socket replies come from under [`SimulatorConfig::reply_from_address`]: `ip` on the port
/// of the listening socket at `local`, or on a free port when that one is taken.
fn bind_reply_address(
    ip: IpAddr,
    local: SocketAddr,
    bind: impl Fn(SocketAddr) -> io::Result<StdUdpSocket>,
) -> Result<StdUdpSocket, SimError> {
    let same_port = SocketAddr::new(ip, local.port());
    if ip.is_ipv4() != local.is_ipv4() {
        // The bind would work, but no reply could be sent to a peer of the other family.
        return Err(SimError::Bind {
            addr: same_port,
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("replies from {ip} cannot reach peers of {local}"),
            ),
        });
    }
    bind(same_port).or_else(|e| {
        tracing::debug!(addr = %same_port, error = %e, "reply port taken: a free one instead");
        let any_port = SocketAddr::new(ip, 0);
        bind(any_port).map_err(|source| SimError::Bind {
            addr: any_port,
            source,
        })
    })
}

/// A running simulator. Dropping it stops the simulator and waits for its thread.
#[derive(Debug)]
pub struct SimulatorHandle {
    addrs: Vec<SocketAddr>,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl SimulatorHandle {
    /// The addresses it listens on, one per configured listen address, in order.
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// The communities it serves, sorted.
    pub fn communities(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .shared
            .responders
            .keys()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        names.sort();
        names
    }

    /// What it has done so far.
    pub fn stats(&self) -> SimStats {
        self.shared.counters.snapshot()
    }

    /// Stops serving, closes the sockets and waits for the simulator's thread to end. Replies
    /// still waiting out a configured delay are not sent.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            // An error means the thread has already ended.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("the simulator thread panicked");
            }
        }
    }
}

impl Drop for SimulatorHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// What the serving tasks share with each other and the handle.
#[derive(Debug)]
struct Shared {
    /// One responder per community (its octets).
    responders: HashMap<Vec<u8>, Responder>,
    counters: Counters,
    loss: f64,
    delay: Duration,
    jitter: Duration,
    silent_after: Option<u64>,
    tcp_close_after: Option<u64>,
    /// The SNMPv3 agent, when users were given.
    usm: Option<usm::Usm>,
}

/// What one listen address holds: its UDP socket, the socket replies come from when that is
/// another one, and its TCP listener.
#[derive(Debug)]
struct Listening {
    socket: StdUdpSocket,
    other: Option<StdUdpSocket>,
    listener: Option<std::net::TcpListener>,
}

/// The simulator thread: a current-thread runtime with one task per listening socket, until
/// `stop` fires (or its sender is dropped).
fn serve(
    shared: Arc<Shared>,
    sockets: Vec<Listening>,
    seed: u64,
    stop: oneshot::Receiver<()>,
    ready: mpsc::Sender<io::Result<()>>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    runtime.block_on(async move {
        let mut tasks = Vec::with_capacity(sockets.len());
        for (index, listening) in sockets.into_iter().enumerate() {
            let Listening {
                socket,
                other,
                listener,
            } = listening;
            if let Some(listener) = listener {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => tasks.push(tokio::spawn(tcp::serve_listener(
                        shared.clone(),
                        l,
                        shared.tcp_close_after,
                    ))),
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                }
            }
            let convert = |s: StdUdpSocket| UdpSocket::from_std(s).map(Arc::new);
            let socket = match convert(socket) {
                Ok(s) => s,
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            };
            let reply_socket = match other.map(convert).transpose() {
                Ok(other) => other.unwrap_or_else(|| socket.clone()),
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            };
            let rng = XorShift::new(seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            tasks.push(tokio::spawn(serve_socket(
                shared.clone(),
                socket,
                reply_socket,
                rng,
            )));
        }
        let _ = ready.send(Ok(()));
        // Either a stop message or a dropped handle ends the simulator.
        let _ = stop.await;
        for task in tasks {
            task.abort();
        }
    });
    // Dropping the runtime cancels the tasks still waiting out a delay, and closes the sockets.
}

impl Shared {
    /// Answers one request `message` from `peer` into `out`, counting what happened. False
    /// when there is no reply: malformed, an unknown community, lost (`rng` draws the loss of
    /// a lossy transport), silent after `answered` replies, or dropped by the responder.
    fn answer(
        &self,
        message: &[u8],
        peer: SocketAddr,
        rng: Option<&mut XorShift>,
        answered: &mut u64,
        out: &mut Vec<u8>,
    ) -> bool {
        let counters = &self.counters;
        Counters::bump(&counters.requests);
        let responder = match read_message(message) {
            Err(e) if e.kind == DecodeErrorKind::UnsupportedVersion(3) && self.usm.is_some() => {
                return self.answer_v3(message, peer, rng, answered, out);
            }
            Ok(msg) => match self.responders.get(msg.community) {
                Some(responder) => responder,
                None => {
                    Counters::bump(&counters.unknown_community);
                    tracing::debug!(
                        %peer,
                        community = %String::from_utf8_lossy(msg.community),
                        "unknown community: no reply"
                    );
                    return false;
                }
            },
            Err(e) => {
                Counters::bump(&counters.malformed);
                tracing::debug!(%peer, error = %e, "malformed datagram");
                return false;
            }
        };
        let lost = rng.is_some_and(|rng| self.loss > 0.0 && rng.next_f64() < self.loss);
        if lost || self.silent_after.is_some_and(|n| *answered >= n) {
            Counters::bump(&counters.lost);
            return false;
        }
        match responder.respond(message, out) {
            Ok(Reply::Sent { .. }) => {}
            Ok(reply) => {
                Counters::bump(&counters.responder_dropped);
                tracing::debug!(%peer, ?reply, "responder dropped the request");
                return false;
            }
            Err(e) => {
                Counters::bump(&counters.malformed);
                tracing::debug!(%peer, error = %e, "malformed request");
                return false;
            }
        }
        Counters::bump(&counters.replies);
        *answered += 1;
        true
    }
}

/// Serves one listening socket forever.
async fn serve_socket(
    shared: Arc<Shared>,
    socket: Arc<UdpSocket>,
    reply_socket: Arc<UdpSocket>,
    mut rng: XorShift,
) {
    let mut buf = vec![0u8; RECV_BUFFER_LEN];
    let mut out = Vec::with_capacity(RECV_BUFFER_LEN);
    let counters = &shared.counters;
    // Replies this socket has sent, against `silent_after`.
    let mut answered = 0u64;
    loop {
        let (len, peer) = match socket.recv_from(&mut buf).await {
            Ok(received) => received,
            Err(e) => {
                // Transient (an ICMP error reported on the socket, say): keep serving.
                tracing::debug!(error = %e, "simulator recv failed");
                continue;
            }
        };
        let datagram = &buf[..len];
        if !shared.answer(datagram, peer, Some(&mut rng), &mut answered, &mut out) {
            continue;
        }
        let wait = shared.delay + rng.duration_up_to(shared.jitter);
        if wait.is_zero() {
            if let Err(e) = reply_socket.send_to(&out, peer).await {
                Counters::bump(&counters.send_errors);
                tracing::debug!(%peer, error = %e, "simulator send failed");
            }
        } else {
            let (shared, reply_socket, reply) = (shared.clone(), reply_socket.clone(), out.clone());
            tokio::spawn(async move {
                tokio::time::sleep(wait).await;
                if let Err(e) = reply_socket.send_to(&reply, peer).await {
                    Counters::bump(&shared.counters.send_errors);
                    tracing::debug!(%peer, error = %e, "simulator send failed");
                }
            });
        }
    }
}
