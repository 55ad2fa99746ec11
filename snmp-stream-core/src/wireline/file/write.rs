//! Writing a wireline file: the header, then one frame per response.

use std::io::{self, Write};

use super::{FrameMeta, MAGIC, VERSION};
use crate::response::Response;
use crate::wireline::WORD;

/// Writes a wireline file: the header, then one frame per response.
#[derive(Debug)]
pub struct WirelineFileWriter<W: Write> {
    out: W,
    meta: Vec<u8>,
}

impl<W: Write> WirelineFileWriter<W> {
    /// Starts a file: writes its header.
    pub fn new(mut out: W) -> io::Result<Self> {
        let mut header = [0u8; 16];
        header[..8].copy_from_slice(&MAGIC);
        header[8..12].copy_from_slice(&VERSION.to_le_bytes());
        out.write_all(&header)?;
        Ok(WirelineFileWriter {
            out,
            meta: Vec::new(),
        })
    }

    /// Appends a response as one frame.
    pub fn write_response(&mut self, r: &Response) -> io::Result<()> {
        self.write_frame(&FrameMeta::of(r), r.buffer.as_bytes())
    }

    /// Appends a frame. The buffer must be a whole number of words.
    pub fn write_frame(&mut self, meta: &FrameMeta, buffer: &[u8]) -> io::Result<()> {
        if buffer.len() % WORD != 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a wireline buffer is a whole number of words",
            ));
        }
        self.meta.clear();
        meta.encode(&mut self.meta);
        let m = self.meta.len();
        self.meta.resize(m.div_ceil(WORD) * WORD, 0);
        // One write per frame part; the frame is complete once all three are written.
        let mut lens = [0u8; 16];
        lens[..8].copy_from_slice(&(m as u64).to_le_bytes());
        lens[8..].copy_from_slice(&(buffer.len() as u64).to_le_bytes());
        self.out.write_all(&lens)?;
        self.out.write_all(&self.meta)?;
        self.out.write_all(buffer)
    }

    /// Flushes and returns the writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}
