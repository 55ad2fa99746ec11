//! What to collect: [`Request`] (GET or WALK of root OIDs on one host), its [`Host`] and
//! optional [`IndexRange`]s.

use std::fmt;

mod host;
mod range;

pub use host::{DEFAULT_PORT, Family, Host, HostError, HostName, Transport};
pub use range::{IndexRange, RangeError};

use crate::community::{Community, Security};
use crate::config::{ConfigError, ConfigOverrides};
use crate::oid::Oid;

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

/// One unit of work: GET or WALK of one or more root OIDs on one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    kind: RequestKind,
    host: Host,
    security: Security,
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
    pub fn get(host: Host, security: impl Into<Security>, oids: Vec<Oid>) -> RequestBuilder {
        RequestBuilder::new(RequestKind::Get, host, security.into(), oids)
    }

    /// A WALK of the subtrees under `oids` on `host`.
    pub fn walk(host: Host, security: impl Into<Security>, oids: Vec<Oid>) -> RequestBuilder {
        RequestBuilder::new(RequestKind::Walk, host, security.into(), oids)
    }

    /// GET or WALK.
    pub fn kind(&self) -> RequestKind {
        self.kind
    }
    /// The target.
    pub fn host(&self) -> &Host {
        &self.host
    }
    /// Who the request speaks as: a community (v1, v2c) or an SNMPv3 user.
    pub fn security(&self) -> &Security {
        &self.security
    }

    /// The community, for a v1 or v2c request.
    pub fn community(&self) -> Option<&Community> {
        match &self.security {
            Security::Community(c) => Some(c),
            Security::Usm(_) => None,
        }
    }

    /// The message version.
    pub fn version(&self) -> crate::community::Version {
        self.security.version()
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
    fn new(kind: RequestKind, host: Host, security: Security, oids: Vec<Oid>) -> Self {
        RequestBuilder(Request {
            kind,
            host,
            security,
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
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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
        assert_eq!("10.0.0".parse::<Host>(), Err(HostError::BadName));
        assert_eq!("10.0.0.256:161".parse::<Host>(), Err(HostError::BadName));
        assert_eq!(
            "udp6:192.0.2.1".parse::<Host>(),
            Err(HostError::WrongFamily)
        );
        assert_eq!("tcp:".parse::<Host>(), Err(HostError::BadPort));
        assert_eq!("tcp:bad host".parse::<Host>(), Err(HostError::BadName));
    }

    #[test]
    fn transport_prefixes_as_net_snmp_spells_them() {
        let h: Host = "tcp:192.0.2.1:1161".parse().unwrap();
        assert_eq!(h.transport(), Transport::Tcp);
        assert_eq!(h.name(), &HostName::Ip("192.0.2.1".parse().unwrap()));
        assert_eq!(
            (h.port(), h.to_string().as_str()),
            (1161, "tcp:192.0.2.1:1161")
        );
        let h: Host = "TCP6:[::1]".parse().unwrap();
        assert_eq!((h.transport(), h.port()), (Transport::Tcp, 161));
        assert_eq!(h.to_string(), "tcp:[::1]:161");
        let h: Host = "udp6:::1".parse().unwrap();
        assert_eq!(h, Host::ip(IpAddr::V6(Ipv6Addr::LOCALHOST), 161));
        let h: Host = "udp:router1".parse().unwrap();
        assert_eq!((h.transport(), h.family()), (Transport::Udp, None));
        assert_eq!(h.to_string(), "router1:161");
        let h: Host = "udpv6:router1:1161".parse().unwrap();
        assert_eq!(h.family(), Some(Family::V6));
        assert_eq!(h.to_string(), "udp6:router1:1161");
        let h: Host = "tcpipv6:router1".parse().unwrap();
        assert_eq!(
            (h.transport(), h.family()),
            (Transport::Tcp, Some(Family::V6))
        );
        // A host named like a prefix, with a port, is still that host.
        let h: Host = "tcp:161".parse().unwrap();
        assert_eq!(
            (h.name(), h.transport()),
            (&HostName::Dns("tcp".into()), Transport::Udp)
        );
        // Every form displays as text that parses back to the same host.
        for s in [
            "router1",
            "tcp:router1:16",
            "udp6:r",
            "tcp6:r:9",
            "[::1]:5",
            "tcp:[::1]:5",
            "tcp:10.1.1.1",
            "udp:10.1.1.1:7",
        ] {
            let h: Host = s.parse().unwrap();
            assert_eq!(h.to_string().parse::<Host>().unwrap(), h, "{s}");
        }
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
