//! Pieces shared by the benchmark binaries: argument parsing and the JSON summary line.
//!
//! The suite itself is `bench/run.py`; BENCHMARKS.md documents it.

use std::fmt::Write as _;

/// Command-line arguments common to the walking clients:
/// `[--max-repetitions N] [--community C] [--timeout-ms MS] [--retries R] [--ranges N] [--keep]
/// [--verify] [--threads T] [--sessions S] [--in-flight F] [--request-per-root] --oid OID...
/// HOST:PORT...`.
#[derive(Debug, Clone)]
pub struct WalkArgs {
    /// GETBULK max-repetitions (for the library also `max_response_var_binds_per_pdu`: N
    /// varbinds per response for a one-root walk).
    pub max_repetitions: u32,
    /// Community string.
    pub community: String,
    /// Timeout of one attempt, milliseconds.
    pub timeout_ms: u64,
    /// Retries after the first attempt.
    pub retries: u32,
    /// Split each walk into this many index ranges by the first index arc (0 or 1: none).
    pub ranges: u32,
    /// Keep every response until the end instead of dropping each once counted.
    pub keep: bool,
    /// Parse every record of every response (a check, not part of a measured run).
    pub verify: bool,
    /// Runtime threads: the peer client's (default 1, a current-thread runtime); the
    /// library's event-loop arbiters (default: the library's, one per core).
    pub threads: Option<usize>,
    /// The most hosts walked at once (default: all of them).
    pub sessions: Option<u32>,
    /// The library's requests in flight to one host (its `max_in_flight_per_host`; default 1).
    pub in_flight: Option<u32>,
    /// The library: one request per root OID instead of one for all roots.
    pub request_per_root: bool,
    /// Root OIDs, dotted.
    pub oids: Vec<String>,
    /// Agents, `IP:PORT`.
    pub hosts: Vec<std::net::SocketAddr>,
}

impl WalkArgs {
    /// Parses `args` (without the program name).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<WalkArgs, String> {
        let mut out = WalkArgs {
            max_repetitions: 10,
            community: "public".into(),
            timeout_ms: 5_000,
            retries: 1,
            ranges: 0,
            keep: false,
            verify: false,
            threads: None,
            sessions: None,
            in_flight: None,
            request_per_root: false,
            oids: Vec::new(),
            hosts: Vec::new(),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--max-repetitions" => out.max_repetitions = number(&arg, &value(&arg)?)?,
                "--community" => out.community = value(&arg)?,
                "--timeout-ms" => out.timeout_ms = number(&arg, &value(&arg)?)?,
                "--retries" => out.retries = number(&arg, &value(&arg)?)?,
                "--ranges" => out.ranges = number(&arg, &value(&arg)?)?,
                "--keep" => out.keep = true,
                "--verify" => out.verify = true,
                "--threads" => out.threads = Some(number(&arg, &value(&arg)?)?),
                "--sessions" => out.sessions = Some(number(&arg, &value(&arg)?)?),
                "--in-flight" => out.in_flight = Some(number(&arg, &value(&arg)?)?),
                "--request-per-root" => out.request_per_root = true,
                "--oid" => out.oids.push(value(&arg)?),
                flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}")),
                host => out.hosts.push(
                    host.parse()
                        .map_err(|e| format!("host {host:?} is not IP:PORT: {e}"))?,
                ),
            }
        }
        if out.oids.is_empty() || out.hosts.is_empty() {
            return Err("give at least one --oid OID and one HOST:PORT".into());
        }
        if out.max_repetitions == 0
            || out.threads == Some(0)
            || out.sessions == Some(0)
            || out.in_flight == Some(0)
        {
            return Err(
                "--max-repetitions, --threads, --sessions and --in-flight must be at least 1"
                    .into(),
            );
        }
        Ok(out)
    }
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e| format!("{flag} {text:?} is not a number: {e}"))
}

/// The one JSON line every client prints at the end, which `bench/run.py` reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    /// Varbinds collected inside the walked subtrees.
    pub varbinds: u64,
    /// Hosts whose walks all completed.
    pub hosts_ok: u64,
    /// Hosts with a failed or partial walk.
    pub hosts_failed: u64,
    /// Wireline bytes of every response (0 for clients that do not write wireline).
    pub wireline_bytes: u64,
    /// Largest single response, wireline bytes.
    pub largest_response_bytes: u64,
    /// Responses received.
    pub responses: u64,
    /// Requests sent again after a timeout (a lost datagram costs a whole timeout).
    pub retries: u64,
    /// Datagrams sent (first transmissions and retries): varbinds ÷ transmits is the varbinds per
    /// datagram sent (per response when nothing was retried).
    pub transmits: u64,
}

impl Summary {
    /// The summary as one line of JSON.
    pub fn to_json(&self) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "{{\"varbinds\": {}, \"hosts_ok\": {}, \"hosts_failed\": {}, \"wireline_bytes\": {}, \
             \"largest_response_bytes\": {}, \"responses\": {}, \"retries\": {}, \
             \"transmits\": {}}}",
            self.varbinds,
            self.hosts_ok,
            self.hosts_failed,
            self.wireline_bytes,
            self.largest_response_bytes,
            self.responses,
            self.retries,
            self.transmits
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<WalkArgs, String> {
        WalkArgs::parse(s.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_every_flag() {
        let a = parse(
            "--max-repetitions 50 --community routes --timeout-ms 200 --retries 0 --ranges 16 \
             --keep --verify --threads 3 --sessions 7 --in-flight 8 --request-per-root \
             --oid 1.3.6 --oid 1.3.7 127.0.0.1:161 [::1]:1161",
        )
        .unwrap();
        assert_eq!(a.max_repetitions, 50);
        assert_eq!(a.community, "routes");
        assert_eq!(
            (a.timeout_ms, a.retries, a.ranges, a.keep),
            (200, 0, 16, true)
        );
        assert_eq!((a.verify, a.threads, a.sessions), (true, Some(3), Some(7)));
        assert_eq!((a.in_flight, a.request_per_root), (Some(8), true));
        assert_eq!(a.oids, ["1.3.6", "1.3.7"]);
        assert_eq!(a.hosts.len(), 2);
    }

    #[test]
    fn rejects_bad_input_by_name() {
        assert_eq!(
            parse("--oid 1.3 --max-repetitions x 127.0.0.1:1").unwrap_err(),
            "--max-repetitions \"x\" is not a number: invalid digit found in string"
        );
        assert!(
            parse("--oid 1.3 localhost")
                .unwrap_err()
                .contains("\"localhost\"")
        );
        assert!(parse("127.0.0.1:1").unwrap_err().contains("--oid"));
        assert!(
            parse("--oid 1.3 --bogus 127.0.0.1:1")
                .unwrap_err()
                .contains("--bogus")
        );
        assert!(parse("--oid").unwrap_err().contains("needs a value"));
        assert!(parse("--oid 1.3 --max-repetitions 0 127.0.0.1:1").is_err());
        assert!(parse("--oid 1.3 --sessions 0 127.0.0.1:1").is_err());
        assert!(parse("--oid 1.3 --in-flight 0 127.0.0.1:1").is_err());
    }

    #[test]
    fn summary_is_one_json_line() {
        let s = Summary {
            varbinds: 3,
            hosts_ok: 1,
            ..Summary::default()
        };
        assert_eq!(
            s.to_json(),
            "{\"varbinds\": 3, \"hosts_ok\": 1, \"hosts_failed\": 0, \"wireline_bytes\": 0, \
             \"largest_response_bytes\": 0, \"responses\": 0, \"retries\": 0, \"transmits\": 0}"
        );
    }
}
