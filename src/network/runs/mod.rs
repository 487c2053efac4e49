//! Every training run kept: [`RunsLog`] follows the trainer's snapshots and starts a run
//! record when training starts from fresh or reset weights (a load after an edit counts);
//! pause and resume stay one run. The records live in the document's runs file
//! (`NAME.runs.json` beside it; for a document never saved, in the data directory, moved
//! beside it on the first save), read and written on `runs-file` jobs. The window that
//! shows them is [`window`].

pub mod sweep_window;
pub mod window;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use web_time::Instant;

use layerwright_nn::ParameterSet;
use layerwright_nn::compile::CompiledGraph;
use layerwright_nn::graph::GraphDocument;
use layerwright_nn::graph::io::write_atomically;
use layerwright_nn::runs::{MAX_BYTES, MAX_RUNS, RunPoint, RunRecord, RunsFile};

use crate::network::snapshot::EpochPoint;
use crate::worker::{Job, Polled};

/// While training, the runs file is written at most this often (it is written at once when
/// training pauses).
const WRITE_INTERVAL_SECS: f64 = 5.0;
/// Runs whose weights are kept without being asked: the best few by score.
const KEPT_BEST: usize = 3;

/// Where the runs of a document are kept: beside it, or (never saved) in `data_dir` under
/// its name; nowhere for an unsaved document without a data directory (headless tests).
pub fn runs_path(
    document_path: Option<&Path>,
    name: &str,
    data_dir: Option<&Path>,
) -> Option<PathBuf> {
    match document_path {
        // In a browser a document's "folder" is the page's uploads or downloads: its runs
        // stay in the local storage folder instead, by its file name.
        Some(path) if cfg!(target_arch = "wasm32") => {
            let stem = path.file_stem()?.to_string_lossy().into_owned();
            Some(data_dir?.join("runs").join(format!("{stem}.runs.json")))
        }
        Some(path) => {
            let stem = path.file_stem()?.to_string_lossy().into_owned();
            Some(path.with_file_name(format!("{stem}.runs.json")))
        }
        None => {
            let safe: String = name
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            Some(data_dir?.join("runs").join(format!("{safe}.runs.json")))
        }
    }
}

/// What a trainer snapshot tells the runs log.
pub struct RunSnapshot<'a> {
    /// The run restarted (a load or a reset) before these points.
    pub reset: bool,
    /// The epochs finished since the last snapshot.
    pub points: &'a [EpochPoint],
    /// Whether it is training now.
    pub playing: bool,
    /// Epochs completed.
    pub epochs: usize,
    /// The current weights (small networks).
    pub parameters: Option<&'a ParameterSet<f64>>,
}

/// The runs of the open document and the run being recorded.
#[derive(Default)]
pub struct RunsLog {
    /// The runs, oldest first.
    pub file: RunsFile,
    /// Which record the current run writes to.
    current: Option<u64>,
    /// A reset or load happened: the next trained epoch starts a new run.
    armed: bool,
    /// The document of the last run started, to describe what the next one changed.
    last_document: Option<GraphDocument>,
    /// While training: when the last snapshot arrived, for the wall time.
    playing_since: Option<Instant>,
    /// The latest weights seen (small networks), kept with the run when it ends among the best.
    latest_weights: Option<(Arc<CompiledGraph>, ParameterSet<f64>, usize)>,
    /// Which editor document the runs belong to, and the file they are kept in.
    place: Option<(u64, Option<PathBuf>)>,
    /// The file could not be read: it is left alone (nothing is written over it).
    read_only: bool,
    /// Changes not yet written.
    dirty: bool,
    /// The file was read (or there was none): writing it keeps its runs.
    loaded: bool,
    /// When the file was last written: while training, at most every few seconds.
    last_write: Option<Instant>,
    /// Reading or writing the file.
    job: Option<Job<Result<Option<RunsFile>, String>>>,
    /// What went wrong with the file, to say once.
    pub problem: Option<String>,
}

