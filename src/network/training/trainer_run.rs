//! A run as the trainer thread holds it: the compiled graph, the session, what the views
//! asked to see evaluated and what is out of date, early stopping's watcher; and the
//! evaluations it sends (the boundary over its slice, the person's row, the other views).

use std::sync::Arc;
use web_time::Instant;

use layerwright_nn::compile::CompiledGraph;
use layerwright_nn::data::Task;
use layerwright_nn::network::architecture::Operation;
use layerwright_nn::teach::loss_surface::LossSurface;
use layerwright_nn::train::dynamics::ACTIVITY_SAMPLE;
use layerwright_nn::train::early_stopping::{EarlyStopper, Verdict};
use layerwright_nn::{ParameterSet, Session};
use ndarray::Array2;

use super::split_views::add_split_views;
use crate::network::snapshot::{
    CurveValues, DynamicsPoint, EpochPoint, GridSpec, GridValues, ProbeValues, Views,
};

/// Networks whose nodes have more units than this in all send no per-unit maps.
pub const NODE_MAP_WIDTH_LIMIT: usize = 256;
/// Points along a one-column input's fitted curve.
const CURVE_POINTS: usize = 200;
/// Lattice points per side of the loss surface.
pub const SURFACE_RESOLUTION: usize = 61;

/// What the trainer evaluates for the views besides training, and what is out of date.
#[derive(Default)]
pub(super) struct Asked {
    /// The decision boundary's grid and the raw row the other columns are held at.
    pub(super) slice: Option<(GridSpec, Vec<f64>)>,
    /// When the grid was last evaluated.
    pub(super) last_grid: Option<Instant>,
    /// The weights changed since the views were last evaluated.
    pub(super) views_stale: bool,
    /// The slice changed since the grid was last evaluated.
    pub(super) grid_stale: bool,
    /// The person's row ("Try it").
    pub(super) probe: Option<Vec<f64>>,
    /// The row changed since it was last answered.
    pub(super) probe_stale: bool,
}

pub(super) struct Run {
    pub(super) run_id: u64,
    pub(super) compiled: CompiledGraph,
    pub(super) session: Session,
    pub(super) initial: ParameterSet<f64>,
    /// What the person asked to see evaluated, and what is out of date.
    pub(super) asked: Asked,
    pub(super) pending: Vec<EpochPoint>,
    pub(super) reset: bool,
    pub(super) examples_per_second: f64,
    /// The tensors of `w` and `b`, for networks with only those two parameters.
    pub(super) weight_and_bias: Option<[usize; 2]>,
    pub(super) pending_path: Vec<[f64; 2]>,
    pub(super) surface_due: bool,
    /// The raw range a one-column input's curve is drawn over.
    pub(super) curve_range: Option<(f64, f64)>,
    /// Early stopping's watcher, when the document asks for it.
    pub(super) stopper: Option<EarlyStopper>,
}

impl Run {
    pub(super) fn point(&mut self) -> Result<EpochPoint, String> {
        let metrics = self
            .compiled
            .metrics(&mut self.session)
            .map_err(|e| e.to_string())?;
        let score = |e: &layerwright_nn::Evaluation| match self.compiled.data.description.task {
            Task::Classification => e.accuracy,
            Task::Regression => e.r_squared,
        };
        let watched_loss = match (&self.stopper, self.compiled.watched()) {
            (Some(_), Some(watched)) => Some(
                self.session
                    .evaluate(watched)
                    .map_err(|e| e.to_string())?
                    .loss,
            ),
            _ => None,
        };
        Ok(EpochPoint {
            epoch: self.session.epochs(),
            train_loss: metrics.train.loss,
            test_loss: metrics.test.map(|t| t.loss),
            train_score: score(&metrics.train),
            test_score: metrics.test.as_ref().and_then(score),
            watched_loss,
        })
    }

    /// After a whole epoch: records its point and the weights' change, and lets early
    /// stopping watch it. Returns what to tell the person when it says stop (the best
    /// weights are already back, if asked for).
    pub(super) fn epoch_done(&mut self) -> Result<Option<String>, String> {
        let point = self.point()?;
        self.pending.push(point);
        self.weights_changed();
        let (Some(stopper), Some(loss)) = (self.stopper.as_mut(), point.watched_loss) else {
            return Ok(None);
        };
        let session = &self.session;
        if stopper.observe(point.epoch, loss, || session.parameters()) != Verdict::Stop {
            return Ok(None);
        }
        let rule = *stopper.rule();
        let (best, best_loss) = stopper.best().unwrap_or((point.epoch, loss));
        let restored = match stopper.weights_to_restore().cloned() {
            Some(weights) => {
                self.session
                    .set_parameters(&weights)
                    .map_err(|e| e.to_string())?;
                self.weights_changed();
                format!("; the weights of epoch {best} are back")
            }
            None => String::new(),
        };
        Ok(Some(format!(
            "Stopped early after epoch {}: the watched loss has not improved for {} epochs \
             (best {best_loss:.4} at epoch {best}){restored}.",
            point.epoch, rule.patience
        )))
    }

    /// The decision boundary over the slice, with every node's values there.
    pub(super) fn evaluate_grid(&mut self) -> Option<GridValues> {
        self.asked.last_grid = Some(Instant::now());
        self.asked.grid_stale = false;
        let (spec, held) = self.asked.slice.as_ref()?;
        let description = &self.compiled.data.description;
        let inputs = description.encode_inputs(spec.rows(held).view()).ok()?;
        let values = self.session.node_values(inputs.view()).ok()?;
        let width: usize = values.nodes.iter().map(Array2::ncols).sum();
        let outputs = match description.task {
            Task::Regression => description.decode_outputs(values.predictions),
            Task::Classification => values.predictions,
        };
        Some(GridValues {
            spec: *spec,
            held: held.clone(),
            outputs,
            node_maps: (width <= NODE_MAP_WIDTH_LIMIT).then_some(values.nodes),
        })
    }

