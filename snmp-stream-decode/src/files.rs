//! Wireline files (and bare buffers) to frames: every response a file holds, with each
//! frame's host, and the errors its metadata records.

use std::path::{Path, PathBuf};

use polars::prelude::*;
use snmp_stream_core::Response;
use snmp_stream_core::wireline::file::{FileError, FileErrorKind, FrameMeta, frames};
use snmp_stream_core::wireline::{Wireline, WirelineWriter};

use snmp_stream_mib::Mibs;

use crate::{FrameError, long_frame, long_frame_named, write_parquet};

/// What one wireline file decodes to.
#[derive(Debug)]
pub struct FileFrames {
    /// The long frame of every record of every complete frame (see [`crate::LONG_COLUMNS`]).
    pub records: DataFrame,
    /// One row per recorded error: `host`, `req_id`, `timestamp`, `kind`, `message`.
    pub errors: DataFrame,
    /// Complete frames read.
    pub frames: usize,
    /// A truncated last frame (a file still being written), reported after the frames before
    /// it were read.
    pub truncated: Option<FileError>,
}

/// Decodes the bytes of a wireline file, or of one bare buffer (the original's or ours, of
/// either byte order).
///
/// A truncated last frame is not an error: the complete frames are returned and
/// [`FileFrames::truncated`] says where the file ends. Any other damage is an error naming the
/// byte offset in the file. With `mibs`, the long frame has the MIB's
/// [`crate::NAMED_COLUMNS`] too.
pub fn decode_file_bytes(bytes: &[u8], mibs: Option<&Mibs>) -> Result<FileFrames, FrameError> {
    let mut records: Option<DataFrame> = None;
    let mut metas: Vec<FrameMeta> = Vec::new();
    let mut truncated = None;
    let mut count = 0;
    for frame in frames(bytes) {
        let frame = match frame {
            Ok(f) => f,
            Err(e) if e.kind == FileErrorKind::TruncatedFrame => {
                truncated = Some(e);
                break;
            }
            Err(e) => return Err(FrameError::File(e)),
        };
        let words = frame.words().map_err(FrameError::File)?;
        let buf = Wireline::parse(&words).map_err(|e| FrameError::File(frame.buffer_error(e)))?;
        let host = frame.meta.as_ref().map(|m| m.host.as_str());
        let df = match mibs {
            Some(mibs) => long_frame_named(&buf, host, mibs),
            None => long_frame(&buf, host),
        }
        .map_err(|e| match e {
            FrameError::Wireline(w) => FrameError::File(frame.buffer_error(w)),
            other => other,
        })?;
        append(&mut records, df)?;
        if let Some(m) = frame.meta {
            metas.push(m);
        }
        count += 1;
    }
    let records = stacked(records, mibs)?;
    Ok(FileFrames {
        records,
        errors: errors_frame(&metas)?,
        frames: count,
        truncated,
    })
}

/// The frames a wireline file of `responses` would decode to, straight from their buffers
/// (nothing is encoded): the long frame with each response's host, and the errors frame.
/// With `mibs`, the long frame has the MIB's [`crate::NAMED_COLUMNS`] too.
pub fn responses_frames(
    responses: &[Response],
    mibs: Option<&Mibs>,
) -> Result<FileFrames, FrameError> {
    let mut records: Option<DataFrame> = None;
    let mut metas = Vec::with_capacity(responses.len());
    for r in responses {
        let meta = FrameMeta::of(r);
        let buf = r.buffer.read()?;
        let df = match mibs {
            Some(mibs) => long_frame_named(&buf, Some(&meta.host), mibs)?,
            None => long_frame(&buf, Some(&meta.host))?,
        };
        append(&mut records, df)?;
        metas.push(meta);
    }
    let records = stacked(records, mibs)?;
    Ok(FileFrames {
        records,
        errors: errors_frame(&metas)?,
        frames: responses.len(),
        truncated: None,
    })
}

/// [`decode_file_bytes`] of a file on disk; errors name the path.
pub fn decode_file(path: impl AsRef<Path>, mibs: Option<&Mibs>) -> Result<FileFrames, FrameError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| FrameError::Io {
        path: path.to_owned(),
        source,
    })?;
    decode_file_bytes(&bytes, mibs).map_err(|e| match e {
        FrameError::File(f) => FrameError::InFile {
            path: path.to_owned(),
            error: f,
        },
        other => other,
    })
}

/// Many wireline files into one parquet file of their records (one dataset): returns the
/// number of records written and the files whose last frame was truncated.
pub fn files_to_parquet(
    paths: &[PathBuf],
    out: impl AsRef<Path>,
    mibs: Option<&Mibs>,
) -> Result<(usize, Vec<(PathBuf, FileError)>), FrameError> {
    let mut all: Option<DataFrame> = None;
    let mut truncated = Vec::new();
    for p in paths {
        let f = decode_file(p, mibs)?;
        if let Some(t) = f.truncated {
            truncated.push((p.clone(), t));
        }
        append(&mut all, f.records)?;
    }
    let mut all = stacked(all, mibs)?;
    write_parquet(&mut all, out)?;
    Ok((all.height(), truncated))
}

/// The errors recorded in frames' metadata, one row each.
pub fn errors_frame(metas: &[FrameMeta]) -> Result<DataFrame, FrameError> {
    let n: usize = metas.iter().map(|m| m.errors.len()).sum();
    let (mut host, mut req_id, mut ts, mut kind, mut message) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for m in metas {
        let rid = String::from_utf8_lossy(&m.req_id);
        for e in &m.errors {
            host.push(m.host.as_str());
            req_id.push(rid.clone().into_owned());
            ts.push(i64::try_from(e.timestamp).unwrap_or(i64::MAX));
            kind.push(e.kind.name());
            message.push(e.message.as_str());
        }
    }
    let timestamp = Int64Chunked::from_vec("timestamp".into(), ts)
        .into_datetime(TimeUnit::Nanoseconds, None)
        .into_series();
    Ok(DataFrame::new(
        n,
        vec![
            Column::new("host".into(), host),
            Column::new("req_id".into(), req_id),
            timestamp.into(),
            Column::new("kind".into(), kind),
            Column::new("message".into(), message),
        ],
    )?)
}

/// Appends `df` to the frames stacked so far.
fn append(records: &mut Option<DataFrame>, df: DataFrame) -> Result<(), FrameError> {
    match records {
        None => *records = Some(df),
        Some(all) => {
            all.vstack_mut_owned(df)?;
        }
    }
    Ok(())
}

/// The stacked frames in one chunk, or the empty long frame when there were none.
fn stacked(records: Option<DataFrame>, mibs: Option<&Mibs>) -> Result<DataFrame, FrameError> {
    match records {
        Some(mut r) => {
            r.rechunk_mut();
            Ok(r)
        }
        None => empty_long_frame(mibs),
    }
}

fn empty_long_frame(mibs: Option<&Mibs>) -> Result<DataFrame, FrameError> {
    let empty = WirelineWriter::new(b"", &[]).finish();
    let words = empty.into_words();
    let buf = Wireline::parse(&words)?;
    match mibs {
        Some(mibs) => long_frame_named(&buf, None, mibs),
        None => long_frame(&buf, None),
    }
}
