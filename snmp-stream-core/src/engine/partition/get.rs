//! The application of a GET reply: varbinds matched to the OIDs asked, OIDs left out asked
//! again alone, error-status blamed on its OID.

use std::collections::HashMap;

use super::{Partition, Work, malformed_value, out_of_range};
use crate::ber::{self, VarBindError, error_status};
use crate::oid::Oid;
use crate::response::{CollectError, TimedError};
use crate::value::BerOid;

impl Partition {
    /// Applies a GET reply: each varbind goes to the requested OID it names, wherever it sits
    /// in the reply; varbinds that name nothing asked are dropped and counted; OIDs the reply
    /// left out are asked again, alone, once, and then become `MissingFromReply` errors. No
    /// OID is lost without an error.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn get_reply(
        &mut self,
        ts: u64,
        oids: Vec<Oid>,
        roots: Vec<usize>,
        alone: bool,
        status: i32,
        index: i32,
        reply: &ber::Pdu<'_>,
    ) {
        let Work::Get(q) = &mut self.work else {
            return;
        };
        // The 0-based position of the OID the error-index blames, if it names one asked.
        let blamed = usize::try_from(index)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .filter(|&i| i < oids.len());
        if status != error_status::NO_ERROR {
            match blamed {
                // v1's noSuchName included (RFC 1157 §4.1.2: the named OID does not exist): an
                // error on that OID, as v1 says it, not v2c's noSuchObject data.
                Some(bad) => self.errors.push(TimedError {
                    timestamp: ts,
                    error: CollectError::Agent {
                        status,
                        index,
                        oid: Some(oids[bad].clone()),
                    },
                }),
                None if alone || oids.len() == 1 => self.errors.push(TimedError {
                    timestamp: ts,
                    error: CollectError::Agent {
                        status,
                        index,
                        oid: oids.first().cloned(),
                    },
                }),
                None => {
                    // The agent blames no OID in particular: ask each alone to find out.
                    self.quirks.reasked_oids += oids.len() as u64;
                    q.alone.extend(oids.into_iter().zip(roots));
                    return;
                }
            }
            // Ask again for the others the error held back (RFC 1157 §4.1.2: an error answers
            // the whole PDU).
            for (i, item) in oids.into_iter().zip(roots).enumerate().rev() {
                if Some(i) != blamed {
                    q.queue.push_front(item);
                }
            }
            return;
        }
        let mut asked = Asked::new(&oids);
        for (i, vb) in reply.varbinds().enumerate() {
            match vb {
                Ok(vb) => {
                    let Some(j) = asked.answer(i, &vb.oid) else {
                        self.quirks.unrequested_varbinds += 1;
                        continue;
                    };
                    self.quirks.out_of_range_values += u64::from(out_of_range(&vb.value));
                    // The OID is the one asked, which lies under its root.
                    let _ = self.writer.push_varbind(ts, roots[j], &vb);
                }
                Err(VarBindError {
                    error,
                    oid: Some(oid),
                }) => match asked.answer(i, &oid) {
                    // Answered, badly: named, not asked again (it would be as bad again).
                    Some(_) => {
                        malformed_value(&mut self.quirks, &mut self.errors, ts, &oid, error);
                    }
                    None => self.quirks.unrequested_varbinds += 1,
                },
                // An OID that did not decode answers nothing we can name: the OID it was meant
                // to answer is missing below and asked again.
                Err(VarBindError { oid: None, .. }) => {}
            }
        }
        let answered = asked.answered;
        for (j, item) in oids.into_iter().zip(roots).enumerate() {
            if answered[j] {
                continue;
            }
            if alone {
                self.errors.push(TimedError {
                    timestamp: ts,
                    error: CollectError::MissingFromReply { oid: item.0 },
                });
            } else {
                self.quirks.reasked_oids += 1;
                q.alone.push_back(item);
            }
        }
    }
}

/// The OIDs a GET PDU asked, and which a reply has answered. A varbind is matched at its own
/// position first (the common case, one comparison), else by its OID: by a scan in small
/// PDUs, by a map built on the first miss in large ones, so a reply in another order costs
/// no more than linear time.
struct Asked<'o> {
    oids: &'o [Oid],
    answered: Vec<bool>,
    by_oid: Option<HashMap<&'o Oid, usize>>,
}

/// PDUs with more OIDs than this look misplaced varbinds up in a map.
const SCAN_UP_TO: usize = 16;

impl<'o> Asked<'o> {
    fn new(oids: &'o [Oid]) -> Self {
        Asked {
            oids,
            answered: vec![false; oids.len()],
            by_oid: None,
        }
    }

    /// Marks the asked OID that `oid` names answered, returning its position; `None` when it
    /// names nothing asked, or something already answered.
    fn answer(&mut self, i: usize, oid: &BerOid<'_>) -> Option<usize> {
        let same = |j: usize| oid.iter().eq(self.oids[j].as_slice().iter().copied());
        let j = if i < self.oids.len() && same(i) {
            Some(i)
        } else if self.oids.len() <= SCAN_UP_TO {
            (0..self.oids.len()).find(|&j| !self.answered[j] && same(j))
        } else {
            let oids = self.oids;
            let map = self
                .by_oid
                .get_or_insert_with(|| oids.iter().enumerate().map(|(j, o)| (o, j)).collect());
            map.get(&oid.to_oid()).copied()
        };
        let j = j.filter(|&j| !self.answered[j])?;
        self.answered[j] = true;
        Some(j)
    }
}
