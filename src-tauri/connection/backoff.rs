//! Reconnect delays: exponential from 1 s to 60 s with ±25 % jitter, so a
//! restarted server is not hit by every client at the same instant.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Backoff {
    attempt: u32,
}

impl Backoff {
    pub const MAX: Duration = Duration::from_secs(60);

    pub fn new() -> Self {
        Self { attempt: 0 }
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// The delay before the next attempt; each call advances the sequence.
    pub fn next_delay(&mut self) -> Duration {
        let base = Duration::from_secs(1u64 << self.attempt.min(6)).min(Self::MAX);
        self.attempt = self.attempt.saturating_add(1);
        let jitter = rand::random::<f64>() * 0.5 - 0.25;
        base.mul_f64(1.0 + jitter)
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_caps_with_jitter() {
        let mut b = Backoff::new();
        let first = b.next_delay();
        assert!(first >= Duration::from_millis(750) && first <= Duration::from_millis(1250));
        for _ in 0..20 {
            let d = b.next_delay();
            assert!(d <= Backoff::MAX.mul_f64(1.25));
        }
        b.reset();
        assert!(b.next_delay() <= Duration::from_millis(1250));
    }
}