impl RunsLog {
    /// Keeps the runs with the open document: another document (editor id `editor`) loads
    /// its own runs from `path`; the same one saved somewhere new moves them there (and out
    /// of `data_dir`, where an unsaved document's runs wait).
    pub fn follow(
        &mut self,
        editor: u64,
        path: Option<PathBuf>,
        data_dir: Option<&Path>,
        wake: impl Fn() + Send + 'static,
    ) {
        match &self.place {
            Some((id, old)) if *id == editor => {
                if *old != path {
                    if let (Some(old), Some(dir)) = (old, data_dir)
                        && old.starts_with(dir)
                    {
                        let _ = layerwright_nn::files::remove(old);
                    }
                    self.place = Some((editor, path));
                    self.read_only = false;
                    self.dirty = true;
                }
            }
            _ => {
                self.write_behind();
                *self = Self {
                    place: Some((editor, path.clone())),
                    ..Self::default()
                };
                if let Some(path) = path {
                    self.job = Some(Job::spawn("runs-file", wake, move |_| read_runs(&path)));
                }
            }
        }
    }

    /// Leaving a document: its unwritten runs go to its file on a thread of their own,
    /// unless its file is still being read (then what was recorded is not worth losing the
    /// file's runs for) or could not be read.
    fn write_behind(&mut self) {
        let reading = self.job.is_some() && !self.loaded;
        if self.dirty
            && !self.read_only
            && !reading
            && let Some((_, Some(path))) = self.place.clone()
        {
            let file = std::mem::take(&mut self.file);
            let write = move || {
                if let Err(problem) = write_runs(&path, &file) {
                    eprintln!("{problem}");
                }
            };
            if cfg!(target_arch = "wasm32") {
                // A browser's files are in memory: the write is quick, and there are no threads.
                write();
            } else {
                // Detached: the thread finishes the write after the log moves on.
                let _ = std::thread::Builder::new()
                    .name("runs-file".to_owned())
                    .spawn(write);
            }
        }
    }

    /// Takes a snapshot of the trainer: a reset arms a new run, trained epochs go to the
    /// current run (started by the first of them), the wall time grows while training.
    pub fn observe(
        &mut self,
        progress: &RunSnapshot,
        document: &GraphDocument,
        graph: Option<&Arc<CompiledGraph>>,
    ) {
        if progress.reset {
            self.finish_current();
            self.armed = true;
        }
        let trained: Vec<&EpochPoint> = progress.points.iter().filter(|p| p.epoch > 0).collect();
        if !trained.is_empty() && (self.armed || self.current.is_none()) {
            self.armed = false;
            let id = self.file.next_id();
            let started = crate::document::recovery::unix_now();
            let record = RunRecord::start(id, document, self.last_document.as_ref(), started);
            self.last_document = Some(record.document.clone());
            self.file.runs.push(record);
            self.current = Some(id);
            self.file.enforce_limits(MAX_RUNS, MAX_BYTES);
        }
        let now = Instant::now();
        if let Some(record) = self.current_mut() {
            for point in trained {
                record.push(run_point(point));
            }
            if let Some(since) = self.playing_since {
                let seconds = now.duration_since(since).as_secs_f64();
                if let Some(record) = self.current_mut() {
                    record.wall_seconds += seconds;
                }
            }
            self.dirty = true;
        }
        self.playing_since = progress.playing.then_some(now);
        if let (Some(parameters), Some(graph)) = (progress.parameters, graph) {
            self.latest_weights = Some((Arc::clone(graph), parameters.clone(), progress.epochs));
        }
    }

    fn current_mut(&mut self) -> Option<&mut RunRecord> {
        let id = self.current?;
        self.file.runs.iter_mut().find(|r| r.id == id)
    }

    /// The run being recorded, if any.
    pub fn current(&self) -> Option<u64> {
        self.current
    }

