//! What the window tests share: the app on an example in a 1400×900 harness, and waiting
//! (with a deadline) for the trainer thread, which runs in real time.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use layerwright::app::{LayerwrightApp, OpenedDocument};

/// The window on the example `example`, after its first frames.
pub fn harness_on(example: &str) -> Harness<'static, LayerwrightApp> {
    let app = LayerwrightApp::new(OpenedDocument::example(example));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut LayerwrightApp| app.show(ui), app);
    harness.run_steps(3);
    // The graph compiles on its own thread: wait for it, as a person would see it settle.
    run_until(&mut harness, "the first compile", |app| {
        !app.network().is_compiling() && app.network().compiled().is_some()
    });
    harness
}

/// Runs frames until `done` holds, failing after 20 seconds.
pub fn run_until(
    harness: &mut Harness<'_, LayerwrightApp>,
    what: &str,
    done: impl Fn(&LayerwrightApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        harness.run_steps(1);
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run_steps(1);
}
