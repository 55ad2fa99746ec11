#!/usr/bin/env python3
"""snmp-stream against its peers, side by side, in one run.

Generates the synthetic recordings (bench-gen: a router with 10,000 interfaces in ifTable +
ifXTable, an ipCidrRouteTable of 200,000 routes), serves them with the project's simulator
(`snmp-stream serve`, release build, in a process of its own), and walks them with:

  lib           the snmp-stream library (bench/src/bin/lib-walk.rs: one SessionManager with
                one event-loop arbiter; each response dropped once counted)
  cli           the snmp-stream command (`snmp-stream walk ... -o FILE.wire`, its defaults:
                one arbiter per core), streaming frames to the file
  snmpbulkwalk  net-snmp's snmpbulkwalk (Debian's `snmp`), one process per host, output -On to
                a file
  snmp2         a Rust peer crate, snmp2 0.5 (bench/examples/peer_walk.rs: one tokio task and
                socket per host on a current-thread runtime); counts each varbind and drops it
  snmp2-keep    the same, also keeping each varbind as owned values until its host is done
                (what an application that uses the walk afterwards holds; snmp-stream keeps
                the wireline buffer)

with the same max-repetitions (a one-root walk of snmp-stream sends the same GETBULKs). Every
measurement spawns the client's processes, waits for them with wait4() and takes their CPU
time (user + system) and peak RSS from the kernel's rusage; the agent's CPU time over the same
interval comes from /proc/PID/stat. Runs of the clients alternate (round-robin), so machine
noise falls on all of them alike; medians over --runs runs are reported. A run whose varbind
count is not exactly what the recording holds is an error, not a figure (snmpd: see below).

Scenarios:
  single   one walk of each table, concurrency 1: the router at every max-repetitions in
           --reps, the route table at --routes-reps
  conc     the router table from N simulated devices at once, N in --concurrency, at
           max-repetitions --conc-reps
  memory   the 3.2 M-varbind route table with the library, its 16 columns as roots: one
           response vs 16 ranges (by the destination's first octet), each response dropped
           once counted; peak RSS against the wireline bytes
  inflight the same route table from one device at exactly 50 varbinds per request, with
           the library only: each of the 16 columns its own request (one root, so each GETBULK
           asks 50 repetitions of one column), each in 16 ranges, with 1 and with 8 requests
           in flight to the device (max_in_flight_per_host)
  fleet    --fleet-targets simulated access switches (24 interfaces: system + ifTable +
           ifXTable, 992 varbinds each) at max-repetitions --conc-reps, at most
           --fleet-sessions walked at once, every client started with the default
           descriptor limit (RLIMIT_NOFILE 1024, through util-linux's prlimit); the peak of
           the client's open descriptors is sampled from /proc. snmpbulkwalk is left out: a
           process per target (10,000 of them) measures process start-up, not walking.
  snmpd    net-snmp's own agent (Debian's `snmpd`) as the agent instead of the simulator:
           one snmpd process listening on --snmpd-walks loopback ports, each walked once at
           once from 1.3.6.1.2.1.25.6 (the hrSWInstalled group: this machine's installed
           packages) at max-repetitions --conc-reps. A real agent's work per varbind is many times the
           simulator's, so this shows the clients when the agent is the limit. The varbinds a
           walk returns are counted with one snmpbulkwalk when snmpd has started, and every run
           must come within 1 % of that (a live agent's tables may change with the machine).

Writes OUT/results.json (every run), OUT/summary.md (the medians, as BENCHMARKS.md quotes
them) and OUT/throughput.png (varbinds/s vs concurrency; needs matplotlib). A suite stopped by
an error writes what it measured before it to OUT/results-partial.json and
OUT/summary-partial.md instead, and no plot, so a complete run's files are never overwritten
(a later complete run removes them).
The memory and inflight scenarios run only with the `lib` client.

usage: bench/run.py [--runs 5] [--reps 10,25,50] [--routes-reps 50] [--concurrency 1,8,64]
                    [--conc-reps 50] [--fleet-targets 10000] [--fleet-sessions 1000]
                    [--snmpd-walks 64]
                    [--scenarios single,conc,memory,inflight,fleet,snmpd]
                    [--clients lib,cli,snmpbulkwalk,snmp2,snmp2-keep]
                    [--out bench/results/latest] [--no-build] [--summarize]
"""

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/snmp-stream-target"))
RELEASE = TARGET / "release"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# The walked tables: community (recording name), root OID, varbinds per device.
TABLES = {
    "routes": {"community": "routes", "oid": "1.3.6.1.2.1.4.24.4", "varbinds": 3_200_000,
               "what": "ipCidrRouteTable, 200,000 routes x 16 columns"},
    "router": {"community": "router", "oid": "1.3.6.1.2.1", "varbinds": 410_008,
               "what": "system + ifNumber + ifTable + ifXTable, 10,000 interfaces"},
    "edge": {"community": "edge", "oid": "1.3.6.1.2.1", "varbinds": 992,
             "what": "system + ifNumber + ifTable + ifXTable, 24 interfaces"},
    # Served by net-snmp's snmpd, not the simulator: its count is snmpd's (Snmpd.varbinds).
    # The hrSWInstalled group (the installed packages) holds still while the suite runs; the
    # rest of mib-2 does not (hrSWRunTable lists the clients' own processes).
    "swinst": {"community": "public", "oid": "1.3.6.1.2.1.25.6", "varbinds": None,
               "what": "net-snmp snmpd's hrSWInstalled group on this machine"},
}
SCENARIOS = ["single", "conc", "memory", "inflight", "fleet", "snmpd"]
# The recordings bench-gen writes and the simulator serves.
SIM_TABLES = [name for name, t in TABLES.items() if t["varbinds"] is not None]
ROUTE_COLUMNS = [f"1.3.6.1.2.1.4.24.4.1.{c}" for c in range(1, 17)]
ALL_CLIENTS = ["lib", "cli", "snmpbulkwalk", "snmp2", "snmp2-keep"]
LABELS = {"lib": "snmp-stream library", "cli": "snmp-stream CLI (-o FILE.wire)",
          "snmpbulkwalk": "net-snmp snmpbulkwalk (a process per walk)",
          "snmp2": "snmp2 crate (counts, keeps nothing)",
          "snmp2-keep": "snmp2 crate, keeping each varbind"}
