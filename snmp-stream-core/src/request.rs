//! What to collect: [`Request`] (GET or WALK of root OIDs on one host), its [`Host`] and
//! optional [`IndexRange`]s.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use crate::community::Community;
use crate::config::{ConfigError, ConfigOverrides};
use crate::oid::{Oid, write_dotted};

/// The standard SNMP agent port (RFC 3417 §3).
pub const DEFAULT_PORT: u16 = 161;

/// GET fetches exactly the given OIDs; WALK fetches every OID under each root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// GetRequest of each OID (plus point ranges appended as indices).
    Get,
    /// GETBULK (v2c) or GETNEXT (v1) walk of each root's subtree.
    Walk,
}

impl fmt::Display for RequestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RequestKind::Get => "GET",
            RequestKind::Walk => "WALK",
        })
    }
}

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

/// A range of table indices, as partial index bounds under each root OID.
///
/// A walk of root `R` with range `(start, stop)` starts at `R.start` and ends after the whole
/// subtree of `R.stop`. An empty `start` starts at `R`; an empty `stop` runs to the end of `R`'s
/// subtree. `10:10` is one IPv4 /8 of a table indexed by address; `10:` is everything from
/// `10` on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct IndexRange {
    start: Vec<u32>,
    stop: Vec<u32>,
}

/// A range that cannot be parsed or is empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RangeError {
    /// No `:` between start and stop.
    #[error("range needs START:STOP (either side may be empty)")]
    MissingColon,
    /// A side is not dotted decimal.
    #[error("range {side} `{text}` is not a dotted list of numbers")]
    BadBound {
        /// `start` or `stop`.
        side: &'static str,
        /// The text given.
        text: String,
    },
    /// `start` lies after the whole subtree of `stop`: the range is empty.
    #[error("range start {start} lies after the end of stop {stop}")]
    Empty {
        /// The start, dotted.
        start: String,
        /// The stop, dotted.
        stop: String,
    },
}

impl IndexRange {
    /// A range from `start` to the end of `stop`'s subtree; empty slices are open ends.
    pub fn new(start: &[u32], stop: &[u32]) -> Result<Self, RangeError> {
        // Empty only if start is past stop and not inside stop's subtree.
        if !stop.is_empty() && start > stop && !start.starts_with(stop) {
            return Err(RangeError::Empty {
                start: dotted(start),
                stop: dotted(stop),
            });
        }
        Ok(IndexRange {
            start: start.to_vec(),
            stop: stop.to_vec(),
        })
    }

    /// A single index: start and stop equal (for GET, the index appended to each root).
    pub fn point(index: &[u32]) -> Self {
        IndexRange {
            start: index.to_vec(),
            stop: index.to_vec(),
        }
    }

    /// The start bound (empty: open).
    pub fn start(&self) -> &[u32] {
        &self.start
    }

    /// The stop bound (empty: open).
    pub fn stop(&self) -> &[u32] {
        &self.stop
    }

    /// True when start and stop are the same non-empty index.
    pub fn is_point(&self) -> bool {
        !self.start.is_empty() && self.start == self.stop
    }

    /// True when the index `index` (an OID's arcs after its root) lies in the range.
    pub fn contains(&self, index: &[u32]) -> bool {
        index >= self.start.as_slice()
            && (self.stop.is_empty()
                || index <= self.stop.as_slice()
                || index.starts_with(&self.stop))
    }
}

impl IndexRange {
    /// True when index `a`'s end (the last index under `a`) lies after index `b`'s end:
    /// ancestors end after their descendants, an open (empty) stop after everything.
    fn stop_after(a: &[u32], b: &[u32]) -> bool {
        match (a.is_empty(), b.is_empty()) {
            (true, _) => !b.is_empty(),
            (_, true) => false,
            _ => (b.starts_with(a) && a.len() < b.len()) || (a > b && !a.starts_with(b)),
        }
    }

