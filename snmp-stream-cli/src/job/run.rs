//! Running a checked job: the collection, one data file per host, report.csv and the summary.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use anyhow::Context;
use snmp_stream_actors::SessionManager;
use snmp_stream_core::{Config, ConfigOverrides, Quirks, Request, Response, Status};

use super::file::JobFormat;
use super::plan::{Plan, Target};
use crate::Outcome;
use crate::output::{self, cell, record_count};
use crate::progress::{Counts, Progress};
use crate::report::quirks_line;

/// Failed hosts listed on stderr at the end; the rest are in the report.
const LIST_FAILED: usize = 10;

/// How a host ended, over all its groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostStatus {
    Ok,
    Partial,
    Failed,
}

impl HostStatus {
    fn of(responses: &[Response]) -> HostStatus {
        if responses.iter().all(|r| r.status == Status::Complete) {
            HostStatus::Ok
        } else if responses.iter().all(|r| r.status == Status::Failed) {
            HostStatus::Failed
        } else {
            HostStatus::Partial
        }
    }

    fn name(self) -> &'static str {
        match self {
            HostStatus::Ok => "ok",
            HostStatus::Partial => "partial",
            HostStatus::Failed => "failed",
        }
    }
}

/// One host's row of the report.
#[derive(Debug)]
struct HostReport {
    status: HostStatus,
    varbinds: usize,
    errors: Vec<String>,
    /// Agent bugs tolerated and replies dropped, over all its responses.
    quirks: Quirks,
    /// Whether the host's data file was written.
    wrote_file: bool,
}

/// A file name for a host's data: its `name:port` (`name:port#N` for an address given more
/// than once) with anything but letters, digits, `.` and `-` replaced by `_`.
fn file_stem(host: &Target) -> String {
    host.label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Runs a checked job.
pub(crate) fn run(plan: Plan, quiet: bool) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    std::fs::create_dir_all(&plan.output)
        .with_context(|| format!("cannot create output directory {}", plan.output.display()))?;
    let mut config = ConfigOverrides::new();
    if let Some(n) = plan.sessions {
        config = config.max_async_sessions(n);
    }
    let config: Config = config.build()?;

    // A response finds its host's entry by what its request was: address, community,
    // version and group (the plan made that unique).
    let key = |r: &Request| (r.host().clone(), r.security().clone(), r.req_id().to_vec());
    let mut index = HashMap::new();
    let mut expected = vec![0usize; plan.hosts.len()];
    for (i, r) in &plan.requests {
        index.insert(key(r), *i);
        expected[*i] += r.partitions().len();
    }

    let mut manager = SessionManager::builder(config)
        .start()
        .context("starting the collector")?;
    for (_, r) in plan.requests {
        manager.add_request(r)?;
    }
    tracing::info!(
        hosts = plan.hosts.len(),
        groups = plan.groups.len(),
        "job started"
    );

    let counts = Arc::new(Counts::default());
    let progress = Progress::start(quiet, plan.hosts.len(), counts.clone(), started);
    let mut pending: Vec<Vec<Response>> = vec![Vec::new(); plan.hosts.len()];
    // Records per host so far: each buffer is read once, for the progress and the report.
    let mut records = vec![0usize; plan.hosts.len()];
    let mut reports: Vec<Option<HostReport>> = (0..plan.hosts.len()).map(|_| None).collect();
    let mut files = 0usize;
    let result = (|| -> anyhow::Result<()> {
        while let Some(batch) = manager.run() {
            for r in batch {
                let Some(&i) = index.get(&key(&r.request)) else {
                    continue;
                };
                let n = record_count(&r);
                counts.varbinds.fetch_add(n as u64, Relaxed);
                records[i] += n;
                pending[i].push(r);
                if pending[i].len() == expected[i] {
                    let responses = std::mem::take(&mut pending[i]);
                    let report = finish_host(
                        &plan.hosts[i],
                        &responses,
                        records[i],
                        &plan.output,
                        plan.format,
                    )?;
                    files += usize::from(report.wrote_file);
                    counts.done.fetch_add(1, Relaxed);
                    match report.status {
                        HostStatus::Ok => {}
                        HostStatus::Partial => _ = counts.partial.fetch_add(1, Relaxed),
                        HostStatus::Failed => _ = counts.failed.fetch_add(1, Relaxed),
                    }
                    reports[i] = Some(report);
                }
            }
            progress.update(&counts);
        }
        Ok(())
    })();
    progress.finish();
    drop(manager);
    result?;

    let report_path = plan.output.join("report.csv");
    write_report(&report_path, &plan.hosts, &reports)?;

    let elapsed = started.elapsed();
    let count = |s: HostStatus| reports.iter().flatten().filter(|r| r.status == s).count();
    let (ok, partial, failed) = (
        count(HostStatus::Ok),
        count(HostStatus::Partial),
        count(HostStatus::Failed),
    );
    let varbinds = counts.varbinds.load(Relaxed);
    if !quiet {
        let bad: Vec<(usize, &HostReport)> = reports
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i, r.as_ref()?)))
            .filter(|(_, r)| r.status != HostStatus::Ok)
            .collect();
        for (i, r) in bad.iter().take(LIST_FAILED) {
            eprintln!(
                "snmp-stream: {} {}: {}",
                plan.hosts[*i],
                r.status.name(),
                r.errors.first().map_or("", String::as_str)
            );
        }
        if bad.len() > LIST_FAILED {
            eprintln!(
                "snmp-stream: … and {} more in {}",
                bad.len() - LIST_FAILED,
                report_path.display()
            );
        }
        let quirky: Vec<(usize, &HostReport)> = reports
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i, r.as_ref()?)))
            .filter(|(_, r)| !r.quirks.is_empty())
            .collect();
        for (i, r) in quirky.iter().take(LIST_FAILED) {
            eprintln!("{}", quirks_line(&plan.hosts[*i], &r.quirks));
        }
        if quirky.len() > LIST_FAILED {
            eprintln!(
                "snmp-stream: … and {} more hosts with quirks in {}",
                quirky.len() - LIST_FAILED,
                report_path.display()
            );
        }
    }
    // The summary, like every command's, on stderr (the data is in the files).
    if !quiet {
        eprintln!(
            "{} host{}: {ok} ok, {partial} partial, {failed} failed; {varbinds} varbind{} in {:.2} s ({:.0} varbinds/s)",
            plan.hosts.len(),
            if plan.hosts.len() == 1 { "" } else { "s" },
            if varbinds == 1 { "" } else { "s" },
            elapsed.as_secs_f64(),
            varbinds as f64 / elapsed.as_secs_f64().max(1e-3)
        );
        eprintln!(
            "wrote {files} {} file{} and report.csv to {}",
            plan.format.extension(),
            if files == 1 { "" } else { "s" },
            plan.output.display()
        );
    }
    Ok(Outcome::of(ok == plan.hosts.len()))
}

