//! The example documents, embedded so an installed binary has them.

/// One example document.
pub struct Example {
    /// The file name under `assets/examples/`.
    pub file_name: &'static str,
    /// What the menu shows.
    pub title: &'static str,
    /// The JSON text.
    pub text: &'static str,
}

/// The example the app opens on when no file is given.
pub const DEFAULT_EXAMPLE: &str = "spiral.json";

/// Every example, in the order the "Open example" menu lists them.
pub const EXAMPLES: &[Example] = &[
    Example {
        file_name: "spiral.json",
        title: "Spiral (two classes)",
        text: include_str!("../assets/examples/spiral.json"),
    },
    Example {
        file_name: "linear-regression.json",
        title: "Linear regression (eq. 1.1)",
        text: include_str!("../assets/examples/linear-regression.json"),
    },
    Example {
        file_name: "perceptron-and.json",
        title: "Perceptron learning AND (eq. 2.1)",
        text: include_str!("../assets/examples/perceptron-and.json"),
    },
    Example {
        file_name: "xor.json",
        title: "XOR with one hidden layer",
        text: include_str!("../assets/examples/xor.json"),
    },
    Example {
        file_name: "circle.json",
        title: "Circle",
        text: include_str!("../assets/examples/circle.json"),
    },
    Example {
        file_name: "spiral-3-class.json",
        title: "Spiral, three classes (softmax)",
        text: include_str!("../assets/examples/spiral-3-class.json"),
    },
    Example {
        file_name: "skip-connection.json",
        title: "Skip connection (add and concat)",
        text: include_str!("../assets/examples/skip-connection.json"),
    },
    Example {
        file_name: "iris.json",
        title: "Iris flowers",
        text: include_str!("../assets/examples/iris.json"),
    },
    Example {
        file_name: "digits.json",
        title: "Handwritten digits 8×8",
        text: include_str!("../assets/examples/digits.json"),
    },
    Example {
        file_name: "diabetes.json",
        title: "Diabetes progression (regression)",
        text: include_str!("../assets/examples/diabetes.json"),
    },
    Example {
        file_name: "normalization.json",
        title: "Batch norm and layer norm (spiral)",
        text: include_str!("../assets/examples/normalization.json"),
    },
    Example {
        file_name: "digits-cnn.json",
        title: "Digits with a convolution (8 × 8 images)",
        text: include_str!("../assets/examples/digits-cnn.json"),
    },
];

/// Scalar expressions for the computational-graph mode (`layerwright.expression`
/// documents), in the order its menu lists them; the first is what the mode opens on.
pub const EXPRESSION_EXAMPLES: &[Example] = &[
    Example {
        file_name: "backprop-fxyz.json",
        title: "f = (x + y)·z (the notes' example)",
        text: include_str!("../assets/examples/backprop-fxyz.json"),
    },
    Example {
        file_name: "backprop-shopping.json",
        title: "Apples, oranges and tax",
        text: include_str!("../assets/examples/backprop-shopping.json"),
    },
];

/// The example with this file name.
pub fn example(file_name: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.file_name == file_name)
}

/// The example a link names (`?example=iris` in a browser): its file name with or without
/// `.json`, in any case.
pub fn example_named(name: &str) -> Option<&'static Example> {
    let wanted = name.trim().to_ascii_lowercase();
    let wanted = wanted.strip_suffix(".json").unwrap_or(&wanted);
    EXAMPLES
        .iter()
        .find(|e| e.file_name.strip_suffix(".json") == Some(wanted))
}

#[cfg(test)]
mod tests {
    use super::example_named;

    #[test]
    fn a_link_names_an_example_with_or_without_its_extension() {
        let named = |name| example_named(name).map(|e| e.file_name);
        assert_eq!(named("iris"), Some("iris.json"));
        assert_eq!(named("Iris.JSON"), Some("iris.json"));
        assert_eq!(named("spiral-3-class"), Some("spiral-3-class.json"));
        assert_eq!(named("spiral-3"), None);
        assert_eq!(named(""), None);
    }
}
