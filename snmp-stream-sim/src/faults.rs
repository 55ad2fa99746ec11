//! The misbehaviours a simulated agent can show ([`Faults`]), and the parts of applying them
//! that do not need the responder's internals: the instances they pick out of the MIB, the
//! endless column's arithmetic and the reshaping of GET replies.

use crate::mib::Mib;
use crate::responder::DEFAULT_MAX_MESSAGE_SIZE;
use snmp_stream_core::oid::MAX_SUB_IDS;
use snmp_stream_core::{Oid, Tag, Value};

/// Misbehaviours a simulated agent can be told to show, plus its size limit. None by default.
///
/// Transport faults (loss, delay, duplication, a wrong source port or address) belong to
/// whoever owns the socket; these are the ones visible in the Response itself.
///
/// Not `#[non_exhaustive]`, so that struct-update syntax works; a new knob must default to
/// "off".
///
/// The `get_reply_*` knobs reshape the varbind list of a GetRequest's noError Response, in the
/// order omit, cap, reverse, extra. The decisions that name a request varbind by position
/// (SNMPv1's noSuchName, [`error_status_on`](Self::error_status_on)) are taken on the list
/// before; the tooBig ones ([`too_big_above`](Self::too_big_above), the message size) on the
/// list as it would be sent.
///
/// ```
/// use snmp_stream_sim::Faults;
///
/// let faults = Faults {
///     bulk_cap: Some(100),     // net-snmp's default GETBULK cap
///     max_message_size: 1472, // one Ethernet frame
///     ..Faults::default()
/// };
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Faults {
    /// Answer tooBig whenever the response would carry more than this many varbinds (for
    /// GETBULK too: an agent that refuses instead of sending fewer repetitions).
    pub too_big_above: Option<usize>,
    /// A GETBULK response carries at most this many varbinds, silently fewer than asked.
    pub bulk_cap: Option<usize>,
    /// Answer every GETBULK with tooBig, however small (an agent whose GETBULK is broken but
    /// whose GETNEXT works).
    pub bulk_too_big: bool,
    /// A looping agent: the GETNEXT/GETBULK successor of any OID at or after the first instance
    /// at or after this OID is that instance again, so a walk sees it repeated.
    pub non_increasing_after: Option<Oid>,
    /// Reply with the request-id plus one.
    pub wrong_request_id: bool,
    /// Any request whose response would carry a varbind named by this OID gets this
    /// error-status instead, with error-index the 1-based position of the request varbind that
    /// led to it and the request's varbinds echoed.
    pub error_status_on: Option<(Oid, i32)>,
    /// The largest Response message this agent sends, in octets
    /// ([`DEFAULT_MAX_MESSAGE_SIZE`] by default).
    pub max_message_size: usize,
    /// A GetRequest's Response carries at most this many varbinds: the first N of those it
    /// would have carried (an agent that truncates GET replies). Error Responses are as they
    /// would be.
    pub get_reply_cap: Option<usize>,
    /// A GetRequest's Response leaves out the varbind named by exactly this OID; the others
    /// stay, in order.
    pub get_reply_omit: Option<Oid>,
    /// A GetRequest's Response carries its varbinds in reverse order, so they are not at the
    /// positions of the names asked for.
    pub get_reply_reversed: bool,
    /// A GetRequest's Response carries one varbind more than asked, at the end:
    /// `1.3.6.1.6.3.1.1.4.1.0` (snmpTrapOID.0, which no table collection asks for) with the
    /// OBJECT IDENTIFIER value `1.3.6.1.6.3.1.1.5.1` (coldStart).
    pub get_reply_extra: bool,
    /// In a GETBULK Response, a repeater that returns the first MIB instance at or after this
    /// OID returns it again in its next repetition, then goes on with the instance after it:
    /// the one object twice in a row that recordings of real devices show. With one repeater
    /// (a walk) the two varbinds are adjacent. Only repetitions repeat: a GETNEXT, or a
    /// GETBULK's non-repeaters, would make a stateless agent loop forever. When the instance
    /// is the last varbind that fits a Response, that Response has no repeat.
    pub repeat_oid_at: Option<Oid>,
    /// The varbind of the instance named by exactly this OID (a MIB instance, an endless
    /// column's or the extra one), in any noError Response to GET, GETNEXT or GETBULK, is sent
    /// with a malformed value: an INTEGER with no content octets (`02 00`). Its name stays well
    /// formed, so a lenient reader can say which varbind is bad. Exceptions and the echoed
    /// varbinds of error Responses are sent as they are.
    pub malformed_value_at: Option<Oid>,
    /// A column under this prefix `P` that never ends, hiding the MIB's own instances at or
    /// under it (an agent returning increasing OIDs forever, for a collector's row cap).
    ///
    /// The GETNEXT/GETBULK successor of `P`, of a name under it whose first arc after `P` is
    /// `n` (`P.n`, `P.n.x…`), and of a name before `P` whose successor in the MIB would be at
    /// or after `P` (or would be the end), is `P.(n+1)` with value INTEGER `n+1` (`n` is 0 for
    /// `P` itself and names before it). The arc stops growing at `u32::MAX - 1`: the successor
    /// of `P.4294967294` and beyond is `P.4294967294` again, never endOfMibView. GET of `P.n`
    /// answers INTEGER `n`; GET of any other name at or under `P` answers noSuchInstance.
    /// Ignored when `P` has 128 arcs, the most an OID may have: its instances would have more.
    pub endless_column: Option<Oid>,
    /// Responses carry this community instead of echoing the request's (a misrouted or
    /// spoofed reply).
    pub reply_community: Option<Vec<u8>>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            too_big_above: None,
            bulk_cap: None,
            bulk_too_big: false,
            non_increasing_after: None,
            wrong_request_id: false,
            error_status_on: None,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            get_reply_cap: None,
            get_reply_omit: None,
            get_reply_reversed: false,
            get_reply_extra: false,
            repeat_oid_at: None,
            malformed_value_at: None,
            endless_column: None,
            reply_community: None,
        }
    }
}

