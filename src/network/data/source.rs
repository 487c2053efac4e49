//! Where the examples come from: a generator with its parameters and thumbnails, a bundled
//! set, a CSV file, or points placed by hand. Each function draws one part and returns the
//! data set as it should become.

use layerwright_nn::data::{BundledDataset, Gate, Generator, HeaderRow, TargetColumn, Task};
use layerwright_nn::graph::{DataSource, DatasetSpec};

use super::thumbnails::Thumbnail;
use crate::commands::Command;
use crate::document::file_dialog::DialogKind;

/// A change to the data set: the new settings and the field it edits (successive changes
/// of one field, a drag, are one undo step).
#[derive(Clone, Debug, PartialEq)]
pub struct DataChange {
    /// The data set as it becomes.
    pub dataset: DatasetSpec,
    /// The field edited.
    pub field: &'static str,
}

/// The most points the panel's field offers (the engine takes up to 1 000 000 in files).
const MAX_POINTS_IN_FIELD: usize = 100_000;
/// The most classes the generators' field offers.
const MAX_CLASSES_IN_FIELD: usize = 10;
/// A thumbnail's side, in points.
const THUMBNAIL_SIZE: f32 = 58.0;

/// The source kinds, as the row of buttons names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SourceKind {
    Generated,
    Bundled,
    Csv,
    Points,
}

impl SourceKind {
    const ALL: [(Self, &'static str, &'static str); 4] = [
        (
            Self::Generated,
            "Generated",
            "A toy problem drawn from a seed: TensorFlow Playground's sets and the notes' own.",
        ),
        (
            Self::Bundled,
            "Bundled set",
            "Iris, digits or diabetes, shipped with Layerwright.",
        ),
        (
            Self::Csv,
            "CSV file…",
            "Your own numbers: one example per row, the target in one column.",
        ),
        (
            Self::Points,
            "Points by hand",
            "Start from an empty plane and click the decision-boundary plot to place points.",
        ),
    ];

    fn of(source: &DataSource) -> Self {
        match source {
            DataSource::Generated { .. } => Self::Generated,
            DataSource::Bundled { .. } => Self::Bundled,
            DataSource::Csv { .. } => Self::Csv,
            DataSource::Points { .. } => Self::Points,
        }
    }
}

/// The row of source kinds. Choosing a kind starts from its defaults (keeping the split);
/// "CSV file…" asks for the file first.
pub fn source_kind_ui(
    ui: &mut egui::Ui,
    spec: &DatasetSpec,
    commands: &mut Vec<Command>,
) -> Option<DataChange> {
    let current = SourceKind::of(&spec.source);
    let mut change = None;
    ui.horizontal_wrapped(|ui| {
        for (kind, label, tooltip) in SourceKind::ALL {
            let clicked = ui
                .selectable_label(kind == current, label)
                .on_hover_text(tooltip)
                .clicked();
            if !clicked || (kind == current && kind != SourceKind::Csv) {
                continue;
            }
            let keep_split = |mut next: DatasetSpec| {
                next.train_fraction = spec.train_fraction;
                next.seed = spec.seed;
                next
            };
            change = match kind {
                SourceKind::Generated => {
                    Some(keep_split(DatasetSpec::generated(Generator::Circle)))
                }
                SourceKind::Bundled => Some(keep_split(DatasetSpec::bundled(BundledDataset::Iris))),
                SourceKind::Csv => {
                    commands.push(Command::StartDialog(DialogKind::OpenData));
                    None
                }
                SourceKind::Points => Some(empty_plane(spec)),
            }
            .map(|dataset| DataChange {
                dataset,
                field: "source",
            });
        }
    });
    change
}

/// An empty plane for points placed by hand: two classes, every point for training.
pub fn empty_plane(spec: &DatasetSpec) -> DatasetSpec {
    DatasetSpec {
        task: Task::Classification,
        source: DataSource::Points {
            points: Vec::new(),
            classes: 2,
        },
        target: TargetColumn::Last,
        train_fraction: 1.0,
        image: None,
        standardize_target: false,
        ..spec.clone()
    }
}

