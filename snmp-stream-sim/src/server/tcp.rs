//! The simulator's TCP transport (RFC 3430), beside each UDP socket when
//! [`SimulatorConfig::tcp`](super::SimulatorConfig::tcp) is on: the same port number, the
//! same data and faults; messages are split out of each connection's byte stream and answered
//! in order on it.
//!
//! Of the transport faults, loss and jitter do not apply (TCP does not lose messages); a delay
//! holds each reply in turn, as an agent answering one request at a time does; `silent_after`
//! counts the replies of all connections to the listener, apart from the UDP socket's. `tcp_close_after` closes a
//! connection after that many replies, as agents that limit a connection's life do.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use snmp_stream_core::ber::stream::MessageFramer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{Counters, Shared};

/// Accepts connections forever, serving each on a task of its own.
pub(super) async fn serve_listener(
    shared: Arc<Shared>,
    listener: TcpListener,
    close_after: Option<u64>,
) {
    let answered = Arc::new(AtomicU64::new(0));
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                tracing::debug!(%peer, "simulator TCP connection");
                let (shared, answered) = (shared.clone(), answered.clone());
                tokio::spawn(serve_connection(
                    shared,
                    stream,
                    peer,
                    answered,
                    close_after,
                ));
            }
            Err(e) => {
                tracing::debug!(error = %e, "simulator accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        }
    }
}

/// Answers the requests of one connection until the peer closes it, it fails, its stream
/// cannot be split into messages, or `close_after` replies were sent on it.
async fn serve_connection(
    shared: Arc<Shared>,
    mut stream: TcpStream,
    peer: SocketAddr,
    answered: Arc<AtomicU64>,
    close_after: Option<u64>,
) {
    let mut framer = MessageFramer::default();
    let mut buf = vec![0u8; 16 * 1024];
    let mut out = Vec::new();
    let mut replies = 0u64;
    loop {
        let n = match stream.read(&mut buf).await {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) => {
                tracing::debug!(%peer, error = %e, "simulator TCP read failed");
                return;
            }
        };
        framer.push(&buf[..n]);
        loop {
            let message = match framer.next_message() {
                Ok(Some(message)) => message,
                Ok(None) => break,
                Err(e) => {
                    Counters::bump(&shared.counters.malformed);
                    tracing::debug!(%peer, error = %e, "simulator TCP stream unusable: closed");
                    return;
                }
            };
            let mut count = answered.load(Ordering::Relaxed);
            if !shared.answer(message, peer, None, &mut count, &mut out) {
                continue;
            }
            answered.fetch_add(1, Ordering::Relaxed);
            if !shared.delay.is_zero() {
                tokio::time::sleep(shared.delay).await;
            }
            if let Err(e) = stream.write_all(&out).await {
                Counters::bump(&shared.counters.send_errors);
                tracing::debug!(%peer, error = %e, "simulator TCP write failed");
                return;
            }
            replies += 1;
            if close_after.is_some_and(|n| replies >= n) {
                tracing::debug!(%peer, replies, "simulator closes the TCP connection");
                return;
            }
        }
    }
}