/// snmpTrapOID.0, the name of [`Faults::get_reply_extra`]'s varbind.
pub(super) const EXTRA_NAME: &[u32] = &[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];

/// coldStart, the value of [`Faults::get_reply_extra`]'s varbind.
pub(super) const EXTRA_VALUE: &[u32] = &[1, 3, 6, 1, 6, 3, 1, 1, 5, 1];

/// The value [`Faults::malformed_value_at`] sends: an INTEGER with no content octets, which no
/// reader can decode (the encoder writes an unknown value's tag and content as they are).
pub(super) const MALFORMED_VALUE: Value<'static> = Value::Unknown {
    tag: Tag::Integer.as_u8(),
    content: &[],
};

/// The largest last arc of an endless column's instances: one below `u32::MAX`, so that the
/// successor arithmetic has room and never overflows.
const LAST_ARC: u32 = u32::MAX - 1;

/// The MIB instances a responder's faults refer to, found once when it is built.
///
/// Invariant: every index is below the MIB's length.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Marks {
    /// The instance a looping agent sticks at ([`Faults::non_increasing_after`]).
    pub stuck: Option<usize>,
    /// The instance a GETBULK repeater returns twice ([`Faults::repeat_oid_at`]).
    pub repeat: Option<usize>,
    /// The instance sent with a malformed value ([`Faults::malformed_value_at`]).
    pub malformed: Option<usize>,
}

impl Marks {
    /// The marks of `faults` in `mib`.
    pub(crate) fn new(mib: &Mib, faults: &Faults) -> Marks {
        let at_or_after = |oid: &Option<Oid>| {
            oid.as_ref()
                .map(|o| mib.lower_bound(o.as_slice()))
                .filter(|&k| k < mib.len())
        };
        Marks {
            stuck: at_or_after(&faults.non_increasing_after),
            repeat: at_or_after(&faults.repeat_oid_at),
            malformed: faults
                .malformed_value_at
                .as_ref()
                .and_then(|o| mib.search(o.as_slice()).ok()),
        }
    }
}

/// The never-ending column of [`Faults::endless_column`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Endless<'a>(&'a [u32]);

impl<'a> Endless<'a> {
    /// The column `faults` ask for, if they do and its instances can be named.
    pub(crate) fn of(faults: &'a Faults) -> Option<Self> {
        let prefix = faults.endless_column.as_ref()?.as_slice();
        (prefix.len() < MAX_SUB_IDS).then_some(Endless(prefix))
    }

    /// Its prefix `P`.
    pub(crate) fn prefix(self) -> &'a [u32] {
        self.0
    }

    /// GET of `name`: `Some(Some(n))` for `P.n`, `Some(None)` (noSuchInstance) for any other
    /// name at or under `P`, `None` for names the column does not hide.
    pub(crate) fn get(self, name: &[u32]) -> Option<Option<u32>> {
        match name.strip_prefix(self.0)? {
            &[arc] => Some(Some(arc)),
            _ => Some(None),
        }
    }

    /// The last arc of the GETNEXT successor of `name` when that is the column's, given the
    /// MIB's own successor `mib_next`: for names at or under `P`, and where the walk reaches
    /// the column (from before it to at or after it, or to the end; or onto a hidden instance,
    /// which only a looping agent's jump back can land on).
    pub(crate) fn successor(self, name: &[u32], mib_next: Option<&[u32]>) -> Option<u32> {
        let p = self.0;
        let arc = match Place::of(p, name) {
            Place::In(arc) => arc,
            _ if mib_next.is_some_and(|o| o.starts_with(p)) => 0,
            Place::Before if mib_next.is_none_or(|o| o >= p) => 0,
            _ => return None,
        };
        Some(next_arc(arc))
    }
}

/// Where a name lies relative to an endless column's prefix `P`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Before `P` in walk order (an ancestor of `P` included).
    Before,
    /// `P` itself (0) or under it, with this first arc after `P`.
    In(u32),
    /// After `P` and everything under it.
    After,
}

