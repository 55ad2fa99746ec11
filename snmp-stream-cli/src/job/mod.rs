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
#![doc = concat!("```toml\n", include_str!("../../examples/job.toml"), "```")]
//!
//! # Output
//!
//! `OUTPUT/HOST_PORT.parquet` (or `.wire`) for each host that returned data, holding every
//! group's responses (`req_id` is the group name), and `OUTPUT/report.csv`: one row per host
//! entry with `host,status,varbinds,errors,message,quirks` — status `ok`, `partial` (some data,
//! some errors) or `failed` (no data) — each error as `group: message`, and the agent bugs
//! tolerated and replies dropped (`repeated OIDs dropped: 2; ...`, or `none`).
//!
//! One address may be given more than once with other communities (Cisco's per-VLAN
//! `community@vlan` bridge tables); its entries are then named `HOST:PORT#1`, `#2`, … in the
//! report and the file names (a community is a secret and names nothing).

mod file;
mod plan;
mod run;
mod settings;
mod v3;

pub(crate) use plan::load;
pub(crate) use run::run;
