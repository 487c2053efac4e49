//! Elementwise operators on one layer's values `z`, gathered into an [`Expression`] until
//! something other than an elementwise operator reads them, then recognised as one of the
//! engine's activations. The patterns Layerwright's own exports write — step as
//! `Cast(Greater(z, 0))`, swish as `Mul(z, Sigmoid(z))`, GELU as
//! `Mul(Mul(z, Add(Erf(Div(z, √2)), 1)), 0.5)` — and any reordering of them are recognised
//! by value: the expression is evaluated at fixed points and compared with each activation.

use crate::math::activations::{Activation, sigmoid};

/// An arithmetic operator of two operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Arithmetic {
    /// `a + b`.
    Add,
    /// `a − b`.
    Sub,
    /// `a · b`.
    Mul,
    /// `a / b`.
    Div,
}

impl Arithmetic {
    /// The operator of an ONNX operator type, if it is one of the four.
    pub fn of(op_type: &str) -> Option<Self> {
        Some(match op_type {
            "Add" => Self::Add,
            "Sub" => Self::Sub,
            "Mul" => Self::Mul,
            "Div" => Self::Div,
            _ => return None,
        })
    }

    /// `a ∘ b`.
    pub fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            Self::Add => a + b,
            Self::Sub => a - b,
            Self::Mul => a * b,
            Self::Div => a / b,
        }
    }
}

/// A scalar function of one layer's value `z`, element by element.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expression {
    /// `z` itself.
    Z,
    /// A number.
    Number(f64),
    /// An activation the ONNX operator set names (`Relu`, `Sigmoid`, `Tanh`, `Softplus`,
    /// `Elu`, `LeakyRelu`, `Gelu`).
    Apply(Activation, Box<Expression>),
    /// `erf(x)`.
    Erf(Box<Expression>),
    /// `a ∘ b`.
    Arithmetic(Arithmetic, Box<Expression>, Box<Expression>),
    /// `1 if a > b else 0` (a boolean, turned into a number by `Cast`).
    Greater(Box<Expression>, Box<Expression>),
}

/// Where the expression is compared with each activation: away from 0, where step and the
/// ReLUs have their kink.
const PROBES: [f64; 10] = [-4.3, -2.9, -1.7, -0.61, -0.13, 0.21, 0.83, 1.9, 3.3, 5.1];

/// The activations an expression may turn out to be, most specific first.
const CANDIDATES: [Activation; 8] = [
    Activation::Identity,
    Activation::Step,
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Relu,
    Activation::Softplus,
    Activation::Gelu,
    Activation::Swish,
];

impl Expression {
    /// Its value at `z`.
    pub fn value(&self, z: f64) -> f64 {
        match self {
            Self::Z => z,
            Self::Number(value) => *value,
            Self::Apply(activation, x) => match activation {
                // The exact sigmoid, not the engine's fast one, for a fair comparison.
                Activation::Sigmoid => sigmoid(x.value(z)),
                Activation::Tanh => x.value(z).tanh(),
                other => other.value(x.value(z)),
            },
            Self::Erf(x) => libm::erf(x.value(z)),
            Self::Arithmetic(op, a, b) => op.apply(a.value(z), b.value(z)),
            Self::Greater(a, b) => {
                if a.value(z) > b.value(z) {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    /// How many times `z` is read.
    pub fn reads(&self) -> usize {
        match self {
            Self::Z => 1,
            Self::Number(_) => 0,
            Self::Apply(_, x) | Self::Erf(x) => x.reads(),
            Self::Arithmetic(_, a, b) | Self::Greater(a, b) => a.reads() + b.reads(),
        }
    }

    /// The activation `f` with `f(z)` equal to this expression: one the operator named
    /// directly, or the candidate that agrees at every probe within `1e-6·max(1, |f(z)|)`.
    pub fn activation(&self) -> Option<Activation> {
        match self {
            Self::Z => return Some(Activation::Identity),
            Self::Apply(activation, x) if **x == Self::Z => return Some(*activation),
            _ => {}
        }
        CANDIDATES.into_iter().find(|candidate| {
            PROBES.iter().all(|&z| {
                let expected = match candidate {
                    Activation::Sigmoid => sigmoid(z),
                    Activation::Tanh => z.tanh(),
                    Activation::Swish => z * sigmoid(z),
                    other => other.value(z),
                };
                let found = self.value(z);
                (found - expected).abs() <= 1e-6 * expected.abs().max(1.0)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(expression: Expression) -> Box<Expression> {
        Box::new(expression)
    }

    #[test]
    fn the_exported_gelu_and_swish_and_step_patterns_are_recognised() {
        use Arithmetic::{Add, Div, Mul};
        use Expression::{Arithmetic as Op, Erf, Greater, Number, Z};
        let scaled = Op(Div, boxed(Z), boxed(Number(std::f64::consts::SQRT_2)));
        let plus_one = Op(Add, boxed(Erf(boxed(scaled))), boxed(Number(1.0)));
        let gelu = Op(
            Mul,
            boxed(Op(Mul, boxed(Z), boxed(plus_one))),
            boxed(Number(0.5)),
        );
        assert_eq!(gelu.activation(), Some(Activation::Gelu));
        assert_eq!(gelu.reads(), 2);
        let swish = Op(
            Mul,
            boxed(Expression::Apply(Activation::Sigmoid, boxed(Z))),
            boxed(Z),
        );
        assert_eq!(swish.activation(), Some(Activation::Swish));
        let step = Greater(boxed(Z), boxed(Number(0.0)));
        assert_eq!(step.activation(), Some(Activation::Step));
        let doubled = Op(Mul, boxed(Z), boxed(Number(2.0)));
        assert_eq!(doubled.activation(), None);
    }
}
