//! The numbers: the float types the engine is generic over, the dense products, the seeded
//! random numbers, and the elementwise functions (activations, output functions and losses,
//! initializers), each value beside its derivative.

pub mod activations;
pub mod float;
pub mod init;
pub mod kernels;
pub mod losses;
pub mod rng;
