//! Loading a data directory of snmpsim recordings, each served under the community that is its
//! path.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::{MAX_DIR_DEPTH, SNMPREC_EXTENSION, SimError};
use crate::Mib;

/// True when `community` is a path snmpsim would map inside the data directory.
pub(super) fn community_is_safe(community: &str) -> bool {
    !community.is_empty()
        && !community.starts_with('/')
        && !community.split(['/', '\\']).any(|part| part == "..")
}

/// Loads every `.snmprec` under `root` into `out`, keyed by community.
pub(super) fn load_dir(root: &Path, out: &mut HashMap<Vec<u8>, Arc<Mib>>) -> Result<(), SimError> {
    let mut pending = vec![(root.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = pending.pop() {
        let io_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SimError::Io { path, source }
        };
        for entry in std::fs::read_dir(&dir).map_err(io_err(&dir))? {
            let entry = entry.map_err(io_err(&dir))?;
            let path = entry.path();
            // Follows symlinks, so a linked recording is served like a copied one.
            let meta = std::fs::metadata(&path).map_err(io_err(&path))?;
            if meta.is_dir() {
                if depth < MAX_DIR_DEPTH {
                    pending.push((path, depth + 1));
                } else {
                    tracing::warn!(path = %path.display(), "directory too deep, skipped");
                }
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some(SNMPREC_EXTENSION) {
                continue;
            }
            let Some(community) = community_of(root, &path) else {
                tracing::warn!(path = %path.display(), "file name is not UTF-8, skipped");
                continue;
            };
            let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
            let mib = Mib::from_snmprec(&text).map_err(|source| SimError::Snmprec {
                path: path.clone(),
                source,
            })?;
            tracing::debug!(%community, instances = mib.len(), "loaded recording");
            out.insert(community.into_bytes(), Arc::new(mib));
        }
    }
    Ok(())
}

/// The community of the recording at `path` under `root`: its relative path without the
/// extension, `/`-separated. `None` when a component is not UTF-8.
fn community_of(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?.with_extension("");
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    Some(parts?.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn communities_that_escape_the_directory_are_refused() {
        assert!(community_is_safe("recorded/linux-full-walk"));
        assert!(community_is_safe("public"));
        assert!(!community_is_safe(""));
        assert!(!community_is_safe("/etc/passwd"));
        assert!(!community_is_safe("../secret"));
        assert!(!community_is_safe("a/../../b"));
        assert!(community_is_safe("a..b"));
    }

    #[test]
    fn community_is_the_relative_path_without_extension() {
        let root = Path::new("/data");
        assert_eq!(
            community_of(root, Path::new("/data/recorded/linux-full-walk.snmprec")).as_deref(),
            Some("recorded/linux-full-walk")
        );
        assert_eq!(
            community_of(root, Path::new("/data/public.snmprec")).as_deref(),
            Some("public")
        );
    }
}
