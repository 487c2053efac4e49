//! Long training curves drawn cheaply: at most a thousand points per line whatever the
//! number of epochs, keeping each stretch's lowest and highest value so spikes still show.

/// Points per line above which a curve is thinned.
pub const MAX_POINTS: usize = 1000;

/// `points` (in x order) thinned to at most `max_points`: consecutive runs of points are
/// replaced by their lowest and highest point, in x order. Shorter inputs come back whole.
pub fn thin_min_max(points: &[[f64; 2]], max_points: usize) -> Vec<[f64; 2]> {
    let buckets = (max_points / 2).max(1);
    if points.len() <= max_points.max(2) {
        return points.to_vec();
    }
    let per_bucket = points.len().div_ceil(buckets);
    let mut thinned = Vec::with_capacity(2 * buckets);
    for run in points.chunks(per_bucket) {
        let lowest = run.iter().min_by(|a, b| a[1].total_cmp(&b[1]));
        let highest = run.iter().max_by(|a, b| a[1].total_cmp(&b[1]));
        if let (Some(&low), Some(&high)) = (lowest, highest) {
            if low[0] <= high[0] {
                thinned.extend([low, high]);
            } else {
                thinned.extend([high, low]);
            }
        }
    }
    thinned
}

/// The four curves of the training panel, thinned, remade only when the history changes.
#[derive(Clone, Debug, Default)]
pub struct CurveCache {
    key: Option<(usize, bool, u64, u64)>,
    /// Training loss (or its log₁₀).
    pub train_loss: Vec<[f64; 2]>,
    /// Test loss (or its log₁₀).
    pub test_loss: Vec<[f64; 2]>,
    /// Training accuracy or R².
    pub train_score: Vec<[f64; 2]>,
    /// Test accuracy or R².
    pub test_score: Vec<[f64; 2]>,
    /// The loss early stopping watches (or its log₁₀), when it does.
    pub watched_loss: Vec<[f64; 2]>,
}

impl CurveCache {
    /// Brings the curves up to date with `history` (loss on a log₁₀ scale if `log_scale`).
    pub fn update(&mut self, history: &[crate::network::snapshot::EpochPoint], log_scale: bool) {
        let last = history.last();
        let key = (
            history.len(),
            log_scale,
            last.map_or(0, |p| p.epoch as u64),
            last.map_or(0, |p| p.train_loss.to_bits()),
        );
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        let loss = |l: f64| if log_scale { l.max(1e-12).log10() } else { l };
        let line = |value: &dyn Fn(&crate::network::snapshot::EpochPoint) -> Option<f64>| {
            let points: Vec<[f64; 2]> = history
                .iter()
                .filter_map(|p| value(p).map(|v| [p.epoch as f64, v]))
                .collect();
            thin_min_max(&points, MAX_POINTS)
        };
        self.train_loss = line(&|p| Some(loss(p.train_loss)));
        self.test_loss = line(&|p| p.test_loss.map(loss));
        self.train_score = line(&|p| p.train_score);
        self.test_score = line(&|p| p.test_score);
        self.watched_loss = line(&|p| p.watched_loss.map(loss));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_curves_are_kept_whole() {
        let points = vec![[0.0, 1.0], [1.0, 0.5]];
        assert_eq!(thin_min_max(&points, 10), points);
    }

    #[test]
    fn long_curves_keep_each_runs_extremes_in_order() {
        // 10 000 points of a falling curve with one spike at x = 5000.
        let points: Vec<[f64; 2]> = (0..10_000)
            .map(|i| {
                let x = f64::from(i);
                [x, if i == 5000 { 100.0 } else { 1.0 / (1.0 + x) }]
            })
            .collect();
        let thinned = thin_min_max(&points, 1000);
        assert!(thinned.len() <= 1000);
        assert!(thinned.contains(&[5000.0, 100.0]), "the spike survives");
        assert_eq!(thinned[0], [0.0, 1.0], "the first point survives");
        assert_eq!(
            thinned.last(),
            Some(&[9999.0, 1.0 / 10_000.0]),
            "so does the last"
        );
        assert!(
            thinned.windows(2).all(|w| w[0][0] < w[1][0]),
            "x keeps increasing"
        );
    }
}