TIMEOUT_S = 5
RETRIES = 1
MEASURE_TIMEOUT_S = 600
# The descriptor limit most systems give a process (the fleet target: 10,000 targets with
# 1,000 sessions at once within it).
DEFAULT_FD_LIMIT = 1024
# The children's environment: RUST_LOG would override --quiet and measure logging.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "RUST_LOG"}


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def build():
    log(f"building release binaries into {TARGET}")
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "-p", "snmp-stream-cli",
         "-p", "snmp-stream-bench", "--bins", "--examples"],
        cwd=ROOT, check=True, env={**os.environ, "CARGO_TARGET_DIR": str(TARGET)})


def with_fd_limit(soft, hard):
    """A command prefix that runs the command under RLIMIT_NOFILE soft:hard (util-linux's
    prlimit execs it, so its PID and rusage are the command's)."""
    hard_text = "unlimited" if hard == resource.RLIM_INFINITY else str(hard)
    return ["prlimit", f"--nofile={soft}:{hard_text}", "--"]


class Agent:
    """`snmp-stream serve DATA --ports N` in its own process."""

    def __init__(self, data, ports):
        # A socket per simulated device: the agent (not the clients) needs more descriptors.
        want = ports + 256
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard < want:
            if os.geteuid() != 0:
                sys.exit(f"the simulator needs {want} file descriptors for {ports} ports; the "
                         f"hard limit is {hard} (ulimit -Hn): raise it, or run as root")
            hard = want
        self.proc = subprocess.Popen(
            [*with_fd_limit(want, hard), str(RELEASE / "snmp-stream"), "--quiet", "serve",
             str(data), "--ports", str(ports)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=CHILD_ENV)
        self.addrs = []
        communities = 0
        for line in self.proc.stdout:
            if m := re.match(r"listening on udp (\S+)", line):
                self.addrs.append(m.group(1))
            elif line.startswith("community "):
                communities += 1
                if communities == len(SIM_TABLES):
                    break
        if communities < len(SIM_TABLES):
            raise RuntimeError("the simulator did not start (run it by hand to see why)")
        # Nothing more is read from it: drain its stdout so that it can never block.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Snmpd:
    """net-snmp's `snmpd`, read-only community `public` from loopback, on `ports` UDP ports."""

    def __init__(self, ports):
        binary = shutil.which("snmpd") or "/usr/sbin/snmpd"
        if not os.access(binary, os.X_OK):
            raise RuntimeError("snmpd not found: apt-get install snmpd")
        self.proc = None
        self.dir = Path(tempfile.mkdtemp(prefix="snmp-stream-bench-snmpd-"))
        try:
            self._start(binary, ports)
            self._wait_ready()
            walk = subprocess.run(["snmpbulkwalk", "-v2c", "-c", "public", "-Cr50", "-On",
                                   self.addrs[0], TABLES["swinst"]["oid"]],
                                  capture_output=True, check=True, timeout=60)
        except BaseException:
            self.stop()
            raise
        self.varbinds = sum(1 for line in walk.stdout.splitlines()
                            if line.startswith(b".") and b"No more variables left" not in line)

    def _start(self, binary, ports):
        (self.dir / "persist").mkdir()
        (self.dir / "snmpd.conf").write_text("rocommunity public 127.0.0.1\n")
        # Free ports: bind, read, release (another process taking one makes snmpd fail to
        # start, which the readiness check reports).
        socks = []
        try:
            for _ in range(ports):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(sock)
                sock.bind(("127.0.0.1", 0))
            self.addrs = [f"127.0.0.1:{sock.getsockname()[1]}" for sock in socks]
        finally:
            for sock in socks:
                sock.close()
        self.proc = subprocess.Popen(
            [binary, "-f", "-r", "-C", "-Lf", str(self.dir / "snmpd.log"),
             "-c", str(self.dir / "snmpd.conf"), "-p", str(self.dir / "snmpd.pid"),
             ",".join(f"udp:{a}" for a in self.addrs)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**CHILD_ENV, "SNMP_PERSISTENT_DIR": str(self.dir / "persist"), "MIBS": ""})

    def _wait_ready(self):
        deadline = time.monotonic() + 20
        for addr in (self.addrs[0], self.addrs[-1]):
            while subprocess.run(["snmpget", "-v2c", "-c", "public", "-t", "0.3", "-r", "0",
                                  "-On", addr, "1.3.6.1.2.1.1.1.0"],
                                 capture_output=True).returncode != 0:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    log_path = self.dir / "snmpd.log"
                    log_text = (log_path.read_text(errors="replace") if log_path.exists()
                                else "(none written)")
                    raise RuntimeError(f"snmpd did not answer on {addr}; its log:\n{log_text}")
                time.sleep(0.1)

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def client_commands(client, table, hosts, reps, workdir, ranges=None, sessions=None,
                    in_flight=None, per_root=False):
    """The processes one measurement runs: [(argv, stdout path or None)]."""
    t = TABLES[table]
    oids = ROUTE_COLUMNS if ranges is not None else [t["oid"]]
    sessions = sessions or len(hosts)
    common = ["--community", t["community"], "--max-repetitions", str(reps),
              "--timeout-ms", str(TIMEOUT_S * 1000), "--retries", str(RETRIES),
              "--sessions", str(sessions)]
    oid_args = [a for o in oids for a in ("--oid", o)]
    if client == "lib":
        extra = ["--ranges", str(ranges)] if ranges else []  # 0 or None: one response
        extra += ["--in-flight", str(in_flight)] if in_flight else []
        extra += ["--request-per-root"] if per_root else []
        # One event-loop thread, as the peer's runtime: the agent shares the two cores.
        return [([str(RELEASE / "lib-walk"), "--threads", "1", *common, *extra, *oid_args,
                  *hosts], None)]
    if client in ("snmp2", "snmp2-keep"):
        keep = ["--keep"] if client == "snmp2-keep" else []
        return [([str(RELEASE / "examples/peer_walk"), *common, *keep, *oid_args, *hosts], None)]
    if client == "cli":
        out = workdir / "cli-out.wire"
        return [([str(RELEASE / "snmp-stream"), "--quiet", "walk", *hosts, "-c", t["community"],
                  "--max-repetitions", str(reps), "--max-varbinds", str(reps),
                  "--sessions", str(sessions), "-t", str(TIMEOUT_S), "-r", str(RETRIES),
                  "-o", str(out), *oids], None)]
    if client == "snmpbulkwalk":
        return [(["snmpbulkwalk", "-v2c", "-c", t["community"], f"-Cr{reps}", "-On",
                  "-t", str(TIMEOUT_S), "-r", str(RETRIES), host, t["oid"]],
                 workdir / f"bulkwalk-{i}.out") for i, host in enumerate(hosts)]
    raise ValueError(client)


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:  # it has ended
        return 0


def measure(agent, commands, workdir, fd_limit=None):
    """Runs the commands at once; returns CPU, peak RSS, wall, agent CPU and their outputs.

    With `fd_limit`, each client starts with that RLIMIT_NOFILE (soft; at most the hard limit)
    and the peak of its open descriptors is sampled every 50 ms, the first sample 50 ms after
    the start (so the figure is a lower bound)."""
    prefix = []
    if fd_limit:
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        fd_limit = fd_limit if hard == resource.RLIM_INFINITY else min(fd_limit, hard)
        prefix = with_fd_limit(fd_limit, hard)
    cpu0 = agent.cpu_seconds()
    t0 = time.monotonic()
    procs = []
    try:
        spawn(commands, prefix, workdir, procs)
    except BaseException:
        finish(procs)  # the ones already started
        raise
    # A hung client must not hang the suite: kill whatever is left after the deadline.
    # (os.kill, not Popen.kill, which would reap an exited client before wait4 can.)
    deadline = threading.Timer(MEASURE_TIMEOUT_S, lambda: kill_unreaped(procs))
    deadline.start()
    fds = {"peak": 0, "done": threading.Event()}
    if fd_limit:
        def sample():
            while not fds["done"].wait(0.05):
                # Only clients not yet reaped: a reaped one's PID may be another process's.
                live = [open_fds(p.pid) for p, *_ in procs if p.returncode is None]
                fds["peak"] = max([fds["peak"], *live])
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    cpu, sys_cpu, peak, rss_sum, failures, summaries = 0.0, 0.0, 0, 0, [], []
    try:
        reap(procs, failures, summaries)
    finally:
        deadline.cancel()
        fds["done"].set()
        finish(procs)  # after a failure, no client may outlive the measurement
    for proc, *_ in procs:
        cpu += proc.rusage.ru_utime + proc.rusage.ru_stime
        sys_cpu += proc.rusage.ru_stime
        peak = max(peak, proc.rusage.ru_maxrss)
        rss_sum += proc.rusage.ru_maxrss
    wall = max(p.ended for p, *_ in procs) - t0
    agent_cpu = agent.cpu_seconds() - cpu0
    m = {"cpu_s": cpu, "sys_s": sys_cpu, "wall_s": wall, "peak_rss_kib": peak,
         "rss_sum_kib": rss_sum, "agent_cpu_s": agent_cpu, "failures": failures,
         "summaries": summaries}
    if fd_limit:
        sampler.join()
        m.update(fd_limit=fd_limit, peak_fds=fds["peak"])
    return m


def spawn(commands, prefix, workdir, procs):
    """Starts every command, appending (process, summary path, stdout, stderr) to `procs`."""
    for i, (argv, out_path) in enumerate(commands):
        # Files, not pipes: a child can never block on a full pipe while another is read.
        # A client without an output file of its own prints its JSON summary to stdout.
        summary_path = None if out_path else workdir / f"stdout-{i}"
        out = open(out_path or summary_path, "wb")
        err = open(workdir / f"stderr-{i}", "wb+")
        try:
            proc = subprocess.Popen([*prefix, *argv], stdout=out, stderr=err, env=CHILD_ENV)
        except BaseException:
            out.close()
            err.close()
            raise
        proc.name = Path(argv[0]).name
        procs.append((proc, summary_path, out, err))


def finish(procs):
    """Kills and reaps every client not yet reaped, and closes every client's files."""
    kill_unreaped(procs)
    for proc, _, out, err in procs:
        if proc.returncode is None:
            os.waitpid(proc.pid, 0)
            proc.returncode = -signal.SIGKILL
        out.close()
        err.close()


def kill_unreaped(procs):
    """SIGKILL to every client not yet reaped."""
    for p, *_ in procs:
        if p.returncode is None:
            try:
                os.kill(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def reap(procs, failures, summaries):
    """Waits for each client; keeps its rusage and end time on it, its failure or summary."""
    for proc, summary_path, out, err in procs:
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.close()
        err.seek(0)
        stderr = err.read()
        err.close()
        stdout = summary_path.read_bytes() if summary_path else b""
        proc.rusage, proc.ended = ru, time.monotonic()
        if proc.returncode != 0:
            failures.append(f"{proc.name} exit {proc.returncode}: {stderr.decode()[-500:]}")
        if stdout.strip():
            summaries.append(json.loads(stdout.decode().strip().splitlines()[-1]))


def count_varbinds(client, commands, m, workdir):
    """Varbinds the measurement collected, by the client's own account."""
    if client in ("lib", "snmp2", "snmp2-keep"):
        return sum(s["varbinds"] for s in m["summaries"])
    if client == "cli":
        out = workdir / "cli-out.wire"
        counted = subprocess.run([str(RELEASE / "wire-count"), str(out)], check=True,
                                 capture_output=True, text=True)
        out.unlink()
        return json.loads(counted.stdout)["varbinds"]
    n = 0
    for _, path in commands:
        with open(path, "rb") as f:
            # One line per varbind (-On: ".1.3..."); at the end of the agent's MIB snmpbulkwalk
            # prints the endOfMibView varbind too, which is not data.
            n += sum(1 for line in f
                     if line.startswith(b".") and b"No more variables left" not in line)
        path.unlink()
    return n


def run_case(agent, results, scenario, table, client, reps, hosts, workdir, ranges=None,
             sessions=None, fd_limit=None, in_flight=None, per_root=False):
    commands = client_commands(client, table, hosts, reps, workdir, ranges, sessions,
                               in_flight, per_root)
    m = measure(agent, commands, workdir, fd_limit)
    m["varbinds"] = count_varbinds(client, commands, m, workdir)
    expected = (TABLES[table]["varbinds"] or agent.varbinds) * len(hosts)
    # A live agent's tables may change as the machine does: within 1 % of the count taken at
    # its start. A recording's is exact.
    slack = 0 if TABLES[table]["varbinds"] else expected // 100
    if m["failures"] or abs(m["varbinds"] - expected) > slack:
        raise RuntimeError(f"{scenario} {table} {client} r={reps} n={len(hosts)}: "
                           f"{m['varbinds']} varbinds, expected {expected}; {m['failures']}")
    m.update(scenario=scenario, table=table, client=client, reps=reps,
             concurrency=sessions or len(hosts), targets=len(hosts), ranges=ranges or 0,
             in_flight=in_flight or 1)
    if m["summaries"]:
        m["wireline_bytes"] = sum(s.get("wireline_bytes", 0) for s in m["summaries"])
        m["largest_response_bytes"] = max(s.get("largest_response_bytes", 0)
                                          for s in m["summaries"])
        # The library's own counters: responses, and retries (each a lost datagram's timeout).
        for key in ("responses", "retries", "transmits"):
            if any(key in s for s in m["summaries"]):
                m[key] = sum(s.get(key, 0) for s in m["summaries"])
    del m["summaries"]
    results.append(m)
    fd_text = f" fds {m['peak_fds']}/{m['fd_limit']}" if fd_limit else ""
    log(f"{scenario:6} {table:6} {client:12} r={reps:<2} n={len(hosts):<2} ranges={ranges or 0:<2} "
        f"in-flight={in_flight or 1} "
        f"wall {m['wall_s']:6.2f}s cpu {m['cpu_s']:6.2f}s "
        f"{m['cpu_s'] * 1e6 / m['varbinds']:5.2f} us/vb  rss {m['peak_rss_kib'] / 1024:7.1f} MiB  "
        f"agent {m['agent_cpu_s']:5.2f}s{fd_text}")


def median(rows, key):
    return statistics.median(r[key] for r in rows)


def summarize(results, meta):
    groups = {}
    for r in results:
        k = (r["scenario"], r["table"], r["reps"], r["concurrency"], r["ranges"],
             r.get("in_flight", 1), r["client"])
        groups.setdefault(k, []).append(r)
    complete = meta.get("complete", True)
    runs_text = meta["runs"] if complete else f"up to {meta['runs']} (see each row's runs)"
    lines = [f"Machine: {meta['machine']}; {meta['date']}; runs per figure: {runs_text}; "
             f"command: `{meta['command']}`", ""]
    if not complete:
        lines[0:0] = ["**Incomplete: the suite stopped at an error; figures from the runs "
                      "made before it.**", ""]
    header = ("| scenario | table | max-reps | walks at once | client | varbinds/run | "
              "wall (median) | varbinds/s | client CPU µs/varbind (= s per M varbinds) | "
              "of which kernel (sys) | "
              "peak RSS | client's share of client + agent CPU | agent CPU µs/varbind | "
              "varbinds per request sent (snmp-stream library; retries count) |")
    lines += [header, "|" + "---|" * (header.count("|") - 1)]
    rows = []
    for (scenario, table, reps, conc, ranges, in_flight, client), rs in sorted(
            groups.items(), key=lambda kv: (SCENARIOS.index(kv[0][0]),
                                            kv[0][1], kv[0][2], kv[0][3], kv[0][4], kv[0][5],
                                            ALL_CLIENTS.index(kv[0][6]))):
        # The same in every run but with snmpd, whose tables may change a little between runs.
        vb = round(median(rs, "varbinds"))
        wall, cpu, agent = median(rs, "wall_s"), median(rs, "cpu_s"), median(rs, "agent_cpu_s")
        rss = median(rs, "peak_rss_kib") / 1024
        # Runs recorded before the split was kept have no sys_s.
        sys_cpu = median(rs, "sys_s") if all("sys_s" in r for r in rs) else None
        user_cpu = (statistics.median(r["cpu_s"] - r["sys_s"] for r in rs)
                    if sys_cpu is not None else None)
        row = {"scenario": scenario, "table": table, "reps": reps, "concurrency": conc,
               "ranges": ranges, "in_flight": in_flight, "client": client, "varbinds": vb,
               "wall_s": wall,
               "varbinds_per_s": vb / wall, "cpu_us_per_varbind": cpu * 1e6 / vb,
               "sys_us_per_varbind": sys_cpu * 1e6 / vb if sys_cpu is not None else None,
               "user_us_per_varbind": user_cpu * 1e6 / vb if user_cpu is not None else None,
               "peak_rss_mib": rss, "cpu_share": cpu / (cpu + agent) if cpu + agent else 0,
               "agent_us_per_varbind": agent * 1e6 / vb, "runs": len(rs),
               "wireline_mib": rs[0].get("wireline_bytes", 0) / 2**20,
               "largest_response_mib": rs[0].get("largest_response_bytes", 0) / 2**20,
               "targets": rs[0].get("targets", conc),
               "peak_fds": max(r.get("peak_fds", 0) for r in rs),
               "fd_limit": rs[0].get("fd_limit", 0),
               "varbinds_per_transmit": (vb / median(rs, "transmits")
                                         if all(r.get("transmits") for r in rs) else None)}
        rows.append(row)
        label = scenario
        if scenario == "memory":
            label = "memory: 16 column roots, " + (f"{ranges} ranges" if ranges else "one response")
        elif scenario == "inflight":
            label = (f"inflight: 16 column requests × {ranges} ranges, "
                     f"{in_flight} in flight")
        elif scenario == "fleet":
            label = f"fleet: {row['targets']:,} targets"
        elif scenario == "snmpd":
            label = "snmpd: net-snmp's agent"
        per_request = ("–" if row["varbinds_per_transmit"] is None
                       else f"{row['varbinds_per_transmit']:.1f}")
        rss_text = f"{rss:.1f} MiB"
        if client == "snmpbulkwalk" and conc > 1:
            rss_text += f" each ({median(rs, 'rss_sum_kib') / 1024:.0f} MiB summed)"
        lines.append(
            f"| {label} | {table} | {reps} | {conc} | {client} | {vb:,} | {wall:.2f} s | "
            f"{vb / wall / 1e3:,.0f} k | {cpu * 1e6 / vb:.3f} | "
            f"{'–' if sys_cpu is None else f'{sys_cpu * 1e6 / vb:.3f}'} | "
            f"{rss_text} | {row['cpu_share'] * 100:.0f} % | {agent * 1e6 / vb:.2f} | "
            f"{per_request} |")
    # Memory against the targets: peak RSS <= wireline bytes + 64 MiB; with 16 ranges <= 1/8.
    mem = [r for r in rows if r["client"] == "lib" and r["table"] == "routes"
           and r["scenario"] in ("single", "memory") and r["wireline_mib"]]
    if mem:
        lines += ["", "Memory of the 3.2 M-varbind route walk (library; medians):", "",
                  "| walk | wireline bytes | largest response | peak RSS | "
                  "peak RSS − wireline bytes | peak RSS ÷ (wireline + 64 MiB) |",
                  "|---|---|---|---|---|---|"]
        for r in mem:
            what = (f"{r['scenario']}, max-reps {r['reps']}, " +
                    (f"{r['ranges']} ranges" if r["ranges"] else "one response"))
            lines.append(
                f"| {what} | {r['wireline_mib']:.1f} MiB | {r['largest_response_mib']:.1f} MiB | "
                f"{r['peak_rss_mib']:.1f} MiB | {r['peak_rss_mib'] - r['wireline_mib']:+.1f} MiB | "
                f"{r['peak_rss_mib'] / (r['wireline_mib'] + 64):.3f} |")
    fleet = [r for r in rows if r["scenario"] == "fleet"]
    if fleet:
        lines += ["", "The fleet: every target walked once, each client started with "
                  "RLIMIT_NOFILE = the fd limit; its open descriptors sampled every 50 ms "
                  "(the highest sample of all runs):", "",
                  "| client | targets | at once | fd limit | peak open fds | wall (median) | "
                  "varbinds/s | client CPU µs/varbind | peak RSS |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in fleet:
            lines.append(
                f"| {r['client']} | {r['targets']:,} | {r['concurrency']:,} | {r['fd_limit']} | "
                f"{r['peak_fds']} | {r['wall_s']:.2f} s | {r['varbinds_per_s'] / 1e3:,.0f} k | "
                f"{r['cpu_us_per_varbind']:.3f} | {r['peak_rss_mib']:.1f} MiB |")
    # Ratios against the peers, per (scenario, table, reps, concurrency).
    lines += ["", "Ratios (median figures): snmp-stream library against each peer.", "",
              "| scenario | table | max-reps | walks at once | CPU/varbind: snmpbulkwalk ÷ lib | "
              "CPU/varbind: snmp2 ÷ lib | CPU/varbind: snmp2-keep ÷ lib | "
              "varbinds/s: lib ÷ best peer |",
              "|---|---|---|---|---|---|---|---|"]
    by_case = {}
    for row in rows:
        by_case.setdefault((row["scenario"], row["table"], row["reps"], row["concurrency"],
                            row["ranges"], row["in_flight"]), {})[row["client"]] = row
    for (scenario, table, reps, conc, ranges, _), cs in by_case.items():
        lib = cs.get("lib")
        if not lib or scenario in ("memory", "inflight"):
            continue
        peers = [cs[c] for c in ("snmpbulkwalk", "snmp2", "snmp2-keep") if c in cs]
        ratio = lambda c: (f"{cs[c]['cpu_us_per_varbind'] / lib['cpu_us_per_varbind']:.1f}×"
                           if c in cs else "–")
        best = max((p["varbinds_per_s"] for p in peers), default=0)
        speed = f"{lib['varbinds_per_s'] / best:.2f}×" if best else "–"
        lines.append(f"| {scenario} | {table} | {reps} | {conc} | {ratio('snmpbulkwalk')} | "
                     f"{ratio('snmp2')} | {ratio('snmp2-keep')} | {speed} |")
    return rows, "\n".join(lines) + "\n"


def plot(rows, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib is not installed (pip install matplotlib): no plot")
        return False
    conc_rows = [r for r in rows if r["scenario"] in ("conc", "single") and r["table"] == "router"]
    reps = max((r["reps"] for r in conc_rows if r["scenario"] == "conc"), default=None)
    if reps is None:
        log("no concurrency rows: no plot")
        return False
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    for client in ALL_CLIENTS:
        pts = sorted((r["concurrency"], r["varbinds_per_s"]) for r in conc_rows
                     if r["client"] == client and r["reps"] == reps)
        if pts:
            ax.plot([p[0] for p in pts], [p[1] / 1e6 for p in pts], marker="o",
                    label=LABELS[client])
    ax.set_xscale("log", base=2)
    ax.set_xlabel("walks at once (simulated devices)")
    ax.set_ylabel("million varbinds/s (median)")
    ax.set_title(f"Walks of a 10,000-interface router, max-repetitions {reps}\n"
                 "one simulator process on the same 2 cores")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--reps", default="10,25,50")
    ap.add_argument("--routes-reps", default="50",
                    help="max-repetitions for the 3.2 M-varbind route walk (slow at 10)")
    ap.add_argument("--concurrency", default="1,8,64")
    ap.add_argument("--conc-reps", type=int, default=50)
    ap.add_argument("--fleet-targets", type=int, default=10_000)
    ap.add_argument("--fleet-sessions", type=int, default=1_000)
    ap.add_argument("--snmpd-walks", type=int, default=64)
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    ap.add_argument("--clients", default=",".join(ALL_CLIENTS))
    ap.add_argument("--out", default=str(ROOT / "bench/results/latest"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--summarize", action="store_true",
                    help="measure nothing: compute the medians stored in OUT/results.json, "
                         "summary.md and the plot again from its runs")
    a = ap.parse_args()
    if a.summarize:
        saved = json.loads((Path(a.out) / "results.json").read_text())
        rows, md = summarize(saved["runs"], saved["meta"])
        (Path(a.out) / "results.json").write_text(
            json.dumps({**saved, "medians": rows}, indent=1))
        (Path(a.out) / "summary.md").write_text(md)
        plot(rows, Path(a.out) / "throughput.png")
        print(md)
        return
    if a.runs < 1:
        sys.exit("--runs must be at least 1")
    reps_list = [int(x) for x in a.reps.split(",")]
    routes_reps = [int(x) for x in a.routes_reps.split(",")]
    conc_list = [int(x) for x in a.concurrency.split(",")]
    scenarios = a.scenarios.split(",")
    for sc in scenarios:
        if sc not in SCENARIOS:
            sys.exit(f"unknown scenario {sc!r}; scenarios: {', '.join(SCENARIOS)}")
    clients = a.clients.split(",")
    for c in clients:
        if c not in ALL_CLIENTS:
            sys.exit(f"unknown client {c!r}; clients: {', '.join(ALL_CLIENTS)}")
    if "snmpbulkwalk" in clients and not shutil.which("snmpbulkwalk"):
        sys.exit("snmpbulkwalk not found: apt-get install snmp")
    if not shutil.which("prlimit"):
        sys.exit("prlimit not found (util-linux): it sets the processes' descriptor limits")
    if "snmpd" in scenarios:
        if not (shutil.which("snmpd") or os.access("/usr/sbin/snmpd", os.X_OK)):
            others = ",".join(sc for sc in SCENARIOS if sc != "snmpd")
            sys.exit("snmpd not found (the snmpd scenario's agent): apt-get install snmpd, "
                     f"or leave it out: --scenarios {others}")
        if not (shutil.which("snmpget") and shutil.which("snmpbulkwalk")):
            sys.exit("snmpget/snmpbulkwalk not found (the snmpd scenario checks and counts "
                     "with them): apt-get install snmp")
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if not a.no_build:
        build()

    work = Path(tempfile.mkdtemp(prefix="snmp-stream-bench-"))
    results = []
    agent = None
    snmpd = None
    stopped = None
    try:
        hosts = []
        if any(sc != "snmpd" for sc in scenarios):
            log("generating recordings")
            subprocess.run([str(RELEASE / "bench-gen"), str(work / "data")], check=True)
            log("starting the simulator")
            agent = Agent(work / "data", max(conc_list + ([a.fleet_targets]
                                                          if "fleet" in scenarios else [])))
            hosts = agent.addrs
            log(f"simulator serving on {len(hosts)} ports")
        if "snmpd" in scenarios:
            log("starting snmpd")
            snmpd = Snmpd(a.snmpd_walks)
            log(f"snmpd serving on {len(snmpd.addrs)} ports; a walk of "
                f"{TABLES['swinst']['oid']} returns {snmpd.varbinds} varbinds")
        for run in range(1, a.runs + 1):
            log(f"run {run} of {a.runs}")
            if "single" in scenarios:
                for table, table_reps in (("router", reps_list), ("routes", routes_reps)):
                    for reps in table_reps:
                        for client in clients:
                            run_case(agent, results, "single", table, client, reps, hosts[:1], work)
            if "conc" in scenarios:
                for conc in conc_list:
                    if conc == 1 and "single" in scenarios:
                        continue  # the single-walk figures are the concurrency-1 point
                    for client in clients:
                        run_case(agent, results, "conc", "router", client, a.conc_reps,
                                 hosts[:conc], work)
            if "memory" in scenarios and "lib" in clients:
                for ranges in (0, 16):
                    run_case(agent, results, "memory", "routes", "lib", 50, hosts[:1], work,
                             ranges=ranges)
            if "inflight" in scenarios and "lib" in clients:
                for in_flight in (1, 8):
                    run_case(agent, results, "inflight", "routes", "lib", 50, hosts[:1], work,
                             ranges=16, in_flight=in_flight, per_root=True)
            if "fleet" in scenarios:
                for client in clients:
                    if client == "snmpbulkwalk":
                        continue  # a process per target: see the scenario's description
                    run_case(agent, results, "fleet", "edge", client, a.conc_reps,
                             hosts[:a.fleet_targets], work, sessions=a.fleet_sessions,
                             fd_limit=DEFAULT_FD_LIMIT)
            if snmpd:
                for client in clients:
                    run_case(snmpd, results, "snmpd", "swinst", client, a.conc_reps,
                             snmpd.addrs, work)
    except Exception as e:  # keep what was measured before the failure
        stopped = e
        log(f"stopped by an error; writing the {len(results)} measurements made before it")
    finally:
        if agent:
            agent.stop()
        if snmpd:
            snmpd.stop()
        shutil.rmtree(work, ignore_errors=True)

    meta = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "runs": a.runs,
            "complete": stopped is None,
            "machine": f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
                       f"Linux {platform.release()}",
            "command": "bench/run.py " + " ".join(sys.argv[1:])}
    # Concurrency 1 of the router table is the single-walk figure at the same reps.
    results += [{**r, "scenario": "conc"} for r in results
                if r["scenario"] == "single" and r["table"] == "router"
                and r["reps"] == a.conc_reps]
    rows, md = summarize(results, meta)
    # A stopped suite must not overwrite a complete one's files; a complete one replaces
    # whatever a stopped one left.
    tag = "" if stopped is None else "-partial"
    if stopped is None:
        for name in ("results-partial.json", "summary-partial.md"):
            (out / name).unlink(missing_ok=True)
    (out / f"results{tag}.json").write_text(json.dumps({"meta": meta, "runs": results,
                                                        "medians": rows}, indent=1))
    (out / f"summary{tag}.md").write_text(md)
    if "conc" in scenarios and stopped is None:
        plot(rows, out / "throughput.png")
    print(md)
    if stopped:
        raise stopped


if __name__ == "__main__":
    main()
