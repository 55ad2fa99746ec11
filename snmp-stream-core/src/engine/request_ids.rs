//! Request-ids: a seedable generator that stays in 1..2^31−1.

/// A request-id generator: xorshift64* from a seed, mapped into 1..2^31−1.
#[derive(Debug, Clone)]
pub(super) struct RequestIds(u64);

impl RequestIds {
    pub(super) fn new(seed: u64) -> Self {
        // splitmix64 spreads every seed bit; xorshift needs a non-zero state.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        RequestIds(if z == 0 { 0x9e37_79b9_7f4a_7c15 } else { z })
    }

    fn next(&mut self) -> i32 {
        loop {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            let v = (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as i32;
            if v > 0 {
                return v;
            }
        }
    }

    pub(super) fn next_unused(&mut self, in_use: impl Fn(i32) -> bool) -> i32 {
        loop {
            let id = self.next();
            if !in_use(id) {
                return id;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_stay_positive_and_are_seedable() {
        let mut a = RequestIds::new(42);
        let mut b = RequestIds::new(42);
        let mut c = RequestIds::new(43);
        let xs: Vec<i32> = (0..10_000).map(|_| a.next()).collect();
        assert!(xs.iter().all(|&x| x >= 1));
        assert_eq!(xs[..10], (0..10).map(|_| b.next()).collect::<Vec<_>>()[..]);
        assert_ne!(xs[..10], (0..10).map(|_| c.next()).collect::<Vec<_>>()[..]);
        let mut d = RequestIds::new(42);
        assert_ne!(d.next_unused(|id| id == xs[0]), xs[0], "skips an id in use");
    }
}
