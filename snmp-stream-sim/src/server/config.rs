//! [`SimulatorConfig`]: where a simulator's data comes from, where it listens, which faults it
//! shows.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use snmp_stream_core::usm::Credentials;

use crate::{Faults, Mib};

/// How a [`Simulator`](crate::Simulator) is set up: where its data comes from, where it listens, which faults it
/// shows. Built with chained methods; everything is optional.
///
/// ```
/// use std::time::Duration;
/// use snmp_stream_sim::SimulatorConfig;
/// use snmp_stream_sim::Faults;
///
/// let config = SimulatorConfig::new()
///     .data_dir("data/snmpsim")
///     .ports(4) // four simulated devices on 127.0.0.1, each serving every community
///     .faults(Faults { bulk_cap: Some(100), ..Faults::default() })
///     .loss(0.01)
///     .delay(Duration::from_millis(5))
///     .jitter(Duration::from_millis(2))
///     .seed(7);
/// ```
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    pub(super) data_dir: Option<PathBuf>,
    pub(super) mibs: Vec<(String, Arc<Mib>)>,
    pub(super) listen: Vec<SocketAddr>,
    pub(super) faults: Faults,
    pub(super) loss: f64,
    pub(super) delay: Duration,
    pub(super) jitter: Duration,
    pub(super) reply_from_other_port: bool,
    pub(super) reply_from_address: Option<IpAddr>,
    pub(super) silent_after: Option<u64>,
    pub(super) tcp: bool,
    pub(super) tcp_close_after: Option<u64>,
    pub(super) v3_users: Vec<Credentials>,
    pub(super) engine_id: Vec<u8>,
    pub(super) engine_boots: u32,
    pub(super) seed: u64,
}

/// The simulator's default SNMPv3 engine ID: enterprise 8072 (net-snmp's), text format,
/// `snmp-stream-sim`.
pub const DEFAULT_ENGINE_ID: &[u8] = b"\x80\x00\x1f\x88\x04snmp-stream-sim";

impl Default for SimulatorConfig {
    fn default() -> Self {
        SimulatorConfig {
            data_dir: None,
            mibs: Vec::new(),
            listen: Vec::new(),
            faults: Faults::default(),
            loss: 0.0,
            delay: Duration::ZERO,
            jitter: Duration::ZERO,
            reply_from_other_port: false,
            reply_from_address: None,
            silent_after: None,
            tcp: false,
            tcp_close_after: None,
            v3_users: Vec::new(),
            engine_id: DEFAULT_ENGINE_ID.to_vec(),
            engine_boots: 1,
            seed: 0x5eed_5eed_5eed_5eed,
        }
    }
}

impl SimulatorConfig {
    /// No data, listening on one socket at 127.0.0.1 (an ephemeral port), no faults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serve every `.snmprec` file under `dir` (searched recursively), each under the community
    /// that is its path relative to `dir` without the extension, `/`-separated: community
    /// `recorded/linux-full-walk` serves `dir/recorded/linux-full-walk.snmprec`.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Serve `mib` under `community` too (in addition to, and taking precedence over, the data
    /// directory's files).
    pub fn mib(mut self, community: impl Into<String>, mib: Arc<Mib>) -> Self {
        self.mibs.push((community.into(), mib));
        self
    }

    /// Listen on `addr` as well (port 0 picks a free one). Without any `listen` or
    /// [`ports`](Self::ports), the simulator listens on `127.0.0.1:0`.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen.push(addr);
        self
    }

    /// Listen on `n` more sockets on `127.0.0.1`, each on a free port: `n` simulated devices
    /// serving the same data.
    pub fn ports(mut self, n: usize) -> Self {
        let any_loopback = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
        self.listen.extend(std::iter::repeat_n(any_loopback, n));
        self
    }

    /// The protocol-level faults every responder shows.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// The probability, in `[0, 1]`, that a request is lost (gets no reply).
    pub fn loss(mut self, probability: f64) -> Self {
        self.loss = probability;
        self
    }

    /// A fixed delay before each reply is sent.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// A random extra delay before each reply, uniform in `[0, jitter]`, added to
    /// [`delay`](Self::delay). Replies may then overtake each other.
    pub fn jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// Send each reply from a different socket than the one the request came to, so its source
    /// port is not the one the client sent to (a collector must drop such replies). Has no
    /// effect with [`reply_from_address`](Self::reply_from_address), which wins.
    pub fn reply_from_other_port(mut self, on: bool) -> Self {
        self.reply_from_other_port = on;
        self
    }

    /// Send each reply from a socket bound to `ip` on the port the request came to, so it comes
    /// from another address of the same host (a multi-homed agent answering from another
    /// interface; Linux loopback takes 127.0.0.2 without setup). When that port is taken on
    /// `ip` (when `ip` is the listening address itself, say) the reply socket takes a free
    /// one. `ip` must be of the listening addresses' family: [`Simulator::start`](crate::Simulator::start) fails with
    /// [`SimError::Bind`](crate::SimError::Bind) otherwise. Wins over
    /// [`reply_from_other_port`](Self::reply_from_other_port).
    pub fn reply_from_address(mut self, ip: IpAddr) -> Self {
        self.reply_from_address = Some(ip);
        self
    }

    /// Each listening socket (each simulated device) answers its first `replies` requests,
    /// then no more: a device that goes down in the middle of a collection. The requests it
    /// leaves unanswered count as lost.
    pub fn silent_after(mut self, replies: u64) -> Self {
        self.silent_after = Some(replies);
        self
    }

    /// Also serve over TCP (RFC 3430): a TCP listener on each UDP socket's address and port
    /// (an ephemeral UDP port is chosen again until TCP has it free too), with the same data
    /// and protocol faults. Of the transport faults only the delay applies (no loss, no
    /// jitter); `silent_after` counts the listener's replies apart from the UDP socket's.
    pub fn tcp(mut self, on: bool) -> Self {
        self.tcp = on;
        self
    }

    /// Close each TCP connection after it carried `replies` replies (at least one), as agents
    /// that limit a connection's life do; the client reconnects for the rest. Implies
    /// [`tcp`](Self::tcp).
    pub fn tcp_close_after(mut self, replies: u64) -> Self {
        self.tcp = true;
        self.tcp_close_after = Some(replies);
        self
    }

    /// Also answer SNMPv3 for `user` (its keys are localized to the simulator's engine ID); the
    /// recording is picked by contextName as v1/v2c picks it by community (an empty context
    /// serves the only recording, when there is one).
    pub fn v3_user(mut self, user: Credentials) -> Self {
        self.v3_users.push(user);
        self
    }

    /// The SNMPv3 engine ID ([`DEFAULT_ENGINE_ID`] by default).
    pub fn engine_id(mut self, id: impl Into<Vec<u8>>) -> Self {
        self.engine_id = id.into();
        self
    }

    /// The SNMPv3 engine boots (1 by default): the simulated device rebooted that often.
    pub fn engine_boots(mut self, boots: u32) -> Self {
        self.engine_boots = boots;
        self
    }

    /// The seed of the random choices (loss, jitter), for reproducible runs.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}
