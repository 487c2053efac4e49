//! Frame-time benchmark: how much CPU the UI thread spends per frame while the default
//! example trains at full speed.
//!
//! Opens the real window on `spiral.json`, starts training at "Max" speed (and restarts it
//! whenever the epoch budget is reached, so it never idles), lets it warm up, then records
//! eframe's per-frame CPU time (`frame.info().cpu_usage`, the figure of View → Frame times)
//! and prints its median and 95th percentile. Needs a display; on a headless machine run it
//! under a virtual one: `xvfb-run cargo run --release --example frame_benchmark`.
//!
//! `cargo run --release --example frame_benchmark -- [SECONDS] [--no-memory-tuning]`
//! (default 10 seconds).

use std::time::{Duration, Instant};

use layerwright::app::frame_times::percentile;
use layerwright::app::{self, LayerwrightApp, OpenedDocument};

/// Frames before measuring starts: textures uploaded, the first snapshots drawn.
const WARM_UP: Duration = Duration::from_secs(2);

struct Benchmark {
    app: LayerwrightApp,
    started: Instant,
    measure_for: Duration,
    cpu_secs: Vec<f32>,
    show_secs: Vec<f32>,
    thread_secs: Vec<f32>,
    last_thread_ns: Option<u64>,
    epochs_at_start: Option<usize>,
    restarts: usize,
    reported: bool,
}

impl eframe::App for Benchmark {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let elapsed = self.started.elapsed();
        let measuring = elapsed >= WARM_UP;
        // The UI thread's time on a CPU since the last frame began: its own work for one
        // whole frame (UI code, tessellation, its share of painting), without the time it
        // waited for the rasterizer's threads or for the display.
        let thread_ns = thread_cpu_ns();
        if measuring && let (Some(now), Some(before)) = (thread_ns, self.last_thread_ns) {
            self.thread_secs
                .push((now.saturating_sub(before)) as f32 * 1e-9);
        }
        self.last_thread_ns = thread_ns;
        if measuring && let Some(cpu) = frame.info().cpu_usage {
            self.cpu_secs.push(cpu);
            self.epochs_at_start
                .get_or_insert(self.app.training().run.epochs());
        }
        if !self.app.training().run.is_playing() && self.app.training().run.is_settled() {
            if self.restarts == 0 {
                self.app.training_mut().run.set_speed(None);
            }
            self.app.training_mut().run.toggle();
            self.restarts += 1;
        }
        let before = Instant::now();
        self.app.show(ui);
        if measuring {
            self.show_secs.push(before.elapsed().as_secs_f32());
        }
        if elapsed >= WARM_UP + self.measure_for && !self.reported {
            self.reported = true;
            self.report();
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

impl Benchmark {
    fn report(&mut self) {
        let seconds = self.measure_for.as_secs_f64();
        let mut sorted = self.cpu_secs.clone();
        sorted.sort_by(f32::total_cmp);
        let ms = |fraction: f64| percentile(&sorted, fraction).map_or(f32::NAN, |s| s * 1000.0);
        let mut layout = self.show_secs.clone();
        layout.sort_by(f32::total_cmp);
        let layout_ms =
            |fraction: f64| percentile(&layout, fraction).map_or(f32::NAN, |s| s * 1000.0);
        let epochs = self.app.training().run.epochs() - self.epochs_at_start.unwrap_or(0);
        println!("example: spiral.json, training at full speed");
        println!(
            "frames: {} in {seconds:.1} s ({:.0} per second); epochs trained meanwhile: {epochs}",
            sorted.len(),
            sorted.len() as f64 / seconds
        );
        println!(
            "ui cpu per frame: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
            ms(0.5),
            ms(0.95),
            ms(1.0)
        );
        println!(
            "of which the app's own ui code: p50 {:.2} ms, p95 {:.2} ms (the rest: tessellation and painting)",
            layout_ms(0.5),
            layout_ms(0.95)
        );
        let mut thread = self.thread_secs.clone();
        thread.sort_by(f32::total_cmp);
        if !thread.is_empty() {
            let thread_ms =
                |fraction: f64| percentile(&thread, fraction).map_or(f32::NAN, |s| s * 1000.0);
            println!(
                "ui thread on a cpu per frame: p50 {:.2} ms, p95 {:.2} ms (from /proc/thread-self/schedstat)",
                thread_ms(0.5),
                thread_ms(0.95)
            );
        }
        self.cpu_secs.clear();
    }
}

/// Nanoseconds this thread has run on a CPU (Linux), read from `/proc/thread-self/schedstat`.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn main() -> eframe::Result {
    // As the app does at start (see `layerwright::memory`); `--no-memory-tuning` measures
    // the window without it.
    if !std::env::args().any(|a| a == "--no-memory-tuning") {
        layerwright::memory::keep_freed_memory_for_reuse();
    }
    let seconds: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .filter(|s: &f64| *s > 0.0)
        .unwrap_or(10.0);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Layerwright frame benchmark")
            .with_inner_size([1400.0, 900.0]),
        ..Default::default()
    };
    eframe::run_native(
        app::APP_ID,
        options,
        Box::new(move |_| {
            Ok(Box::new(Benchmark {
                app: LayerwrightApp::new(OpenedDocument::example(
                    layerwright::examples::DEFAULT_EXAMPLE,
                )),
                started: Instant::now(),
                measure_for: Duration::from_secs_f64(seconds),
                cpu_secs: Vec::new(),
                show_secs: Vec::new(),
                thread_secs: Vec::new(),
                last_thread_ns: None,
                epochs_at_start: None,
                restarts: 0,
                reported: false,
            }))
        }),
    )
}
