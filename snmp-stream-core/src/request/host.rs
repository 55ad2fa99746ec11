//! [`Host`]: a target's transport, name or address and port, as typed in net-snmp's spelling
//! (`router1`, `192.0.2.1:1161`, `[2001:db8::1]:161`, `tcp:router1`, `udp6:router1:1161`).

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// The standard SNMP agent port (RFC 3417 §3; the same for TCP, RFC 3430 §2).
pub const DEFAULT_PORT: u16 = 161;

/// A target agent: a transport, a host name or address, and a port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Host {
    name: HostName,
    port: u16,
    transport: Transport,
    /// The address family a DNS name must resolve to (`udp6:`/`tcp6:` IPv6); `None` for
    /// either, IPv4 first. Always `None` for an address, whose family is its own.
    family: Option<Family>,
}

/// A host name still to be resolved, or an address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HostName {
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
    /// A DNS name, resolved when the request runs.
    Dns(String),
}

/// How messages reach the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Transport {
    /// One datagram per message (RFC 3417 §2): the default.
    #[default]
    Udp,
    /// One TCP connection per host, messages back to back on it (RFC 3430), for agents that
    /// offer it: a reply is not bounded by a datagram's size, so huge tables need no tooBig
    /// splitting.
    Tcp,
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
        })
    }
}

/// An IP address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Family {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

impl Family {
    /// Whether `addr` is of this family.
    pub fn contains(self, addr: IpAddr) -> bool {
        match self {
            Family::V4 => addr.is_ipv4(),
            Family::V6 => addr.is_ipv6(),
        }
    }
}

/// A host that cannot be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// Nothing given.
    #[error("empty host")]
    Empty,
    /// The port is not a number from 1 to 65535.
    #[error("port is not a number from 1 to 65535")]
    BadPort,
    /// A `[` without its `]`, or text after `]` other than `:PORT`.
    #[error("unbalanced brackets around an IPv6 address")]
    BadBrackets,
    /// A name with characters DNS names do not have, or bracketed text that is not IPv6.
    #[error("not a host name or IP address")]
    BadName,
    /// An IPv4 address after an IPv6 prefix (`udp6:192.0.2.1`).
    #[error("an IPv4 address after an IPv6 transport prefix (udp6:, tcp6:)")]
    WrongFamily,
}

/// The transport prefixes net-snmp accepts, case-insensitively, and what they mean. `udp:` and
/// `tcp:` take either family here (net-snmp's take IPv4 only): `tcp:[::1]` is TCP to `::1`,
/// and a name resolves IPv4 first.
const PREFIXES: [(&str, Transport, Option<Family>); 8] = [
    ("udp", Transport::Udp, None),
    ("udp6", Transport::Udp, Some(Family::V6)),
    ("udpv6", Transport::Udp, Some(Family::V6)),
    ("udpipv6", Transport::Udp, Some(Family::V6)),
    ("tcp", Transport::Tcp, None),
    ("tcp6", Transport::Tcp, Some(Family::V6)),
    ("tcpv6", Transport::Tcp, Some(Family::V6)),
    ("tcpipv6", Transport::Tcp, Some(Family::V6)),
];

impl Host {
    /// A host at an address, over UDP.
    pub fn ip(addr: IpAddr, port: u16) -> Self {
        Host {
            name: HostName::Ip(addr),
            port,
            transport: Transport::Udp,
            family: None,
        }
    }

