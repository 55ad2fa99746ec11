//! `mib_text`: arbitrary bytes as a MIB module file in a directory of its own (the input users
//! drop into ~/.snmp/mibs): loading never panics or fails as a whole, and every warning names
//! the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snmp_stream_mib::{MibSearch, Mibs};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("FUZZ-MIB.txt");
    std::fs::write(&file, data).expect("the module file writes");
    let search = MibSearch::bundled_only()
        .with_bundled(false)
        .with_dir(dir.path());
    let mibs = Mibs::load(&search);
    for w in mibs.warnings() {
        let _ = w.to_string();
    }
    // The SMI's base modules are always there.
    assert!(mibs.resolve("enterprises").is_ok());
});
