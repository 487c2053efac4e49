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

/// Trains the open example to its epoch budget and waits for the views of its last epoch.
pub fn train_to_budget(harness: &mut Harness<'_, LayerwrightApp>) {
    use egui_kittest::kittest::Queryable;
    run_until(harness, "the first snapshot", |app| {
        !app.training().run.history().is_empty()
    });
    harness.get_by_label("Train").click();
    run_until(harness, "the epoch budget", |app| {
        let run = &app.training().run;
        run.budget() > 0 && run.epochs() == run.budget() && !run.is_playing() && run.is_settled()
    });
    harness.run_steps(3);
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

/// The window on `example` drawn by wgpu (through Mesa's software GL where there is no GPU),
/// so a test can look at its pixels; `None`, with the reason said in `cargo test`'s output,
/// where no adapter exists (CI requires one: `LAYERWRIGHT_REQUIRE_SNAPSHOTS=1`).
#[allow(dead_code)] // each test file compiles this module; not all of them render
pub fn rendered_harness_on(example: &str) -> Option<Harness<'static, LayerwrightApp>> {
    use std::io::Write;
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let renderer = std::panic::catch_unwind(egui_kittest::wgpu::WgpuTestRenderer::new);
    std::panic::set_hook(previous_hook);
    let Ok(renderer) = renderer else {
        let required = std::env::var("LAYERWRIGHT_REQUIRE_SNAPSHOTS").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "rendering is required but no wgpu adapter exists"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: a test that looks at pixels: no wgpu adapter exists here"
        );
        return None;
    };
    let app = LayerwrightApp::new(OpenedDocument::example(example));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .renderer(renderer)
        .build_ui_state(|ui, app: &mut LayerwrightApp| app.show(ui), app);
    harness.run_steps(3);
    run_until(&mut harness, "the first compile", |app| {
        !app.network().is_compiling() && app.network().compiled().is_some()
    });
    Some(harness)
}

/// Types `path` into the path field (replacing its text) and presses `button` ("Save",
/// "Export", …), as a person does where no file dialog answers.
#[allow(dead_code)] // each test file compiles this module; not all of them save files
pub fn type_path_and_press(
    harness: &mut Harness<'_, LayerwrightApp>,
    path: &std::path::Path,
    button: &str,
) {
    use egui_kittest::kittest::Queryable;
    harness.get_by_label("Path").focus();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label("Path")
        .type_text(&path.display().to_string());
    harness.run_steps(1);
    harness.get_by_label(button).click();
    harness.run_steps(2);
}

/// Sets the slider or number field labelled `label` to `value`, as assistive technology
/// does (accesskit's SetValue; a person drags or types).
#[allow(dead_code)] // each test file compiles this module; not all of them set values
pub fn set_value(harness: &mut Harness<'_, LayerwrightApp>, label: &str, value: f64) {
    use egui::accesskit::{Action, ActionData, ActionRequest};
    use egui_kittest::kittest::{NodeT, Queryable};
    let (target_node, target_tree) = harness.get_by_label(label).accesskit_node().locate();
    harness.event(egui::Event::AccessKitActionRequest(ActionRequest {
        action: Action::SetValue,
        target_node,
        target_tree,
        data: Some(ActionData::NumericValue(value)),
    }));
    harness.run_steps(2);
}

/// A fresh, empty folder for one test's files (`layerwright-<suite>-<process>-<name>` under
/// the system's temporary folder), removed with everything in it when the test ends.
pub struct TempFolder(std::path::PathBuf);

impl TempFolder {
    pub fn new(suite: &str, name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("layerwright-{suite}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl std::ops::Deref for TempFolder {
    type Target = std::path::Path;

    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempFolder {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for TempFolder {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A copy of the ONNX model at `model` with every `Relu` renamed `Cosh` (the operator and
/// the node names holding it; the same length, so the protobuf stays valid), written as
/// `cosh.onnx` in `folder`: a model with an operator nobody reads.
pub fn onnx_with_cosh(model: &std::path::Path, folder: &std::path::Path) -> std::path::PathBuf {
    let mut bytes = std::fs::read(model).unwrap();
    for start in 0..bytes.len().saturating_sub(4) {
        if &bytes[start..start + 4] == b"Relu" {
            bytes[start..start + 4].copy_from_slice(b"Cosh");
        }
    }
    let broken = folder.join("cosh.onnx");
    std::fs::write(&broken, bytes).unwrap();
    broken
}

/// A file dropped on the window, as the windowing system hands it over.
#[derive(Debug)]
pub struct Dropped(pub std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}
