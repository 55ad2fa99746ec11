//! # snmp-stream-decode
//!
//! Turns wireline buffers and files into polars DataFrames (long record form, reassembled table
//! form) and parquet (DESIGN.md §5). Depends on `snmp-stream-core` for the format, never on the
//! actors crate; it is the only crate of the workspace that depends on polars.
//!
//! **Status: DataFrames and parquet are not implemented yet.** What exists today is the
//! checked, zero-copy buffer reader of the core crate, re-exported here as [`wireline`], and
//! the polars version this crate builds against, re-exported as [`polars`] so users can name
//! the same types.
//!
//! ```
//! use snmp_stream_decode::wireline::{Wireline, WirelineWriter};
//! use snmp_stream_decode::polars::prelude::DataFrame;
//!
//! let buf = WirelineWriter::new(b"", &["1.3.6.1.2.1.1".parse().unwrap()]).finish();
//! let read: Wireline<'_> = buf.read().unwrap();
//! assert_eq!(read.records().count(), 0);
//! let _empty = DataFrame::empty();
//! ```

pub use polars;
pub use snmp_stream_core::wireline;
