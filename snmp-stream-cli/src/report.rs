//! The lines the collection commands print on stderr about what they did: what was written
//! where, each host that is not complete, and each host's quirks.

use std::path::Path;

use snmp_stream_core::{Host, Quirks, Response, Status};

/// The stderr line saying what was written where.
pub(crate) fn report_written(records: u64, hosts: usize, path: &Path) {
    let noun = if hosts == 1 { "host" } else { "hosts" };
    eprintln!(
        "wrote {records} varbind{} from {hosts} {noun} to {}",
        if records == 1 { "" } else { "s" },
        path.display()
    );
}

/// Adds a response's quirks to its host's, hosts in the order they first appear; hosts
/// without any are left out.
pub(crate) fn add_quirks(by_host: &mut Vec<(Host, Quirks)>, r: &Response) {
    if r.quirks.is_empty() {
        return;
    }
    match by_host.iter_mut().find(|(h, _)| h == r.request.host()) {
        Some((_, q)) => q.add(&r.quirks),
        None => by_host.push((r.request.host().clone(), r.quirks)),
    }
}

/// Each host's agent quirks over its responses, hosts in response order; hosts without any
/// are left out.
pub(crate) fn quirks_by_host(responses: &[Response]) -> Vec<(Host, Quirks)> {
    let mut by_host = Vec::new();
    for r in responses {
        add_quirks(&mut by_host, r);
    }
    by_host
}

/// The stderr line naming a host's quirks: `snmp-stream: HOST quirks: repeated OIDs
/// dropped: 2; ...`.
pub(crate) fn quirks_line(host: &impl std::fmt::Display, quirks: &Quirks) -> String {
    format!("snmp-stream: {host} quirks: {quirks}")
}

/// One stderr line per response that is not complete: host, status, first error.
pub(crate) fn report_problems(responses: &[Response]) {
    for r in responses.iter().filter(|r| r.status != Status::Complete) {
        report_problem(r);
    }
}

/// One stderr line for a response that is not complete: host, status, first error.
pub(crate) fn report_problem(r: &Response) {
    eprintln!("{}", problem_line(r));
}

/// The stderr line for a response that is not complete: host, status, first error.
pub(crate) fn problem_line(r: &Response) -> String {
    let first = r
        .errors
        .first()
        .map_or_else(String::new, |e| format!(": {}", e.error));
    let more = match r.errors.len() {
        0 | 1 => String::new(),
        n => format!(" (and {} more errors)", n - 1),
    };
    format!(
        "snmp-stream: {} {}{first}{more}",
        r.request.host(),
        r.status
    )
}
