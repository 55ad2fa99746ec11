//! Walk heads and the application of a GETBULK / GETNEXT reply to them: the order checks
//! (repeats dropped, non-increasing OIDs by policy), range bounds, the row cap and malformed
//! values.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use super::{Partition, Work, malformed_value, out_of_range};
use crate::ber::{self, VarBindError, error_status};
use crate::config::NonIncreasingPolicy;
use crate::oid::{MAX_SUB_IDS, Oid};
use crate::request::IndexRange;
use crate::response::{CollectError, TimedError};
use crate::value::{BerOid, SubIds, Value, cmp_content};

/// One walk cursor: a root OID within one range partition.
#[derive(Debug)]
pub(super) struct Head {
    pub(super) root: usize,
    /// The OID to continue after.
    pub(super) cursor: Oid,
    /// The BER content of the range's start as a full OID: varbinds before it are skipped
    /// (see `Head::new`).
    pub(super) start: Option<Vec<u8>>,
    /// The range's stop as a full OID, and its BER content: the head ends past its subtree.
    pub(super) stop: Option<(Oid, Vec<u8>)>,
    pub(super) done: bool,
    /// Varbinds this head took (recorded, left out as malformed, or skipped before the
    /// range's start), against the cap `max_rows_per_root`.
    pub(super) rows: u64,
    /// Permissive policy only: hashes of the OIDs seen, to detect a loop.
    pub(super) seen: Option<HashSet<u64>>,
}

impl Head {
    pub(super) fn new(
        root_index: usize,
        root: &Oid,
        range: Option<&IndexRange>,
        policy: NonIncreasingPolicy,
    ) -> Head {
        let join = |idx: &[u32]| (!idx.is_empty()).then(|| root.join(idx).ok()).flatten();
        let start = range.and_then(|r| join(r.start()));
        let stop = range.and_then(|r| join(r.stop()));
        // GETNEXT returns what lies strictly after the cursor, so to include `start` itself the
        // cursor must sit just before it: the parent when start ends in 0, else its previous
        // sibling followed by the largest arc (only an OID under that, which no table has, lies
        // between it and start; anything before start is skipped anyway).
        let content = |o: &Oid| crate::ber::write::oid_content(SubIds::U32(o.as_slice()));
        let cursor = match &start {
            None => root.clone(),
            Some(s) => {
                let arcs = s.as_slice();
                let (last, parent) = arcs.split_last().expect("an Oid has arcs");
                let before = if *last == 0 {
                    Oid::from_slice(parent).ok()
                } else if arcs.len() < MAX_SUB_IDS {
                    let mut v = parent.to_vec();
                    v.extend([last - 1, u32::MAX]);
                    Oid::from_vec(v).ok()
                } else {
                    None
                };
                before
                    .filter(|b| b.starts_with(root))
                    .unwrap_or_else(|| root.clone())
            }
        };
        let seen = matches!(policy, NonIncreasingPolicy::Permissive).then(HashSet::new);
        Head {
            root: root_index,
            cursor,
            start: start.as_ref().map(content),
            stop: stop.map(|o| {
                let c = content(&o);
                (o, c)
            }),
            done: false,
            rows: 0,
            seen,
        }
    }
}

