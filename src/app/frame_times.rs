//! How long the UI thread works per frame: the last second's frames, summarised as the
//! median and the 95th percentile.

use std::collections::VecDeque;

/// How far back the summary looks, in seconds.
pub const WINDOW_SECS: f64 = 1.0;

/// The View → Frame times overlay: whether it is shown, and what it measures.
#[derive(Clone, Debug, Default)]
pub struct FrameTimes {
    /// Whether the overlay is shown.
    pub show: bool,
    /// The last second's frames.
    pub stats: FrameStats,
}

impl FrameTimes {
    /// The overlay with the UI thread's frame times, while shown.
    pub fn ui(&self, ctx: &egui::Context) {
        if !self.show {
            return;
        }
        let text = match self.stats.p50_p95() {
            Some((p50, p95)) => format!(
                "UI CPU per frame: p50 {:.2} ms, p95 {:.2} ms ({} frames in the last second)",
                p50 * 1000.0,
                p95 * 1000.0,
                self.stats.len()
            ),
            None => "UI CPU per frame: measuring…".to_owned(),
        };
        egui::Area::new(egui::Id::new("frame-times"))
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 30.0))
            .interactable(false)
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label(egui::RichText::new(text).monospace().small());
                });
            });
        // Keep measuring while the overlay is open.
        ctx.request_repaint_after(std::time::Duration::from_millis(250));
    }
}

/// Per-frame CPU times of the last [`WINDOW_SECS`].
#[derive(Clone, Debug, Default)]
pub struct FrameStats {
    frames: VecDeque<(f64, f32)>,
}

/// The value below which `fraction` of `sorted` lies (nearest rank: the
/// `⌈fraction·n⌉`-th smallest); `None` when empty.
pub fn percentile(sorted: &[f32], fraction: f64) -> Option<f32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (fraction * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(sorted.len()) - 1).copied()
}

impl FrameStats {
    /// Records a frame that took `cpu_secs` of work, finished at `now_secs`.
    pub fn record(&mut self, now_secs: f64, cpu_secs: f32) {
        self.frames.push_back((now_secs, cpu_secs));
        while self
            .frames
            .front()
            .is_some_and(|(t, _)| now_secs - t > WINDOW_SECS)
        {
            self.frames.pop_front();
        }
    }

    /// Frames in the window.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Whether no frame is in the window.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// The median and 95th percentile of the window's CPU times, in seconds.
    pub fn p50_p95(&self) -> Option<(f32, f32)> {
        let mut times: Vec<f32> = self.frames.iter().map(|(_, cpu)| *cpu).collect();
        times.sort_by(f32::total_cmp);
        Some((percentile(&times, 0.5)?, percentile(&times, 0.95)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<f32> = (1..=20).map(|i| i as f32).collect();
        assert_eq!(percentile(&sorted, 0.5), Some(10.0));
        assert_eq!(percentile(&sorted, 0.95), Some(19.0));
        assert_eq!(percentile(&sorted, 1.0), Some(20.0));
        assert_eq!(percentile(&[3.0], 0.95), Some(3.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn only_the_last_second_counts() {
        let mut stats = FrameStats::default();
        stats.record(0.0, 0.100);
        for i in 1..=10 {
            stats.record(1.0 + f64::from(i) * 0.05, 0.002);
        }
        // The 100 ms frame at t = 0 is more than a second old.
        assert_eq!(stats.len(), 10);
        assert_eq!(stats.p50_p95(), Some((0.002, 0.002)));
    }
}
