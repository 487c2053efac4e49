//! What is remembered between runs (recent files, the theme) and the names eframe stores
//! it under.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The id under which eframe stores settings; fixed so they survive renames.
pub const APP_ID: &str = "layerwright";

/// The key under which settings are stored.
pub const SETTINGS_KEY: &str = "layerwright-settings";

/// How many recent files are remembered.
pub const RECENT_LIMIT: usize = 10;

/// What is remembered between runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Recently opened or saved files, most recent first.
    pub recent: Vec<PathBuf>,
    /// Dark, light or the system's theme.
    pub theme: Theme,
}

/// The theme choice, stored by name so settings files stay readable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Light text on dark.
    #[default]
    Dark,
    /// Dark text on light.
    Light,
    /// Whatever the system prefers.
    System,
}

impl Theme {
    /// egui's equivalent.
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::Dark => egui::ThemePreference::Dark,
            Self::Light => egui::ThemePreference::Light,
            Self::System => egui::ThemePreference::System,
        }
    }

    /// From egui's preference.
    pub fn from_preference(preference: egui::ThemePreference) -> Self {
        match preference {
            egui::ThemePreference::Dark => Self::Dark,
            egui::ThemePreference::Light => Self::Light,
            egui::ThemePreference::System => Self::System,
        }
    }
}

impl Settings {
    /// Puts `path` first in the recent list, without repeats, keeping at most [`RECENT_LIMIT`].
    pub fn remember(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(RECENT_LIMIT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::session::file_name;

    #[test]
    fn recent_files_are_most_recent_first_without_repeats() {
        let mut settings = Settings::default();
        for name in ["a.json", "b.json", "c.json", "a.json"] {
            settings.remember(Path::new(name));
        }
        let names: Vec<String> = settings.recent.iter().map(|p| file_name(p)).collect();
        assert_eq!(names, ["a.json", "c.json", "b.json"]);
        for i in 0..20 {
            settings.remember(Path::new(&format!("{i}.json")));
        }
        assert_eq!(settings.recent.len(), RECENT_LIMIT);
        assert_eq!(file_name(&settings.recent[0]), "19.json");
    }
}
