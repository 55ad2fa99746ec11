//! `run JOB.toml`: a batch collection of many hosts × OID groups, written per host to an output
//! directory with a per-host report.
//!
//! # The job file
//!
//! TOML. Settings given at the top apply to every request, in a `[[group]]` to its requests, in
//! a host table to that host's requests (host beats group beats job). A table name (`ifTable`)
//! walks every column of its entry. A host name that does not resolve fails that host (in the
//! report); it is not an error in the job file. `snmp-stream-cli/examples/job.toml`:
//!
#![doc = concat!("```toml\n", include_str!("../examples/job.toml"), "```")]
//!
//! # Output
//!
//! `OUTPUT/HOST_PORT.parquet` (or `.wire`) for each host that returned data, holding every
//! group's responses (`req_id` is the group name), and `OUTPUT/report.csv`: one row per host
//! with `host,status,varbinds,errors,message,quirks` — status `ok`, `partial` (some data, some
//! errors) or `failed` (no data) — each error as `group: message`, and the agent bugs
//! tolerated and replies dropped (`repeated OIDs dropped: 2; ...`, or `none`).

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use anyhow::{Context, anyhow, bail};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use snmp_stream_actors::SessionManager;
use snmp_stream_core::config::NonIncreasingPolicy;
use snmp_stream_core::{
    Community, Config, ConfigOverrides, Host, IndexRange, Oid, Quirks, Request, RequestKind,
    Response, Status, Version,
};
use toml::Spanned;

use crate::Outcome;
use crate::collect::{config_field, out_of_bounds, quirks_line, request, resolve_oids, seconds};
use crate::output::{self, OutFormat, cell, record_count};
use crate::progress::{Counts, Progress};

/// Failed hosts listed on stderr at the end; the rest are in the report.
const LIST_FAILED: usize = 10;

/// What a job writes per host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum JobFormat {
    Wire,
    Parquet,
}

impl JobFormat {
    fn extension(self) -> &'static str {
        OutFormat::from(self).extension()
    }
}

impl From<JobFormat> for OutFormat {
    fn from(f: JobFormat) -> OutFormat {
        match f {
            JobFormat::Wire => OutFormat::Wire,
            JobFormat::Parquet => OutFormat::Parquet,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Walk,
    Get,
}

/// Adds the settings every level of a job file may give (job, group, host) to a struct, and a
/// `settings()` that collects them.
macro_rules! with_settings {
    ($(#[$m:meta])* struct $name:ident { $($(#[$fm:meta])* $f:ident: $t:ty,)* }) => {
        $(#[$m])*
        struct $name {
            $($(#[$fm])* $f: $t,)*
            community: Option<String>,
            version: Option<Spanned<String>>,
            retries: Option<u32>,
            timeout: Option<Spanned<f64>>,
            max_varbinds: Option<Spanned<u32>>,
            max_repetitions: Option<Spanned<u32>>,
            deadline: Option<Spanned<f64>>,
            non_increasing: Option<Spanned<String>>,
            max_rows: Option<Spanned<u64>>,
            accept_other_source: Option<bool>,
        }

        impl $name {
            fn settings(&self) -> Settings<'_> {
                Settings {
                    community: self.community.as_deref(),
                    version: self.version.as_ref(),
                    retries: self.retries,
                    timeout: self.timeout.as_ref(),
                    max_varbinds: self.max_varbinds.as_ref(),
                    max_repetitions: self.max_repetitions.as_ref(),
                    deadline: self.deadline.as_ref(),
                    non_increasing: self.non_increasing.as_ref(),
                    max_rows: self.max_rows.as_ref(),
                    accept_other_source: self.accept_other_source,
                }
            }
        }
    };
}

with_settings! {
    /// The job file.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct JobFile {
        output: Option<String>,
        format: Option<JobFormat>,
        sessions: Option<Spanned<u32>>,
        #[serde(default)]
        hosts: Vec<Spanned<HostEntry>>,
        hosts_file: Option<Spanned<String>>,
        #[serde(default, rename = "group")]
        groups: Vec<Spanned<Group>>,
    }
}

with_settings! {
    /// A `[[group]]`: OIDs (and ranges) collected from every host.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Group {
        name: Option<String>,
        kind: Option<Kind>,
        oids: Vec<Spanned<String>>,
        #[serde(default)]
        ranges: Vec<Spanned<String>>,
    }
}

with_settings! {
    /// A host given as a table, with settings of its own.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct HostTable {
        host: String,
    }
}

/// A `hosts` entry: a string or a table.
#[derive(Debug)]
enum HostEntry {
    Name(String),
    Table(Box<HostTable>),
}

impl<'de> Deserialize<'de> for HostEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = HostEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a host string or a table with `host = \"...\"`")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<HostEntry, E> {
                Ok(HostEntry::Name(s.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<HostEntry, A::Error> {
                HostTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| HostEntry::Table(Box::new(t)))
            }
        }
        d.deserialize_any(V)
    }
}