    /// True when `index` lies at or before the end of this range's stop subtree.
    fn reaches(&self, index: &[u32]) -> bool {
        self.stop.is_empty() || index <= self.stop.as_slice() || index.starts_with(&self.stop)
    }

    /// Sorts ranges and merges the overlapping and adjacent-by-containment ones, so that no
    /// index is walked twice. An empty list stays empty (the whole subtree).
    pub fn merge(mut ranges: Vec<IndexRange>) -> Vec<IndexRange> {
        ranges.sort_by(|a, b| a.start.cmp(&b.start));
        let mut out: Vec<IndexRange> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match out.last_mut() {
                Some(last) if last.reaches(&r.start) => {
                    if IndexRange::stop_after(&r.stop, &last.stop) {
                        last.stop = r.stop;
                    }
                }
                _ => out.push(r),
            }
        }
        out
    }

    /// Splits a table's index space into `parts` ranges by the first index arc over
    /// `0..=max_first` (e.g. 256 parts of `0..=255`: one IPv4 /8 each). The first range's start
    /// and the last range's stop are open, so together the ranges cover every index, and they
    /// are disjoint.
    pub fn split_by_first_arc(parts: u32, max_first: u32) -> Vec<IndexRange> {
        let parts = parts.clamp(1, max_first.saturating_add(1));
        let width = (u64::from(max_first) + 1).div_ceil(u64::from(parts));
        (0..u64::from(parts))
            .map(|i| {
                let lo = i * width;
                let hi = ((i + 1) * width - 1).min(u64::from(max_first));
                let start = if i == 0 { vec![] } else { vec![lo as u32] };
                let stop = if i + 1 == u64::from(parts) {
                    vec![]
                } else {
                    vec![hi as u32]
                };
                IndexRange { start, stop }
            })
            .collect()
    }
}

fn dotted(s: &[u32]) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write_dotted(&mut out, s);
    out
}

impl FromStr for IndexRange {
    type Err = RangeError;

    /// Parses `START:STOP`, each side dotted decimal or empty (`10:10`, `10.0.0.0:10.255`, `:5`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, b) = s.split_once(':').ok_or(RangeError::MissingColon)?;
        let bound = |side: &'static str, t: &str| -> Result<Vec<u32>, RangeError> {
            let t = t.trim().trim_start_matches('.');
            if t.is_empty() {
                return Ok(Vec::new());
            }
            t.split('.')
                .map(|p| p.parse::<u32>())
                .collect::<Result<_, _>>()
                .map_err(|_| RangeError::BadBound {
                    side,
                    text: t.to_owned(),
                })
        };
        IndexRange::new(&bound("start", a)?, &bound("stop", b)?)
    }
}

impl fmt::Display for IndexRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_dotted(f, &self.start)?;
        f.write_str(":")?;
        write_dotted(f, &self.stop)
    }
}

/// One unit of work: GET or WALK of one or more root OIDs on one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    kind: RequestKind,
    host: Host,
    community: Community,
    oids: Vec<Oid>,
    ranges: Vec<IndexRange>,
    req_id: Vec<u8>,
    config: ConfigOverrides,
}

