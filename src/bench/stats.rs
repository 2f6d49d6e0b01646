//! Percentiles of the intervals between consecutive call arrivals.

use std::time::Instant;

/// The intervals, in microseconds, between consecutive arrivals of `phase`, after
/// dropping the first `warmup` fraction. In a sequential loop each interval is one full
/// round trip: page sends, Rust receives and answers, page gets the answer and sends again.
pub fn intervals_us(arrivals: &[(String, Instant)], phase: &str, warmup: f64) -> Vec<f64> {
    let times: Vec<Instant> = arrivals.iter().filter(|(p, _)| p == phase).map(|(_, t)| *t).collect();
    let skip = ((times.len() as f64) * warmup) as usize;
    times.windows(2).skip(skip).map(|pair| (pair[1] - pair[0]).as_secs_f64() * 1e6).collect()
}

/// The `q` quantile (0..=1) of `values`, nearest rank; `None` when empty.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// The median of `values`.
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// Rounds to one decimal for printing.
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn intervals_skip_warmup_and_other_phases() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let arrivals: Vec<(String, Instant)> = vec![
            ("seq".into(), at(0)),
            ("seq".into(), at(10)),
            ("other".into(), at(11)),
            ("seq".into(), at(12)),
            ("seq".into(), at(15)),
        ];
        assert_eq!(intervals_us(&arrivals, "seq", 0.0), vec![10_000.0, 2_000.0, 3_000.0]);
        assert_eq!(intervals_us(&arrivals, "seq", 0.25), vec![2_000.0, 3_000.0]);
    }

    #[test]
    fn nearest_rank_quantiles() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&values, 0.5), Some(50.0));
        assert_eq!(quantile(&values, 0.99), Some(99.0));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
