//! [`IndexRange`]: partial index bounds under each root OID (`10:10`, `1:100`, `5:`), their
//! merging and the split of a table by its first index arc.

use std::fmt;
use std::str::FromStr;

use crate::oid::write_dotted;

/// A range of table indices, as partial index bounds under each root OID.
///
/// A walk of root `R` with range `(start, stop)` starts at `R.start` and ends after the whole
/// subtree of `R.stop`. An empty `start` starts at `R`; an empty `stop` runs to the end of `R`'s
/// subtree. `10:10` is one IPv4 /8 of a table indexed by address; `10:` is everything from
/// `10` on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct IndexRange {
    start: Vec<u32>,
    stop: Vec<u32>,
}

/// A range that cannot be parsed or is empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RangeError {
    /// No `:` between start and stop.
    #[error("range needs START:STOP (either side may be empty)")]
    MissingColon,
    /// A side is not dotted decimal.
    #[error("range {side} `{text}` is not a dotted list of numbers")]
    BadBound {
        /// `start` or `stop`.
        side: &'static str,
        /// The text given.
        text: String,
    },
    /// `start` lies after the whole subtree of `stop`: the range is empty.
    #[error("range start {start} lies after the end of stop {stop}")]
    Empty {
        /// The start, dotted.
        start: String,
        /// The stop, dotted.
        stop: String,
    },
}

impl IndexRange {
    /// A range from `start` to the end of `stop`'s subtree; empty slices are open ends.
    pub fn new(start: &[u32], stop: &[u32]) -> Result<Self, RangeError> {
        // Empty only if start is past stop and not inside stop's subtree.
        if !stop.is_empty() && start > stop && !start.starts_with(stop) {
            return Err(RangeError::Empty {
                start: dotted(start),
                stop: dotted(stop),
            });
        }
        Ok(IndexRange {
            start: start.to_vec(),
            stop: stop.to_vec(),
        })
    }

    /// A single index: start and stop equal (for GET, the index appended to each root).
    pub fn point(index: &[u32]) -> Self {
        IndexRange {
            start: index.to_vec(),
            stop: index.to_vec(),
        }
    }

    /// The start bound (empty: open).
    pub fn start(&self) -> &[u32] {
        &self.start
    }

    /// The stop bound (empty: open).
    pub fn stop(&self) -> &[u32] {
        &self.stop
    }

    /// True when start and stop are the same non-empty index.
    pub fn is_point(&self) -> bool {
        !self.start.is_empty() && self.start == self.stop
    }

    /// True when the index `index` (an OID's arcs after its root) lies in the range.
    pub fn contains(&self, index: &[u32]) -> bool {
        index >= self.start.as_slice()
            && (self.stop.is_empty()
                || index <= self.stop.as_slice()
                || index.starts_with(&self.stop))
    }
}

impl IndexRange {
    /// True when index `a`'s end (the last index under `a`) lies after index `b`'s end:
    /// ancestors end after their descendants, an open (empty) stop after everything.
    fn stop_after(a: &[u32], b: &[u32]) -> bool {
        match (a.is_empty(), b.is_empty()) {
            (true, _) => !b.is_empty(),
            (_, true) => false,
            _ => (b.starts_with(a) && a.len() < b.len()) || (a > b && !a.starts_with(b)),
        }
    }

    /// True when `index` lies at or before the end of this range's stop subtree.
    fn reaches(&self, index: &[u32]) -> bool {
        self.stop.is_empty() || index <= self.stop.as_slice() || index.starts_with(&self.stop)
    }

    /// Sorts ranges and merges the overlapping and adjacent-by-containment ones, so that no
    /// index is walked twice. An empty list stays empty (the whole subtree).
    pub fn merge(mut ranges: Vec<IndexRange>) -> Vec<IndexRange> {
        ranges.sort_by(|a, b| a.start.cmp(&b.start));
        let mut out: Vec<IndexRange> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match out.last_mut() {
                Some(last) if last.reaches(&r.start) => {
                    if IndexRange::stop_after(&r.stop, &last.stop) {
                        last.stop = r.stop;
                    }
                }
                _ => out.push(r),
            }
        }
        out
    }

    /// Splits a table's index space into `parts` ranges by the first index arc over
    /// `0..=max_first` (e.g. 256 parts of `0..=255`: one IPv4 /8 each). The first range's start
    /// and the last range's stop are open, so together the ranges cover every index, and they
    /// are disjoint.
    pub fn split_by_first_arc(parts: u32, max_first: u32) -> Vec<IndexRange> {
        let parts = parts.clamp(1, max_first.saturating_add(1));
        let width = (u64::from(max_first) + 1).div_ceil(u64::from(parts));
        (0..u64::from(parts))
            .map(|i| {
                let lo = i * width;
                let hi = ((i + 1) * width - 1).min(u64::from(max_first));
                let start = if i == 0 { vec![] } else { vec![lo as u32] };
                let stop = if i + 1 == u64::from(parts) {
                    vec![]
                } else {
                    vec![hi as u32]
                };
                IndexRange { start, stop }
            })
            .collect()
    }
}

fn dotted(s: &[u32]) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write_dotted(&mut out, s);
    out
}

impl FromStr for IndexRange {
    type Err = RangeError;

    /// Parses `START:STOP`, each side dotted decimal or empty (`10:10`, `10.0.0.0:10.255`, `:5`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, b) = s.split_once(':').ok_or(RangeError::MissingColon)?;
        let bound = |side: &'static str, t: &str| -> Result<Vec<u32>, RangeError> {
            let t = t.trim().trim_start_matches('.');
            if t.is_empty() {
                return Ok(Vec::new());
            }
            t.split('.')
                .map(|p| p.parse::<u32>())
                .collect::<Result<_, _>>()
                .map_err(|_| RangeError::BadBound {
                    side,
                    text: t.to_owned(),
                })
        };
        IndexRange::new(&bound("start", a)?, &bound("stop", b)?)
    }
}

impl fmt::Display for IndexRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_dotted(f, &self.start)?;
        f.write_str(":")?;
        write_dotted(f, &self.stop)
    }
}