/// A request that cannot be run, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// No OIDs given.
    #[error("request has no OIDs")]
    NoOids,
    /// The same OID given twice.
    #[error("OID {0} is given twice")]
    DuplicateOid(Oid),
    /// One root OID lies under another, so a walk would collect its subtree twice.
    #[error("root OID {descendant} lies under root OID {ancestor}; give only one of them")]
    NestedRoots {
        /// The shorter root.
        ancestor: Oid,
        /// The root under it.
        descendant: Oid,
    },
    /// A GET range that is not a single index.
    #[error("a GET takes only single-index ranges (START equal to STOP), not {0}")]
    GetRangeNotPoint(IndexRange),
    /// An index range appended to a root makes an OID of more than 128 arcs.
    #[error("root OID {root} with range {range} exceeds 128 arcs")]
    RangeTooLong {
        /// The root.
        root: Oid,
        /// The range.
        range: IndexRange,
    },
    /// The per-request config overrides are invalid on top of the defaults.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl Request {
    /// A GET of `oids` on `host`.
    pub fn get(host: Host, community: Community, oids: Vec<Oid>) -> RequestBuilder {
        RequestBuilder::new(RequestKind::Get, host, community, oids)
    }

    /// A WALK of the subtrees under `oids` on `host`.
    pub fn walk(host: Host, community: Community, oids: Vec<Oid>) -> RequestBuilder {
        RequestBuilder::new(RequestKind::Walk, host, community, oids)
    }

    /// GET or WALK.
    pub fn kind(&self) -> RequestKind {
        self.kind
    }
    /// The target.
    pub fn host(&self) -> &Host {
        &self.host
    }
    /// Version and community.
    pub fn community(&self) -> &Community {
        &self.community
    }
    /// The root OIDs, in the order given (a record's root index refers to this order).
    pub fn oids(&self) -> &[Oid] {
        &self.oids
    }
    /// The index ranges (empty: the whole subtree of each root).
    pub fn ranges(&self) -> &[IndexRange] {
        &self.ranges
    }
    /// The caller's request-id for reassembly (may be empty).
    pub fn req_id(&self) -> &[u8] {
        &self.req_id
    }
    /// Per-request config overrides.
    pub fn config(&self) -> &ConfigOverrides {
        &self.config
    }

    /// The partitions the request runs as, each answered by its own [`Response`]: one per
    /// merged index range of a WALK with ranges, otherwise a single `None` (the whole request;
    /// a GET's point ranges are all asked in it).
    ///
    /// [`Response`]: crate::Response
    pub fn partitions(&self) -> Vec<Option<IndexRange>> {
        if self.ranges.is_empty() || self.kind == RequestKind::Get {
            return vec![None];
        }
        IndexRange::merge(self.ranges.clone())
            .into_iter()
            .map(Some)
            .collect()
    }
}

/// Builds a [`Request`]; [`RequestBuilder::build`] validates it.
#[derive(Debug, Clone)]
pub struct RequestBuilder(Request);

impl RequestBuilder {
    fn new(kind: RequestKind, host: Host, community: Community, oids: Vec<Oid>) -> Self {
        RequestBuilder(Request {
            kind,
            host,
            community,
            oids,
            ranges: Vec::new(),
            req_id: Vec::new(),
            config: ConfigOverrides::default(),
        })
    }

    /// Index ranges to limit each root to.
    pub fn ranges(mut self, ranges: Vec<IndexRange>) -> Self {
        self.0.ranges = ranges;
        self
    }

    /// A request-id (any bytes) to carry into the wireline buffer for reassembly.
    pub fn req_id(mut self, req_id: impl Into<Vec<u8>>) -> Self {
        self.0.req_id = req_id.into();
        self
    }

    /// Per-request config overrides.
    pub fn config(mut self, config: ConfigOverrides) -> Self {
        self.0.config = config;
        self
    }

