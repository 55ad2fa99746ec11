//! Progress of a job: a bar (indicatif) when stderr is a terminal, a plain line every
//! [`LOG_EVERY`] otherwise, nothing when quiet; and of a walk or get: a live line on a
//! terminal only ([`Live`]).

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use snmp_stream_actors::Submitter;

/// How often progress is logged when stderr is not a terminal.
pub(crate) const LOG_EVERY: Duration = Duration::from_secs(10);

/// Counters the progress display reads.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    /// Hosts finished.
    pub done: AtomicU64,
    /// Hosts finished with some errors and some data.
    pub partial: AtomicU64,
    /// Hosts finished without data.
    pub failed: AtomicU64,
    /// Varbinds collected.
    pub varbinds: AtomicU64,
}

impl Counts {
    fn line(&self, hosts: usize, started: Instant) -> String {
        let varbinds = self.varbinds.load(Relaxed);
        let secs = started.elapsed().as_secs_f64().max(1e-3);
        format!(
            "{}/{hosts} hosts done ({} partial, {} failed), {varbinds} varbinds, {:.0} varbinds/s",
            self.done.load(Relaxed),
            self.partial.load(Relaxed),
            self.failed.load(Relaxed),
            varbinds as f64 / secs
        )
    }
}

/// What a display holds: its bar (on a terminal), and the thread that updates or logs it
/// until it is finished.
#[derive(Default)]
struct Shown {
    bar: Option<ProgressBar>,
    stop: Option<mpsc::Sender<()>>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl Shown {
    /// `bar` (if any), and `tick` called every `every` until [`Shown::finish`].
    fn ticking(
        bar: Option<ProgressBar>,
        every: Duration,
        mut tick: impl FnMut() + Send + 'static,
    ) -> Shown {
        let (tx, rx) = mpsc::channel::<()>();
        let ticker = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(every) {
                    tick();
                }
            })
            .ok();
        Shown {
            bar,
            stop: Some(tx),
            ticker,
        }
    }

    /// Stops the thread, then clears the bar.
    fn finish(mut self) {
        drop(self.stop.take());
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// A bar of `len` steps drawn with `template`, redrawn five times a second.
fn styled_bar(len: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    let style = ProgressStyle::with_template(template)
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The progress display: a bar on a terminal, a log line every [`LOG_EVERY`] otherwise,
/// nothing when quiet.
pub(crate) struct Progress(Shown);

impl Progress {
    /// Starts showing progress of a job of `hosts` hosts.
    pub(crate) fn start(
        quiet: bool,
        hosts: usize,
        counts: Arc<Counts>,
        started: Instant,
    ) -> Progress {
        if quiet {
            return Progress(Shown::default());
        }
        if std::io::stderr().is_terminal() {
            let bar = styled_bar(
                hosts as u64,
                "{elapsed_precise} [{bar:30}] {pos}/{len} hosts  {msg}",
            );
            return Progress(Shown {
                bar: Some(bar),
                ..Shown::default()
            });
        }
        Progress(Shown::ticking(None, LOG_EVERY, move || {
            eprintln!("snmp-stream: {}", counts.line(hosts, started));
        }))
    }

    /// Shows the counts now.
    pub(crate) fn update(&self, counts: &Counts) {
        if let Some(bar) = &self.0.bar {
            bar.set_position(counts.done.load(Relaxed));
            let varbinds = counts.varbinds.load(Relaxed);
            let secs = bar.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{} partial, {} failed, {varbinds} varbinds, {:.0}/s",
                counts.partial.load(Relaxed),
                counts.failed.load(Relaxed),
                varbinds as f64 / secs
            ));
        }
    }

    /// Stops showing progress (the bar is cleared).
    pub(crate) fn finish(self) {
        self.0.finish();
    }
}

/// A walk's or get's progress on a terminal: responses done of those expected, varbinds,
/// rate and elapsed time, read live from the collector's counters (a lone walk of a big table
/// finishes one response at the very end, so the counts come from the datagrams). Nothing when
/// quiet or when stderr is not a terminal: a script's stderr gets only the summary.
pub(crate) struct Live(Shown);

impl Live {
    /// Starts showing the collection of `responses` responses from `hosts` hosts.
    pub(crate) fn start(quiet: bool, hosts: usize, responses: u64, collector: Submitter) -> Live {
        if quiet || !std::io::stderr().is_terminal() {
            return Live(Shown::default());
        }
        let template = if hosts > 1 {
            "{elapsed_precise} [{bar:30}] {pos}/{len} responses  {msg}"
        } else {
            "{elapsed_precise} {msg}"
        };
        let bar = styled_bar(responses, template);
        let shown = bar.clone();
        let started = Instant::now();
        Live(Shown::ticking(
            Some(bar),
            Duration::from_millis(200),
            move || {
                let stats = collector.stats();
                let secs = started.elapsed().as_secs_f64().max(1e-3);
                shown.set_position(stats.responses);
                shown.set_message(format!(
                    "{} host{}: {} varbinds, {:.0}/s, {} retries",
                    hosts,
                    if hosts == 1 { "" } else { "s" },
                    stats.varbinds,
                    stats.varbinds as f64 / secs,
                    stats.retries
                ));
            },
        ))
    }

    /// Stops showing progress (the line is cleared).
    pub(crate) fn finish(self) {
        self.0.finish();
    }
}