    /// Ends the current run: its weights are kept when it scores among the best few.
    fn finish_current(&mut self) {
        let Some(id) = self.current.take() else {
            return;
        };
        let score = |r: &RunRecord| r.best.and_then(|b| b.score()).unwrap_or(f64::NEG_INFINITY);
        let Some(this) = self.file.runs.iter().find(|r| r.id == id).map(score) else {
            return;
        };
        let better = self.file.runs.iter().filter(|r| score(r) > this).count();
        if better < KEPT_BEST {
            self.keep_weights(id);
        }
        self.playing_since = None;
    }

    /// Keeps the latest weights with run `id` (the current run's; an ended run keeps what it
    /// has).
    pub fn keep_weights(&mut self, id: u64) {
        let Some((graph, parameters, epochs)) = &self.latest_weights else {
            return;
        };
        let weights = graph.trained_weights(parameters, *epochs);
        if let Some(record) = self.file.runs.iter_mut().find(|r| r.id == id) {
            record.weights = Some(weights);
            self.dirty = true;
        }
    }

    /// Adds a finished sweep run to the history: its document, what the sweep set, its final
    /// numbers as its one point.
    pub fn record_sweep_run(&mut self, row: &layerwright_nn::sweep::SweepRow, settings: &[String]) {
        let id = self.file.next_id();
        let started = crate::document::recovery::unix_now();
        let mut record = RunRecord::start(id, &row.document, None, started);
        let set: Vec<String> = settings
            .iter()
            .zip(&row.point.values)
            .map(|(path, value)| format!("{path} = {value}"))
            .collect();
        record.changes = vec![format!(
            "sweep: {}, seed {}",
            set.join(", "),
            row.point.seed
        )];
        record.push(RunPoint {
            epoch: row.epochs,
            train_loss: row.train_loss,
            test_loss: row.test_loss,
            train_score: row.train_score,
            test_score: row.test_score,
        });
        record.wall_seconds = row.seconds;
        self.file.runs.push(record);
        self.file.enforce_limits(MAX_RUNS, MAX_BYTES);
        self.dirty = true;
    }

    /// Deletes run `id`.
    pub fn delete(&mut self, id: u64) {
        self.file.runs.retain(|r| r.id != id);
        if self.current == Some(id) {
            self.current = None;
        }
        self.dirty = true;
    }

    /// Sets run `id`'s note.
    pub fn set_note(&mut self, id: u64, note: String) {
        if let Some(record) = self.file.runs.iter_mut().find(|r| r.id == id) {
            record.note = note;
            self.dirty = true;
        }
    }

    /// The document to open for run `id`: its graph and settings, with its weights if kept.
    pub fn document_of(&self, id: u64) -> Option<GraphDocument> {
        let record = self.file.runs.iter().find(|r| r.id == id)?;
        let mut document = record.document.clone();
        document.weights.clone_from(&record.weights);
        Some(document)
    }

    /// Once a frame: takes a finished read or write, and starts writing when there are
    /// changes and no job is running. A file that could not be read is never written over.
    pub fn poll(&mut self, wake: impl Fn() + Send + 'static) {
        if let Some(job) = &self.job {
            let outcome = match job.poll() {
                Polled::Running => return,
                Polled::Finished(outcome) => outcome,
                Polled::Failed => Err("the runs file's thread stopped".to_owned()),
            };
            self.job = None;
            self.absorb(outcome);
        }
        let training = self.playing_since.is_some();
        let due = !training
            || self
                .last_write
                .is_none_or(|t| t.elapsed().as_secs_f64() >= WRITE_INTERVAL_SECS);
        if self.dirty && due && !self.read_only && self.job.is_none() {
            let Some((_, Some(path))) = self.place.clone() else {
                return;
            };
            self.dirty = false;
            self.last_write = Some(Instant::now());
            let file = self.file.clone();
            self.job = Some(Job::spawn("runs-file", wake, move |_| {
                write_runs(&path, &file).map(|()| None)
            }));
        }
    }

