//! The insight views in the window, driven headless: points placed by clicks (and undone),
//! unit maps, the confusion matrix, the loss surface with its descent path, test images,
//! and saving a plot as PNG.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use common::{harness_on, run_until};
use egui::{Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use layerwright::app::LayerwrightApp;
use layerwright::app::modal::Modal;
use layerwright::document::export::PlotCapture;
use layerwright_nn::data::LabeledPoint;
use layerwright_nn::graph::DataSource;

/// Presses and releases `button` at `pos`, holding `modifiers`.
fn click_at(
    harness: &mut Harness<'_, LayerwrightApp>,
    pos: Pos2,
    button: PointerButton,
    modifiers: Modifiers,
) {
    harness.event(egui::Event::PointerMoved(pos));
    for pressed in [true, false] {
        harness.event_modifiers(
            egui::Event::PointerButton {
                pos,
                button,
                pressed,
                modifiers,
            },
            modifiers,
        );
    }
    harness.run_steps(2);
}

fn points(app: &LayerwrightApp) -> Option<Vec<LabeledPoint>> {
    match &app.editor().document.document().dataset.source {
        DataSource::Points { points, .. } => Some(points.clone()),
        _ => None,
    }
}

#[test]
fn clicks_add_and_remove_points_in_the_document_and_undo_restores_it() {
    let mut harness = harness_on("xor.json");
    let original = harness.state().editor().document.document().dataset.clone();
    assert!(points(harness.state()).is_none(), "xor starts generated");
    run_until(&mut harness, "the boundary plot", |app| {
        app.training().boundary_plot_rect().is_some()
    });
    let plot = harness.state().training().boundary_plot_rect().unwrap();
    assert_eq!(harness.state().training().point_class(), 0);

    // A click adds a point of the chosen class (0) where it lands.
    click_at(
        &mut harness,
        plot.center(),
        PointerButton::Primary,
        Modifiers::NONE,
    );
    let after_one = points(harness.state()).expect("the data set became points");
    assert_eq!(after_one.len(), 5, "xor's four points and the new one");
    let added = after_one[4];
    assert_eq!(added.label, 0.0);

    // Shift+click adds the next class (1).
    let lower_left = plot.center() + egui::vec2(-plot.width() * 0.2, plot.height() * 0.2);
    click_at(
        &mut harness,
        lower_left,
        PointerButton::Primary,
        Modifiers::SHIFT,
    );
    let after_two = points(harness.state()).unwrap();
    assert_eq!(after_two.len(), 6);
    assert_eq!(after_two[5].label, 1.0);
    assert!(
        after_two[5].x < added.x && after_two[5].y < added.y,
        "left of and below the first"
    );

    // A right-click on the first new point removes it, and only it.
    click_at(
        &mut harness,
        plot.center(),
        PointerButton::Secondary,
        Modifiers::NONE,
    );
    let after_removal = points(harness.state()).unwrap();
    assert_eq!(after_removal.len(), 5);
    assert!(!after_removal.contains(&added));

    // Each click was one undo step; three undos give back the generated data set.
    for _ in 0..3 {
        harness.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
        harness.run_steps(1);
    }
    assert_eq!(
        harness.state().editor().document.document().dataset,
        original
    );
    // And redo brings the points back.
    harness.key_press_modifiers(Modifiers::COMMAND, egui::Key::Y);
    harness.run_steps(1);
    assert_eq!(points(harness.state()).unwrap().len(), 5);
}

#[test]
fn hidden_units_draw_their_maps_in_their_nodes() {
    let mut harness = harness_on("spiral.json");
    run_until(&mut harness, "unit maps", |app| {
        app.training().has_unit_maps()
    });
    let insight = &harness.state().training().insight;
    // 7 engineered input features, 8 + 8 hidden units, 1 output; 80×80 cells each.
    for (node, units) in [("input", 7), ("hidden1", 8), ("hidden2", 8), ("output", 1)] {
        let maps = &insight.maps[node];
        assert_eq!(maps.len(), units, "{node}");
        assert!(maps.iter().all(|m| m.values.len() == 80 * 80));
    }
    // Each dense layer's weight matrix is there to draw: W is [in, units].
    assert_eq!(insight.weights["hidden1"].dim(), (7, 8));
    assert_eq!(insight.weights["output"].dim(), (8, 1));
    harness.get_by_label("Hover a unit's map in a node to see it here.");
}

#[test]
fn each_first_layer_unit_of_a_digit_model_draws_its_weights_as_an_8_by_8_picture() {
    let mut harness = harness_on("digits.json");
    run_until(&mut harness, "the weights", |app| {
        app.training().insight.weights.contains_key("hidden")
    });
    harness.run_steps(2);
    let app = harness.state();
    let insight = &app.training().insight;
    let background = egui::Color32::from_gray(30);
    // W of the hidden layer: [64 pixels, 32 units]; unit 5's picture is column 4, pixel by
    // pixel, coloured relative to its largest |w|.
    let weights = insight.weights["hidden"].clone();
    assert_eq!(weights.nrows(), 64);
    let column = weights.column(4);
    let scale = column.iter().fold(0.0_f64, |m, w| m.max(w.abs()));
    let picture = insight
        .receptive_fields
        .image("hidden", 4, background)
        .unwrap();
    assert_eq!(picture.size, [8, 8]);
    for (pixel, &w) in column.iter().enumerate() {
        assert_eq!(
            picture.pixels[pixel],
            layerwright::theme::diverging(w, scale, background),
            "pixel {pixel}"
        );
    }
    // The output layer reads hidden units, not pixels: no pictures.
    assert!(
        insight
            .receptive_fields
            .image("output", 0, background)
            .is_none()
    );
    // Drawn in the node (16 of its 32 units; the rest counted).
    harness.get_by_label("hidden, unit 5 weights");
    harness.get_by_label("+16 more units");
}

#[test]
fn iris_shows_a_confusion_matrix_of_its_test_split() {
    let mut harness = harness_on("iris.json");
    run_until(&mut harness, "the confusion matrix", |app| {
        app.training().confusion().is_some()
    });
    // Iris opens on its decision boundary's slice; the matrix is a tab away.
    harness.get_by_label("Confusion matrix").click();
    harness.run_steps(2);
    let matrix = harness.state().training().confusion().unwrap().clone();
    // Iris has 150 flowers, 3 classes; a fifth (10 per class, stratified) is the test split.
    assert_eq!(matrix.classes(), 3);
    assert_eq!(matrix.total(), 30);
    for class in 0..3 {
        assert_eq!(matrix.class_total(class), 10);
    }
    // Each class names a row and a column.
    assert_eq!(harness.get_all_by_label("setosa").count(), 2);
    harness.get_by_label(&format!(
        "Accuracy {:.1}% ({} of 30 correct)",
        matrix.accuracy().unwrap() * 100.0,
        matrix.correct()
    ));
    // Training makes it better than chance.
    harness.get_by_label("Train").click();
    run_until(&mut harness, "training to finish", |app| {
        app.training().run.epochs() >= 100 && !app.training().run.is_playing()
    });
    run_until(&mut harness, "a fresh matrix", |app| {
        app.training()
            .confusion()
            .is_some_and(|m| m.correct() >= 25)
    });
}

#[test]
fn linear_regression_walks_down_its_loss_surface_to_the_least_squares_line() {
    let mut harness = harness_on("linear-regression.json");
    run_until(&mut harness, "the loss surface", |app| {
        app.training().has_surface()
    });
    harness.get_by_label("Loss surface").click();
    harness.run_steps(2);
    harness.get_by_label("Fit");
    // The path starts where the weights start: zero.
    assert_eq!(harness.state().training().descent_path(), [[0.0, 0.0]]);
    harness.get_by_label("Train").click();
    run_until(&mut harness, "200 epochs", |app| {
        app.training().run.epochs() >= 200 && !app.training().run.is_playing()
    });
    run_until(&mut harness, "the whole path", |app| {
        app.training().descent_path().len() > 200
    });
    let path = harness.state().training().descent_path();
    // The data lie along y = 2x − 1 (with noise): the walk ends near w = 2, b = −1.
    let [w, b] = *path.last().unwrap();
    assert!(
        (w - 2.0).abs() < 0.1 && (b + 1.0).abs() < 0.1,
        "ended at ({w}, {b})"
    );
    // One point per epoch after the start, and every step of full-batch gradient descent
    // with this small rate goes downhill (up to f32 rounding, a millionth of the loss).
    assert_eq!(path.len(), 201);
    let losses: Vec<f64> = harness
        .state()
        .training()
        .run
        .history()
        .iter()
        .map(|p| p.train_loss)
        .collect();
    let rises: Vec<(usize, f64)> = losses
        .windows(2)
        .enumerate()
        .filter(|(_, l)| l[1] > l[0] * (1.0 + 1e-6))
        .map(|(i, l)| (i, l[1] - l[0]))
        .collect();
    assert!(
        rises.is_empty(),
        "the loss only falls: {rises:?} of {losses:?}"
    );
}

#[test]
fn digits_show_test_images_with_their_predicted_labels() {
    let mut harness = harness_on("digits.json");
    harness.get_by_label("Test images").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().training().current_view(),
        Some(layerwright::network::views::View::TestImages)
    );
    run_until(&mut harness, "predictions", |app| {
        !app.training().views().test_predictions.is_empty()
    });
    harness.run_steps(2);
    // The true class of each test digit, from the compiled data.
    let compiled = harness.state().network().compiled().unwrap().clone();
    let graph = compiled.graph.as_ref().unwrap();
    let dataset = compiled.dataset.as_ref().unwrap();
    let names = &graph.data.description.class_names;
    let truth: Vec<usize> = graph
        .data
        .test_indices
        .iter()
        .map(|&i| layerwright_nn::data::class_index(dataset.targets[i]).unwrap())
        .collect();
    let predictions = harness.state().training().views().test_predictions.clone();
    assert_eq!(predictions.len(), 359, "a fifth of 1797 digits, stratified");
    let mistakes: Vec<usize> = (0..truth.len())
        .filter(|&i| predictions[i] != truth[i])
        .collect();
    harness.get_by_label_contains(&format!(
        "359 test images, {} misclassified.",
        mistakes.len()
    ));
    // Under the first image, its predicted class.
    let first = harness.get_all_by_label(&names[predictions[0]]).count();
    assert!(
        first >= 1,
        "the first image's label {}",
        names[predictions[0]]
    );
    // Mistakes only: each shown image is labelled "predicted (true)".
    harness.get_by_label("Mistakes only").click();
    harness.run_steps(2);
    if let Some(&wrong) = mistakes.first() {
        harness.get_by_label(&format!(
            "{} ({})",
            names[predictions[wrong]], names[truth[wrong]]
        ));
    }
}

