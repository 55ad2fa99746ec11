//! The TCP transport of one host actor (RFC 3430), for `tcp:` hosts: one connection per host
//! actor, opened when the first message is due, messages written back to back, replies split
//! out of the byte stream by the core's [`MessageFramer`] and handed to the actor as
//! datagrams are.
//!
//! The session above does not know the transport. A retry it sends goes on the same
//! connection. When the agent closes the connection, or it fails, the link is down: the session
//! resends what was in flight at once, each PDU as one of its retries (one with no retry left
//! waits for its timer and then takes the host down as a timeout), and the first of those
//! opens a new connection. A connection that cannot be made fails the host with
//! [`CollectError::Connect`]: refused or unreachable at once, or not established within
//! timeout × (retries + 1) of the collector's config, the time UDP would have tried.
//!
//! [`CollectError::Connect`]: snmp_stream_core::CollectError::Connect

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use actix::{Addr, Message};
use snmp_stream_core::ber::stream::MessageFramer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::host::{Datagram, HostActor};
use crate::stats::Counters;

/// Read size for the stream: a typical GETBULK reply in one read.
const READ_CHUNK: usize = 16 * 1024;

/// What the link's tasks tell their actor; `generation` tells one connection from a later one.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct TcpEvent {
    pub generation: u64,
    pub kind: TcpEventKind,
}

/// See [`TcpEvent`].
#[derive(Debug)]
pub(crate) enum TcpEventKind {
    /// The connection is up.
    Connected(TcpStream),
    /// It could not be made.
    ConnectFailed(io::Error),
    /// It ended: the agent closed it (`None`), or reading or writing failed.
    Closed(Option<io::Error>),
}

/// What an event of the link means for the host's session.
#[derive(Debug)]
pub(crate) enum LinkChange {
    /// Nothing.
    None,
    /// No connection could be made: the host fails with this error.
    ConnectFailed(io::Error),
    /// The connection ended: what was in flight on it is lost, and is resent on a new one.
    Lost,
}

/// One host actor's connection to its agent.
#[derive(Debug)]
pub(crate) struct TcpLink {
    peer: SocketAddr,
    /// The local address to connect from, when one is configured for the peer's family.
    bind: Option<IpAddr>,
    connect_timeout: Duration,
    generation: u64,
    state: State,
    counters: Arc<Counters>,
}

#[derive(Debug)]
enum State {
    Down,
    /// Connecting (the task making the connection); the messages due meanwhile, in order.
    Connecting(JoinHandle<()>, Vec<Vec<u8>>),
    Up {
        writer: mpsc::UnboundedSender<Vec<u8>>,
        tasks: [JoinHandle<()>; 2],
    },
}

impl TcpLink {
    pub(crate) fn new(
        peer: SocketAddr,
        bind: &[IpAddr],
        connect_timeout: Duration,
        counters: Arc<Counters>,
    ) -> Self {
        TcpLink {
            peer,
            bind: bind.iter().copied().find(|a| a.is_ipv4() == peer.is_ipv4()),
            connect_timeout,
            generation: 0,
            state: State::Down,
            counters,
        }
    }

    /// Sends `message`, connecting first when the link is down.
    pub(crate) fn send(&mut self, message: &[u8], actor: &Addr<HostActor>) {
        match &mut self.state {
            State::Up { writer, .. } => {
                // A send fails only once the writer has ended, and then its Closed event is
                // on its way: the message is lost like a dropped datagram, and retried.
                let _ = writer.send(message.to_vec());
            }
            State::Connecting(_, queued) => queued.push(message.to_vec()),
            State::Down => {
                self.generation += 1;
                let (peer, bind, timeout) = (self.peer, self.bind, self.connect_timeout);
                let (generation, actor) = (self.generation, actor.clone());
                let task = actix::spawn(async move {
                    let kind = match tokio::time::timeout(timeout, connect(peer, bind)).await {
                        Ok(Ok(stream)) => TcpEventKind::Connected(stream),
                        Ok(Err(e)) => TcpEventKind::ConnectFailed(e),
                        Err(_) => TcpEventKind::ConnectFailed(io::ErrorKind::TimedOut.into()),
                    };
                    actor.do_send(TcpEvent { generation, kind });
                });
                self.state = State::Connecting(task, vec![message.to_vec()]);
            }
        }
    }

