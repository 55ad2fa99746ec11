//! Where finished responses go: a channel from the actors to the [`SessionManager`]'s caller,
//! with the accounting the supervisor's backpressure reads.
//!
//! [`SessionManager`]: crate::SessionManager

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicUsize};

use snmp_stream_core::Response;
use tokio::sync::mpsc::UnboundedSender;

use crate::stats::Counters;

/// State shared by the caller's side and the actors.
#[derive(Debug)]
pub(crate) struct Shared {
    pub counters: Arc<Counters>,
    /// Wireline bytes of responses emitted and not yet taken by the caller.
    pub buffered_bytes: AtomicUsize,
    /// Above this many buffered bytes the supervisor starts no new hosts.
    pub max_buffered_bytes: usize,
    /// Responses expected (request partitions accepted) and not yet taken by the caller.
    pub outstanding: AtomicUsize,
    /// Set by the supervisor when it paused for the caller to take responses; the caller
    /// clears it and wakes the supervisor.
    pub paused: AtomicBool,
    /// Local addresses the shared sockets bind to, per family (none: the unspecified one).
    pub bind: Vec<IpAddr>,
}

impl Shared {
    pub(crate) fn new(max_buffered_bytes: usize, bind: Vec<IpAddr>) -> Shared {
        Shared {
            counters: Arc::new(Counters::default()),
            buffered_bytes: AtomicUsize::new(0),
            max_buffered_bytes,
            outstanding: AtomicUsize::new(0),
            paused: AtomicBool::new(false),
            bind,
        }
    }

    /// True when the caller has more than the limit to take.
    pub(crate) fn over_limit(&self) -> bool {
        self.buffered_bytes.load(SeqCst) >= self.max_buffered_bytes
    }

    /// Called by the supervisor before it starts a host: true when it must wait for the
    /// caller. It raises `paused` *before* looking at the buffer, and the caller lowers the
    /// buffer before looking at `paused` (both sequentially consistent), so one of them always
    /// sees the other: a pause is never missed by the caller's wake-up.
    pub(crate) fn pause_if_over_limit(&self) -> bool {
        if !self.over_limit() {
            return false;
        }
        self.paused.store(true, SeqCst);
        if self.over_limit() {
            return true;
        }
        self.paused.store(false, SeqCst);
        false
    }

    /// Accounts for a response the caller took; true when the supervisor was paused and
    /// should be woken.
    pub(crate) fn taken(&self, response: &Response) -> bool {
        self.buffered_bytes
            .fetch_sub(response.buffer.len_bytes(), SeqCst);
        self.outstanding.fetch_sub(1, SeqCst);
        !self.over_limit() && self.paused.swap(false, SeqCst)
    }
}

/// The sending side, cloned into every actor.
#[derive(Debug, Clone)]
pub(crate) struct Output {
    tx: UnboundedSender<Response>,
    shared: Arc<Shared>,
}

impl Output {
    pub(crate) fn new(tx: UnboundedSender<Response>, shared: Arc<Shared>) -> Output {
        Output { tx, shared }
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Hands a finished response to the caller.
    pub(crate) fn emit(&self, response: Response) {
        self.shared
            .buffered_bytes
            .fetch_add(response.buffer.len_bytes(), SeqCst);
        self.shared.counters.responses.fetch_add(1, Relaxed);
        // A closed channel means the caller dropped the manager: nobody wants the response.
        let _ = self.tx.send(response);
    }
}