/// Writes a finished host's data file (when it returned any varbinds) and returns its report;
/// `varbinds` are its responses' records.
fn finish_host(
    host: &Target,
    responses: &[Response],
    varbinds: usize,
    dir: &Path,
    format: JobFormat,
) -> anyhow::Result<HostReport> {
    let mut errors: Vec<String> = responses
        .iter()
        .flat_map(|r| {
            let group = String::from_utf8_lossy(r.request.req_id()).into_owned();
            r.errors
                .iter()
                .map(move |e| format!("{group}: {}", e.error))
        })
        .collect();
    let mut status = HostStatus::of(responses);
    let mut wrote_file = false;
    if varbinds > 0 {
        // A host whose file cannot be written (a full disk, a permission) fails in the report;
        // the job goes on with the other hosts and still writes report.csv.
        let path = dir.join(format!("{}.{}", file_stem(host), format.extension()));
        match output::write_file(responses, format.into(), output::Render::default(), &path) {
            Ok(()) => wrote_file = true,
            Err(e) => {
                errors.push(format!("output: {e:#}"));
                status = HostStatus::Failed;
            }
        }
    }
    let mut quirks = Quirks::default();
    for r in responses {
        quirks.add(&r.quirks);
    }
    Ok(HostReport {
        status,
        varbinds,
        errors,
        quirks,
        wrote_file,
    })
}

/// `report.csv`: `host,status,varbinds,errors,message,quirks`, one row per host in job
/// order; `quirks` names the agent bugs tolerated and replies dropped (`none`).
fn write_report(
    path: &Path,
    hosts: &[Target],
    reports: &[Option<HostReport>],
) -> anyhow::Result<()> {
    let mut s = String::from("host,status,varbinds,errors,message,quirks\n");
    for (h, r) in hosts.iter().zip(reports) {
        let line = match r {
            Some(r) => format!(
                "{},{},{},{},{},{}\n",
                cell(&h.to_string(), true),
                r.status.name(),
                r.varbinds,
                r.errors.len(),
                cell(&r.errors.join("; "), true),
                cell(&r.quirks.to_string(), true)
            ),
            // Every accepted request is answered; a host without a report means the
            // collector stopped early.
            None => format!(
                "{},failed,0,1,collector stopped,none\n",
                cell(&h.to_string(), true)
            ),
        };
        s.push_str(&line);
    }
    std::fs::write(path, s).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use snmp_stream_core::Host;

    use super::*;

    #[test]
    fn host_file_names_are_safe() {
        let target = |label: &str| Target {
            host: Host::parse("h").unwrap(),
            label: label.to_string(),
        };
        assert_eq!(file_stem(&target("[::1]:161")), "___1__161");
        assert_eq!(file_stem(&target("sw-1.example:1161")), "sw-1.example_1161");
        assert_eq!(file_stem(&target("sw-1:161#2")), "sw-1_161_2");
    }
}
