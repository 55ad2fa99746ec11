//! Who a request speaks as: community-based security (RFC 1901, RFC 3584), the SNMP version and
//! community string that v1 and v2c messages carry in the clear, or an SNMPv3 user
//! ([`Credentials`]) of the User-based Security Model ([`Security`]).

use std::fmt;

use crate::usm::Credentials;

/// The SNMP message version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[non_exhaustive]
pub enum Version {
    /// SNMPv1 (RFC 1157): GETNEXT walks, `noSuchName` errors, no Counter64.
    V1,
    /// SNMPv2c (RFC 1901, RFC 3416): GETBULK, exceptions instead of errors.
    #[default]
    V2c,
    /// SNMPv3 (RFC 3412, RFC 3414): the v2c PDUs in a message of the User-based Security Model.
    V3,
}

impl Version {
    /// The value of the message's `version` field.
    pub const fn wire_value(self) -> i64 {
        match self {
            Version::V1 => 0,
            Version::V2c => 1,
            Version::V3 => 3,
        }
    }

    /// The community-based version for a message's `version` field, if supported (v3
    /// messages have a reader of their own, [`crate::ber::v3`]).
    pub const fn from_wire(v: i64) -> Option<Version> {
        match v {
            0 => Some(Version::V1),
            1 => Some(Version::V2c),
            _ => None,
        }
    }
}

impl fmt::Display for Version {
    /// As net-snmp's `-v` flag spells it: `1`, `2c` or `3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Version::V1 => "1",
            Version::V2c => "2c",
            Version::V3 => "3",
        })
    }
}

impl std::str::FromStr for Version {
    type Err = UnknownVersion;
    /// Accepts net-snmp's spellings: `1`, `v1`, `2c`, `v2c`, `3`, `v3` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "1" | "v1" => Ok(Version::V1),
            "2c" | "v2c" => Ok(Version::V2c),
            "3" | "v3" => Ok(Version::V3),
            _ => Err(UnknownVersion),
        }
    }
}

/// A version string other than `1`, `2c` or `3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown SNMP version (expected 1, 2c or 3)")]
pub struct UnknownVersion;

/// Who a request speaks as: a v1/v2c community or an SNMPv3 user.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Security {
    /// A community, in the clear (v1, v2c).
    Community(Community),
    /// An SNMPv3 user of the User-based Security Model.
    Usm(Credentials),
}

impl Security {
    /// The message version it speaks.
    pub fn version(&self) -> Version {
        match self {
            Security::Community(c) => c.version(),
            Security::Usm(_) => Version::V3,
        }
    }
}

impl From<Community> for Security {
    fn from(c: Community) -> Security {
        Security::Community(c)
    }
}

impl From<Credentials> for Security {
    fn from(c: Credentials) -> Security {
        Security::Usm(c)
    }
}

/// A community string and the version to speak with it.
///
/// The community is bytes, not text: RFC 3584 allows any octets and some fleets use them.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Community {
    name: Vec<u8>,
    version: Version,
}

impl Community {
    /// A community of any bytes, for v1 or v2c (a `Version::V3` is taken as v2c: v3 has no
    /// communities, it has [`Credentials`]).
    pub fn new(name: impl Into<Vec<u8>>, version: Version) -> Self {
        let version = match version {
            Version::V3 => Version::V2c,
            v => v,
        };
        Community {
            name: name.into(),
            version,
        }
    }

    /// An SNMPv2c community.
    pub fn v2c(name: impl Into<Vec<u8>>) -> Self {
        Community::new(name, Version::V2c)
    }

    /// An SNMPv1 community.
    pub fn v1(name: impl Into<Vec<u8>>) -> Self {
        Community::new(name, Version::V1)
    }

    /// The community octets.
    pub fn name(&self) -> &[u8] {
        &self.name
    }

    /// The version.
    pub fn version(&self) -> Version {
        self.version
    }
}

impl fmt::Debug for Community {
    /// Shows the version and the community's length, never the secret itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Community {{ version: {}, name: <{} bytes> }}",
            self.version,
            self.name.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_like_net_snmp() {
        assert_eq!("2c".parse(), Ok(Version::V2c));
        assert_eq!("V1".parse(), Ok(Version::V1));
        assert_eq!("3".parse(), Ok(Version::V3));
        assert_eq!("4".parse::<Version>(), Err(UnknownVersion));
        assert_eq!(Version::from_wire(1), Some(Version::V2c));
        assert_eq!(Version::from_wire(3), None);
    }

    #[test]
    fn community_debug_hides_the_secret() {
        let c = Community::v2c(&b"s3cr\xffet"[..]);
        assert_eq!(c.name(), b"s3cr\xffet");
        assert!(!format!("{c:?}").contains("s3cr"));
    }
}
