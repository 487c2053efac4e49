//! The decision boundary's colours: each grid cell coloured by the network's output, as an
//! image drawn behind the data points.

use egui::{Color32, ColorImage};
use layerwright_nn::data::Task;

use crate::network::snapshot::GridValues;
use crate::theme::{class_colour, tint};

/// The colour of one grid cell. Binary: a diverging scale from class 0 (p = 0) through the
/// background (p = ½) to class 1 (p = 1). Softmax: the winning class's colour, stronger
/// with confidence. Regression: a diverging scale over `range`. Discretized: full colour of
/// the predicted class.
pub fn cell_colour(
    outputs: &[f64],
    task: Task,
    range: (f64, f64),
    discretize: bool,
    background: Color32,
) -> Color32 {
    match (task, outputs) {
        (Task::Classification, [p]) => {
            let class = usize::from(*p > 0.5);
            let strength = if discretize {
                0.75
            } else {
                (p - 0.5).abs() * 2.0 * 0.75
            };
            tint(background, class_colour(class), strength)
        }
        (Task::Classification, many) => {
            let (class, best) =
                many.iter()
                    .enumerate()
                    .fold((0, f64::NEG_INFINITY), |(bi, bp), (i, &p)| {
                        if p > bp { (i, p) } else { (bi, bp) }
                    });
            let chance = 1.0 / many.len().max(1) as f64;
            let strength = if discretize {
                0.75
            } else {
                ((best - chance) / (1.0 - chance)).clamp(0.0, 1.0) * 0.75
            };
            tint(background, class_colour(class), strength)
        }
        (Task::Regression, values) => {
            let value = values.first().copied().unwrap_or(0.0);
            let (low, high) = range;
            let middle = 0.5 * (low + high);
            let half = (0.5 * (high - low)).max(1e-12);
            let position = ((value - middle) / half).clamp(-1.0, 1.0);
            let colour = if position < 0.0 {
                class_colour(0)
            } else {
                class_colour(1)
            };
            tint(background, colour, position.abs() * 0.75)
        }
    }
}

/// The decision boundary as an image, row 0 at the top.
pub fn boundary_image(
    grid: &GridValues,
    task: Task,
    discretize: bool,
    background: Color32,
) -> ColorImage {
    let n = grid.spec.resolution;
    let column = grid.outputs.column(0);
    let range = column
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let pixels = grid
        .outputs
        .rows()
        .into_iter()
        .map(|row| cell_colour(&row.to_vec(), task, range, discretize, background))
        .collect();
    ColorImage::new([n, n], pixels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::snapshot::GridSpec;
    use crate::theme::{class_colour, tint};

    #[test]
    fn the_grid_covers_the_domain_row_by_row_from_the_top() {
        let spec = GridSpec {
            x: (0.0, 4.0),
            y: (0.0, 2.0),
            resolution: 2,
            axes: [0, 1],
        };
        let points = spec.points();
        // Cells are 2 wide and 1 high; centres at x = 1, 3 and y = 1.5 (top row), 0.5.
        assert_eq!(
            points,
            ndarray::array![[1.0, 1.5], [3.0, 1.5], [1.0, 0.5], [3.0, 0.5]]
        );
    }

    #[test]
    fn a_slice_holds_every_column_but_the_two_on_its_axes() {
        // Column 2 across, column 0 up; columns 1 and 3 held at 7 and 9.
        let spec = GridSpec {
            x: (0.0, 4.0),
            y: (0.0, 2.0),
            resolution: 2,
            axes: [2, 0],
        };
        let rows = spec.rows(&[-1.0, 7.0, -1.0, 9.0]);
        assert_eq!(
            rows,
            ndarray::array![
                [1.5, 7.0, 1.0, 9.0],
                [1.5, 7.0, 3.0, 9.0],
                [0.5, 7.0, 1.0, 9.0],
                [0.5, 7.0, 3.0, 9.0]
            ]
        );
    }

    #[test]
    fn a_grid_over_two_columns_spans_their_training_range_with_a_margin() {
        let bounds = ndarray::array![[0.0, 10.0, -1.0], [1.0, 30.0, 1.0]];
        let spec = GridSpec::over(&bounds, [1, 2], 80).unwrap();
        // 10% of 20 is 2; 10% of 2 is 0.2, less than the 0.5 floor.
        assert_eq!(spec.x, (8.0, 32.0));
        assert_eq!(spec.y, (-1.5, 1.5));
        assert_eq!(spec.axes, [1, 2]);
        assert!(GridSpec::over(&bounds, [1, 1], 80).is_none());
        assert!(GridSpec::over(&bounds, [0, 3], 80).is_none());
    }

    #[test]
    fn binary_cells_fade_to_the_background_at_one_half() {
        let background = Color32::from_gray(40);
        assert_eq!(
            cell_colour(&[0.5], Task::Classification, (0.0, 1.0), false, background),
            background
        );
        let sure_one = cell_colour(&[1.0], Task::Classification, (0.0, 1.0), false, background);
        assert_eq!(sure_one, tint(background, class_colour(1), 0.75));
        let sure_zero = cell_colour(&[0.0], Task::Classification, (0.0, 1.0), false, background);
        assert_eq!(sure_zero, tint(background, class_colour(0), 0.75));
        let discrete = cell_colour(&[0.6], Task::Classification, (0.0, 1.0), true, background);
        assert_eq!(discrete, sure_one);
    }

    #[test]
    fn softmax_cells_take_the_winning_class_colour_by_confidence() {
        let background = Color32::from_gray(40);
        let uncertain = cell_colour(
            &[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0],
            Task::Classification,
            (0.0, 1.0),
            false,
            background,
        );
        assert_eq!(uncertain, background);
        let sure = cell_colour(
            &[0.0, 0.0, 1.0],
            Task::Classification,
            (0.0, 1.0),
            false,
            background,
        );
        assert_eq!(sure, tint(background, class_colour(2), 0.75));
    }

    #[test]
    fn regression_cells_diverge_around_the_middle_of_the_range() {
        let background = Color32::from_gray(40);
        assert_eq!(
            cell_colour(&[5.0], Task::Regression, (0.0, 10.0), false, background),
            background
        );
        assert_eq!(
            cell_colour(&[10.0], Task::Regression, (0.0, 10.0), false, background),
            tint(background, class_colour(1), 0.75)
        );
        assert_eq!(
            cell_colour(&[0.0], Task::Regression, (0.0, 10.0), false, background),
            tint(background, class_colour(0), 0.75)
        );
    }
}
