//! Layerwright: build neural networks visually and watch them learn.
//!
//! `layerwright [FILE]` opens the app; `check`, `train`, `predict` and `export` work headless.

//! In a browser (wasm32) the same binary is the page's entry: see `layerwright::web`.

#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;

#[cfg(not(target_arch = "wasm32"))]
use clap::Parser;
#[cfg(not(target_arch = "wasm32"))]
use layerwright::{app, cli};

/// The page's entry: the app on the page's canvas.
#[cfg(target_arch = "wasm32")]
fn main() {
    layerwright::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let arguments = cli::Cli::parse();
    if let Some(command) = arguments.command {
        return cli::run(command);
    }
    if let Some(file) = arguments.file.as_deref()
        && !file.exists()
    {
        eprintln!(
            "layerwright: {} does not exist (to run a command, use one of: check, train, predict, export; see --help)",
            file.display()
        );
        return ExitCode::from(2);
    }
    // Before the window starts: its graphics driver frees and reallocates buffers each frame.
    layerwright::memory::keep_freed_memory_for_reuse();
    let opened = layerwright::document::session::OpenedDocument::open(arguments.file.as_deref());
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(format!("{} - Layerwright", opened.name))
            .with_app_id(layerwright::document::settings::APP_ID)
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([720.0, 480.0]),
        ..Default::default()
    };
    let result = eframe::run_native(
        layerwright::document::settings::APP_ID,
        options,
        Box::new(|creation| Ok(Box::new(app::LayerwrightApp::create(creation, opened)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("layerwright: cannot open a window: {error}");
            ExitCode::from(1)
        }
    }
}
