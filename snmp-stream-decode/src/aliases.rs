//! Built-in names of common MIB-2 objects, used to name the columns of a table frame.
//!
//! The table is deliberately small: the system group, `ifTable`, `ifXTable` and
//! `ipCidrRouteTable` (RFC 1213, RFC 2863, RFC 2096). A root OID that is not listed keeps its
//! dotted form as the column name.

/// Dotted OID → name, for the column objects and the tables/entries that hold them.
pub const ALIASES: &[(&str, &str)] = &[
    // system group (RFC 1213 / SNMPv2-MIB)
    ("1.3.6.1.2.1.1", "system"),
    ("1.3.6.1.2.1.1.1", "sysDescr"),
    ("1.3.6.1.2.1.1.2", "sysObjectID"),
    ("1.3.6.1.2.1.1.3", "sysUpTime"),
    ("1.3.6.1.2.1.1.4", "sysContact"),
    ("1.3.6.1.2.1.1.5", "sysName"),
    ("1.3.6.1.2.1.1.6", "sysLocation"),
    ("1.3.6.1.2.1.1.7", "sysServices"),
    // ifTable (IF-MIB, RFC 2863)
    ("1.3.6.1.2.1.2.2", "ifTable"),
    ("1.3.6.1.2.1.2.2.1", "ifEntry"),
    ("1.3.6.1.2.1.2.2.1.1", "ifIndex"),
    ("1.3.6.1.2.1.2.2.1.2", "ifDescr"),
    ("1.3.6.1.2.1.2.2.1.3", "ifType"),
    ("1.3.6.1.2.1.2.2.1.4", "ifMtu"),
    ("1.3.6.1.2.1.2.2.1.5", "ifSpeed"),
    ("1.3.6.1.2.1.2.2.1.6", "ifPhysAddress"),
    ("1.3.6.1.2.1.2.2.1.7", "ifAdminStatus"),
    ("1.3.6.1.2.1.2.2.1.8", "ifOperStatus"),
    ("1.3.6.1.2.1.2.2.1.9", "ifLastChange"),
    ("1.3.6.1.2.1.2.2.1.10", "ifInOctets"),
    ("1.3.6.1.2.1.2.2.1.11", "ifInUcastPkts"),
    ("1.3.6.1.2.1.2.2.1.12", "ifInNUcastPkts"),
    ("1.3.6.1.2.1.2.2.1.13", "ifInDiscards"),
    ("1.3.6.1.2.1.2.2.1.14", "ifInErrors"),
    ("1.3.6.1.2.1.2.2.1.15", "ifInUnknownProtos"),
    ("1.3.6.1.2.1.2.2.1.16", "ifOutOctets"),
    ("1.3.6.1.2.1.2.2.1.17", "ifOutUcastPkts"),
    ("1.3.6.1.2.1.2.2.1.18", "ifOutNUcastPkts"),
    ("1.3.6.1.2.1.2.2.1.19", "ifOutDiscards"),
    ("1.3.6.1.2.1.2.2.1.20", "ifOutErrors"),
    ("1.3.6.1.2.1.2.2.1.21", "ifOutQLen"),
    ("1.3.6.1.2.1.2.2.1.22", "ifSpecific"),
    // ifXTable (IF-MIB, RFC 2863)
    ("1.3.6.1.2.1.31.1.1", "ifXTable"),
    ("1.3.6.1.2.1.31.1.1.1", "ifXEntry"),
    ("1.3.6.1.2.1.31.1.1.1.1", "ifName"),
    ("1.3.6.1.2.1.31.1.1.1.2", "ifInMulticastPkts"),
    ("1.3.6.1.2.1.31.1.1.1.3", "ifInBroadcastPkts"),
    ("1.3.6.1.2.1.31.1.1.1.4", "ifOutMulticastPkts"),
    ("1.3.6.1.2.1.31.1.1.1.5", "ifOutBroadcastPkts"),
    ("1.3.6.1.2.1.31.1.1.1.6", "ifHCInOctets"),
    ("1.3.6.1.2.1.31.1.1.1.7", "ifHCInUcastPkts"),
    ("1.3.6.1.2.1.31.1.1.1.8", "ifHCInMulticastPkts"),
    ("1.3.6.1.2.1.31.1.1.1.9", "ifHCInBroadcastPkts"),
    ("1.3.6.1.2.1.31.1.1.1.10", "ifHCOutOctets"),
    ("1.3.6.1.2.1.31.1.1.1.11", "ifHCOutUcastPkts"),
    ("1.3.6.1.2.1.31.1.1.1.12", "ifHCOutMulticastPkts"),
    ("1.3.6.1.2.1.31.1.1.1.13", "ifHCOutBroadcastPkts"),
    ("1.3.6.1.2.1.31.1.1.1.14", "ifLinkUpDownTrapEnable"),
    ("1.3.6.1.2.1.31.1.1.1.15", "ifHighSpeed"),
    ("1.3.6.1.2.1.31.1.1.1.16", "ifPromiscuousMode"),
    ("1.3.6.1.2.1.31.1.1.1.17", "ifConnectorPresent"),
    ("1.3.6.1.2.1.31.1.1.1.18", "ifAlias"),
    ("1.3.6.1.2.1.31.1.1.1.19", "ifCounterDiscontinuityTime"),
    // ipCidrRouteTable (IP-FORWARD-MIB, RFC 2096)
    ("1.3.6.1.2.1.4.24.4", "ipCidrRouteTable"),
    ("1.3.6.1.2.1.4.24.4.1", "ipCidrRouteEntry"),
    ("1.3.6.1.2.1.4.24.4.1.1", "ipCidrRouteDest"),
    ("1.3.6.1.2.1.4.24.4.1.2", "ipCidrRouteMask"),
    ("1.3.6.1.2.1.4.24.4.1.3", "ipCidrRouteTos"),
    ("1.3.6.1.2.1.4.24.4.1.4", "ipCidrRouteNextHop"),
    ("1.3.6.1.2.1.4.24.4.1.5", "ipCidrRouteIfIndex"),
    ("1.3.6.1.2.1.4.24.4.1.6", "ipCidrRouteType"),
    ("1.3.6.1.2.1.4.24.4.1.7", "ipCidrRouteProto"),
    ("1.3.6.1.2.1.4.24.4.1.8", "ipCidrRouteAge"),
    ("1.3.6.1.2.1.4.24.4.1.9", "ipCidrRouteInfo"),
    ("1.3.6.1.2.1.4.24.4.1.10", "ipCidrRouteNextHopAS"),
    ("1.3.6.1.2.1.4.24.4.1.11", "ipCidrRouteMetric1"),
    ("1.3.6.1.2.1.4.24.4.1.12", "ipCidrRouteMetric2"),
    ("1.3.6.1.2.1.4.24.4.1.13", "ipCidrRouteMetric3"),
    ("1.3.6.1.2.1.4.24.4.1.14", "ipCidrRouteMetric4"),
    ("1.3.6.1.2.1.4.24.4.1.15", "ipCidrRouteMetric5"),
    ("1.3.6.1.2.1.4.24.4.1.16", "ipCidrRouteStatus"),
];

