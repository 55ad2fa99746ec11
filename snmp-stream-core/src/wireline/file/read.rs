//! Reading a wireline file's frames, while it may still be appended.

use std::borrow::Cow;

use super::{FrameMeta, MAGIC, VERSION};
use crate::wireline::{WORD, WirelineError, native_words};

/// A wireline file that cannot be read further: what and at which byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset}")]
pub struct FileError {
    /// Byte offset in the file.
    pub offset: u64,
    /// What is wrong.
    pub kind: FileErrorKind,
}

/// What is wrong with a wireline file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileErrorKind {
    /// A layout version this crate does not read.
    #[error("unsupported wireline file version {0}")]
    UnsupportedVersion(u32),
    /// The file ends inside a frame (it may still be being written).
    #[error("the last frame is truncated")]
    TruncatedFrame,
    /// A frame's metadata cannot be decoded.
    #[error("malformed frame metadata")]
    BadMetadata,
    /// A frame's buffer is not a whole number of words.
    #[error("buffer length {0} is not a multiple of 8")]
    BadBufferLength(u64),
    /// A frame's buffer is not a valid wireline buffer.
    #[error("frame buffer: {0}")]
    Buffer(WirelineError),
}

/// One frame: metadata (absent for a bare buffer) and the buffer's bytes, borrowed.
#[derive(Debug, Clone)]
pub struct Frame<'a> {
    /// Byte offset of the frame in the file.
    pub offset: u64,
    /// Byte offset of the frame's buffer in the file (after the lengths and the metadata).
    pub buffer_offset: u64,
    /// The metadata; `None` for a bare buffer.
    pub meta: Option<FrameMeta>,
    /// The buffer, byte for byte as written.
    pub buffer: &'a [u8],
}

impl Frame<'_> {
    /// The buffer's words in this machine's byte order (see [`native_words`]), ready for
    /// [`Wireline::parse`](crate::wireline::Wireline::parse); errors name the offset within the file.
    pub fn words(&self) -> Result<Cow<'_, [u64]>, FileError> {
        native_words(self.buffer).map_err(|e| self.buffer_error(e))
    }

    /// A buffer error, with its offset made an offset in the file.
    pub fn buffer_error(&self, e: WirelineError) -> FileError {
        FileError {
            offset: self.buffer_offset + e.offset as u64,
            kind: FileErrorKind::Buffer(e),
        }
    }
}

/// Reads the frames of a wireline file (or the single buffer of a bare one).
///
/// After an error the iterator ends: the frames before it are complete and valid.
pub fn frames(bytes: &[u8]) -> Frames<'_> {
    Frames {
        bytes,
        pos: 0,
        bare: !bytes.starts_with(&MAGIC),
        done: false,
    }
}

/// Iterator over a file's frames; see [`frames`].
#[derive(Debug, Clone)]
pub struct Frames<'a> {
    bytes: &'a [u8],
    pos: usize,
    bare: bool,
    done: bool,
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<Frame<'a>, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.read();
        if !matches!(r, Some(Ok(_))) {
            self.done = true;
        }
        r
    }
}

impl<'a> Frames<'a> {
    fn read(&mut self) -> Option<Result<Frame<'a>, FileError>> {
        let fail = |offset: usize, kind| {
            Some(Err(FileError {
                offset: offset as u64,
                kind,
            }))
        };
        if self.bare {
            self.done = true;
            return Some(Ok(Frame {
                offset: 0,
                buffer_offset: 0,
                meta: None,
                buffer: self.bytes,
            }));
        }
        if self.pos == 0 {
            let Some(header) = self.bytes.get(..16) else {
                return fail(0, FileErrorKind::TruncatedFrame);
            };
            let version = u32::from_le_bytes(header[8..12].try_into().expect("4 bytes"));
            if version != VERSION {
                return fail(8, FileErrorKind::UnsupportedVersion(version));
            }
            self.pos = 16;
        }
        let start = self.pos;
        if start == self.bytes.len() {
            return None;
        }
        let Some(lens) = self.bytes.get(start..start + 16) else {
            return fail(start, FileErrorKind::TruncatedFrame);
        };
        let meta_len = u64::from_le_bytes(lens[..8].try_into().expect("8 bytes"));
        let buf_len = u64::from_le_bytes(lens[8..].try_into().expect("8 bytes"));
        if buf_len % WORD as u64 != 0 {
            return fail(start + 8, FileErrorKind::BadBufferLength(buf_len));
        }
        let meta_at = start + 16;
        let meta_padded = usize::try_from(meta_len)
            .ok()
            .and_then(|m| m.checked_next_multiple_of(WORD));
        let buf_at = meta_padded.and_then(|m| meta_at.checked_add(m));
        let end = buf_at
            .zip(usize::try_from(buf_len).ok())
            .and_then(|(b, l)| b.checked_add(l));
        let (Some(buf_at), Some(end)) = (buf_at, end) else {
            return fail(start, FileErrorKind::TruncatedFrame);
        };
        if end > self.bytes.len() {
            return fail(start, FileErrorKind::TruncatedFrame);
        }
        let meta_bytes = &self.bytes[meta_at..meta_at + meta_len as usize];
        let Some(meta) = FrameMeta::decode(meta_bytes) else {
            return fail(meta_at, FileErrorKind::BadMetadata);
        };
        self.pos = end;
        Some(Ok(Frame {
            offset: start as u64,
            buffer_offset: buf_at as u64,
            meta: Some(meta),
            buffer: &self.bytes[buf_at..end],
        }))
    }
}
