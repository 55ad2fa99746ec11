//! Answering one request from the MIB: GET, GETNEXT and GETBULK slots, with the faults that
//! change what is answered.

use super::{Exception, Name, Pos, Repeater, Slot};
use crate::faults::{self, EXTRA_NAME, EXTRA_VALUE, Endless, Faults, MALFORMED_VALUE, Marks};
use crate::mib::Mib;
use snmp_stream_core::{SubIds, Value};

/// The read-only state of one request.
pub(super) struct Ctx<'a> {
    pub(super) mib: &'a Mib,
    pub(super) faults: &'a Faults,
    pub(super) marks: Marks,
    /// The endless column, when that fault applies.
    pub(super) endless: Option<Endless<'a>>,
    pub(super) arcs: &'a [u32],
    pub(super) spans: &'a [(usize, usize)],
    pub(super) v1: bool,
}

impl<'a> Ctx<'a> {
    /// The sub-identifiers behind a name.
    fn name(&self, name: Name) -> &'a [u32] {
        match name {
            Name::Request(j) => self
                .spans
                .get(j)
                .and_then(|&(start, end)| self.arcs.get(start..end))
                .unwrap_or_default(),
            Name::Entry(i) => self.mib.oid_at(i).as_slice(),
        }
    }

    /// The name of a response varbind, the endless column's names being in `synth`.
    pub(super) fn slot_oid<'s>(&self, slot: Slot, synth: &'s [u32]) -> &'s [u32]
    where
        'a: 's,
    {
        match slot {
            Slot::Entry(i) => self.mib.oid_at(i).as_slice(),
            Slot::Exception(name, _) => self.name(name),
            Slot::Synthetic(start, end) => synth.get(start..end).unwrap_or_default(),
            Slot::Extra => EXTRA_NAME,
        }
    }

    /// A response varbind as the encoder takes it.
    pub(super) fn varbind<'s>(&self, slot: Slot, synth: &'s [u32]) -> (SubIds<'s>, Value<'s>)
    where
        'a: 's,
    {
        let name = SubIds::U32(self.slot_oid(slot, synth));
        let value = match slot {
            Slot::Entry(i) => self.mib.value_at(i).as_value(),
            Slot::Exception(_, e) => match e {
                Exception::NoSuchObject => Value::NoSuchObject,
                Exception::NoSuchInstance => Value::NoSuchInstance,
                Exception::EndOfMibView => Value::EndOfMibView,
            },
            Slot::Synthetic(..) => {
                let arc = self.slot_oid(slot, synth).last().copied().unwrap_or(0);
                Value::Integer(i64::from(arc))
            }
            Slot::Extra => Value::ObjectId(SubIds::U32(EXTRA_VALUE)),
        };
        if self.is_malformed(slot, synth) {
            return (name, MALFORMED_VALUE);
        }
        (name, value)
    }

    /// True for the instance [`Faults::malformed_value_at`] names.
    fn is_malformed(&self, slot: Slot, synth: &[u32]) -> bool {
        let Some(oid) = &self.faults.malformed_value_at else {
            return false;
        };
        match slot {
            Slot::Entry(i) => self.marks.malformed == Some(i),
            Slot::Exception(..) => false,
            Slot::Synthetic(..) | Slot::Extra => self.slot_oid(slot, synth) == oid.as_slice(),
        }
    }

    /// The endless column's varbind whose last arc is `arc`, its name written to `synth`.
    fn synthetic(&self, arc: u32, synth: &mut Vec<u32>) -> Slot {
        // Only the endless column makes synthetic positions, so its prefix is there.
        let prefix = self.endless.map(Endless::prefix).unwrap_or_default();
        let start = synth.len();
        synth.extend_from_slice(prefix);
        synth.push(arc);
        Slot::Synthetic(start, synth.len())
    }

    /// RFC 3416 §4.2.1 for request varbind `j`.
    pub(super) fn get(&self, j: usize, synth: &mut Vec<u32>) -> Slot {
        let name = self.name(Name::Request(j));
        // The endless column hides whatever the MIB has at or under it.
        match self.endless.and_then(|e| e.get(name)) {
            Some(Some(arc)) => return self.synthetic(arc, synth),
            Some(None) => return Slot::Exception(Name::Request(j), Exception::NoSuchInstance),
            None => {}
        }
        match self.mib.search(name) {
            // RFC 3584 §4.2.2.1: a v1 agent has no Counter64 objects.
            Ok(i) if !(self.v1 && self.mib.value_at(i).is_counter64()) => Slot::Entry(i),
            Ok(_) => Slot::Exception(Name::Request(j), Exception::NoSuchObject),
            Err(_) => Slot::Exception(Name::Request(j), self.miss(name)),
        }
    }

    /// noSuchInstance when the object type exists, noSuchObject otherwise (RFC 3416 §4.2.1).
    /// Without MIB definitions, "the object type exists" is taken to mean: some instance lies
    /// strictly under the requested name minus its last arc.
    fn miss(&self, name: &[u32]) -> Exception {
        let Some((_, parent)) = name.split_last() else {
            return Exception::NoSuchObject;
        };
        let mut i = self.mib.lower_bound(parent);
        if self
            .mib
            .entry(i)
            .is_some_and(|(oid, _)| oid.as_slice() == parent)
        {
            i += 1;
        }
        match self.mib.entry(i) {
            Some((oid, _)) if oid.as_slice().starts_with(parent) => Exception::NoSuchInstance,
            _ => Exception::NoSuchObject,
        }
    }

    /// RFC 3416 §4.2.2 for request varbind `j`.
    pub(super) fn get_next(&self, j: usize, synth: &mut Vec<u32>) -> Slot {
        match self.successor(self.name(Name::Request(j))) {
            Some(Pos::Entry(i)) => Slot::Entry(i),
            Some(Pos::Synthetic(arc)) => self.synthetic(arc, synth),
            None => Slot::Exception(Name::Request(j), Exception::EndOfMibView),
        }
    }

    /// The GETNEXT successor of `name`.
    fn successor(&self, name: &[u32]) -> Option<Pos> {
        let next = match self.marks.stuck {
            Some(k) if self.mib.oid_at(k).as_slice() <= name => Some(k),
            _ => {
                let mut i = self.mib.upper_bound(name);
                if self.v1 {
                    // RFC 3584 §4.2.2.1: a v1 GETNEXT skips Counter64 objects.
                    while self.mib.entry(i).is_some_and(|(_, v)| v.is_counter64()) {
                        i += 1;
                    }
                }
                (i < self.mib.len()).then_some(i)
            }
        };
        self.or_endless(name, next)
    }

    /// The successor of instance `i`: the next one, or the looping agent's stuck one, or the
    /// endless column's.
    fn step(&self, i: usize) -> Option<Pos> {
        let next = match self.marks.stuck {
            Some(k) if i >= k => Some(k),
            _ => (i + 1 < self.mib.len()).then_some(i + 1),
        };
        self.or_endless(self.mib.oid_at(i).as_slice(), next)
    }

    /// `next`, the MIB's successor of `name`, unless the endless column supplies it.
    fn or_endless(&self, name: &[u32], next: Option<usize>) -> Option<Pos> {
        let oid = |i: usize| self.mib.oid_at(i).as_slice();
        match self.endless.and_then(|e| e.successor(name, next.map(oid))) {
            Some(arc) => Some(Pos::Synthetic(arc)),
            None => next.map(Pos::Entry),
        }
    }

    /// A repeater's new position: the slot it returns and the repeater's state after it.
    fn visit(&self, pos: Pos, synth: &mut Vec<u32>) -> (Repeater, Slot) {
        match pos {
            Pos::Entry(i) if self.marks.repeat == Some(i) => (Repeater::Again(i), Slot::Entry(i)),
            Pos::Entry(i) => (Repeater::At(i), Slot::Entry(i)),
            Pos::Synthetic(arc) => (Repeater::AtSynthetic(arc), self.synthetic(arc, synth)),
        }
    }

    /// RFC 3416 §4.2.3: `n` non-repeaters as GETNEXT, then up to `m` rounds over the rest,
    /// interleaved (round 1 of every repeater, then round 2, …), at most `limit` varbinds.
    pub(super) fn bulk(
        &self,
        n: usize,
        m: usize,
        limit: usize,
        slots: &mut Vec<Slot>,
        repeaters: &mut Vec<Repeater>,
        synth: &mut Vec<u32>,
    ) {
        for j in (0..n).take(limit) {
            slots.push(self.get_next(j, synth));
        }
        repeaters.clear();
        repeaters.extend((n..self.spans.len()).map(Repeater::Start));
        if repeaters.is_empty() {
            return;
        }
        for _ in 0..m {
            let mut all_ended = true;
            for rep in repeaters.iter_mut() {
                if slots.len() >= limit {
                    return;
                }
                let (next, slot) = match *rep {
                    Repeater::Start(j) => match self.successor(self.name(Name::Request(j))) {
                        Some(pos) => self.visit(pos, synth),
                        None => end(Name::Request(j)),
                    },
                    Repeater::At(i) => match self.step(i) {
                        Some(pos) => self.visit(pos, synth),
                        None => end(Name::Entry(i)),
                    },
                    // The repeat: the same varbind again, then the walk goes on from it.
                    Repeater::Again(i) => (Repeater::At(i), Slot::Entry(i)),
                    Repeater::AtSynthetic(arc) => {
                        self.visit(Pos::Synthetic(faults::next_arc(arc)), synth)
                    }
                    Repeater::End(name) => end(name),
                };
                all_ended &= matches!(next, Repeater::End(_));
                *rep = next;
                slots.push(slot);
            }
            // net-snmp's early stop: once every repeater is at the end, further rounds would
            // only repeat endOfMibView (RFC 3416 §4.2.3 allows fewer varbinds).
            if all_ended {
                return;
            }
        }
    }
}

/// A repeater at endOfMibView: RFC 3416 §4.2.2 names it by the name it continued from.
fn end(name: Name) -> (Repeater, Slot) {
    (
        Repeater::End(name),
        Slot::Exception(name, Exception::EndOfMibView),
    )
}
