//! [`SessionManager`]: the collector's public face, in the seed's shape — queue requests,
//! `run()` until every response is in — plus an async stream and a bounded [`Submitter`].
//!
//! The manager starts its own actix system on a thread of its own (and one more thread per
//! arbiter), so callers need not know actix: it works from plain synchronous code and from
//! inside any tokio runtime alike.

use std::future::Future;
use std::net::IpAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::JoinHandle;

use actix::{Actor, Addr, Arbiter, System};
use snmp_stream_core::request::RequestError;
use snmp_stream_core::{Config, Host, Oid, Request, Response, Security};
use tokio::sync::Semaphore;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::output::{Output, Shared};
use crate::stats::CollectorStats;
use crate::supervisor::{Drained, Submit, Supervisor};

/// Why the collector could not start or take a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CollectorError {
    /// The request is invalid (its overrides on top of the collector's config, or how it was
    /// built).
    #[error("invalid request: {0}")]
    Request(#[from] RequestError),
    /// The collector's threads could not be started.
    #[error("cannot start the collector: {0}")]
    Start(std::io::Error),
    /// The collector has stopped (its runtime ended); it takes no more requests.
    #[error("the collector has stopped")]
    Stopped,
    /// The bounded submit queue is full ([`Submitter::try_submit`]).
    #[error("the submit queue is full")]
    QueueFull,
}

/// Settings of the runtime around the [`Config`]: threads and memory bounds.
#[derive(Debug, Clone)]
pub struct ManagerBuilder {
    config: Config,
    arbiters: usize,
    max_buffered_bytes: usize,
    queue_capacity: usize,
    bind: Vec<IpAddr>,
}

impl ManagerBuilder {
    /// Event-loop threads the hosts are spread over (default: the available cores).
    pub fn arbiters(mut self, n: usize) -> Self {
        self.arbiters = n.max(1);
        self
    }

    /// Wireline bytes of finished responses the caller may leave untaken before the collector
    /// stops starting new hosts (default 256 MiB). Running hosts go on; this bounds memory when
    /// the caller consumes more slowly than the network delivers.
    pub fn max_buffered_bytes(mut self, bytes: usize) -> Self {
        self.max_buffered_bytes = bytes.max(1);
        self
    }

    /// Sends from this local address (the source address agents see, for agents that allow
    /// only some managers; net-snmp's `clientaddr`). One per address family; a host of a
    /// family with no bind address is reached from the unspecified address. A host the
    /// address cannot reach fails with a send error.
    pub fn bind(mut self, addr: IpAddr) -> Self {
        self.bind.retain(|a| a.is_ipv4() != addr.is_ipv4());
        self.bind.push(addr);
        self
    }

    /// Requests a [`Submitter`] may queue before `submit` waits (default 10,000).
    /// [`SessionManager::add_request`] is not bounded by it.
    pub fn queue_capacity(mut self, n: usize) -> Self {
        self.queue_capacity = n.max(1);
        self
    }

    /// Starts the collector's threads.
    pub fn start(self) -> Result<SessionManager, CollectorError> {
        SessionManager::start(self)
    }
}

/// A running collector. See the [crate docs](crate) for an example.
///
/// Requests go in with [`add_request`](Self::add_request) (or a [`Submitter`]); responses come
/// out — one per request, or one per index-range partition of a ranged walk — from
/// [`run`](Self::run) (blocking, in batches), [`next_response`](Self::next_response) (async)
/// or [`responses`](Self::responses) (a `Stream`). Each response is handed out as soon as it
/// is finished. Dropping the manager stops its threads; requests still running end as
/// [`Cancelled`](snmp_stream_core::CollectError::Cancelled).
#[derive(Debug)]
pub struct SessionManager {
    /// The way in, shared with the [`Submitter`]s handed out.
    submitter: Submitter,
    system: System,
    thread: Option<JoinHandle<()>>,
    rx: UnboundedReceiver<Response>,
}

impl SessionManager {
    /// Starts a collector with `config` and the default runtime settings (see
    /// [`SessionManager::builder`]).
    pub fn new(config: Config) -> Result<SessionManager, CollectorError> {
        Self::builder(config).start()
    }