#[test]
fn a_screenshot_is_cropped_to_the_plot_rectangle_and_written_where_the_path_is_typed() {
    let mut harness = harness_on("spiral.json");
    // A 40×30 "screenshot": left half red, right half blue.
    let image = egui::ColorImage::new(
        [40, 30],
        (0..40 * 30)
            .map(|i| {
                if i % 40 < 20 {
                    egui::Color32::RED
                } else {
                    egui::Color32::BLUE
                }
            })
            .collect(),
    );
    let capture = PlotCapture {
        rect: egui::Rect::from_min_max(egui::pos2(10.0, 5.0), egui::pos2(30.0, 25.0)),
        file_name: "decision-boundary.png".to_owned(),
    };
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .plot_captured(&ctx, &capture, &image, 1.0);
    assert!(harness.state().has_pending_file());
    // No file dialog answers headless: the path field asks instead.
    run_until(&mut harness, "the path field", |app| {
        matches!(app.modal(), Some(Modal::PathPrompt(_)))
    });
    let folder = common::TempFolder::new("png", "copy");
    let path = folder.join("plot.png");
    common::type_path_and_press(&mut harness, &path, "Save");
    let (info, pixels) = read_png(&path);
    assert_eq!((info.width, info.height), (20, 20));
    // Columns 10..30 of the image: ten red, then ten blue.
    assert_eq!(&pixels[0..4], &[255, 0, 0, 255]);
    assert_eq!(&pixels[4 * 19..4 * 20], &[0, 0, 255, 255]);
    assert!(!harness.state().has_pending_file());
}

