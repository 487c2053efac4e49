//! Files as the engine and the app read and write them. On the desktop these are the
//! system's files (`std::fs`, nothing added). A browser has no file system (issue 29): there
//! the same calls work on files held in memory, which the app fills from the browser (a file
//! picked or dropped on the page, the copies kept in local storage) and watches through
//! [`set_write_hook`] (a saved file is offered as a download, an autosave goes to local
//! storage). Code above this module does not know which it runs on.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Reads the whole file at `path`.
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    imp::read(path)
}

/// Reads the whole file at `path` as UTF-8 text.
pub fn read_to_string(path: &Path) -> std::io::Result<String> {
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// The size of the file at `path` in bytes; an error for a folder or a missing file.
pub fn len(path: &Path) -> std::io::Result<u64> {
    imp::len(path)
}

/// The file at `path`, opened for reading from the start.
pub fn open(path: &Path) -> std::io::Result<Box<dyn Read + Send>> {
    imp::open(path)
}

/// Replaces (or creates) the file at `path` with `bytes`, whole or not at all: on the
/// desktop through a temporary file beside it renamed over the target, so a failure
/// leaves the old file as it was.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with(path, |file| file.write_all(bytes))
}

/// Like [`write`], with `fill` writing the contents (tests pass one that fails half-way, as
/// a full disk would: the old file stays).
pub fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    imp::write_with(path, fill)
}

/// Removes the file at `path`.
pub fn remove(path: &Path) -> std::io::Result<()> {
    imp::remove(path)
}

/// Creates the folder `dir` and those above it, where folders exist.
pub fn create_dir_all(dir: &Path) -> std::io::Result<()> {
    imp::create_dir_all(dir)
}

/// The files directly inside the folder `dir`.
pub fn list(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    imp::list(dir)
}

/// Whether a file (or, on the desktop, a folder) is at `path`.
pub fn exists(path: &Path) -> bool {
    imp::exists(path)
}

/// Called after each write (`Some(bytes)`) and removal (`None`) of a file held in memory.
pub type WriteHook = Box<dyn Fn(&Path, Option<&[u8]>) + Send + Sync>;

/// Sets what is called after each write and removal, once (later calls are ignored). On the
/// desktop nothing calls it: the system's files need no watching.
pub fn set_write_hook(hook: WriteHook) {
    imp::set_write_hook(hook);
}

