//! `text`: arbitrary text through the parsers of what users type (OIDs, hosts, index ranges,
//! SNMP versions); nothing may panic, and whatever parses prints as text that parses back to
//! the same value.
#![no_main]

use std::fmt::Display;
use std::str::FromStr;

use libfuzzer_sys::fuzz_target;
use snmp_stream_core::{Host, IndexRange, Oid, Version};

/// `s` parsed as `T`; when it parses, its printed form parses back to it.
fn round_trip<T>(s: &str)
where
    T: FromStr + Display + PartialEq + std::fmt::Debug,
    T::Err: Display,
{
    if let Ok(v) = s.parse::<T>() {
        let printed = v.to_string();
        match printed.parse::<T>() {
            Ok(again) => assert_eq!(again, v, "{s:?} printed as {printed:?}"),
            Err(e) => panic!("{s:?} printed as {printed:?}, which does not parse: {e}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    round_trip::<Oid>(&s);
    round_trip::<Host>(&s);
    round_trip::<IndexRange>(&s);
    round_trip::<Version>(&s);
});