/// The settings one level gives (`None`: not given there).
#[derive(Debug, Clone, Copy)]
struct Settings<'a> {
    community: Option<&'a str>,
    version: Option<&'a Spanned<String>>,
    retries: Option<u32>,
    timeout: Option<&'a Spanned<f64>>,
    max_varbinds: Option<&'a Spanned<u32>>,
    max_repetitions: Option<&'a Spanned<u32>>,
    deadline: Option<&'a Spanned<f64>>,
    non_increasing: Option<&'a Spanned<String>>,
    max_rows: Option<&'a Spanned<u64>>,
    accept_other_source: Option<bool>,
}

/// Settings after layering: what one request gets.
#[derive(Debug, Clone)]
struct Effective {
    community: Vec<u8>,
    version: Version,
    overrides: ConfigOverrides,
}

impl Default for Effective {
    fn default() -> Self {
        Effective {
            community: b"public".to_vec(),
            version: Version::V2c,
            overrides: ConfigOverrides::new(),
        }
    }
}

/// A job file's text, for turning byte offsets into line numbers.
struct Source<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Source<'_> {
    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// An error at `span`: `PATH line N: MESSAGE`.
    fn err(&self, span: Range<usize>, msg: impl fmt::Display) -> anyhow::Error {
        anyhow!(
            "{} line {}: {msg}",
            self.path.display(),
            self.line(span.start)
        )
    }
}

impl Effective {
    /// This layer with `s` applied on top; errors point at the setting's line.
    fn with(&self, s: Settings<'_>, src: &Source<'_>) -> anyhow::Result<Effective> {
        let mut e = self.clone();
        if let Some(c) = s.community {
            e.community = c.as_bytes().to_vec();
        }
        if let Some(v) = s.version {
            e.version = v.get_ref().parse().map_err(|_| {
                src.err(
                    v.span(),
                    format_args!("unknown SNMP version `{}` (expected 1 or 2c)", v.get_ref()),
                )
            })?;
        }
        let o = &mut e.overrides;
        if let Some(n) = s.retries {
            o.retries = Some(n);
        }
        if let Some(t) = s.timeout {
            o.timeout = Some(seconds("`timeout`", *t.get_ref()).map_err(|e| src.err(t.span(), e))?);
        }
        if let Some(n) = s.max_varbinds {
            o.max_response_var_binds_per_pdu = Some(*n.get_ref());
        }
        if let Some(n) = s.max_repetitions {
            o.max_repetitions = Some(Some(*n.get_ref()));
        }
        if let Some(t) = s.deadline {
            o.host_deadline = Some(Some(
                seconds("`deadline`", *t.get_ref()).map_err(|e| src.err(t.span(), e))?,
            ));
        }
        if let Some(p) = s.non_increasing {
            o.non_increasing = Some(match p.get_ref().as_str() {
                "strict" => NonIncreasingPolicy::Strict,
                "permissive" => NonIncreasingPolicy::Permissive,
                other => {
                    return Err(src.err(
                        p.span(),
                        format_args!("`non_increasing` is `strict` or `permissive`, not `{other}`"),
                    ));
                }
            });
        }
        if let Some(n) = s.max_rows {
            o.max_rows_per_root = Some(*n.get_ref());
        }
        if let Some(b) = s.accept_other_source {
            o.accept_other_source = Some(b);
        }
        // The config's bounds, checked here so that the error names the setting's line and
        // key; the request built later checks them again, against the collector's config.
        if let Err(err) = Config::default().with_overrides(o) {
            // The backoff is not a job setting; its cap is checked against the timeout.
            let field = config_field(&err).unwrap_or("timeout");
            let setting = match field {
                "timeout" => s.timeout.map(|t| ("timeout", t.span())),
                "max_response_var_binds_per_pdu" => {
                    s.max_varbinds.map(|n| ("max_varbinds", n.span()))
                }
                "max_repetitions" => s.max_repetitions.map(|n| ("max_repetitions", n.span())),
                "host_deadline" => s.deadline.map(|t| ("deadline", t.span())),
                "max_rows_per_root" => s.max_rows.map(|n| ("max_rows", n.span())),
                _ => None,
            };
            // A field this layer did not set failed in the layer that set it.
            if let Some((key, span)) = setting {
                return Err(src.err(span, out_of_bounds(&format!("`{key}`"), &err)));
            }
        }
        Ok(e)
    }
}

