//! # snmp-stream-decode
//!
//! Turns wireline buffers into polars DataFrames — a long frame of one row per record and a
//! table frame that reassembles a WALK of table columns — and writes them as parquet. It reads buffers with the checked, zero-copy reader of `snmp-stream-core`
//! (re-exported as [`wireline`]) and builds every column in one pass over the records. It is
//! the only crate of the workspace that depends on polars, re-exported as [`polars`] so users
//! name the same types.
//!
//! ## The long frame ([`long_frame`])
//!
//! One row per record, in buffer order. The column names and order are stable
//! ([`LONG_COLUMNS`]):
//!
//! | column | type | holds |
//! |---|---|---|
//! | `req_id` | String | the buffer's request-id (lossy UTF-8), the same on every row |
//! | `host` | String | the host given to [`long_frame`], or null |
//! | `timestamp` | Datetime(ns) | when the varbind was received, UTC |
//! | `root_oid` | String | the record's root OID, dotted |
//! | `index` | String | the sub-identifiers after the root, dotted (empty for the root itself) |
//! | `value_type` | String | the SMI type name: `INTEGER`, `OCTET STRING`, `OID`, `IpAddress`, `Counter32`, `Gauge32`, `Timeticks`, `Opaque`, `Counter64`, `NULL`, `noSuchObject`, `noSuchInstance`, `endOfMibView`, or `tag 0x47` for a tag SNMP does not define |
//! | `int` | Int64 | INTEGER values |
//! | `uint` | UInt64 | Counter32, Gauge32, Timeticks and Counter64 values |
//! | `bytes` | Binary | OCTET STRING, Opaque and unknown-tag values, raw |
//! | `text` | String | OCTET STRING values that are UTF-8 without control characters (tab, CR, LF allowed) |
//! | `oid_value` | String | the value of an OID-typed varbind (sysObjectID's), dotted; not the record's own OID, which is `root_oid` + `index` |
//! | `ip` | String | IpAddress values, dotted quad |
//!
//! The typed columns are null on rows whose value is of another type; NULL and the exceptions
//! leave all six null.
//!
//! [`long_frame_named`] (and the file and response readers given MIB modules) adds, after
//! those, what the MIB modules ([`snmp_stream_mib::Mibs`]) say of each record
//! ([`NAMED_COLUMNS`]):
//!
//! | column | type | holds |
//! |---|---|---|
//! | `name` | String | the record's object, `MODULE::object` (`IF-MIB::ifDescr`); null when no MIB names it |
//! | `index_decoded` | String | the index read by the object's INDEX clause, as net-snmp prints it (`ipv4."127.0.0.1"`); dotted numbers where there is none |
//! | `value_text` | String | the value as snmpwalk shows it (`up(1)`, `0:12:79:62:f9:40`, `200 milliseconds`) |
//!
//! ## The table frame ([`table_frame`])
//!
//! One row per distinct index in OID order, an `index` column, then one typed column per root
//! OID, named by the built-in [`aliases`] (`ifDescr`, `ifHCInOctets`, …) or by the dotted OID.
//!
//! ## Text
//!
//! [`text`] turns records into text once for every reader: the frames' string columns and the
//! `snmp-stream` command's printed tables (built, like the table frame, on [`IndexGrid`]) use
//! the same printable-string test, type names and value forms.
//!
//! ## Parquet
//!
//! [`write_parquet`] writes either frame to a file; [`read_parquet`] reads one back.
//!
//! ## Wireline files
//!
//! [`decode_file`] / [`decode_file_bytes`] read a wireline file (frames of metadata and buffer,
//! `docs/wireline.md`) or one bare buffer — the original's or ours, of either byte order — into
//! one long frame, with `host` from each frame's metadata, and an errors frame ([`errors_frame`]:
//! `host`, `req_id`, `timestamp`, `kind`, `message`). A truncated last frame (a file still being
//! written) is reported in [`FileFrames::truncated`] after the complete frames before it; other
//! damage is an error naming the byte offset in the file. [`files_to_parquet`] writes many files
//! as one parquet dataset. [`responses_frames`] gives the same frames straight from collected
//! responses, without a file.
//!
//! ## Not done yet
//!
//! - The index as `List(UInt32)` beside its dotted form.
//!
//! ## Example
//!
//! ```
//! use snmp_stream_decode::polars::prelude::*;
//! use snmp_stream_decode::wireline::WirelineWriter;
//! use snmp_stream_decode::{long_frame, table_frame};
//! use snmp_stream_core::Value;
//!
//! let roots = ["1.3.6.1.2.1.2.2.1.2".parse()?, "1.3.6.1.2.1.2.2.1.10".parse()?];
//! let mut w = WirelineWriter::new(b"req-1", &roots);
//! let ts = 1_732_363_200_000_000_000; // 2024-11-23T12:00:00Z, in ns
//! w.push_record(ts, 0, &[1], &Value::OctetString(b"lo")).unwrap();
//! w.push_record(ts, 0, &[2], &Value::OctetString(b"eth0")).unwrap();
//! w.push_record(ts, 1, &[1], &Value::Counter32(7)).unwrap();
//! w.push_record(ts, 1, &[2], &Value::Counter32(9)).unwrap();
//! let buf = w.finish();
//! let buf = buf.read()?;
//!
//! let long = long_frame(&buf, Some("192.0.2.1"))?;
//! assert_eq!(long.height(), 4);
//! assert_eq!(long.column("root_oid")?.str()?.get(2), Some("1.3.6.1.2.1.2.2.1.10"));
//! assert_eq!(long.column("uint")?.u64()?.get(3), Some(9));
//!
//! let table = table_frame(&buf)?;
//! assert_eq!(table.get_column_names(), ["index", "ifDescr", "ifInOctets"]);
//! assert_eq!(table.column("ifDescr")?.str()?.get(1), Some("eth0"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::{DataFrame, ParquetReader, ParquetWriter, PolarsError, SerReader};
use snmp_stream_core::wireline::WirelineError;
use snmp_stream_core::wireline::file::FileError;

