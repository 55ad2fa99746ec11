//! The original's quick start, without the network (the collector does not exist yet): walk two
//! ifTable columns, ifIndex and ifDescr, of the `linux-full-walk` recording.
//!
//! It builds the GETBULK request the collector will send (with the original's packing rule for
//! `max_response_var_binds_per_pdu` = 10: ⌈√10⌉ = 4 heads per PDU, ⌊10/4⌋ = 2 repetitions, here
//! with the two heads asked for), plays the agent by answering with the recording's rows,
//! reads the response into a wireline buffer, and prints the buffer as the original's quick
//! start did (one row of 8 bytes per word) and record by record.
//!
//! Run: `cargo run -p snmp-stream-examples --example quick_start`

use snmp_stream_core::ber::{PduHeader, encode_message, read_message};
use snmp_stream_core::wireline::WirelineWriter;
use snmp_stream_core::{Oid, Value, Version};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let roots: Vec<Oid> = vec![
        "1.3.6.1.2.1.2.2.1.1".parse()?,
        "1.3.6.1.2.1.2.2.1.2".parse()?,
    ];
    let community = b"recorded/linux-full-walk";

    // The request: GETBULK of both columns, non-repeaters 0, max-repetitions 2.
    let mut request = Vec::with_capacity(1500);
    encode_message(
        &mut request,
        Version::V2c,
        community,
        &PduHeader::get_bulk(1, 0, 2),
        roots.iter().map(|r| (r.sub_ids(), Value::Null)),
    );
    println!(
        "GETBULK request, {} bytes: {}",
        request.len(),
        hex(&request)
    );

    // The agent's answer: the recording's first two rows of each column, interleaved as
    // GETBULK returns them (RFC 3416 §4.2.3).
    let (if_index, if_descr) = (&roots[0], &roots[1]);
    let rows = [
        (if_index.join(&[1])?, Value::Integer(1)),
        (if_descr.join(&[1])?, Value::OctetString(b"lo")),
        (if_index.join(&[2])?, Value::Integer(2)),
        (if_descr.join(&[2])?, Value::OctetString(b"eth0")),
    ];
    let mut response = Vec::new();
    encode_message(
        &mut response,
        Version::V2c,
        community,
        &PduHeader::response(1, 0, 0),
        rows.iter().map(|(o, v)| (o.sub_ids(), *v)),
    );

    // The collector's side: read in place, append records to the wireline buffer.
    let mut writer = WirelineWriter::new(b"abc", &roots);
    let msg = read_message(&response)?;
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos() as u64;
    for vb in msg.pdu.varbinds() {
        let vb = vb?;
        // GETBULK interleaves the heads: varbind i belongs to root i mod 2.
        let root = roots.iter().position(|r| vb.oid.starts_with(r));
        if let Some(i) = root {
            writer.push_varbind(timestamp, i, &vb)?;
        }
    }
    let buf = writer.finish();

    println!(
        "\nwireline buffer, {} bytes, one word per row:",
        buf.len_bytes()
    );
    for (i, word) in buf.as_bytes().chunks(8).enumerate() {
        println!("  {:04x}: {}", i * 8, hex(word));
    }

    println!("\nrecords:");
    let read = buf.read()?;
    for rec in read.records() {
        let rec = rec?;
        let root = &roots[rec.root_index()];
        let value = match rec.value()? {
            Value::OctetString(s) => format!("STRING: {}", String::from_utf8_lossy(s)),
            other => format!("{other:?}"),
        };
        println!("  {root}.{} = {value}", rec.index());
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
