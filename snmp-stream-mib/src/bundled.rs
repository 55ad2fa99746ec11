//! The bundled MIB modules: the files of `mibs/` (see its README.md for where they come from and
//! their licences), compiled into the binary so names work with nothing installed.

/// Module name and text of every bundled module, in file-name order. The test
/// `the_bundled_list_is_the_mibs_directory` keeps it equal to `mibs/*.txt`.
pub(crate) const BUNDLED: &[(&str, &[u8])] = &[
    ("AGENTX-MIB", include_bytes!("../mibs/AGENTX-MIB.txt")),
    ("BGP4-MIB", include_bytes!("../mibs/BGP4-MIB.txt")),
    ("BRIDGE-MIB", include_bytes!("../mibs/BRIDGE-MIB.txt")),
    (
        "DIFFSERV-DSCP-TC",
        include_bytes!("../mibs/DIFFSERV-DSCP-TC.txt"),
    ),
    (
        "DISMAN-EVENT-MIB",
        include_bytes!("../mibs/DISMAN-EVENT-MIB.txt"),
    ),
    (
        "DISMAN-EXPRESSION-MIB",
        include_bytes!("../mibs/DISMAN-EXPRESSION-MIB.txt"),
    ),
    (
        "DISMAN-NSLOOKUP-MIB",
        include_bytes!("../mibs/DISMAN-NSLOOKUP-MIB.txt"),
    ),
    (
        "DISMAN-PING-MIB",
        include_bytes!("../mibs/DISMAN-PING-MIB.txt"),
    ),
    (
        "DISMAN-SCHEDULE-MIB",
        include_bytes!("../mibs/DISMAN-SCHEDULE-MIB.txt"),
    ),
    (
        "DISMAN-SCRIPT-MIB",
        include_bytes!("../mibs/DISMAN-SCRIPT-MIB.txt"),
    ),
    (
        "DISMAN-TRACEROUTE-MIB",
        include_bytes!("../mibs/DISMAN-TRACEROUTE-MIB.txt"),
    ),
    ("ENTITY-MIB", include_bytes!("../mibs/ENTITY-MIB.txt")),
    (
        "ENTITY-SENSOR-MIB",
        include_bytes!("../mibs/ENTITY-SENSOR-MIB.txt"),
    ),
    (
        "ENTITY-STATE-MIB",
        include_bytes!("../mibs/ENTITY-STATE-MIB.txt"),
    ),
    (
        "ENTITY-STATE-TC-MIB",
        include_bytes!("../mibs/ENTITY-STATE-TC-MIB.txt"),
    ),
    ("EtherLike-MIB", include_bytes!("../mibs/EtherLike-MIB.txt")),
    ("HC-RMON-MIB", include_bytes!("../mibs/HC-RMON-MIB.txt")),
    ("HCNUM-TC", include_bytes!("../mibs/HCNUM-TC.txt")),
    (
        "HOST-RESOURCES-MIB",
        include_bytes!("../mibs/HOST-RESOURCES-MIB.txt"),
    ),
    (
        "HOST-RESOURCES-TYPES",
        include_bytes!("../mibs/HOST-RESOURCES-TYPES.txt"),
    ),
    (
        "IANA-ADDRESS-FAMILY-NUMBERS-MIB",
        include_bytes!("../mibs/IANA-ADDRESS-FAMILY-NUMBERS-MIB.txt"),
    ),
    (
        "IANA-ENTITY-MIB",
        include_bytes!("../mibs/IANA-ENTITY-MIB.txt"),
    ),
    (
        "IANA-LANGUAGE-MIB",
        include_bytes!("../mibs/IANA-LANGUAGE-MIB.txt"),
    ),
    ("IANA-MAU-MIB", include_bytes!("../mibs/IANA-MAU-MIB.txt")),
    (
        "IANA-RTPROTO-MIB",
        include_bytes!("../mibs/IANA-RTPROTO-MIB.txt"),
    ),
    (
        "IANAifType-MIB",
        include_bytes!("../mibs/IANAifType-MIB.txt"),
    ),
    (
        "IF-CAP-STACK-MIB",
        include_bytes!("../mibs/IF-CAP-STACK-MIB.txt"),
    ),
    (
        "IF-INVERTED-STACK-MIB",
        include_bytes!("../mibs/IF-INVERTED-STACK-MIB.txt"),
    ),
    ("IF-MIB", include_bytes!("../mibs/IF-MIB.txt")),
    (
        "INET-ADDRESS-MIB",
        include_bytes!("../mibs/INET-ADDRESS-MIB.txt"),
    ),
    (
        "IP-FORWARD-MIB",
        include_bytes!("../mibs/IP-FORWARD-MIB.txt"),
    ),
    ("IP-MIB", include_bytes!("../mibs/IP-MIB.txt")),
    (
        "IPV6-FLOW-LABEL-MIB",
        include_bytes!("../mibs/IPV6-FLOW-LABEL-MIB.txt"),
    ),
    ("IPV6-ICMP-MIB", include_bytes!("../mibs/IPV6-ICMP-MIB.txt")),
    ("IPV6-MIB", include_bytes!("../mibs/IPV6-MIB.txt")),
    ("IPV6-TC", include_bytes!("../mibs/IPV6-TC.txt")),
    ("IPV6-TCP-MIB", include_bytes!("../mibs/IPV6-TCP-MIB.txt")),
    ("IPV6-UDP-MIB", include_bytes!("../mibs/IPV6-UDP-MIB.txt")),
    (
        "LM-SENSORS-MIB",
        include_bytes!("../mibs/LM-SENSORS-MIB.txt"),
    ),
    ("MAU-MIB", include_bytes!("../mibs/MAU-MIB.txt")),
    ("MTA-MIB", include_bytes!("../mibs/MTA-MIB.txt")),
    (
        "NET-SNMP-AGENT-MIB",
        include_bytes!("../mibs/NET-SNMP-AGENT-MIB.txt"),
    ),
    (
        "NET-SNMP-EXAMPLES-MIB",
        include_bytes!("../mibs/NET-SNMP-EXAMPLES-MIB.txt"),
    ),
    (
        "NET-SNMP-EXTEND-MIB",
        include_bytes!("../mibs/NET-SNMP-EXTEND-MIB.txt"),
    ),
    ("NET-SNMP-MIB", include_bytes!("../mibs/NET-SNMP-MIB.txt")),
    (
        "NET-SNMP-MONITOR-MIB",
        include_bytes!("../mibs/NET-SNMP-MONITOR-MIB.txt"),
    ),
    (
        "NET-SNMP-PASS-MIB",
        include_bytes!("../mibs/NET-SNMP-PASS-MIB.txt"),
    ),
    (
        "NET-SNMP-PERIODIC-NOTIFY-MIB",
        include_bytes!("../mibs/NET-SNMP-PERIODIC-NOTIFY-MIB.txt"),
    ),
    (
        "NET-SNMP-SYSTEM-MIB",
        include_bytes!("../mibs/NET-SNMP-SYSTEM-MIB.txt"),
    ),
    ("NET-SNMP-TC", include_bytes!("../mibs/NET-SNMP-TC.txt")),
    (
        "NET-SNMP-VACM-MIB",
        include_bytes!("../mibs/NET-SNMP-VACM-MIB.txt"),
    ),
    (
        "NETWORK-SERVICES-MIB",
        include_bytes!("../mibs/NETWORK-SERVICES-MIB.txt"),
    ),
    (
        "NOTIFICATION-LOG-MIB",
        include_bytes!("../mibs/NOTIFICATION-LOG-MIB.txt"),
    ),
    ("OSPF-MIB", include_bytes!("../mibs/OSPF-MIB.txt")),
    ("P-BRIDGE-MIB", include_bytes!("../mibs/P-BRIDGE-MIB.txt")),
    (
        "POWER-ETHERNET-MIB",
        include_bytes!("../mibs/POWER-ETHERNET-MIB.txt"),
    ),
    ("Q-BRIDGE-MIB", include_bytes!("../mibs/Q-BRIDGE-MIB.txt")),
    ("RFC-1215", include_bytes!("../mibs/RFC-1215.txt")),
    ("RFC1155-SMI", include_bytes!("../mibs/RFC1155-SMI.txt")),
    ("RFC1213-MIB", include_bytes!("../mibs/RFC1213-MIB.txt")),
    ("RMON-MIB", include_bytes!("../mibs/RMON-MIB.txt")),
    ("RMON2-MIB", include_bytes!("../mibs/RMON2-MIB.txt")),
    ("RSTP-MIB", include_bytes!("../mibs/RSTP-MIB.txt")),
    ("SCTP-MIB", include_bytes!("../mibs/SCTP-MIB.txt")),
    ("SMUX-MIB", include_bytes!("../mibs/SMUX-MIB.txt")),
    (
        "SNMP-COMMUNITY-MIB",
        include_bytes!("../mibs/SNMP-COMMUNITY-MIB.txt"),
    ),
    (
        "SNMP-FRAMEWORK-MIB",
        include_bytes!("../mibs/SNMP-FRAMEWORK-MIB.txt"),
    ),
    ("SNMP-MPD-MIB", include_bytes!("../mibs/SNMP-MPD-MIB.txt")),
    (
        "SNMP-NOTIFICATION-MIB",
        include_bytes!("../mibs/SNMP-NOTIFICATION-MIB.txt"),
    ),
    (
        "SNMP-PROXY-MIB",
        include_bytes!("../mibs/SNMP-PROXY-MIB.txt"),
    ),
    (
        "SNMP-SSH-TM-MIB",
        include_bytes!("../mibs/SNMP-SSH-TM-MIB.txt"),
    ),
    (
        "SNMP-TARGET-MIB",
        include_bytes!("../mibs/SNMP-TARGET-MIB.txt"),
    ),
    (
        "SNMP-TLS-TM-MIB",
        include_bytes!("../mibs/SNMP-TLS-TM-MIB.txt"),
    ),
    ("SNMP-TSM-MIB", include_bytes!("../mibs/SNMP-TSM-MIB.txt")),
    (
        "SNMP-USER-BASED-SM-MIB",
        include_bytes!("../mibs/SNMP-USER-BASED-SM-MIB.txt"),
    ),
    (
        "SNMP-USM-AES-MIB",
        include_bytes!("../mibs/SNMP-USM-AES-MIB.txt"),
    ),
    (
        "SNMP-USM-DH-OBJECTS-MIB",
        include_bytes!("../mibs/SNMP-USM-DH-OBJECTS-MIB.txt"),
    ),
    (
        "SNMP-USM-HMAC-SHA2-MIB",
        include_bytes!("../mibs/SNMP-USM-HMAC-SHA2-MIB.txt"),
    ),
    (
        "SNMP-VIEW-BASED-ACM-MIB",
        include_bytes!("../mibs/SNMP-VIEW-BASED-ACM-MIB.txt"),
    ),
    ("SNMPv2-CONF", include_bytes!("../mibs/SNMPv2-CONF.txt")),
    ("SNMPv2-MIB", include_bytes!("../mibs/SNMPv2-MIB.txt")),
    ("SNMPv2-SMI", include_bytes!("../mibs/SNMPv2-SMI.txt")),
    ("SNMPv2-TC", include_bytes!("../mibs/SNMPv2-TC.txt")),
    ("SNMPv2-TM", include_bytes!("../mibs/SNMPv2-TM.txt")),
    ("TCP-MIB", include_bytes!("../mibs/TCP-MIB.txt")),
    (
        "TOKEN-RING-RMON-MIB",
        include_bytes!("../mibs/TOKEN-RING-RMON-MIB.txt"),
    ),
    (
        "TRANSPORT-ADDRESS-MIB",
        include_bytes!("../mibs/TRANSPORT-ADDRESS-MIB.txt"),
    ),
    ("TUNNEL-MIB", include_bytes!("../mibs/TUNNEL-MIB.txt")),
    ("UCD-DEMO-MIB", include_bytes!("../mibs/UCD-DEMO-MIB.txt")),
    (
        "UCD-DISKIO-MIB",
        include_bytes!("../mibs/UCD-DISKIO-MIB.txt"),
    ),
    ("UCD-DLMOD-MIB", include_bytes!("../mibs/UCD-DLMOD-MIB.txt")),
    (
        "UCD-IPFILTER-MIB",
        include_bytes!("../mibs/UCD-IPFILTER-MIB.txt"),
    ),
    (
        "UCD-IPFWACC-MIB",
        include_bytes!("../mibs/UCD-IPFWACC-MIB.txt"),
    ),
    (
        "UCD-SNMP-MIB-OLD",
        include_bytes!("../mibs/UCD-SNMP-MIB-OLD.txt"),
    ),
    ("UCD-SNMP-MIB", include_bytes!("../mibs/UCD-SNMP-MIB.txt")),
    ("UDP-MIB", include_bytes!("../mibs/UDP-MIB.txt")),
    ("UUID-TC-MIB", include_bytes!("../mibs/UUID-TC-MIB.txt")),
    ("VRRP-MIB", include_bytes!("../mibs/VRRP-MIB.txt")),
];