    /// A collector with `config`, to adjust its runtime settings before starting it.
    pub fn builder(config: Config) -> ManagerBuilder {
        ManagerBuilder {
            config,
            arbiters: std::thread::available_parallelism().map_or(1, |n| n.get()),
            max_buffered_bytes: 256 << 20,
            bind: Vec::new(),
            queue_capacity: 10_000,
        }
    }

    fn start(b: ManagerBuilder) -> Result<SessionManager, CollectorError> {
        let shared = Arc::new(Shared::new(b.max_buffered_bytes, b.bind.clone()));
        let (tx, rx) = unbounded_channel();
        let output = Output::new(tx, shared.clone());
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (config, arbiters) = (b.config.clone(), b.arbiters);
        let thread = std::thread::Builder::new()
            .name("snmp-stream".into())
            .spawn(move || {
                let runner = System::new();
                let (arbiters, supervisor) = runner.block_on(async move {
                    let arbiters: Vec<Arbiter> = (0..arbiters).map(|_| Arbiter::new()).collect();
                    let handles = arbiters.iter().map(Arbiter::handle).collect();
                    let supervisor = Supervisor::new(config, handles, output).start();
                    (arbiters, supervisor)
                });
                if ready_tx.send((System::current(), supervisor)).is_err() {
                    return;
                }
                if let Err(e) = runner.run() {
                    tracing::error!(error = %e, "collector runtime ended with an error");
                }
                for arbiter in arbiters {
                    arbiter.stop();
                    let _ = arbiter.join();
                }
            })
            .map_err(CollectorError::Start)?;
        let (system, supervisor) = ready_rx.recv().map_err(|_| {
            CollectorError::Start(std::io::Error::other(
                "the collector thread failed to start",
            ))
        })?;
        Ok(SessionManager {
            submitter: Submitter {
                config: b.config,
                shared,
                supervisor,
                queue: Arc::new(Semaphore::new(b.queue_capacity)),
            },
            system,
            thread: Some(thread),
            rx,
        })
    }

    /// Queues a request; it starts as soon as its host gets a session slot.
    ///
    /// Fails when the request's config overrides are invalid on top of the collector's config.
    /// Does not block: queued requests are held in memory until their host starts (use a
    /// [`Submitter`] to bound that).
    pub fn add_request(&self, request: impl Into<Arc<Request>>) -> Result<(), CollectorError> {
        let request = request.into();
        self.submitter.validate(&request)?;
        self.submitter.send(request, None)
    }

    /// A handle that submits requests through a bounded queue, from any thread or task.
    pub fn submitter(&self) -> Submitter {
        self.submitter.clone()
    }

    /// Blocks until at least one response is finished, and returns every finished one; `None`
    /// when no request is outstanding (every response has been returned).
    ///
    /// Safe to call from any thread, including one running an async runtime (it then blocks
    /// that thread; prefer [`next_response`](Self::next_response) there).
    pub fn run(&mut self) -> Option<Vec<Response>> {
        let first = block_on(self.next_response())?;
        let mut batch = vec![first];
        while let Ok(r) = self.rx.try_recv() {
            batch.push(self.take(r));
        }
        Some(batch)
    }

    /// The next finished response; `None` when no request is outstanding.
    pub async fn next_response(&mut self) -> Option<Response> {
        if self.outstanding() == 0 {
            return None;
        }
        let r = self.rx.recv().await?;
        Some(self.take(r))
    }

    /// The finished responses as a [`Stream`](futures_core::Stream), ending when no request
    /// is outstanding.
    pub fn responses(&mut self) -> Responses<'_> {
        Responses { manager: self }
    }

    /// Requests accepted whose responses have not all been returned yet, in responses.
    pub fn outstanding(&self) -> usize {
        self.submitter.shared.outstanding.load(SeqCst)
    }

    /// The collector's counters.
    pub fn stats(&self) -> CollectorStats {
        self.submitter.shared.counters.snapshot()
    }

    /// The collector's config.
    pub fn config(&self) -> &Config {
        &self.submitter.config
    }

    fn take(&self, response: Response) -> Response {
        if self.submitter.shared.taken(&response) {
            self.submitter.supervisor.do_send(Drained);
        }
        response
    }

    /// Stops the collector and waits for its threads; requests still running are dropped.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.system.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SessionManager {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Submits requests to a [`SessionManager`] through a bounded queue: `submit` waits while