pub mod aliases;
mod files;
mod long;
mod named;
mod table;
pub mod text;

pub use files::{
    FileFrames, decode_file, decode_file_bytes, errors_frame, files_to_parquet, responses_frames,
};
pub use long::{LONG_COLUMNS, long_frame};
pub use named::{NAMED_COLUMNS, long_frame_named};
pub use polars;
pub use snmp_stream_core::wireline;
pub use table::{IndexGrid, table_frame};

/// Why a buffer could not be turned into a frame, or a frame into parquet.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The buffer is truncated or corrupt; the error names the byte offset.
    #[error("corrupt wireline buffer: {0}")]
    Wireline(#[from] WirelineError),
    /// polars refused to build, write or read a frame.
    #[error("polars: {0}")]
    Polars(#[from] PolarsError),
    /// A wireline file is damaged (other than a truncated last frame); names the byte offset.
    #[error("wireline file: {0}")]
    File(FileError),
    /// A wireline file on disk is damaged; names the file and the byte offset.
    #[error("{}: {error}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        error: FileError,
    },
    /// A file could not be opened, read or created.
    // The cause is the error's source, so `{:#}` chains print it once.
    #[error("file {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl FrameError {
    /// The byte offset of a corrupt buffer or file error: in the buffer for
    /// [`FrameError::Wireline`], in the file for [`FrameError::File`] and [`FrameError::InFile`].
    pub fn offset(&self) -> Option<usize> {
        match self {
            FrameError::Wireline(e) => Some(e.offset),
            FrameError::File(e) | FrameError::InFile { error: e, .. } => {
                usize::try_from(e.offset).ok()
            }
            _ => None,
        }
    }
}

/// Writes a frame to a parquet file (created or truncated), returning the bytes written.
pub fn write_parquet(df: &mut DataFrame, path: impl AsRef<Path>) -> Result<u64, FrameError> {
    let path = path.as_ref();
    let file = File::create(path).map_err(|source| FrameError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(ParquetWriter::new(file).finish(df)?)
}

/// Reads a parquet file written by [`write_parquet`] back into a frame.
pub fn read_parquet(path: impl AsRef<Path>) -> Result<DataFrame, FrameError> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|source| FrameError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(ParquetReader::new(file).finish()?)
}
