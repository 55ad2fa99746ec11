//! End-to-end tests of snmp-stream (in `tests/`): today the workspace's dependency rule;
//! against the simulator and net-snmp's `snmpd` on loopback once the collector exists.