/// Puts a file into memory without calling the write hook (a file the browser handed over,
/// or a copy read back from local storage). On the desktop it writes the file.
pub fn insert(path: &Path, bytes: Vec<u8>) -> std::io::Result<()> {
    imp::insert(path, bytes)
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use std::io::{Read, Write};
    use std::path::{Path, PathBuf};

    pub(super) fn read(path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    pub(super) fn len(path: &Path) -> std::io::Result<u64> {
        let metadata = std::fs::metadata(path)?;
        if metadata.is_dir() {
            return Err(std::io::Error::other("it is a folder, not a file"));
        }
        Ok(metadata.len())
    }

    pub(super) fn open(path: &Path) -> std::io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(std::fs::File::open(path)?))
    }

    pub(super) fn write_with(
        path: &Path,
        fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_owned());
        let temporary: PathBuf =
            path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
        let result = (|| {
            let mut file = std::fs::File::create(&temporary)?;
            fill(&mut file)?;
            file.sync_all()?;
            std::fs::rename(&temporary, path)
        })();
        if result.is_err() {
            // Best effort: the temporary file may not exist if creating it failed.
            let _ = std::fs::remove_file(&temporary);
        }
        result
    }

    pub(super) fn remove(path: &Path) -> std::io::Result<()> {
        std::fs::remove_file(path)
    }

    pub(super) fn create_dir_all(dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)
    }

    pub(super) fn list(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        std::fs::read_dir(dir)?
            .map(|entry| entry.map(|e| e.path()))
            .collect()
    }

    pub(super) fn exists(path: &Path) -> bool {
        path.exists()
    }

    pub(super) fn set_write_hook(_hook: super::WriteHook) {}

    pub(super) fn insert(path: &Path, bytes: Vec<u8>) -> std::io::Result<()> {
        write_with(path, |file| file.write_all(&bytes))
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use std::collections::BTreeMap;
    use std::io::Read;
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, Mutex, OnceLock};

    /// The files held in memory, by path.
    static FILES: Mutex<BTreeMap<PathBuf, Arc<[u8]>>> = Mutex::new(BTreeMap::new());
    static HOOK: OnceLock<super::WriteHook> = OnceLock::new();

    fn not_found(path: &Path) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!(
                "{} is not among the files given to this page",
                path.display()
            ),
        )
    }

    fn get(path: &Path) -> std::io::Result<Arc<[u8]>> {
        let files = FILES
            .lock()
            .map_err(|_| std::io::Error::other("the file store failed"))?;
        files.get(path).cloned().ok_or_else(|| not_found(path))
    }

    fn put(path: &Path, bytes: Arc<[u8]>) -> std::io::Result<()> {
        FILES
            .lock()
            .map_err(|_| std::io::Error::other("the file store failed"))?
            .insert(path.to_path_buf(), bytes);
        Ok(())
    }

    pub(super) fn read(path: &Path) -> std::io::Result<Vec<u8>> {
        Ok(get(path)?.to_vec())
    }

    pub(super) fn len(path: &Path) -> std::io::Result<u64> {
        Ok(get(path)?.len() as u64)
    }

    /// A reader over the shared bytes (no copy).
    struct Shared {
        bytes: Arc<[u8]>,
        at: usize,
    }

    impl Read for Shared {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let rest = self.bytes.get(self.at..).unwrap_or_default();
            let count = rest.len().min(buffer.len());
            buffer[..count].copy_from_slice(&rest[..count]);
            self.at += count;
            Ok(count)
        }
    }

    pub(super) fn open(path: &Path) -> std::io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(Shared {
            bytes: get(path)?,
            at: 0,
        }))
    }

    pub(super) fn write_with(
        path: &Path,
        fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        fill(&mut bytes)?;
        put(path, Arc::from(bytes.as_slice()))?;
        if let Some(hook) = HOOK.get() {
            hook(path, Some(&bytes));
        }
        Ok(())
    }

    pub(super) fn remove(path: &Path) -> std::io::Result<()> {
        let removed = FILES
            .lock()
            .map_err(|_| std::io::Error::other("the file store failed"))?
            .remove(path);
        if removed.is_none() {
            return Err(not_found(path));
        }
        if let Some(hook) = HOOK.get() {
            hook(path, None);
        }
        Ok(())
    }

    pub(super) fn create_dir_all(_dir: &Path) -> std::io::Result<()> {
        // Folders are only the paths' prefixes.
        Ok(())
    }

    pub(super) fn list(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        let files = FILES
            .lock()
            .map_err(|_| std::io::Error::other("the file store failed"))?;
        Ok(files
            .keys()
            .filter(|path| path.parent() == Some(dir))
            .cloned()
            .collect())
    }

    pub(super) fn exists(path: &Path) -> bool {
        get(path).is_ok()
    }

    pub(super) fn set_write_hook(hook: super::WriteHook) {
        let _ = HOOK.set(hook);
    }

    pub(super) fn insert(path: &Path, bytes: Vec<u8>) -> std::io::Result<()> {
        put(path, Arc::from(bytes))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_written_file_reads_back_whole_and_is_listed_in_its_folder() {
        let dir = std::env::temp_dir().join(format!("layerwright-files-{}", std::process::id()));
        create_dir_all(&dir).unwrap();
        let path = dir.join("table.csv");
        write(&path, b"x,y\n1,2\n").unwrap();
        assert_eq!(read_to_string(&path).unwrap(), "x,y\n1,2\n");
        assert_eq!(len(&path).unwrap(), 8);
        let mut opened = String::new();
        open(&path).unwrap().read_to_string(&mut opened).unwrap();
        assert_eq!(opened, "x,y\n1,2\n");
        assert_eq!(list(&dir).unwrap(), vec![path.clone()]);
        assert!(exists(&path));
        remove(&path).unwrap();
        assert!(!exists(&path));
        assert!(len(&dir).is_err(), "a folder has no length as a file");
        std::fs::remove_dir(&dir).unwrap();
    }
}
