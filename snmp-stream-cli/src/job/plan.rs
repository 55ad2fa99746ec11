//! Loading a job file: every host × group request built and checked, every problem one line
//! naming the file and line.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use snmp_stream_core::usm::Credentials;
use snmp_stream_core::{
    Community, ConfigOverrides, Host, IndexRange, Oid, Request, RequestKind, Security, Version,
};

use super::file::{HostEntry, HostTable, JobFile, JobFormat, Kind};
use super::settings::{Effective, Source};
use super::v3::v3_spec;
use crate::collect::{out_of_bounds, request, resolve_oids};
use crate::security::{V3Spec, credentials};
use snmp_stream_mib::MibSearch;

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
pub(crate) struct Plan {
    pub(super) output: PathBuf,
    pub(super) format: JobFormat,
    pub(super) sessions: Option<u32>,
    /// The job's hosts, in order; one address may be given more than once with other
    /// communities (Cisco's per-VLAN `community@vlan` bridge tables).
    pub(super) hosts: Vec<Target>,
    pub(super) groups: Vec<String>,
    /// Every host × group request, with the index of its host in `hosts`.
    pub(super) requests: Vec<(usize, Request)>,
}

/// One `hosts` entry of a job: an address, and how the report and file names call it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    pub(super) host: Host,
    /// `name:port`, or `name:port#N` for the N-th entry of an address given more than once
    /// (a community is a secret: it never names a file).
    pub(super) label: String,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// Reads and checks a job file; every problem is one line naming the file and line.