/// A group, checked.
#[derive(Debug)]
struct GroupPlan {
    name: String,
    kind: RequestKind,
    oids: Vec<Oid>,
    ranges: Vec<IndexRange>,
    settings: Effective,
    /// Where the group starts, for errors found when its requests are built.
    span: Range<usize>,
}

/// A host, checked.
#[derive(Debug)]
struct HostPlan<'a> {
    host: Host,
    /// The host's own settings, when it was given as a table (applied over each group's).
    table: Option<&'a HostTable>,
    /// The community a hosts file line gives.
    community: Option<Vec<u8>>,
    /// Where the host was given, for errors: job file line or hosts file line.
    origin: String,
}

/// The checked job: every host × group request, built.
#[derive(Debug)]
pub struct Plan {
    output: PathBuf,
    format: JobFormat,
    sessions: Option<u32>,
    hosts: Vec<Host>,
    groups: Vec<String>,
    requests: Vec<Request>,
}

/// Reads and checks a job file; every problem is one line naming the file and line.
pub fn load(path: &Path, output: Option<PathBuf>) -> anyhow::Result<Plan> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read job file {}", path.display()))?;
    let src = Source { path, text: &text };
    let job: JobFile = toml::from_str(&text).map_err(|e| {
        // One line: the parser's messages may run over several.
        let msg: Vec<&str> = e
            .message()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        match e.span() {
            Some(span) => src.err(span, msg.join("; ")),
            None => anyhow!("{}: {}", path.display(), msg.join("; ")),
        }
    })?;
    let base_dir = path.parent().unwrap_or(Path::new("."));
    let top = Effective::default().with(job.settings(), &src)?;

    // Groups.
    if job.groups.is_empty() {
        bail!(
            "{}: no [[group]] given: a job needs at least one group of OIDs",
            path.display()
        );
    }
    let mut groups: Vec<GroupPlan> = Vec::new();
    for (i, g) in job.groups.iter().enumerate() {
        let span = g.span();
        let g = g.get_ref();
        let name = g.name.clone().unwrap_or_else(|| format!("group{}", i + 1));
        if groups.iter().any(|p| p.name == name) {
            return Err(src.err(span, format_args!("group name `{name}` is used twice")));
        }
        let kind = match g.kind.unwrap_or(Kind::Walk) {
            Kind::Walk => RequestKind::Walk,
            Kind::Get => RequestKind::Get,
        };
        if g.oids.is_empty() {
            return Err(src.err(span, format_args!("group `{name}` has no oids")));
        }
        let mut oids = Vec::new();
        for o in &g.oids {
            for oid in
                resolve_oids([o.get_ref().as_str()], kind).map_err(|e| src.err(o.span(), e))?
            {
                if !oids.contains(&oid) {
                    oids.push(oid);
                }
            }
        }
        let ranges = g
            .ranges
            .iter()
            .map(|r| {
                r.get_ref().parse::<IndexRange>().map_err(|e| {
                    src.err(r.span(), format_args!("bad range `{}`: {e}", r.get_ref()))
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        groups.push(GroupPlan {
            name,
            kind,
            oids,
            ranges,
            settings: top.with(g.settings(), &src)?,
            span,
        });
    }

    // Hosts: inline, then the hosts file.
    let mut hosts: Vec<HostPlan<'_>> = Vec::new();
    for h in &job.hosts {
        let span = h.span();
        let (arg, table) = match h.get_ref() {
            HostEntry::Name(n) => (n.as_str(), None),
            HostEntry::Table(t) => (t.host.as_str(), Some(&**t)),
        };
        let host = Host::parse(arg)
            .map_err(|e| src.err(span.clone(), format_args!("bad host `{arg}`: {e}")))?;
        hosts.push(HostPlan {
            host,
            table,
            community: None,
            origin: format!("{} line {}", path.display(), src.line(span.start)),
        });
    }
    if let Some(f) = &job.hosts_file {
        let file = base_dir.join(f.get_ref());
        let list = std::fs::read_to_string(&file).map_err(|e| {
            src.err(
                f.span(),
                format_args!("cannot read hosts file {}: {e}", file.display()),
            )
        })?;
        for (n, line) in list.lines().enumerate() {
            // `#` starts a comment at the start of a line or after whitespace; inside a word
            // (a community like `pa#ss`) it is text.
            let line = comment_free(line);
            if line.is_empty() {
                continue;
            }
            let origin = format!("{} line {}", file.display(), n + 1);
            let mut words = line.split_whitespace();
            let arg = words.next().unwrap_or_default();
            let host = Host::parse(arg).map_err(|e| anyhow!("{origin}: bad host `{arg}`: {e}"))?;
            let community = words.next().map(|c| c.as_bytes().to_vec());
            if let Some(extra) = words.next() {
                bail!("{origin}: unexpected `{extra}` (a line is HOST [COMMUNITY])");
            }
            hosts.push(HostPlan {
                host,
                table: None,
                community,
                origin,
            });
        }
    }
    if hosts.is_empty() {
        bail!(
            "{}: no hosts given (use `hosts = [...]` or `hosts_file = \"...\"`)",
            path.display()
        );
    }
    let mut seen: HashMap<&Host, &str> = HashMap::new();
    for h in &hosts {
        if let Some(first) = seen.insert(&h.host, &h.origin) {
            bail!(
                "{}: host {} is given twice (first at {first})",
                h.origin,
                h.host
            );
        }
    }

    // Requests: one per host and group.
    let mut requests = Vec::with_capacity(hosts.len() * groups.len());
    for h in &hosts {
        for g in &groups {
            let mut s = match h.table {
                Some(t) => g.settings.with(t.settings(), &src)?,
                None => g.settings.clone(),
            };
            if let Some(c) = &h.community {
                s.community.clone_from(c);
            }
            let r = request(
                g.kind,
                h.host.clone(),
                Community::new(s.community, s.version),
                g.oids.clone(),
            )
            .ranges(g.ranges.clone())
            .req_id(g.name.as_bytes())
            .config(s.overrides)
            .build()
            .map_err(|e| src.err(g.span.clone(), format_args!("group `{}`: {e}", g.name)))?;
            requests.push(r);
        }
    }
    // The collector's own config must accept the sessions value.
    let sessions = match job.sessions {
        Some(n) => {
            ConfigOverrides::new()
                .max_async_sessions(*n.get_ref())
                .build()
                .map_err(|e| src.err(n.span(), out_of_bounds("`sessions`", &e)))?;
            Some(n.into_inner())
        }
        None => None,
    };
    Ok(Plan {
        output: output.unwrap_or_else(|| {
            base_dir.join(job.output.as_deref().unwrap_or("snmp-stream-output"))
        }),
        format: job.format.unwrap_or(JobFormat::Parquet),
        sessions,
        hosts: hosts.into_iter().map(|h| h.host).collect(),
        groups: groups.into_iter().map(|g| g.name).collect(),
        requests,
    })
}

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

/// A file name for a host's data: its `name:port` with anything but letters, digits, `.` and
/// `-` replaced by `_`.
fn file_stem(host: &Host) -> String {
    host.to_string()
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
pub fn run(plan: Plan, quiet: bool) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    std::fs::create_dir_all(&plan.output)
        .with_context(|| format!("cannot create output directory {}", plan.output.display()))?;
    let mut config = ConfigOverrides::new();
    if let Some(n) = plan.sessions {
        config = config.max_async_sessions(n);
    }
    let config: Config = config.build()?;

    let index: HashMap<Host, usize> = plan
        .hosts
        .iter()
        .enumerate()
        .map(|(i, h)| (h.clone(), i))
        .collect();
    let mut expected = vec![0usize; plan.hosts.len()];
    for r in &plan.requests {
        if let Some(&i) = index.get(r.host()) {
            expected[i] += r.partitions().len();
        }
    }

    let mut manager = SessionManager::builder(config)
        .start()
        .context("starting the collector")?;
    for r in plan.requests {
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
                let Some(&i) = index.get(r.request.host()) else {
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
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} host{}: {ok} ok, {partial} partial, {failed} failed; {varbinds} varbind{} in {:.2} s ({:.0} varbinds/s)",
        plan.hosts.len(),
        if plan.hosts.len() == 1 { "" } else { "s" },
        if varbinds == 1 { "" } else { "s" },
        elapsed.as_secs_f64(),
        varbinds as f64 / elapsed.as_secs_f64().max(1e-3)
    )?;
    writeln!(
        out,
        "wrote {files} {} file{} and report.csv to {}",
        plan.format.extension(),
        if files == 1 { "" } else { "s" },
        plan.output.display()
    )?;
    out.flush()?;
    Ok(Outcome::of(ok == plan.hosts.len()))
}

/// Writes a finished host's data file (when it returned any varbinds) and returns its report;
/// `varbinds` are its responses' records.
fn finish_host(
    host: &Host,
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
        match output::write_file(responses, format.into(), &path) {
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

/// `line` up to its comment (`#` at the start or after whitespace), trimmed.
fn comment_free(line: &str) -> &str {
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_space {
            return line[..i].trim();
        }
        prev_space = c.is_whitespace();
    }
    line.trim()
}

/// `report.csv`: `host,status,varbinds,errors,message,quirks`, one row per host in job
/// order; `quirks` names the agent bugs tolerated and replies dropped (`none`).
fn write_report(path: &Path, hosts: &[Host], reports: &[Option<HostReport>]) -> anyhow::Result<()> {
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
    use std::time::Duration;

    use super::*;

    fn load_str(text: &str) -> anyhow::Result<Plan> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("job.toml");
        std::fs::write(&path, text).unwrap();
        load(&path, None)
    }

    fn err(text: &str) -> String {
        format!("{:#}", load_str(text).unwrap_err())
    }

    const OK: &str = r#"
output = "out"
community = "public"
retries = 1
timeout = 0.5
hosts = ["127.0.0.1:1161", { host = "127.0.0.1:1162", community = "other", timeout = 2 }]

[[group]]
name = "ifs"
oids = ["ifTable", "sysUpTime"]

[[group]]
kind = "get"
oids = ["sysDescr.0"]
"#;

    #[test]
    fn zero_sessions_names_its_line() {
        let e = err(
            "community = \"public\"\nsessions = 0\nhosts = [\"10.0.0.1\"]\n[[group]]\noids = [\"sysName.0\"]\n",
        );
        assert!(e.contains("line 2: `sessions` must be at least 1"), "{e}");
    }

    #[test]
    fn hosts_file_comments_start_at_a_word() {
        assert_eq!(comment_free("10.0.0.1 pa#ss"), "10.0.0.1 pa#ss");
        assert_eq!(
            comment_free("10.0.0.1 public # core router"),
            "10.0.0.1 public"
        );
        assert_eq!(comment_free("# all commented"), "");
        assert_eq!(comment_free("  10.0.0.2\t#x"), "10.0.0.2");
    }

    #[test]
    fn a_job_becomes_one_request_per_host_and_group() {
        let plan = load_str(OK).unwrap();
        assert_eq!(plan.hosts.len(), 2);
        assert_eq!(plan.groups, ["ifs", "group2"]);
        assert_eq!(plan.requests.len(), 4);
        let r = &plan.requests[0];
        assert_eq!(r.oids().len(), 23);
        assert_eq!(r.req_id(), b"ifs");
        assert_eq!(r.config().timeout, Some(Duration::from_millis(500)));
        assert_eq!(r.config().retries, Some(1));
        // The host's own settings beat the job's.
        let r = &plan.requests[3];
        assert_eq!(r.kind(), RequestKind::Get);
        assert_eq!(r.community().name(), b"other");
        assert_eq!(r.config().timeout, Some(Duration::from_secs(2)));
        assert_eq!(plan.format, JobFormat::Parquet);
        assert!(plan.output.ends_with("out"));
    }

    #[test]
    fn agent_bug_policies_layer_like_every_setting() {
        let plan = load_str(
            "hosts = [\"h\", { host = \"g\", non_increasing = \"strict\", max_rows = 7 }]\n\
             non_increasing = \"permissive\"\nmax_rows = 500\naccept_other_source = true\n\
             [[group]]\noids = [\"ifTable\"]\n",
        )
        .unwrap();
        let c = plan.requests[0].config();
        assert_eq!(c.non_increasing, Some(NonIncreasingPolicy::Permissive));
        assert_eq!(c.max_rows_per_root, Some(500));
        assert_eq!(c.accept_other_source, Some(true));
        let c = plan.requests[1].config();
        assert_eq!(c.non_increasing, Some(NonIncreasingPolicy::Strict));
        assert_eq!(c.max_rows_per_root, Some(7));
        let e = err("hosts = [\"h\"]\n[[group]]\noids = [\"ifTable\"]\nnon_increasing = \"lax\"\n");
        assert!(
            e.contains("job.toml line 4: `non_increasing` is `strict` or `permissive`, not `lax`"),
            "{e}"
        );
        let e = err("hosts = [\"h\"]\nmax_rows = 0\n[[group]]\noids = [\"ifTable\"]\n");
        assert!(
            e.contains("job.toml line 2: `max_rows` must be at least 1"),
            "{e}"
        );
    }

    #[test]
    fn errors_name_the_line() {
        let e = err("hosts = [\"h\"]\n[[group]]\noids = [\"ifTable\"]\nbogus = 1\n");
        assert!(e.contains("job.toml line 4: unknown field `bogus`"), "{e}");
        let e = err("hosts = [\"h\"\n[[group]]\n");
        assert!(e.contains("job.toml line "), "{e}");
        let e = err("hosts = [\"h\"]\n\n[[group]]\noids = [\n  \"ifTable\",\n  \"ifTabel\",\n]\n");
        assert!(
            e.contains("job.toml line 6: unknown OID name `ifTabel`"),
            "{e}"
        );
        let e = err("hosts = [\"h\", \"bad host\"]\n[[group]]\noids = [\"ifTable\"]\n");
        assert!(e.contains("line 1: bad host `bad host`"), "{e}");
        let e = err("hosts = [\"h\"]\n[[group]]\noids = [\"ifTable\"]\nmax_varbinds = 0\n");
        assert!(
            e.contains("job.toml line 4: `max_varbinds` must be at least 1"),
            "{e}"
        );
        let e = err(
            "hosts = [{ host = \"h\", max_repetitions = 0 }]\n[[group]]\noids = [\"ifTable\"]\n",
        );
        assert!(
            e.contains("job.toml line 1: `max_repetitions` must be at least 1"),
            "{e}"
        );
        let e = err("timeout = 0\nhosts = [\"h\"]\n[[group]]\noids = [\"ifTable\"]\n");
        assert!(e.contains("line 1: `timeout` must be a positive"), "{e}");
        // Values beyond the config's bounds name the setting's line and key, at every level.
        let e = err(
            "hosts = [\"h\",\n  { host = \"g\", max_varbinds = 3000000000 }]\n[[group]]\noids = [\"ifTable\"]\n",
        );
        assert!(
            e.contains("job.toml line 2: `max_varbinds` must be at most 2147483647"),
            "{e}"
        );
        let e =
            err("hosts = [\"h\"]\n[[group]]\noids = [\"ifTable\"]\nmax_repetitions = 2147483648\n");
        assert!(
            e.contains("job.toml line 4: `max_repetitions` must be at most 2147483647"),
            "{e}"
        );
        for t in ["100000", "1e300", "inf"] {
            let e = err(&format!(
                "hosts = [\"h\"]\ntimeout = {t}\n[[group]]\noids = [\"ifTable\"]\n"
            ));
            assert!(
                e.contains("job.toml line 2: `timeout` must be at most 86400 s"),
                "{e}"
            );
        }
        // A job-level value out of bounds is refused even where every group overrides it.
        let e = err(
            "timeout = 100000\nhosts = [\"h\"]\n[[group]]\noids = [\"ifTable\"]\ntimeout = 1\n",
        );
        assert!(
            e.contains("job.toml line 1: `timeout` must be at most 86400 s"),
            "{e}"
        );
        let e = err("deadline = 1e9\nhosts = [\"h\"]\n[[group]]\noids = [\"ifTable\"]\n");
        assert!(
            e.contains("job.toml line 1: `deadline` must be at most 2592000 s"),
            "{e}"
        );
        let e = err("hosts = [\"h\"]\n[[group]]\noids = [\"ifTable\"]\nranges = [\"9:1\"]\n");
        assert!(e.contains("line 4: bad range `9:1`"), "{e}");
        let e = err("hosts = [\"h\", \"h:161\"]\n[[group]]\noids = [\"ifTable\"]\n");
        assert!(e.contains("given twice"), "{e}");
        let e = err("hosts = [\"h\"]\n");
        assert!(e.contains("no [[group]]"), "{e}");
        let e = err(
            "hosts = [\"h\"]\n\n[[group]]\nname = \"a\"\noids = [\"ifTable\"]\n\n[[group]]\nname = \"b\"\noids = [\"system\", \"sysName\"]\n",
        );
        assert!(e.contains("job.toml line 7: group `b`: root OID"), "{e}");
        let e = err("hosts = [{ host = \"h\", bogus = 1 }]\n[[group]]\noids = [\"ifTable\"]\n");
        assert!(e.contains("line 1: unknown field `bogus`"), "{e}");
        let e =
            err("hosts = [{ host = \"h\",\n  timeout = -1 }]\n[[group]]\noids = [\"ifTable\"]\n");
        assert!(e.contains("line 2: `timeout` must be a positive"), "{e}");
        let e = err("version = \"3\"\nhosts = [\"h\"]\n[[group]]\noids = [\"ifTable\"]\n");
        assert!(e.contains("line 1: unknown SNMP version `3`"), "{e}");
    }

    #[test]
    fn hosts_files_are_read_beside_the_job() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("hosts.txt"),
            "# routers\n10.0.0.1\n\n10.0.0.2:1161 secret  # the odd one\n",
        )
        .unwrap();
        let path = dir.path().join("job.toml");
        std::fs::write(
            &path,
            "hosts_file = \"hosts.txt\"\n[[group]]\noids = [\"sysName.0\"]\nkind = \"get\"\n",
        )
        .unwrap();
        let plan = load(&path, None).unwrap();
        assert_eq!(plan.hosts.len(), 2);
        assert_eq!(plan.requests[1].community().name(), b"secret");
        assert_eq!(plan.requests[0].community().name(), b"public");

        std::fs::write(dir.path().join("hosts.txt"), "10.0.0.1\nbad!host\n").unwrap();
        let e = format!("{:#}", load(&path, None).unwrap_err());
        assert!(e.contains("hosts.txt line 2: bad host `bad!host`"), "{e}");
    }

    #[test]
    fn the_example_job_file_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/job.toml");
        let plan = load(&path, None).unwrap();
        assert_eq!(plan.hosts.len(), 3);
        assert_eq!(plan.groups, ["system", "interfaces", "routes"]);
        assert_eq!(plan.requests.len(), 9);
        let odd = &plan.requests[6];
        assert_eq!(odd.community().version(), Version::V1);
        assert_eq!(odd.req_id(), b"system");
        assert_eq!(odd.config().timeout, Some(Duration::from_secs(5)));
        assert_eq!(plan.requests[2].partitions().len(), 2);
    }

    #[test]
    fn host_file_names_are_safe() {
        assert_eq!(file_stem(&Host::parse("[::1]:161").unwrap()), "___1__161");
        assert_eq!(
            file_stem(&Host::parse("sw-1.example:1161").unwrap()),
            "sw-1.example_1161"
        );
    }
}