impl Partition {
    pub(super) fn walk_reply(
        &mut self,
        ts: u64,
        pdu_heads: &[usize],
        oids: &[Oid],
        status: i32,
        index: i32,
        reply: &ber::Pdu<'_>,
    ) {
        let Work::Walk(heads) = &mut self.work else {
            return;
        };
        if status == error_status::NO_SUCH_NAME && index >= 1 && (index as usize) <= pdu_heads.len()
        {
            // v1 (and some v2c agents): nothing after this head's cursor. Its end; the other
            // heads of the PDU are asked again.
            heads[pdu_heads[index as usize - 1]].done = true;
            return;
        }
        if status != error_status::NO_ERROR {
            for &h in pdu_heads {
                heads[h].done = true;
            }
            let oid = usize::try_from(index)
                .ok()
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| oids.get(i).cloned());
            self.errors.push(TimedError {
                timestamp: ts,
                error: CollectError::Agent { status, index, oid },
            });
            return;
        }
        let policy = self.config.non_increasing();
        let cap = self.config.max_rows_per_root();
        let n = pdu_heads.len();
        // The last OID seen per head in this reply, borrowed from the datagram.
        let mut last: Vec<Option<BerOid<'_>>> = vec![None; n];
        let mut progressed = false;
        for (i, vb) in reply.varbinds().enumerate() {
            let slot = i % n;
            let h = &mut heads[pdu_heads[slot]];
            if h.done {
                continue;
            }
            // A varbind whose value is malformed still says where the walk is.
            let (oid, value) = match vb {
                Ok(vb) => (vb.oid, Ok(vb)),
                Err(VarBindError {
                    error,
                    oid: Some(oid),
                }) => (oid, Err(error)),
                Err(VarBindError { error, oid: None }) => {
                    // The OID itself is broken: the head cannot know where it is; stop it,
                    // keep the rest.
                    h.done = true;
                    self.errors.push(TimedError {
                        timestamp: ts,
                        error: CollectError::Malformed(error),
                    });
                    continue;
                }
            };
            let end = matches!(&value, Ok(vb) if vb.value == Value::EndOfMibView);
            match step(h, last[slot].as_ref(), &oid, end, policy) {
                Step::End => h.done = true,
                Step::Repeat => self.quirks.repeated_oids += 1,
                Step::Skip => {
                    // Before the range's start: not recorded, but counted against the cap (an
                    // agent could return such OIDs forever).
                    if h.rows >= cap {
                        h.done = true;
                        self.errors
                            .push(row_cap(ts, &self.request.oids()[h.root], cap));
                        continue;
                    }
                    h.rows += 1;
                    last[slot] = Some(oid);
                    progressed = true;
                }
                Step::NonIncreasing => {
                    h.done = true;
                    let previous = last[slot].map_or_else(|| h.cursor.clone(), |b| b.to_oid());
                    self.errors.push(TimedError {
                        timestamp: ts,
                        error: CollectError::NonIncreasingOid {
                            previous,
                            received: oid.to_oid(),
                        },
                    });
                }
                Step::Record => {
                    let root = &self.request.oids()[h.root];
                    if h.rows >= cap {
                        // One more varbind after `cap`: under the root, the column is longer
                        // than the cap; past it, the column ended right at the cap.
                        h.done = true;
                        if oid.starts_with(root) {
                            self.errors.push(row_cap(ts, root, cap));
                        }
                        continue;
                    }
                    match value {
                        Ok(vb) => {
                            if self.writer.push_varbind(ts, h.root, &vb).is_err() {
                                // Left the root's subtree: the head's normal end.
                                h.done = true;
                                continue;
                            }
                            self.quirks.out_of_range_values += u64::from(out_of_range(&vb.value));
                        }
                        Err(error) => {
                            if !oid.starts_with(root) {
                                h.done = true;
                                continue;
                            }
                            // Left out (the wireline format has no "malformed" value); named
                            // in the errors, and the walk goes on after it.
                            malformed_value(&mut self.quirks, &mut self.errors, ts, &oid, error);
                        }
                    }
                    h.rows += 1;
                    last[slot] = Some(oid);
                    progressed = true;
                }
            }
        }
        for (slot, l) in last.into_iter().enumerate() {
            if let Some(oid) = l {
                heads[pdu_heads[slot]].cursor = oid.to_oid();
            }
        }
        let any_open = pdu_heads.iter().any(|&h| !heads[h].done);
        if progressed || !any_open {
            self.stalled = 0;
        } else {
            // An empty or useless reply: ask again, but not forever.
            self.stalled += 1;
            if self.stalled > self.config.retries() {
                for &h in pdu_heads {
                    heads[h].done = true;
                }
                self.errors.push(TimedError {
                    timestamp: ts,
                    error: CollectError::NoProgress,
                });
            }
        }
    }
}

/// The error of a head stopped by the cap on varbinds per root.
fn row_cap(timestamp: u64, root: &Oid, cap: u64) -> TimedError {
    TimedError {
        timestamp,
        error: CollectError::RowCap {
            root: root.clone(),
            cap,
        },
    }
}

/// What to do with one varbind of a walk reply.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// The head has ended (normally): endOfMibView, or left its subtree or range.
    End,
    /// The OID the head saw last, again (an agent returning one object twice in a row):
    /// dropped.
    Repeat,
    /// Before the range's start: move on without recording.
    Skip,
    /// Before the previous OID (an agent bug) under the strict policy, or a loop.
    NonIncreasing,
    /// Record it.
    Record,
}

fn step(
    h: &mut Head,
    last: Option<&BerOid<'_>>,
    oid: &BerOid<'_>,
    end_of_mib_view: bool,
    policy: NonIncreasingPolicy,
) -> Step {
    if end_of_mib_view {
        return Step::End;
    }
    // Leaving the root's subtree is caught when the record is written (PushError::NotUnderRoot).
    if let Some((stop, stop_content)) = &h.stop {
        // Past the stop's subtree: greater than stop and not under it.
        if cmp_content(oid.as_bytes(), stop_content) == std::cmp::Ordering::Greater
            && !oid.starts_with(stop)
        {
            return Step::End;
        }
    }
    let order = match last {
        Some(prev) => oid.cmp_oid(prev),
        None => oid.iter().cmp(h.cursor.as_slice().iter().copied()),
    };
    match order {
        std::cmp::Ordering::Greater => {}
        std::cmp::Ordering::Equal => return Step::Repeat,
        std::cmp::Ordering::Less if policy == NonIncreasingPolicy::Strict => {
            return Step::NonIncreasing;
        }
        std::cmp::Ordering::Less => {}
    }
    // Permissive: remember every OID; seeing one again is a loop.
    if let Some(seen) = &mut h.seen {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        oid.as_bytes().hash(&mut hasher);
        if !seen.insert(hasher.finish()) {
            return Step::NonIncreasing;
        }
    }
    if let Some(start_content) = &h.start {
        if cmp_content(oid.as_bytes(), start_content) == std::cmp::Ordering::Less {
            return Step::Skip;
        }
    }
    Step::Record
}
