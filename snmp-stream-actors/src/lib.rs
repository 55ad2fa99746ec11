//! # snmp-stream-actors
//!
//! The collector runtime of snmp-stream (DESIGN.md §4): one actix `HostActor` per target host
//! driving a `snmp-stream-core` session state machine, a `Supervisor` enforcing
//! `max_async_sessions` and splitting ranged requests into partitions, shared UDP sockets, and
//! the `SessionManager` API (`add_request`, `run`, a response stream).
//!
//! **Status: not implemented yet.** This crate exists so the workspace's dependency rule holds
//! from the start (`core ← actors ← cli`, no polars here); the request engine and the actors
//! arrive with their own issues. Until then, the types a collector will take and give are in
//! [`snmp_stream_core`], re-exported here as [`core`].

pub use snmp_stream_core as core;
