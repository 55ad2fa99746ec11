//! Runnable examples for snmp-stream; see `examples/` in this package and run one with
//! `cargo run -p snmp-stream-examples --example NAME`.
