//! Bringing models in from elsewhere: [`onnx`] reads a network out of an ONNX file into an
//! [`ImportedGraph`](onnx::ImportedGraph) (its operators recognised as Layerwright's nodes,
//! elementwise patterns by [`elementwise`]), and [`document`] makes it a document on the
//! person's data with the model's numbers as its trained weights.

pub mod document;
mod elementwise;
pub mod onnx;
mod reader;
mod shapes;
mod tensors;

pub use document::{
    ImportSettings, ImportedDocument, import_document, import_onnx, suggested_task,
};
pub use onnx::{ImportError, ImportedGraph, ImportedLayer, ImportedNode, read_onnx};
