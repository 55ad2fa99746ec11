//! [`Host`]: a target's name or address and port, as typed (`router1`, `192.0.2.1:1161`,
//! `[2001:db8::1]:161`).

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// The standard SNMP agent port (RFC 3417 §3).
pub const DEFAULT_PORT: u16 = 161;

/// A target agent: a host name or address, and a UDP port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Host {
    name: HostName,
    port: u16,
}

/// A host name still to be resolved, or an address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HostName {
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
    /// A DNS name, resolved when the request runs.
    Dns(String),
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
}

impl Host {
    /// A host at an address.
    pub fn ip(addr: IpAddr, port: u16) -> Self {
        Host {
            name: HostName::Ip(addr),
            port,
        }
    }

    /// The name or address.
    pub fn name(&self) -> &HostName {
        &self.name
    }

    /// The UDP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Parses `HOST`, `HOST:PORT`, `IPV4[:PORT]`, `IPV6` or `[IPV6]:PORT`; the port defaults to
    /// 161.
    pub fn parse(s: &str) -> Result<Self, HostError> {
        s.parse()
    }
}

impl FromStr for Host {
    type Err = HostError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
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
        let valid = !name.is_empty()
            && name.len() <= 253
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
        if !valid {
            return Err(HostError::BadName);
        }
        Ok(Host {
            name: HostName::Dns(name.to_owned()),
            port,
        })
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            HostName::Ip(IpAddr::V6(a)) => write!(f, "[{a}]:{}", self.port),
            HostName::Ip(IpAddr::V4(a)) => write!(f, "{a}:{}", self.port),
            HostName::Dns(n) => write!(f, "{n}:{}", self.port),
        }
    }
}