/// The PNG file at `path`: its size and RGBA bytes.
fn read_png(path: &std::path::Path) -> (png::OutputInfo, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    (info, pixels)
}

/// The average colour of `image` (RGBA bytes) over the pixels `[x0, x1) × [y0, y1)`.
fn average(pixel: impl Fn(u32, u32) -> [u8; 4], x: (u32, u32), y: (u32, u32)) -> [f64; 3] {
    let mut sum = [0.0; 3];
    let mut count = 0.0;
    for py in y.0..y.1 {
        for px in x.0..x.1 {
            let p = pixel(px, py);
            for channel in 0..3 {
                sum[channel] += f64::from(p[channel]);
            }
            count += 1.0;
        }
    }
    sum.map(|s| s / count)
}

#[test]
fn hidden_units_draw_their_maps_in_their_nodes_pixel_for_pixel() {
    let Some(mut harness) = common::rendered_harness_on("spiral.json") else {
        return;
    };
    run_until(&mut harness, "unit maps", |app| {
        app.training().has_unit_maps()
    });
    harness.run_steps(3);
    let frame = harness.render().unwrap();
    let background = harness.ctx.global_style().visuals.extreme_bg_color;
    let maps = harness.state().training().insight.maps["hidden1"].clone();
    assert_eq!(maps.len(), 8);
    for (unit, map) in maps.iter().enumerate() {
        // Where the thumbnail is drawn, the window shows the map's colours: the thumbnail's
        // average colour is the map image's (up to filtering and rounding).
        let on_canvas = harness
            .get_by_label(&format!("hidden1, unit {} map", unit + 1))
            .rect();
        let rect = harness.state().editor().canvas_transform() * on_canvas;
        let shown = average(
            |x, y| frame.get_pixel(x, y).0,
            (rect.min.x.ceil() as u32 + 1, rect.max.x.floor() as u32 - 1),
            (rect.min.y.ceil() as u32 + 1, rect.max.y.floor() as u32 - 1),
        );
        let image = map.image(background);
        let expected = average(
            |x, y| image.pixels[y as usize * image.size[0] + x as usize].to_array(),
            (0, image.size[0] as u32),
            (0, image.size[1] as u32),
        );
        for channel in 0..3 {
            assert!(
                (shown[channel] - expected[channel]).abs() < 8.0,
                "hidden1 unit {}: drawn {shown:?}, its map {expected:?}",
                unit + 1
            );
        }
    }
}