impl Place {
    /// Where `name` lies relative to `prefix`.
    fn of(prefix: &[u32], name: &[u32]) -> Place {
        match name.strip_prefix(prefix) {
            Some(rest) => Place::In(rest.first().copied().unwrap_or(0)),
            None if name < prefix => Place::Before,
            None => Place::After,
        }
    }
}

/// The last arc of the endless column's successor of `P.n…`.
pub(super) fn next_arc(n: u32) -> u32 {
    n.saturating_add(1).min(LAST_ARC)
}

/// Reshapes a GET Response's varbinds as the `get_reply_*` faults say, in the order their
/// docs give; `named(v, oid)` tells whether varbind `v` is named `oid`, and `extra` is the
/// varbind [`Faults::get_reply_extra`] appends.
pub(super) fn shape_get_reply<T>(
    faults: &Faults,
    varbinds: &mut Vec<T>,
    named: impl Fn(&T, &[u32]) -> bool,
    extra: T,
) {
    if let Some(omit) = &faults.get_reply_omit {
        varbinds.retain(|v| !named(v, omit.as_slice()));
    }
    if let Some(cap) = faults.get_reply_cap {
        varbinds.truncate(cap);
    }
    if faults.get_reply_reversed {
        varbinds.reverse();
    }
    if faults.get_reply_extra {
        varbinds.push(extra);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_relative_to_the_prefix() {
        let p = [1, 3, 6, 1, 9];
        assert_eq!(Place::of(&p, &[1, 3, 6]), Place::Before);
        assert_eq!(Place::of(&p, &[1, 3, 6, 1, 8, 7]), Place::Before);
        assert_eq!(Place::of(&p, &p), Place::In(0));
        assert_eq!(Place::of(&p, &[1, 3, 6, 1, 9, 5, 2]), Place::In(5));
        assert_eq!(Place::of(&p, &[1, 3, 6, 1, 10]), Place::After);
        assert_eq!(Place::of(&p, &[]), Place::Before);
    }

    #[test]
    fn the_column_takes_over_where_the_walk_reaches_it() {
        let faults = Faults {
            endless_column: Some("1.3.6.1.9".parse().unwrap()),
            ..Faults::default()
        };
        let e = Endless::of(&faults).unwrap();
        let before: &[u32] = &[1, 3, 6, 1, 8];
        let after: &[u32] = &[1, 3, 6, 1, 10];
        // Before the column: the MIB's successor unless it is at or past the column.
        assert_eq!(e.successor(before, Some(&[1, 3, 6, 1, 8, 1])), None);
        assert_eq!(e.successor(before, Some(after)), Some(1));
        assert_eq!(e.successor(before, None), Some(1));
        // In it: one more than the first arc after the prefix.
        assert_eq!(e.successor(&[1, 3, 6, 1, 9], Some(after)), Some(1));
        assert_eq!(e.successor(&[1, 3, 6, 1, 9, 7, 3], Some(after)), Some(8));
        // After it: the MIB's, unless that is hidden.
        assert_eq!(e.successor(after, Some(&[1, 3, 6, 1, 11])), None);
        assert_eq!(e.successor(after, Some(&[1, 3, 6, 1, 9, 2])), Some(1));
        assert_eq!(e.get(&[1, 3, 6, 1, 9, 4]), Some(Some(4)));
        assert_eq!(e.get(&[1, 3, 6, 1, 9, 4, 1]), Some(None));
        assert_eq!(e.get(&[1, 3, 6, 1, 9]), Some(None));
        assert_eq!(e.get(after), None);
        let longest = Faults {
            endless_column: Some(Oid::from_vec(vec![1; MAX_SUB_IDS]).unwrap()),
            ..Faults::default()
        };
        assert!(Endless::of(&longest).is_none());
    }

    #[test]
    fn the_arc_grows_until_one_below_the_largest() {
        assert_eq!(next_arc(0), 1);
        assert_eq!(next_arc(u32::MAX - 2), u32::MAX - 1);
        assert_eq!(next_arc(u32::MAX - 1), u32::MAX - 1);
        assert_eq!(next_arc(u32::MAX), u32::MAX - 1);
    }

    #[test]
    fn get_replies_are_shaped_in_order() {
        let faults = Faults {
            get_reply_omit: Some("1.3.2".parse().unwrap()),
            get_reply_cap: Some(3),
            get_reply_reversed: true,
            get_reply_extra: true,
            ..Faults::default()
        };
        let mut v: Vec<u32> = vec![1, 2, 3, 4, 5];
        shape_get_reply(&faults, &mut v, |&x, oid| oid == [1, 3, x], 99);
        assert_eq!(v, [4, 3, 1, 99]);
        let mut v: Vec<u32> = vec![1, 2];
        shape_get_reply(&Faults::default(), &mut v, |_, _| true, 99);
        assert_eq!(v, [1, 2]);
    }
}
