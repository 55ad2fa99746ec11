//! The simulator's random choices (loss, jitter): a small seedable generator, so runs
//! reproduce.

use std::time::Duration;

/// xorshift64*: a tiny seedable generator, good enough for fault injection.
#[derive(Debug, Clone)]
pub(super) struct XorShift(u64);

impl XorShift {
    /// A generator seeded with `seed` (any value, zero included).
    pub(super) fn new(seed: u64) -> Self {
        // Zero is xorshift's one fixed point.
        XorShift(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }

    /// Uniform over all of `u64`.
    pub(super) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `[0, 1)`.
    pub(super) fn next_f64(&mut self) -> f64 {
        // The top 53 bits, as many as an f64 mantissa holds.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[0, max]`, at nanosecond resolution.
    pub(super) fn duration_up_to(&mut self, max: Duration) -> Duration {
        if max.is_zero() {
            return Duration::ZERO;
        }
        let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(self.next_u64() % nanos.saturating_add(1).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xorshift_is_seedable_and_in_range() {
        let (mut a, mut b) = (XorShift::new(1), XorShift::new(1));
        for _ in 0..1000 {
            let x = a.next_f64();
            assert_eq!(x, b.next_f64());
            assert!((0.0..1.0).contains(&x));
            let d = a.duration_up_to(Duration::from_millis(3));
            b.duration_up_to(Duration::from_millis(3));
            assert!(d <= Duration::from_millis(3));
        }
        assert_eq!(
            XorShift::new(0).duration_up_to(Duration::ZERO),
            Duration::ZERO
        );
    }
}