    /// Validates and returns the request.
    ///
    /// Checks: at least one OID; for WALK no root twice and none under another; for GET only
    /// point ranges, and every root plus index within 128 arcs; the config overrides valid on
    /// top of the defaults. (They are validated again on top of the collector's config when
    /// the request runs.)
    pub fn build(self) -> Result<Request, RequestError> {
        let r = self.0;
        if r.oids.is_empty() {
            return Err(RequestError::NoOids);
        }
        let mut sorted: Vec<&Oid> = r.oids.iter().collect();
        sorted.sort();
        for pair in sorted.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            // A GET asks each OID once however often it is given (the engine counts the
            // repeats as a quirk); a walk given a root twice is a mistake worth naming.
            if a == b && r.kind == RequestKind::Walk {
                return Err(RequestError::DuplicateOid(a.clone()));
            }
            // In sorted order a root's descendants follow it directly.
            if r.kind == RequestKind::Walk && b.starts_with(a) {
                return Err(RequestError::NestedRoots {
                    ancestor: a.clone(),
                    descendant: b.clone(),
                });
            }
        }
        for range in &r.ranges {
            if r.kind == RequestKind::Get && !range.is_point() {
                return Err(RequestError::GetRangeNotPoint(range.clone()));
            }
            let longest = range.start().len().max(range.stop().len());
            if let Some(root) = r
                .oids
                .iter()
                .find(|o| o.len() + longest > crate::oid::MAX_SUB_IDS)
            {
                return Err(RequestError::RangeTooLong {
                    root: root.clone(),
                    range: range.clone(),
                });
            }
        }
        r.config.build()?;
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn hosts_parse_with_default_port() {
        let h: Host = "router1.example.net".parse().unwrap();
        assert_eq!(h.name(), &HostName::Dns("router1.example.net".into()));
        assert_eq!(h.port(), 161);
        let h: Host = "127.0.0.1:1161".parse().unwrap();
        assert_eq!(h, Host::ip(IpAddr::V4(Ipv4Addr::LOCALHOST), 1161));
        let h: Host = "::1".parse().unwrap();
        assert_eq!(h, Host::ip(IpAddr::V6(Ipv6Addr::LOCALHOST), 161));
        let h: Host = "[::1]:1161".parse().unwrap();
        assert_eq!(h.to_string(), "[::1]:1161");
        assert_eq!(
            "sw-01:16100".parse::<Host>().unwrap().to_string(),
            "sw-01:16100"
        );
    }

    #[test]
    fn bad_hosts_say_why() {
        assert_eq!("".parse::<Host>(), Err(HostError::Empty));
        assert_eq!("h:0".parse::<Host>(), Err(HostError::BadPort));
        assert_eq!("h:70000".parse::<Host>(), Err(HostError::BadPort));
        assert_eq!("h:".parse::<Host>(), Err(HostError::BadPort));
        assert_eq!("[::1".parse::<Host>(), Err(HostError::BadBrackets));
        assert_eq!("[::1]x".parse::<Host>(), Err(HostError::BadBrackets));
        assert_eq!("[nope]:1".parse::<Host>(), Err(HostError::BadName));
        assert_eq!("bad host".parse::<Host>(), Err(HostError::BadName));
    }

    #[test]
    fn ranges_parse_and_contain() {
        let r: IndexRange = "10:10".parse().unwrap();
        assert!(r.contains(&[10]) && r.contains(&[10, 255, 255, 255]));
        assert!(!r.contains(&[9, 255]) && !r.contains(&[11]));
        let r: IndexRange = "10.5:".parse().unwrap();
        assert!(!r.contains(&[10, 4, 9]) && r.contains(&[10, 5]) && r.contains(&[200]));
        let r: IndexRange = ":".parse().unwrap();
        assert!(r.contains(&[]) && r.contains(&[0]));
        assert_eq!("1.2:3".parse::<IndexRange>().unwrap().to_string(), "1.2:3");
        // A start inside stop's subtree is not empty.
        assert!("10.5:10".parse::<IndexRange>().is_ok());
    }

    fn r(s: &str) -> IndexRange {
        s.parse().unwrap()
    }

    #[test]
    fn overlapping_ranges_merge() {
        let m = IndexRange::merge(vec![
            r("10:10"),
            r("10.5:11"),
            r("20:20"),
            r("3:4"),
            r("20.1:20.2"),
        ]);
        assert_eq!(m, vec![r("3:4"), r("10:11"), r("20:20")]);
        assert_eq!(
            IndexRange::merge(vec![r("5:"), r("1:2"), r("7:9")]),
            vec![r("1:2"), r("5:")]
        );
        assert_eq!(
            IndexRange::merge(vec![r("1:1.5"), r("1.3:1")]),
            vec![r("1:1")]
        );
        assert_eq!(IndexRange::merge(vec![]), vec![]);
    }