#[test]
fn save_png_writes_the_decision_boundary_as_drawn() {
    let Some(mut harness) = common::rendered_harness_on("spiral.json") else {
        return;
    };
    run_until(&mut harness, "the first boundary", |app| {
        app.training().has_boundary()
    });
    harness.run_steps(3);
    let area = harness.state().training().boundary_plot_rect().unwrap();
    // The views' Save PNG… (the curves have one too: the second is the views').
    let buttons: Vec<_> = harness.get_all_by_label("Save PNG…").collect();
    assert_eq!(buttons.len(), 2);
    buttons[1].click();
    // The window asks for a screenshot, crops it to the plot, and asks where to save it.
    run_until(&mut harness, "the path field", |app| {
        matches!(app.modal(), Some(Modal::PathPrompt(_)))
    });
    assert_eq!(
        harness.get_by_label("Path").value().as_deref(),
        Some("decision-boundary.png")
    );
    let folder = common::TempFolder::new("png", "save");
    let path = folder.join("boundary.png");
    common::type_path_and_press(&mut harness, &path, "Save");
    let (info, pixels) = read_png(&path);
    // The plot with its axes, at one pixel per point; it covers at least the plot itself.
    assert!(info.width as f32 >= area.width() - 1.0 && info.height as f32 >= area.height() - 1.0);
    // It shows both classes' points: many pixels in each class colour.
    for class in 0..2 {
        let colour = layerwright::theme::class_colour(class).to_array();
        let near = pixels
            .chunks_exact(4)
            .filter(|p| (0..3).all(|c| (i32::from(p[c]) - i32::from(colour[c])).abs() < 12))
            .count();
        assert!(near > 100, "class {class}: {near} pixels in its colour");
    }
}