/// `queue_capacity` requests are queued and not yet started, so a producer cannot run ahead of
/// the collector without bound. Cheap to clone; usable from any thread or task.
#[derive(Debug, Clone)]
pub struct Submitter {
    config: Config,
    shared: Arc<Shared>,
    supervisor: Addr<Supervisor>,
    queue: Arc<Semaphore>,
}

impl Submitter {
    /// The collector's counters, as [`SessionManager::stats`] reads them: from any thread,
    /// while the manager is busy in [`run`](SessionManager::run) (a progress display).
    pub fn stats(&self) -> CollectorStats {
        self.shared.counters.snapshot()
    }

    /// Queues a request, waiting for room in the queue first.
    pub async fn submit(&self, request: impl Into<Arc<Request>>) -> Result<(), CollectorError> {
        let request = request.into();
        self.validate(&request)?;
        let permit = self
            .queue
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| CollectorError::Stopped)?;
        self.send(request, Some(permit))
    }

    /// Queues a request if there is room now; [`CollectorError::QueueFull`] otherwise.
    pub fn try_submit(&self, request: impl Into<Arc<Request>>) -> Result<(), CollectorError> {
        let request = request.into();
        self.validate(&request)?;
        let permit = self
            .queue
            .clone()
            .try_acquire_owned()
            .map_err(|_| CollectorError::QueueFull)?;
        self.send(request, Some(permit))
    }

    /// The request's overrides must hold on top of the collector's config: the host actor
    /// relies on it.
    fn validate(&self, request: &Request) -> Result<(), CollectorError> {
        self.config
            .with_overrides(request.config())
            .map_err(RequestError::from)?;
        Ok(())
    }

    /// Counts the responses a validated request will yield and hands it to the supervisor.
    fn send(
        &self,
        request: Arc<Request>,
        permit: Option<tokio::sync::OwnedSemaphorePermit>,
    ) -> Result<(), CollectorError> {
        if !self.supervisor.connected() {
            return Err(CollectorError::Stopped);
        }
        self.shared
            .outstanding
            .fetch_add(request.partitions().len(), SeqCst);
        self.shared.counters.requests.fetch_add(1, Relaxed);
        self.supervisor.do_send(Submit {
            request,
            _permit: permit,
        });
        Ok(())
    }
}

/// The responses of a [`SessionManager`] as a stream; see [`SessionManager::responses`].
#[derive(Debug)]
pub struct Responses<'a> {
    manager: &'a mut SessionManager,
}

impl futures_core::Stream for Responses<'_> {
    type Item = Response;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Response>> {
        let manager = &mut *self.get_mut().manager;
        if manager.outstanding() == 0 {
            return Poll::Ready(None);
        }
        manager.rx.poll_recv(cx).map(|r| r.map(|r| manager.take(r)))
    }
}

/// WALKs `oids` on `host` with the default config and returns the response: a one-call
/// collector for scripts and tests.
pub fn walk(
    host: Host,
    security: impl Into<Security>,
    oids: Vec<Oid>,
) -> Result<Response, CollectorError> {
    one_request(Request::walk(host, security, oids).build()?)
}

/// GETs `oids` on `host` with the default config and returns the response.
pub fn get(
    host: Host,
    security: impl Into<Security>,
    oids: Vec<Oid>,
) -> Result<Response, CollectorError> {
    one_request(Request::get(host, security, oids).build()?)
}

fn one_request(request: Request) -> Result<Response, CollectorError> {
    let mut manager = SessionManager::builder(Config::default())
        .arbiters(1)
        .start()?;
    manager.add_request(request)?;
    let mut responses = Vec::new();
    while let Some(batch) = manager.run() {
        responses.extend(batch);
    }
    responses.pop().ok_or(CollectorError::Stopped)
}

/// Runs a future to completion on the current thread, parking it between polls. Needs no
/// runtime: the channel it waits on is woken from the collector's threads.
fn block_on<F: Future>(fut: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}