    /// Takes in an event of the link's tasks, and says what it means for the session; stale
    /// events (of an earlier connection) mean nothing.
    pub(crate) fn handle(&mut self, event: TcpEvent, actor: &Addr<HostActor>) -> LinkChange {
        if event.generation != self.generation {
            return LinkChange::None;
        }
        match event.kind {
            TcpEventKind::Connected(stream) => {
                let State::Connecting(_, queued) = std::mem::replace(&mut self.state, State::Down)
                else {
                    return LinkChange::None;
                };
                tracing::debug!(peer = %self.peer, "TCP connection up");
                self.counters.tcp_connects.fetch_add(1, Relaxed);
                let (writer, tasks) = start(
                    stream,
                    queued,
                    self.generation,
                    actor.clone(),
                    self.counters.clone(),
                );
                self.state = State::Up { writer, tasks };
                LinkChange::None
            }
            TcpEventKind::ConnectFailed(e) => {
                self.state = State::Down;
                LinkChange::ConnectFailed(e)
            }
            TcpEventKind::Closed(error) => {
                match error {
                    None => {
                        tracing::debug!(peer = %self.peer, "the agent closed the TCP connection; the next message reconnects")
                    }
                    Some(e) => {
                        tracing::debug!(peer = %self.peer, error = %e, "TCP connection failed; the next message reconnects")
                    }
                }
                self.counters.tcp_closes.fetch_add(1, Relaxed);
                self.close();
                LinkChange::Lost
            }
        }
    }

    /// Closes the connection, if one is up or being made.
    pub(crate) fn close(&mut self) {
        match &self.state {
            State::Up { tasks, .. } => tasks.iter().for_each(JoinHandle::abort),
            State::Connecting(task, _) => task.abort(),
            State::Down => {}
        }
        self.state = State::Down;
        // Events of the closed connection are stale from now on.
        self.generation += 1;
    }
}

impl Drop for TcpLink {
    fn drop(&mut self) {
        self.close();
    }
}

/// Connects to `peer`, from `bind` when given.
async fn connect(peer: SocketAddr, bind: Option<IpAddr>) -> io::Result<TcpStream> {
    let socket = match peer {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    if let Some(ip) = bind {
        socket.bind(SocketAddr::new(ip, 0))?;
    }
    socket.set_nodelay(true)?;
    socket.connect(peer).await
}

/// Starts the writer (sending `queued` first) and the reader of a connection.
fn start(
    stream: TcpStream,
    queued: Vec<Vec<u8>>,
    generation: u64,
    actor: Addr<HostActor>,
    counters: Arc<Counters>,
) -> (mpsc::UnboundedSender<Vec<u8>>, [JoinHandle<()>; 2]) {
    let (mut read, mut write) = stream.into_split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
    for message in queued {
        let _ = tx.send(message);
    }
    let closed = move |error| TcpEvent {
        generation,
        kind: TcpEventKind::Closed(error),
    };
    let writer_actor = actor.clone();
    let writer = actix::spawn(async move {
        while let Some(message) = rx.recv().await {
            if let Err(e) = write.write_all(&message).await {
                writer_actor.do_send(closed(Some(e)));
                return;
            }
        }
    });
    let reader = actix::spawn(async move {
        let mut framer = MessageFramer::default();
        let mut buf = vec![0u8; READ_CHUNK];
        loop {
            let n = match read.read(&mut buf).await {
                Ok(0) => return actor.do_send(closed(None)),
                Ok(n) => n,
                Err(e) => return actor.do_send(closed(Some(e))),
            };
            framer.push(&buf[..n]);
            loop {
                match framer.next_message() {
                    Ok(Some(message)) => {
                        counters.datagrams_received.fetch_add(1, Relaxed);
                        actor.do_send(Datagram {
                            bytes: message.to_vec(),
                            from_other_address: false,
                        });
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot split the agent's TCP stream into messages: closing the connection");
                        let e = io::Error::new(io::ErrorKind::InvalidData, e);
                        return actor.do_send(closed(Some(e)));
                    }
                }
            }
        }
    });
    (tx, [writer, reader])
}