#[test]
fn the_hidden_space_puts_points_where_the_chosen_layer_maps_their_inputs() {
    // XOR with a linear hidden layer of two units: its values are x·W + b.
    let mut document: serde_json::Value =
        serde_json::from_str(include_str!("../../assets/examples/xor.json")).unwrap();
    document["nodes"][1]["activation"] = serde_json::json!({"kind": "identity"});
    let document = layerwright_nn::graph::io::parse_document(
        &serde_json::to_string(&document).unwrap(),
        "linear-xor.json",
    )
    .unwrap();
    let app = LayerwrightApp::new(layerwright::app::OpenedDocument {
        name: "linear-xor.json".to_owned(),
        document: Ok(document),
        folder: None,
    });
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut LayerwrightApp| app.show(ui), app);
    run_until(&mut harness, "the hidden space", |app| {
        app.training().views().node_points.is_some() && app.training().run.parameters().is_some()
    });
    harness.get_by_label("Hidden space").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().training().current_view(),
        Some(layerwright::network::views::View::HiddenSpace)
    );
    let app = harness.state();
    let graph = app.network().compiled().unwrap().graph.clone().unwrap();
    let architecture = &graph.architecture;
    let parameters = app.training().run.parameters().unwrap();
    let points = app.training().views().node_points.clone().unwrap();
    let node = |name: &str| {
        architecture
            .nodes()
            .iter()
            .position(|n| n.name == name)
            .unwrap()
    };
    let tensor = |role| {
        let index = architecture
            .parameters()
            .iter()
            .position(|p| p.node.0 == node("hidden") && p.role == role)
            .unwrap();
        parameters.tensors[index].clone()
    };
    let weights = tensor(layerwright_nn::network::architecture::ParameterRole::Weights);
    let bias = tensor(layerwright_nn::network::architecture::ParameterRole::Bias);
    let inputs = &graph.data.train.inputs;
    let shown = points[node("hidden")].nrows();
    assert_eq!(shown, inputs.nrows().min(600));
    for row in 0..shown {
        let x = inputs.row(row).mapv(f64::from);
        // The input layer is the identity: each point sits at its own (encoded) inputs.
        for unit in 0..2 {
            assert_eq!(points[node("input")][[row, unit]], inputs[[row, unit]]);
        }
        // The linear hidden layer puts it at x·W + b.
        let expected = x.dot(&weights) + bias.row(0);
        for unit in 0..2 {
            let found = f64::from(points[node("hidden")][[row, unit]]);
            assert!(
                (found - expected[unit]).abs() < 1e-4,
                "point {row}, unit {unit}: {found} against {}",
                expected[unit]
            );
        }
    }
    // The layer chooser offers the layer, and the view shows it.
    harness.get_by_label("Layer");
}
