//! Layerwright: build neural networks visually and watch them learn.
//!
//! For now the window says what is coming; the engine (`layerwright-nn`) already trains.

mod app;

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Layerwright")
            .with_inner_size([960.0, 640.0])
            .with_min_inner_size([480.0, 320.0]),
        ..Default::default()
    };
    eframe::run_native(
        app::APP_ID,
        options,
        Box::new(|_creation| Ok(Box::new(app::LayerwrightApp))),
    )
}
