//! Layerwright: build neural networks visually and watch them learn.
//!
//! `layerwright [FILE]` opens the app; `check`, `train`, `predict` and `export` work headless.

use std::process::ExitCode;

use clap::Parser;
use layerwright::{app, cli};

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
        Box::new(|creation| {
            let settings: layerwright::document::settings::Settings = creation
                .storage
                .and_then(|storage| {
                    eframe::get_value(storage, layerwright::document::settings::SETTINGS_KEY)
                })
                .unwrap_or_default();
            creation.egui_ctx.set_theme(settings.theme.preference());
            let mut window = app::LayerwrightApp::with_settings(opened, settings);
            if let Some(dir) = layerwright::document::recovery::data_dir() {
                window.enable_recovery(dir);
            }
            Ok(Box::new(window))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("layerwright: cannot open a window: {error}");
            ExitCode::from(1)
        }
    }
}