    /// The same host over `transport`.
    pub fn with_transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// The name or address.
    pub fn name(&self) -> &HostName {
        &self.name
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// UDP or TCP.
    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// The family a DNS name must resolve to, when its prefix names one (`udp6:`, `tcp6:`:
    /// IPv6); `None` for either, IPv4 first.
    pub fn family(&self) -> Option<Family> {
        self.family
    }

    /// Parses `[TRANSPORT:]HOST[:PORT]`: `HOST`, `HOST:PORT`, `IPV4[:PORT]`, `IPV6` or
    /// `[IPV6]:PORT`, after an optional transport prefix in net-snmp's spelling: `udp:` and
    /// `tcp:` (either family), `udp6:` and `tcp6:` (IPv6 only); without one, UDP. The port
    /// defaults to 161.
    pub fn parse(s: &str) -> Result<Self, HostError> {
        s.parse()
    }
}

/// Splits a known transport prefix off `s`.
fn split_prefix(s: &str) -> Option<(Transport, Option<Family>, &str)> {
    let (prefix, rest) = s.split_once(':')?;
    let (_, transport, family) = PREFIXES
        .iter()
        .find(|(p, _, _)| p.eq_ignore_ascii_case(prefix))?;
    // `tcp:161` is the host `tcp` on port 161, as before prefixes existed; `tcp:[::1]` and
    // `udp6:::1` are prefixed.
    if rest.is_empty() || rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((*transport, *family, rest))
}

impl FromStr for Host {
    type Err = HostError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (transport, family, rest) = match split_prefix(s) {
            Some((t, f, rest)) => (t, f, rest),
            None => (Transport::Udp, None, s),
        };
        let mut host = parse_address(rest)?;
        host.transport = transport;
        match (&host.name, family) {
            (HostName::Ip(ip), Some(f)) if !f.contains(*ip) => return Err(HostError::WrongFamily),
            (HostName::Dns(_), f) => host.family = f,
            _ => {}
        }
        Ok(host)
    }
}

/// Parses `HOST[:PORT]` without a transport prefix, as a UDP host.
fn parse_address(s: &str) -> Result<Host, HostError> {
    if s.is_empty() {
        return Err(HostError::Empty);
    }
    let parse_port = |p: &str| match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(HostError::BadPort),
        Ok(p) => Ok(p),
    };
    if let Some(rest) = s.strip_prefix('[') {
        let (addr, after) = rest.split_once(']').ok_or(HostError::BadBrackets)?;
        let port = match after {
            "" => DEFAULT_PORT,
            _ => parse_port(after.strip_prefix(':').ok_or(HostError::BadBrackets)?)?,
        };
        let addr: std::net::Ipv6Addr = addr.parse().map_err(|_| HostError::BadName)?;
        return Ok(Host::ip(IpAddr::V6(addr), port));
    }
    // A bare IPv6 address has several colons and takes no port.
    if let Ok(addr) = s.parse::<IpAddr>() {
        return Ok(Host::ip(addr, DEFAULT_PORT));
    }
    let (name, port) = match s.rsplit_once(':') {
        Some((name, port)) => (name, parse_port(port)?),
        None => (s, DEFAULT_PORT),
    };
    if let Ok(addr) = name.parse::<IpAddr>() {
        return Ok(Host::ip(addr, port));
    }
    // Digits and dots only is a mistyped address (`10.0.0`, `10.0.0.256`), not a name: no
    // top-level domain is numeric.
    let valid = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        && !name.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if !valid {
        return Err(HostError::BadName);
    }
    Ok(Host {
        name: HostName::Dns(name.to_owned()),
        port,
        transport: Transport::Udp,
        family: None,
    })
}

impl fmt::Display for Host {
    /// `[PREFIX:]NAME:PORT`, which parses back to the same host. UDP to an address or to a
    /// name of either family has no prefix, as before transports were added.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match (self.transport, self.family) {
            (Transport::Udp, None) => "",
            (Transport::Udp, Some(_)) => "udp6:",
            (Transport::Tcp, None) => "tcp:",
            (Transport::Tcp, Some(_)) => "tcp6:",
        };
        f.write_str(prefix)?;
        match &self.name {
            HostName::Ip(IpAddr::V6(a)) => write!(f, "[{a}]:{}", self.port),
            HostName::Ip(IpAddr::V4(a)) => write!(f, "{a}:{}", self.port),
            HostName::Dns(n) => write!(f, "{n}:{}", self.port),
        }
    }
}
