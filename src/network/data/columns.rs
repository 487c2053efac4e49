//! A CSV's columns, as Orange's File widget shows them: each column's role (feature,
//! ignored or the target) and kind (number or category), what reading found in it, and
//! what blanks and unseen categories become.

use layerwright_nn::data::{
    CellEncoding, ColumnChoice, ColumnEncoding, ColumnKind, ColumnRole, MissingCells, TargetColumn,
    UnseenCategory,
};
use layerwright_nn::graph::DatasetSpec;

use super::source::DataChange;

/// What a column is for, as the role menu offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Feature,
    Ignored,
    Target,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Self::Feature => "feature",
            Self::Ignored => "ignored",
            Self::Target => "target",
        }
    }
}

/// The spec with column `name`'s choice changed by `change` (a choice left empty goes).
fn with_choice(
    spec: &DatasetSpec,
    name: &str,
    change: impl FnOnce(&mut ColumnChoice),
) -> DatasetSpec {
    let mut next = spec.clone();
    let index = match next.columns.iter().position(|c| c.name == name) {
        Some(index) => index,
        None => {
            next.columns.push(ColumnChoice {
                name: name.to_owned(),
                role: None,
                kind: None,
            });
            next.columns.len() - 1
        }
    };
    change(&mut next.columns[index]);
    if next.columns[index].role.is_none() && next.columns[index].kind.is_none() {
        next.columns.remove(index);
    }
    next
}