/// Whether two generators are the same kind (a gate also by which gate).
fn same_kind(a: &Generator, b: &Generator) -> bool {
    match (a, b) {
        (Generator::LogicGate { gate: x }, Generator::LogicGate { gate: y }) => x == y,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// Every generator's thumbnail with its name, six to a row, `current` framed; the one
/// clicked, if another.
pub fn thumbnail_grid_ui(
    ui: &mut egui::Ui,
    thumbnails: &[Thumbnail],
    current: &Generator,
) -> Option<Generator> {
    let mut chosen = None;
    egui::Grid::new("generator-thumbnails")
        .spacing([6.0, 4.0])
        .show(ui, |ui| {
            for (index, thumbnail) in thumbnails.iter().enumerate() {
                let selected = same_kind(&thumbnail.generator, current);
                ui.vertical(|ui| {
                    ui.set_width(THUMBNAIL_SIZE + 6.0);
                    let response = thumbnail
                        .ui(ui, THUMBNAIL_SIZE, selected)
                        .on_hover_text(thumbnail.generator.name());
                    ui.add(
                        egui::Label::new(egui::RichText::new(thumbnail.generator.name()).small())
                            .truncate(),
                    );
                    if response.clicked() && !selected {
                        chosen = Some(thumbnail.generator.clone());
                    }
                });
                if index % 6 == 5 {
                    ui.end_row();
                }
            }
        });
    chosen
}

/// A generated set: the thumbnails to choose from, then its parameters and Regenerate.
pub fn generated_ui(
    ui: &mut egui::Ui,
    spec: &DatasetSpec,
    thumbnails: &[Thumbnail],
) -> Option<DataChange> {
    let DataSource::Generated {
        generator,
        samples,
        noise,
        seed,
    } = &spec.source
    else {
        return None;
    };
    let mut change = None;
    let with_source = |generator: Generator, samples: usize, noise: f64, seed: u64| {
        let task = generator.task();
        DatasetSpec {
            task,
            source: DataSource::Generated {
                generator,
                samples,
                noise,
                seed,
            },
            standardize_target: spec.standardize_target && task == Task::Regression,
            image: None,
            ..spec.clone()
        }
    };
    if let Some(next) = thumbnail_grid_ui(ui, thumbnails, generator) {
        let count = next.default_samples();
        change = Some(DataChange {
            dataset: with_source(next, count, *noise, *seed),
            field: "generator",
        });
    }
    ui.add_space(4.0);
    let mut next = (generator.clone(), *samples, *noise, *seed);
    let mut field = None;
    egui::Grid::new("generator-settings")
        .num_columns(2)
        .show(ui, |ui| {
            let gate = matches!(generator, Generator::LogicGate { .. });
            ui.label("Points")
                .on_hover_text("How many examples to draw.");
            let response = ui.add_enabled(
                !gate,
                egui::DragValue::new(&mut next.1)
                    .range(1..=MAX_POINTS_IN_FIELD)
                    .speed(5.0),
            );
            let response = if gate {
                response.on_disabled_hover_text("A gate always has its four corners.")
            } else {
                response
            };
            if response.changed() {
                field = Some("samples");
            }
            ui.end_row();
            let noise_range = match generator {
                Generator::Line { .. } | Generator::LinearFeatures { .. } => 0.0..=5.0,
                _ => 0.0..=0.5,
            };
            let label = ui.label("Noise").on_hover_text(
                "How far the points stray: Playground's 0 to 0.5, or the standard deviation \
                 added to a line's y.",
            );
            if ui
                .add_enabled(!gate, egui::Slider::new(&mut next.2, noise_range))
                .labelled_by(label.id)
                .changed()
            {
                field = Some("noise");
            }
            ui.end_row();
            let label = ui
                .label("Seed")
                .on_hover_text("The same seed draws the same points on every machine.");
            ui.horizontal(|ui| {
                if ui
                    .add(egui::DragValue::new(&mut next.3))
                    .labelled_by(label.id)
                    .changed()
                {
                    field = Some("seed");
                }
                if ui
                    .add_enabled(!gate, egui::Button::new("Regenerate"))
                    .on_hover_text("Draw new points: the next seed. Undo brings the old ones back.")
                    .clicked()
                {
                    next.3 = next.3.wrapping_add(1);
                    field = Some("regenerate");
                }
            });
            ui.end_row();
            if let Some(parameter) = parameters_ui(ui, &mut next.0) {
                field = Some(parameter);
            }
        });
    if let Some(field) = field {
        change = Some(DataChange {
            dataset: with_source(next.0, next.1, next.2, next.3),
            field,
        });
    }
    change
}

/// The generator's own parameters, rows of the settings grid; the field changed, if any.
fn parameters_ui(ui: &mut egui::Ui, generator: &mut Generator) -> Option<&'static str> {
    let mut field = None;
    match generator {
        Generator::SpiralArms { classes } | Generator::Blobs { classes } => {
            ui.label("Classes")
                .on_hover_text("How many arms or blobs, one class each (softmax).");
            if ui
                .add(egui::DragValue::new(classes).range(2..=MAX_CLASSES_IN_FIELD))
                .changed()
            {
                field = Some("classes");
            }
            ui.end_row();
        }
        Generator::Line { w, b } => {
            ui.label("True w, b")
                .on_hover_text("The line the points scatter around: y = w·x + b (eq. 1.1).");
            ui.horizontal(|ui| {
                let w_changed = ui.add(egui::DragValue::new(w).speed(0.05)).changed();
                let b_changed = ui.add(egui::DragValue::new(b).speed(0.05)).changed();
                if w_changed || b_changed {
                    field = Some("line");
                }
            });
            ui.end_row();
        }
        Generator::LinearFeatures { weights, b } => {
            ui.label("True weights, b")
                .on_hover_text("y = w₁x₁ + w₂x₂ + … + b (eq. 1.5): one weight per feature.");
            ui.horizontal_wrapped(|ui| {
                for weight in weights.iter_mut() {
                    if ui.add(egui::DragValue::new(weight).speed(0.05)).changed() {
                        field = Some("weights");
                    }
                }
                if ui
                    .small_button("+")
                    .on_hover_text("One more feature.")
                    .clicked()
                {
                    weights.push(1.0);
                    field = Some("weights");
                }
                if weights.len() > 1
                    && ui
                        .small_button("−")
                        .on_hover_text("One feature fewer.")
                        .clicked()
                {
                    weights.pop();
                    field = Some("weights");
                }
                ui.label("b");
                if ui.add(egui::DragValue::new(b).speed(0.05)).changed() {
                    field = Some("weights");
                }
            });
            ui.end_row();
        }
        Generator::LogicGate { gate } => {
            ui.label("Gate")
                .on_hover_text("Which truth table labels the four corners.");
            let before = *gate;
            egui::ComboBox::from_id_salt("gate")
                .selected_text(format!("{before:?}").to_uppercase())
                .show_ui(ui, |ui| {
                    for choice in [Gate::And, Gate::Or, Gate::Xor] {
                        ui.selectable_value(gate, choice, format!("{choice:?}").to_uppercase());
                    }
                });
            if *gate != before {
                field = Some("gate");
            }
            ui.end_row();
        }
        _ => {}
    }
    field
}

/// The bundled sets to choose from, with what each holds.
pub fn bundled_ui(ui: &mut egui::Ui, spec: &DatasetSpec) -> Option<DataChange> {
    let DataSource::Bundled { name } = &spec.source else {
        return None;
    };
    let mut change = None;
    for set in BundledDataset::ALL {
        ui.horizontal(|ui| {
            let clicked = ui
                .selectable_label(*name == set, set.name())
                .on_hover_text(set.attribution())
                .clicked();
            ui.weak(set.description());
            if clicked && *name != set {
                let mut dataset = DatasetSpec::bundled(set);
                dataset.train_fraction = spec.train_fraction;
                dataset.seed = spec.seed;
                change = Some(DataChange {
                    dataset,
                    field: "bundled",
                });
            }
        });
    }
    change
}

/// A CSV file: its path, another file, whether it has a header, which column is the
/// target (by name, from the file as loaded) and the task.
pub fn csv_ui(
    ui: &mut egui::Ui,
    spec: &DatasetSpec,
    columns: &[String],
    commands: &mut Vec<Command>,
) -> Option<DataChange> {
    let DataSource::Csv { path, header } = &spec.source else {
        return None;
    };
    let mut next = spec.clone();
    let mut field = None;
    ui.horizontal(|ui| {
        ui.label("File");
        ui.add(egui::Label::new(egui::RichText::new(path).monospace()).truncate())
            .on_hover_text(path.as_str());
    });
    if ui
        .button("Open another CSV…")
        .on_hover_text("Choose the file the network learns from.")
        .clicked()
    {
        commands.push(Command::StartDialog(DialogKind::OpenData));
    }
    egui::Grid::new("csv-settings")
        .num_columns(2)
        .show(ui, |ui| {
            let label = ui
                .label("Header row")
                .on_hover_text("Whether the first row names the columns.");
            let mut chosen = *header;
            egui::ComboBox::from_id_salt("csv-header")
                .selected_text(header_name(chosen))
                .show_ui(ui, |ui| {
                    for choice in [HeaderRow::Detect, HeaderRow::Present, HeaderRow::Absent] {
                        ui.selectable_value(&mut chosen, choice, header_name(choice));
                    }
                })
                .response
                .labelled_by(label.id);
            if chosen != *header {
                next.source = DataSource::Csv {
                    path: path.clone(),
                    header: chosen,
                };
                field = Some("header");
            }
            ui.end_row();
            let label = ui.label("Target column").on_hover_text(
                "The column the network learns to predict; the others are its inputs.",
            );
            let shown = match &spec.target {
                TargetColumn::Last => "the last column".to_owned(),
                TargetColumn::Index(index) => format!("column {}", index + 1),
                TargetColumn::Name(name) => name.clone(),
            };
            let mut target = spec.target.clone();
            egui::ComboBox::from_id_salt("csv-target")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut target, TargetColumn::Last, "the last column");
                    for (index, name) in columns.iter().enumerate() {
                        let choice = if *header == HeaderRow::Absent || name.starts_with("column ")
                        {
                            TargetColumn::Index(index)
                        } else {
                            TargetColumn::Name(name.clone())
                        };
                        ui.selectable_value(&mut target, choice, name);
                    }
                })
                .response
                .labelled_by(label.id);
            if target != spec.target {
                next.target = target;
                field = Some("target");
            }
            ui.end_row();
            let label = ui
                .label("Task")
                .on_hover_text("Classes to tell apart, or a number to predict.");
            let mut task = spec.task;
            egui::ComboBox::from_id_salt("csv-task")
                .selected_text(task_name(task))
                .show_ui(ui, |ui| {
                    for choice in [Task::Classification, Task::Regression] {
                        ui.selectable_value(&mut task, choice, task_name(choice));
                    }
                })
                .response
                .labelled_by(label.id);
            if task != spec.task {
                next.task = task;
                next.standardize_target = task == Task::Regression;
                field = Some("task");
            }
            ui.end_row();
        });
    field.map(|field| DataChange {
        dataset: next,
        field,
    })
}