    /// Takes a finished read (the file's runs first, then any recorded meanwhile) or write.
    fn absorb(&mut self, outcome: Result<Option<RunsFile>, String>) {
        self.loaded = true;
        match outcome {
            Ok(Some(read)) => {
                // Runs recorded while it was read come after the file's own.
                let recorded = std::mem::take(&mut self.file.runs);
                self.file = read;
                if recorded.is_empty() {
                    self.last_document = self.file.runs.last().map(|r| r.document.clone());
                }
                let first = self.file.next_id();
                for (next, mut run) in (first..).zip(recorded) {
                    if self.current == Some(run.id) {
                        self.current = Some(next);
                    }
                    run.id = next;
                    run.name = format!("Run {next}");
                    self.file.runs.push(run);
                }
            }
            Ok(None) => {}
            Err(problem) => {
                self.read_only = true;
                self.problem = Some(problem);
            }
        }
    }

    /// Writes unwritten changes now, waiting (the window is closing): a read still under way
    /// is finished first, so its runs are not written over.
    pub fn flush(&mut self) {
        if let Some(job) = self.job.take() {
            match job.wait() {
                Some(outcome) => self.absorb(outcome),
                None => self.read_only = true,
            }
        }
        if self.dirty
            && !self.read_only
            && let Some((_, Some(path))) = &self.place
        {
            if let Err(problem) = write_runs(path, &self.file) {
                eprintln!("{problem}");
            }
            self.dirty = false;
        }
    }

    /// The runs as CSV, one row per run: the table's columns.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let number = |value: Option<f64>| value.map_or_else(String::new, |v| format!("{v}"));
        let _ = writer.write_record([
            "run",
            "changes",
            "epochs",
            "train_loss",
            "test_loss",
            "train_score",
            "test_score",
            "best_score",
            "best_epoch",
            "seconds",
            "note",
        ]);
        for run in &self.file.runs {
            let last = run.last;
            let _ = writer.write_record([
                run.name.clone(),
                run.changes.join("; "),
                last.map_or_else(String::new, |p| p.epoch.to_string()),
                number(last.map(|p| p.train_loss)),
                number(last.and_then(|p| p.test_loss)),
                number(last.and_then(|p| p.train_score)),
                number(last.and_then(|p| p.test_score)),
                number(run.best.and_then(|p| p.score())),
                run.best.map_or_else(String::new, |p| p.epoch.to_string()),
                format!("{:.1}", run.wall_seconds),
                run.note.clone(),
            ]);
        }
        writer
            .into_inner()
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }
}

/// The trainer's epoch as a run's point.
pub fn run_point(point: &EpochPoint) -> RunPoint {
    RunPoint {
        epoch: point.epoch,
        train_loss: point.train_loss,
        test_loss: point.test_loss,
        train_score: point.train_score,
        test_score: point.test_score,
    }
}

/// Reads the runs file at `path`: `None` when there is none yet.
fn read_runs(path: &Path) -> Result<Option<RunsFile>, String> {
    match layerwright_nn::files::read_to_string(path) {
        Ok(text) => RunsFile::parse(&text, &path.display().to_string())
            .map(Some)
            .map_err(|e| format!("{e}; the file is left as it is and new runs are not saved")),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(format!("{}: cannot read the runs: {error}", path.display())),
    }
}

/// Writes `file` to `path` atomically (a failed write leaves the old file whole).
fn write_runs(path: &Path, file: &RunsFile) -> Result<(), String> {
    if let Some(folder) = path.parent() {
        layerwright_nn::files::create_dir_all(folder)
            .map_err(|e| format!("{}: cannot make the folder: {e}", folder.display()))?;
    }
    let text = file
        .to_json()
        .map_err(|e| format!("cannot write the runs: {e}"))?;
    write_atomically(path, text.as_bytes()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_live_beside_the_document_or_under_its_name_in_the_data_directory() {
        assert_eq!(
            runs_path(Some(Path::new("/work/circle.json")), "circle.json", None),
            Some(PathBuf::from("/work/circle.runs.json"))
        );
        assert_eq!(
            runs_path(None, "spiral.json", Some(Path::new("/data"))),
            Some(PathBuf::from("/data/runs/spiral_json.runs.json"))
        );
        assert_eq!(runs_path(None, "spiral.json", None), None);
    }
}