    /// The network's outputs for the person's row (in the target's units for regression).
    pub(super) fn evaluate_probe(&mut self) -> Option<ProbeValues> {
        self.asked.probe_stale = false;
        let row = self.asked.probe.clone()?;
        let description = &self.compiled.data.description;
        let raw = Array2::from_shape_vec((1, row.len()), row.clone()).ok()?;
        let inputs = description.encode_inputs(raw.view()).ok()?;
        let outputs = self.session.predict(inputs.view()).ok()?;
        let outputs = match description.task {
            Task::Regression => description.decode_outputs(outputs),
            Task::Classification => outputs,
        };
        let architecture = &self.compiled.architecture;
        let images = architecture
            .nodes()
            .iter()
            .any(|n| n.image.is_some() && !matches!(n.operation, Operation::Input));
        let feature_maps = if images {
            let values = self.session.node_values(inputs.view()).ok()?;
            architecture
                .nodes()
                .iter()
                .zip(values.nodes)
                .filter(|(node, _)| !matches!(node.operation, Operation::Input))
                .filter_map(|(node, values)| {
                    Some((node.name.clone(), node.image?, values.row(0).to_vec()))
                })
                .collect()
        } else {
            Vec::new()
        };
        Some(ProbeValues {
            row,
            outputs: outputs.iter().copied().collect(),
            feature_maps,
        })
    }

    /// The views drawn from the weights beyond the boundary: the fitted curve and the
    /// split views (confusion, ROC, regression errors).
    pub(super) fn evaluate_views(&mut self) -> Views {
        self.asked.views_stale = false;
        let mut views = Views::default();
        let description = &self.compiled.data.description;
        if let Some((low, high)) = self.curve_range {
            let step = (high - low) / (CURVE_POINTS - 1) as f64;
            let x: Vec<f64> = (0..CURVE_POINTS).map(|i| low + i as f64 * step).collect();
            let raw = Array2::from_shape_fn((CURVE_POINTS, 1), |(i, _)| x[i]);
            let predicted = description
                .encode_inputs(raw.view())
                .ok()
                .and_then(|inputs| self.session.predict(inputs.view()).ok());
            if let Some(outputs) = predicted {
                let outputs = match description.task {
                    Task::Regression => description.decode_outputs(outputs),
                    Task::Classification => outputs,
                };
                views.curve = Some(CurveValues { x, outputs });
            }
        }
        add_split_views(&mut self.session, &self.compiled.data, &mut views);
        views.node_points = self.node_points();
        views.dynamics = Some(self.dynamics());
        views
    }

    /// The last epoch's gradient figures and the units' activity on the first training
    /// examples (at most [`ACTIVITY_SAMPLE`]).
    pub(super) fn dynamics(&self) -> DynamicsPoint {
        let sample = self.compiled.data.train.rows_in_f64(0..ACTIVITY_SAMPLE);
        DynamicsPoint {
            epoch: self.session.epochs(),
            gradients: self.session.epoch_gradients().to_vec(),
            activity: self.session.layer_activity(sample.inputs.view()),
        }
    }

    /// Two-column data, small networks: every node's values for the first training
    /// examples, where the hidden space draws them.
    pub(super) fn node_points(&mut self) -> Option<Vec<Array2<f32>>> {
        if self.compiled.data.raw_train_bounds.ncols() != 2 {
            return None;
        }
        let width: usize = self
            .compiled
            .architecture
            .nodes()
            .iter()
            .map(|n| n.width)
            .sum();
        if width > NODE_MAP_WIDTH_LIMIT {
            return None;
        }
        let rows = self
            .compiled
            .data
            .train
            .rows_in_f64(0..Views::HIDDEN_SPACE_POINTS);
        let values = self.session.node_values(rows.inputs.view()).ok()?;
        Some(values.nodes)
    }

    /// After every change of the weights: the views are stale, and for networks of one
    /// weight and one bias, where `(w, b)` is now joins the descent path.
    pub(super) fn weights_changed(&mut self) {
        self.asked.views_stale = true;
        if let Some([weight, bias]) = self.weight_and_bias {
            let parameters = self.session.parameters();
            let value = |index: usize| parameters.tensors.get(index).map(|t| t[[0, 0]]);
            if let (Some(w), Some(b)) = (value(weight), value(bias)) {
                self.pending_path.push([w, b]);
            }
        }
    }

    /// The loss surface around the run's starting point (networks of one weight and one bias).
    pub(super) fn surface(&self) -> Option<Arc<LossSurface>> {
        self.weight_and_bias?;
        LossSurface::around_start(
            &self.compiled.architecture,
            &self.initial,
            &self.compiled.data.train,
            SURFACE_RESOLUTION,
        )
        .map(Arc::new)
    }
}

/// A one-column input's raw range with a 5% margin.
pub(super) fn curve_range(raw: &Array2<f64>) -> Option<(f64, f64)> {
    if raw.ncols() != 1 || raw.nrows() == 0 {
        return None;
    }
    let low = raw.fold(f64::INFINITY, |m, &v| m.min(v));
    let high = raw.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    let margin = ((high - low) * 0.05).max(0.05);
    Some((low - margin, high + margin))
}
