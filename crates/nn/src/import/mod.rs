//! Bringing models in from elsewhere. [`onnx`] reads a feed-forward network out of an
//! ONNX file (issue 27: the documents, the command and the window come next).

pub mod onnx;
