//! The seeded generator behind every random choice in the simulation:
//! ephemeral ports, ClusterIP and NodePort allocation, and the endpoint that
//! `statistic --mode random` picks. A session replays identically because it
//! starts from the same seed and asks for the same draws in the same order.

/// SplitMix64: tiny, fast and good enough for simulation choices (not crypto).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRng {
    state: u64,
}

impl SimRng {
    pub fn new(seed: u64) -> Self {
        SimRng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `lo..=hi`.
    pub fn range_inclusive(&mut self, lo: u64, hi: u64) -> u64 {
        debug_assert!(lo <= hi);
        let span = hi - lo + 1;
        lo + self.next_u64() % span
    }

    /// A 31-bit value, the width the kernel's `xt_statistic` compares against.
    pub fn next_u31(&mut self) -> u32 {
        (self.next_u64() >> 33) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = SimRng::new(7);
        let mut b = SimRng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn range_stays_in_bounds() {
        let mut r = SimRng::new(1);
        for _ in 0..10_000 {
            let v = r.range_inclusive(32768, 60999);
            assert!((32768..=60999).contains(&v));
        }
    }
}