/// Points placed by hand: how many, how many classes, and clearing them.
pub fn points_ui(ui: &mut egui::Ui, spec: &DatasetSpec) -> Option<DataChange> {
    let DataSource::Points { points, classes } = &spec.source else {
        return None;
    };
    let mut change = None;
    ui.label(format!("{} points placed by hand.", points.len()));
    ui.weak(
        "Click the decision-boundary plot to add a point of the chosen class, Shift-click \
         for the next class, right-click to remove the nearest one.",
    );
    ui.horizontal(|ui| {
        let label = ui.label("Classes");
        let mut count = *classes;
        if ui
            .add(egui::DragValue::new(&mut count).range(2..=MAX_CLASSES_IN_FIELD))
            .labelled_by(label.id)
            .changed()
        {
            change = Some(DataChange {
                dataset: DatasetSpec {
                    source: DataSource::Points {
                        points: points.clone(),
                        classes: count,
                    },
                    ..spec.clone()
                },
                field: "classes",
            });
        }
        if ui
            .add_enabled(!points.is_empty(), egui::Button::new("Clear all points"))
            .on_hover_text("Start again from an empty plane (undo brings them back).")
            .clicked()
        {
            change = Some(DataChange {
                dataset: empty_plane(spec),
                field: "clear",
            });
        }
    });
    change
}

/// How the header choice reads in the menu.
fn header_name(header: HeaderRow) -> &'static str {
    match header {
        HeaderRow::Detect => "detect",
        HeaderRow::Present => "first row is a header",
        HeaderRow::Absent => "no header",
    }
}

/// How a task reads in menus.
pub fn task_name(task: Task) -> &'static str {
    match task {
        Task::Classification => "classification",
        Task::Regression => "regression",
    }
}