/// The built-in name of a dotted OID, if it has one.
///
/// ```
/// use snmp_stream_decode::aliases::alias;
///
/// assert_eq!(alias("1.3.6.1.2.1.2.2.1.2"), Some("ifDescr"));
/// assert_eq!(alias("1.3.6.1.2.1.31.1.1.1.6"), Some("ifHCInOctets"));
/// assert_eq!(alias("1.3.6.1.4.1.9"), None);
/// ```
pub fn alias(dotted: &str) -> Option<&'static str> {
    ALIASES
        .iter()
        .find(|(oid, _)| *oid == dotted)
        .map(|&(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_oids_are_unique() {
        let mut oids: Vec<_> = ALIASES.iter().map(|a| a.0).collect();
        let mut names: Vec<_> = ALIASES.iter().map(|a| a.1).collect();
        oids.sort_unstable();
        names.sort_unstable();
        let n = ALIASES.len();
        oids.dedup();
        names.dedup();
        assert_eq!((oids.len(), names.len()), (n, n));
    }

    #[test]
    fn ranges_are_complete() {
        for (table, last) in [
            ("1.3.6.1.2.1.1", 7),
            ("1.3.6.1.2.1.2.2.1", 22),
            ("1.3.6.1.2.1.31.1.1.1", 19),
            ("1.3.6.1.2.1.4.24.4.1", 16),
        ] {
            for col in 1..=last {
                assert!(alias(&format!("{table}.{col}")).is_some(), "{table}.{col}");
            }
        }
    }
}
