//! The data sets shipped inside the binary, read through the ordinary CSV path.

use serde::{Deserialize, Serialize};

use super::csv_file::{CsvError, CsvOptions, HeaderRow, TargetColumn, read_csv};
use super::{Dataset, ImageShape, Task};

/// A data set embedded in the binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundledDataset {
    /// Fisher's iris: 150 flowers, 4 measurements, 3 species.
    Iris,
    /// Handwritten digits: 1797 images of 8×8 pixels (0..16), digits 0 to 9.
    Digits,
    /// Diabetes progression: 442 patients, 10 measurements, a progression score.
    Diabetes,
}

impl BundledDataset {
    /// Every bundled set, in menu order.
    pub const ALL: [Self; 3] = [Self::Iris, Self::Digits, Self::Diabetes];

    /// The name shown in menus.
    pub fn name(self) -> &'static str {
        match self {
            Self::Iris => "Iris",
            Self::Digits => "Digits 8×8",
            Self::Diabetes => "Diabetes",
        }
    }

    /// What the set holds, in a few words.
    pub fn description(self) -> &'static str {
        match self {
            Self::Iris => "150 flowers, 4 measurements, 3 species",
            Self::Digits => "1797 handwritten digits, 8 × 8 pixels from 0 to 16, 10 classes",
            Self::Diabetes => "442 patients, 10 measurements, a progression score to predict",
        }
    }

    /// How many classes its target has (0 for regression), known without reading it.
    pub fn class_count(self) -> usize {
        match self {
            Self::Iris => 3,
            Self::Digits => 10,
            Self::Diabetes => 0,
        }
    }

    /// The file name under `assets/datasets/`.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Iris => "iris.csv",
            Self::Digits => "digits8x8.csv",
            Self::Diabetes => "diabetes.csv",
        }
    }

    /// The CSV text, embedded at build time.
    pub fn csv_text(self) -> &'static str {
        match self {
            Self::Iris => include_str!("../../../../assets/datasets/iris.csv"),
            Self::Digits => include_str!("../../../../assets/datasets/digits8x8.csv"),
            Self::Diabetes => include_str!("../../../../assets/datasets/diabetes.csv"),
        }
    }

    /// Classification (iris, digits) or regression (diabetes).
    pub fn task(self) -> Task {
        match self {
            Self::Iris | Self::Digits => Task::Classification,
            Self::Diabetes => Task::Regression,
        }
    }

    /// The shape of each row when the set is images: the digits are `1 × 8 × 8`, 0 to 16.
    pub fn image(self) -> Option<ImageShape> {
        (self == Self::Digits).then_some(ImageShape::DIGITS)
    }

    /// Who made the data and under which licence, for the About box.
    pub fn attribution(self) -> &'static str {
        match self {
            Self::Iris => {
                "Iris: R. A. Fisher (1936), UCI Machine Learning Repository \"Iris\", CC BY 4.0."
            }
            Self::Digits => {
                "Digits 8×8: E. Alpaydin and C. Kaynak (1998), UCI \"Optical Recognition of \
                 Handwritten Digits\" (test set), CC BY 4.0."
            }
            Self::Diabetes => {
                "Diabetes: B. Efron, T. Hastie, I. Johnstone and R. Tibshirani (2004), \
                 \"Least Angle Regression\", Annals of Statistics."
            }
        }
    }

    /// Reads the set through [`read_csv`], as a user's file would be.
    pub fn load(self) -> Result<Dataset, CsvError> {
        let options = CsvOptions {
            header: HeaderRow::Present,
            target: TargetColumn::Last,
            task: self.task(),
            ..Default::default()
        };
        read_csv(self.csv_text(), self.name(), &options)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn each_set_has_the_classes_and_image_shape_it_says() {
        for set in BundledDataset::ALL {
            let data = set.load().unwrap();
            assert_eq!(data.class_count(), set.class_count(), "{}", set.name());
            assert_eq!(data.task, set.task());
            if let Some(shape) = set.image() {
                assert_eq!(shape.problem(data.feature_count()), None);
            }
        }
    }
}