/// The columns table and the blank and unseen-category choices; `encoding` is how the file
/// was read last (every column but the target, in file order), `target` the target's name.
pub fn columns_ui(
    ui: &mut egui::Ui,
    spec: &DatasetSpec,
    encoding: &ColumnEncoding,
    target: &str,
    notes: &[String],
) -> Option<DataChange> {
    let mut change = None;
    for note in notes {
        ui.weak(format!("Note: {note}."));
    }
    egui::Grid::new("csv-columns")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for heading in ["column", "role", "kind", "read as"] {
                ui.strong(heading);
            }
            ui.end_row();
            ui.label(target);
            ui.strong("target").on_hover_text(
                "What the network learns to predict; choose another in a column's role menu.",
            );
            ui.weak(match spec.task {
                layerwright_nn::data::Task::Classification => "classes",
                layerwright_nn::data::Task::Regression => "number",
            });
            ui.label("");
            ui.end_row();
            for column in &encoding.columns {
                let choice = spec.columns.iter().find(|c| c.name == column.name);
                let role = match column.encoding {
                    CellEncoding::Ignored => Role::Ignored,
                    _ => Role::Feature,
                };
                let kind = match &column.encoding {
                    CellEncoding::Number { .. } => Some(ColumnKind::Number),
                    CellEncoding::Category { .. } => Some(ColumnKind::Category),
                    CellEncoding::Ignored => choice.and_then(|c| c.kind),
                };
                let name_label = ui.label(&column.name);
                let mut chosen_role = role;
                egui::ComboBox::from_id_salt(("column-role", &column.name))
                    .selected_text(role.name())
                    .width(80.0)
                    .show_ui(ui, |ui| {
                        for option in [Role::Feature, Role::Ignored, Role::Target] {
                            ui.selectable_value(&mut chosen_role, option, option.name());
                        }
                    })
                    .response
                    .labelled_by(name_label.id)
                    .on_hover_text(
                        "Feature: an input of the network. Ignored: left out (an id, a date). \
                         Target: what the network predicts.",
                    );
                if chosen_role != role {
                    change = Some(match chosen_role {
                        Role::Target => DataChange {
                            dataset: DatasetSpec {
                                target: TargetColumn::Name(column.name.clone()),
                                ..with_choice(spec, &column.name, |c| c.role = None)
                            },
                            field: "target",
                        },
                        Role::Feature | Role::Ignored => DataChange {
                            dataset: with_choice(spec, &column.name, |c| {
                                c.role = Some(if chosen_role == Role::Ignored {
                                    ColumnRole::Ignored
                                } else {
                                    ColumnRole::Feature
                                });
                            }),
                            field: "column_role",
                        },
                    });
                }
                let mut chosen_kind = kind;
                ui.add_enabled_ui(role == Role::Feature, |ui| {
                    egui::ComboBox::from_id_salt(("column-kind", &column.name))
                        .selected_text(match kind {
                            Some(ColumnKind::Number) => "number",
                            Some(ColumnKind::Category) => "category",
                            None => "—",
                        })
                        .width(80.0)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(
                                &mut chosen_kind,
                                Some(ColumnKind::Number),
                                "number",
                            );
                            ui.selectable_value(
                                &mut chosen_kind,
                                Some(ColumnKind::Category),
                                "category",
                            );
                        })
                        .response
                        .on_hover_text(
                            "Number: used as it is. Category: one input per value (one-hot), \
                             for text such as island or weather, or for codes like 1, 2, 3 \
                             that are not amounts.",
                        );
                });
                if chosen_kind != kind {
                    change = Some(DataChange {
                        dataset: with_choice(spec, &column.name, |c| c.kind = chosen_kind),
                        field: "column_kind",
                    });
                }
                match &column.encoding {
                    CellEncoding::Number { fill } => ui
                        .weak(format!("blanks filled with {fill:.4}"))
                        .on_hover_text("Empty cells take the training split's mean."),
                    CellEncoding::Category { categories, fill } => ui
                        .weak(format!("{} categories", categories.len()))
                        .on_hover_text(format!(
                            "{}; empty cells count as {fill}, the most frequent.",
                            categories.join(", ")
                        )),
                    CellEncoding::Ignored => ui.weak("not an input"),
                };
                ui.end_row();
            }
        });
    ui.horizontal(|ui| {
        let label = ui.label("Empty cells").on_hover_text(
            "Blank, NA, NaN, ? or null in a feature. Rows without a target are always left out.",
        );
        let mut missing = spec.missing;
        egui::ComboBox::from_id_salt("missing-cells")
            .selected_text(missing_name(missing))
            .show_ui(ui, |ui| {
                for option in [MissingCells::Fill, MissingCells::DropRows] {
                    ui.selectable_value(&mut missing, option, missing_name(option));
                }
            })
            .response
            .labelled_by(label.id);
        if missing != spec.missing {
            change = Some(DataChange {
                dataset: DatasetSpec {
                    missing,
                    ..spec.clone()
                },
                field: "missing",
            });
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Unseen categories").on_hover_text(
            "A category the training split does not have, in new rows (predict, the exports); \
             in the test split it is always all zeros, with a note.",
        );
        let mut unseen = spec.unseen;
        egui::ComboBox::from_id_salt("unseen-categories")
            .selected_text(unseen_name(unseen))
            .show_ui(ui, |ui| {
                for option in [UnseenCategory::Error, UnseenCategory::Zeros] {
                    ui.selectable_value(&mut unseen, option, unseen_name(option));
                }
            })
            .response
            .labelled_by(label.id);
        if unseen != spec.unseen {
            change = Some(DataChange {
                dataset: DatasetSpec {
                    unseen,
                    ..spec.clone()
                },
                field: "unseen",
            });
        }
    });
    change
}

fn missing_name(missing: MissingCells) -> &'static str {
    match missing {
        MissingCells::Fill => "fill (mean or most frequent)",
        MissingCells::DropRows => "leave the row out",
    }
}

fn unseen_name(unseen: UnseenCategory) -> &'static str {
    match unseen {
        UnseenCategory::Error => "are an error",
        UnseenCategory::Zeros => "are all zeros",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_is_added_changed_and_dropped_when_it_says_nothing() {
        let spec = layerwright_nn::graph::DatasetSpec::csv(
            "pets.csv",
            layerwright_nn::data::Task::Classification,
        );
        let ignored = with_choice(&spec, "id", |c| c.role = Some(ColumnRole::Ignored));
        assert_eq!(
            ignored.columns,
            vec![ColumnChoice {
                name: "id".to_owned(),
                role: Some(ColumnRole::Ignored),
                kind: None
            }]
        );
        let back = with_choice(&ignored, "id", |c| c.role = None);
        assert!(back.columns.is_empty());
    }
}
