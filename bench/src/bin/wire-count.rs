//! Counts the records of a wireline file, checking every frame and record on the way, and
//! prints `{"varbinds": N, "frames": F}`: how `bench/run.py` checks what `snmp-stream walk -o
//! FILE.wire` collected.
//!
//! Usage: `wire-count FILE`

use snmp_stream_core::wireline::Wireline;
use snmp_stream_core::wireline::file::frames;

fn main() {
    let result = (|| -> Result<(u64, u64), String> {
        let path = std::env::args().nth(1).ok_or("usage: wire-count FILE")?;
        let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
        let (mut records, mut count) = (0u64, 0u64);
        for frame in frames(&bytes) {
            let frame = frame.map_err(|e| format!("{path}: {e}"))?;
            let words = frame.words().map_err(|e| format!("{path}: {e}"))?;
            let buffer = Wireline::parse(&words)
                .map_err(|e| format!("{path}: {}", frame.buffer_error(e)))?;
            for record in buffer.records() {
                record.map_err(|e| format!("{path}: {}", frame.buffer_error(e)))?;
                records += 1;
            }
            count += 1;
        }
        Ok((records, count))
    })();
    match result {
        Ok((records, frames)) => println!("{{\"varbinds\": {records}, \"frames\": {frames}}}"),
        Err(e) => {
            eprintln!("wire-count: {e}");
            std::process::exit(2);
        }
    }
}