/// `search`: where MIB modules are looked for (the command line's `-M` / `-m`); the job's
/// `mib_dirs` are searched after those directories, before the bundled modules.
pub(crate) fn load(
    path: &Path,
    output: Option<PathBuf>,
    search: MibSearch,
) -> anyhow::Result<Plan> {
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

    // MIB directories, relative to the job file, before any OID is read.
    let mut search = search;
    for d in &job.mib_dirs {
        let dir = base_dir.join(d.get_ref());
        if !dir.is_dir() {
            return Err(src.err(
                d.span(),
                format_args!("mib_dirs: `{}` is not a directory", dir.display()),
            ));
        }
        search = search.with_dir(dir);
    }
    crate::names::configure(search);

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
    // Requests: one per host and group. The same address may come again with another
    // community, but the same request twice is a mistake.
    let mut requests = Vec::with_capacity(hosts.len() * groups.len());
    let mut seen: HashMap<(Host, Security, String), &str> = HashMap::new();
    // One Credentials per distinct user: keys are made once, whatever the number of hosts.
    let mut users: HashMap<V3Spec, Credentials> = HashMap::new();
    for (target, h) in hosts.iter().enumerate() {
        for g in &groups {
            let mut s = match h.table {
                Some(t) => g.settings.with(t.settings(), &src)?,
                None => g.settings.clone(),
            };
            if let Some(c) = &h.community {
                s.community.clone_from(c);
            }
            let security: Security = match s.version {
                Version::V3 => {
                    let spec = v3_spec(&s.v3, &src, base_dir, &h.origin)?;
                    match users.get(&spec) {
                        Some(c) => c.clone().into(),
                        None => {
                            let c = credentials(&spec).with_context(|| {
                                format!("{}: SNMPv3 user `{}`", h.origin, spec.user)
                            })?;
                            users.insert(spec, c.clone());
                            c.into()
                        }
                    }
                }
                v => Community::new(s.community, v).into(),
            };
            let r = request(g.kind, h.host.clone(), security, g.oids.clone())
                .ranges(g.ranges.clone())
                .req_id(g.name.as_bytes())
                .config(s.overrides)
                .build()
                .map_err(|e| src.err(g.span.clone(), format_args!("group `{}`: {e}", g.name)))?;
            let key = (h.host.clone(), r.security().clone(), g.name.clone());
            if let Some(first) = seen.insert(key, &h.origin) {
                bail!(
                    "{}: host {} is given twice with the same community (first at {first}); \
                     give it once, or with another community",
                    h.origin,
                    h.host
                );
            }
            requests.push((target, r));
        }
    }
    // An address given more than once is named by its place among its entries.
    let mut entries: HashMap<&Host, usize> = HashMap::new();
    for h in &hosts {
        *entries.entry(&h.host).or_default() += 1;
    }
    let mut nth: HashMap<&Host, usize> = HashMap::new();
    let targets: Vec<Target> = hosts
        .iter()
        .map(|h| {
            let n = nth.entry(&h.host).or_default();
            *n += 1;
            let label = match entries[&h.host] {
                1 => h.host.to_string(),
                _ => format!("{}#{n}", h.host),
            };
            Target {
                host: h.host.clone(),
                label,
            }
        })
        .collect();
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
        hosts: targets,
        groups: groups.into_iter().map(|g| g.name).collect(),
        requests,
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use snmp_stream_core::Version;
    use snmp_stream_core::config::NonIncreasingPolicy;

    use super::*;

    fn load_str(text: &str) -> anyhow::Result<Plan> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("job.toml");
        std::fs::write(&path, text).unwrap();
        load(&path, None, MibSearch::bundled_only())
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
        let r = &plan.requests[0].1;
        assert_eq!(r.oids().len(), 23);
        assert_eq!(r.req_id(), b"ifs");
        assert_eq!(r.config().timeout, Some(Duration::from_millis(500)));
        assert_eq!(r.config().retries, Some(1));
        // The host's own settings beat the job's.
        let r = &plan.requests[3].1;
        assert_eq!(r.kind(), RequestKind::Get);
        assert_eq!(r.community().unwrap().name(), b"other");
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
        let c = plan.requests[0].1.config();
        assert_eq!(c.non_increasing, Some(NonIncreasingPolicy::Permissive));
        assert_eq!(c.max_rows_per_root, Some(500));
        assert_eq!(c.accept_other_source, Some(true));
        let c = plan.requests[1].1.config();
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
    fn one_address_may_come_again_with_another_community() {
        // Cisco's per-VLAN bridge tables: one switch, a community per VLAN.
        let plan = load_str(
            "hosts = [\"sw:161\", { host = \"sw\", community = \"public@10\" }, \"r2\"]\n\
             [[group]]\noids = [\"ifTable\"]\n",
        )
        .unwrap();
        let labels: Vec<&str> = plan.hosts.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["sw:161#1", "sw:161#2", "r2:161"]);
        let communities: Vec<(usize, &[u8])> = plan
            .requests
            .iter()
            .map(|(t, r)| (*t, r.community().unwrap().name()))
            .collect();
        assert_eq!(
            communities,
            [
                (0, &b"public"[..]),
                (1, &b"public@10"[..]),
                (2, &b"public"[..])
            ]
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
        assert!(e.contains("given twice with the same community"), "{e}");
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
        let e = err("version = \"4\"\nhosts = [\"h\"]\n[[group]]\noids = [\"ifTable\"]\n");
        assert!(e.contains("line 1: unknown SNMP version `4`"), "{e}");
        let e = err("version = \"3\"\nhosts = [\"h\"]\n[[group]]\noids = [\"ifTable\"]\n");
        assert!(e.contains("version 3 needs a `user`"), "{e}");
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
        let plan = load(&path, None, MibSearch::bundled_only()).unwrap();
        assert_eq!(plan.hosts.len(), 2);
        assert_eq!(plan.requests[1].1.community().unwrap().name(), b"secret");
        assert_eq!(plan.requests[0].1.community().unwrap().name(), b"public");

        std::fs::write(dir.path().join("hosts.txt"), "10.0.0.1\nbad!host\n").unwrap();
        let e = format!(
            "{:#}",
            load(&path, None, MibSearch::bundled_only()).unwrap_err()
        );
        assert!(e.contains("hosts.txt line 2: bad host `bad!host`"), "{e}");
    }

    #[test]
    fn the_example_job_file_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/job.toml");
        let plan = load(&path, None, MibSearch::bundled_only()).unwrap();
        assert_eq!(plan.hosts.len(), 4);
        assert_eq!(plan.groups, ["system", "interfaces", "routes"]);
        assert_eq!(plan.requests.len(), 12);
        let tcp = &plan.requests[6].1;
        assert_eq!(tcp.host().transport(), snmp_stream_core::Transport::Tcp);
        assert_eq!(tcp.host().to_string(), "tcp:192.0.2.4:161");
        let odd = &plan.requests[9].1;
        assert_eq!(odd.version(), Version::V1);
        assert_eq!(odd.req_id(), b"system");
        assert_eq!(odd.config().timeout, Some(Duration::from_secs(5)));
        assert_eq!(plan.requests[2].1.partitions().len(), 2);
    }
}
