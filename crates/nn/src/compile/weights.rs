//! A document's trained weights and an engine [`ParameterSet`], both ways, checking every
//! shape and number.

use std::collections::BTreeMap;

use super::{CompiledGraph, GraphError};
use crate::graph::{LayerWeights, TrainedWeights};
use crate::network::architecture::{Architecture, ParameterSet};

impl CompiledGraph {
    /// The parameters as a document's [`TrainedWeights`], keyed by node id.
    pub fn trained_weights(&self, parameters: &ParameterSet<f64>, epochs: usize) -> TrainedWeights {
        let mut layers: BTreeMap<String, LayerWeights> = BTreeMap::new();
        for (info, tensor) in self
            .architecture
            .parameters()
            .iter()
            .zip(&parameters.tensors)
        {
            let id = self.architecture.node(info.node).name.clone();
            let entry = layers.entry(id).or_insert_with(LayerWeights::empty);
            let rows = tensor.rows().into_iter().map(|r| r.to_vec()).collect();
            entry.set_rows(info.role, rows);
        }
        TrainedWeights {
            epochs,
            layers,
            data: self.data.description.clone(),
        }
    }
}

impl CompiledGraph {
    /// The initial weights of this (recompiled) graph, keeping from an earlier network
    /// `old` with its `parameters` every tensor whose layer (by id), role and shape are the
    /// same: an edit of one layer restarts that layer alone.
    pub fn initial_keeping(
        &self,
        old: &Architecture,
        parameters: &ParameterSet<f64>,
    ) -> ParameterSet<f64> {
        let mut initial = self.initial.clone();
        for (info, tensor) in self
            .architecture
            .parameters()
            .iter()
            .zip(initial.tensors.iter_mut())
        {
            let name = &self.architecture.node(info.node).name;
            let kept = old
                .parameters()
                .iter()
                .zip(&parameters.tensors)
                .find(|(o, t)| {
                    old.node(o.node).name == *name && o.role == info.role && t.dim() == info.shape
                });
            if let Some((_, previous)) = kept {
                tensor.assign(previous);
            }
        }
        initial
    }
}

/// The document's trained weights as a parameter set, checking every shape and number.
pub(super) fn parameters_from_weights(
    architecture: &Architecture,
    weights: &TrainedWeights,
) -> Result<ParameterSet<f64>, Vec<GraphError>> {
    let mut errors = Vec::new();
    let mut tensors = Vec::new();
    for info in architecture.parameters() {
        let id = &architecture.node(info.node).name;
        let Some(layer) = weights.layers.get(id) else {
            errors.push(GraphError::MissingLayerWeights { node: id.clone() });
            continue;
        };
        let rows = layer.rows_of(info.role).unwrap_or_default();
        let shape = (rows.len(), rows.first().map_or(0, Vec::len));
        let ragged = rows.iter().any(|r| r.len() != shape.1);
        if shape != info.shape || ragged {
            let role = info.role.name();
            errors.push(GraphError::WeightShape {
                node: id.clone(),
                role,
                found: shape,
                needed: info.shape,
            });
            continue;
        }
        if rows.iter().flatten().any(|v| !v.is_finite()) {
            errors.push(GraphError::NonFiniteWeight { node: id.clone() });
            continue;
        }
        tensors.push(ndarray::Array2::from_shape_fn(info.shape, |(r, c)| {
            rows[r][c]
        }));
    }
    if errors.is_empty() {
        Ok(ParameterSet { tensors })
    } else {
        Err(errors)
    }
}