    #[test]
    fn split_covers_the_first_arc_disjointly() {
        let s = IndexRange::split_by_first_arc(256, 255);
        assert_eq!(s.len(), 256);
        assert_eq!(s[0], r(":0"));
        assert_eq!(s[10], r("10:10"));
        assert_eq!(s[255], r("255:"));
        let s = IndexRange::split_by_first_arc(3, 9);
        assert_eq!(s, vec![r(":3"), r("4:7"), r("8:")]);
        for idx in [&[0u32][..], &[3, 9], &[4], &[7, 1], &[8], &[1000, 2]] {
            assert_eq!(s.iter().filter(|x| x.contains(idx)).count(), 1, "{idx:?}");
        }
        assert_eq!(IndexRange::split_by_first_arc(0, 9), vec![r(":")]);
    }

    #[test]
    fn bad_ranges_say_why() {
        assert_eq!("10".parse::<IndexRange>(), Err(RangeError::MissingColon));
        assert!(matches!(
            "1.x:2".parse::<IndexRange>(),
            Err(RangeError::BadBound { side: "start", .. })
        ));
        let e = "11:10".parse::<IndexRange>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "range start 11 lies after the end of stop 10"
        );
    }

    fn oids(s: &[&str]) -> Vec<Oid> {
        s.iter().map(|o| o.parse().unwrap()).collect()
    }

    #[test]
    fn requests_validate_roots_ranges_and_config() {
        let host: Host = "127.0.0.1".parse().unwrap();
        let c = Community::v2c("public");
        let ok = Request::walk(
            host.clone(),
            c.clone(),
            oids(&["1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.2.2.1.10"]),
        )
        .req_id("abc")
        .ranges(vec!["1:5".parse().unwrap()])
        .build()
        .unwrap();
        assert_eq!(ok.req_id(), b"abc");
        assert_eq!(ok.oids().len(), 2);

        let e = Request::walk(
            host.clone(),
            c.clone(),
            oids(&["1.3.6.1.2.1.2", "1.3.6.1.2.1.2.2.1.2"]),
        )
        .build()
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "root OID 1.3.6.1.2.1.2.2.1.2 lies under root OID 1.3.6.1.2.1.2; give only one of them"
        );
        let e = Request::walk(host.clone(), c.clone(), vec![])
            .build()
            .unwrap_err();
        assert_eq!(e, RequestError::NoOids);
        let e = Request::walk(
            host.clone(),
            c.clone(),
            oids(&["1.3.6.1.2.1.1", "1.3.6.1.2.1.1"]),
        )
        .build()
        .unwrap_err();
        assert!(matches!(e, RequestError::DuplicateOid(_)));
        // A GET of one OID twice is asked once (the engine's business), not refused.
        assert!(
            Request::get(
                host.clone(),
                c.clone(),
                oids(&["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.1.0"]),
            )
            .build()
            .is_ok()
        );
        // GET of a column and a cell is fine; only walks forbid nesting.
        assert!(
            Request::get(
                host.clone(),
                c.clone(),
                oids(&["1.3.6.1.2.1.1", "1.3.6.1.2.1.1.1.0"])
            )
            .build()
            .is_ok()
        );
        let e = Request::get(host.clone(), c.clone(), oids(&["1.3.6.1.2.1.2.2.1.2"]))
            .ranges(vec!["1:5".parse().unwrap()])
            .build()
            .unwrap_err();
        assert!(matches!(e, RequestError::GetRangeNotPoint(_)));
        let e = Request::walk(host, c, oids(&["1.3.6"]))
            .config(ConfigOverrides::new().max_async_sessions(0))
            .build()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "config field `max_async_sessions` must be greater than zero"
        );
    }
}
