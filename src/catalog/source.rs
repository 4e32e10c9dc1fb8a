//! Where the Markdown comes from: files, directories walked recursively for `*.md`, and http(s) URLs
//! (see [`super::remote`]). Every file is turned into text here, whatever it holds: empty and binary
//! files are skipped, non-UTF-8 bytes are replaced, oversized files are skipped before they are read;
//! each case is a [`Warning`] naming the file, so one bad file never stops the run.
//!
//! Domains come from the list's structure, whichever path is given (the list's directory, one of
//! its subdirectories or one file): the list's root is the nearest directory, from the one given
//! up to [`ROOT_SEARCH_LEVELS`] levels above it, that holds a `README.md` (a list's front page),
//! else the directory given. A file's domain is its top folder under that root; a file at the root
//! carries none, and its entries take their domain from their headings instead
//! (see [`super::markdown::domains_from_headings`]).
//!
//! A directory walk skips what is not the list (citegraph's own output and cache directories,
//! documentation folders, community files, `--exclude`): the rules are in [`super::walk`], and
//! each skip is kept in [`Collected::skipped`] for lint. What is given by name is always read.

use std::path::{Component, Path};

use super::limits::{too_large, MAX_FILE_BYTES};
use super::remote;
use super::walk::{Skipped, WalkRules};
use super::{CatalogError, Warning};

/// One Markdown file of the catalogue.
#[derive(Debug)]
pub struct SourceFile {
    /// Relative to the list's root (see the module docs; among several sources, under the source
    /// as given), or the URL, with `/` separators.
    pub file: String,
    /// Top folder under the list's root; `None` when the file sits at the root.
    pub domain: Option<String>,
    /// The file's name without extension, the domain of last resort.
    pub stem: String,
    /// `None` when the file was skipped (empty, binary, too large, unreadable).
    pub text: Option<String>,
    /// What reading it found.
    pub warnings: Vec<Warning>,
}

/// Everything the sources hold, in order: sources as given, files sorted within a source.
#[derive(Debug, Default)]
pub struct Collected {
    pub files: Vec<SourceFile>,
    /// Problems that concern a whole source (a stale cached copy used, ...).
    pub warnings: Vec<Warning>,
    /// Files and folders a walk did not read, in walk order (see [`super::walk`]).
    pub skipped: Vec<Skipped>,
}

/// Reads every source. A source that does not exist, or a URL that can neither be downloaded nor
/// found in the cache, is an error; problems inside files are warnings. Directories are walked
/// under `rules`.
pub(crate) fn collect(
    sources: &[String],
    cache_dir: &Path,
    offline: bool,
    rules: &WalkRules,
) -> Result<Collected, CatalogError> {
    let mut collected = Collected::default();
    // With several sources, file names are prefixed by their source so they stay distinct.
    let prefix_sources = sources.len() > 1;
    for source in sources {
        let prefix = prefix_sources.then_some(source.trim_end_matches('/'));
        if remote::is_url(source) {
            let downloaded = remote::fetch(source, cache_dir, offline, &mut collected.warnings)?;
            let walked = remote::walked_folder(source);
            for file in downloaded {
                let shown = with_prefix(prefix, &file.path);
                // A repository's listing is a walk too: the same rules, on its paths.
                let reason = walked.as_deref().and_then(|folder| {
                    let rel = match folder {
                        "" => file.path.as_str(),
                        folder => file
                            .path
                            .strip_prefix(folder)
                            .and_then(|rest| rest.strip_prefix('/'))
                            .unwrap_or(&file.path),
                    };
                    rules.skip_listed_path(rel)
                });
                if let Some(reason) = reason {
                    collected.skipped.push(Skipped {
                        path: shown,
                        reason,
                    });
                    continue;
                }
                collected.files.push(decode(
                    shown,
                    domain_of(&file.domain_path),
                    stem_of(&file.domain_path),
                    file.bytes,
                ));
            }
        } else {
            collect_local(Path::new(source), prefix, rules, &mut collected)?;
        }
    }
    Ok(collected)
}

fn with_prefix(prefix: Option<&str>, file: &str) -> String {
    match prefix {
        Some(prefix) if prefix != file => format!("{prefix}/{file}"),
        _ => file.to_string(),
    }
}

fn collect_local(
    root: &Path,
    prefix: Option<&str>,
    rules: &WalkRules,
    collected: &mut Collected,
) -> Result<(), CatalogError> {
    let metadata = std::fs::metadata(root).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => CatalogError::Missing(root.display().to_string()),
        _ => CatalogError::Unreadable {
            path: root.display().to_string(),
            reason: source,
        },
    })?;
    if metadata.is_file() {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| root.display().to_string());
        let domain_path = match std::fs::canonicalize(root) {
            Ok(file) => {
                let dir = file.parent().unwrap_or(Path::new("/"));
                relative(&list_root(dir), &file)
            }
            Err(_) => name.clone(),
        };
        // Alone, a file is shown by its path from the list's root (`Vision Domain/Generation.md`,
        // not `Generation.md`, a name several domains have); among several sources, as given.
        let shown = prefix.map_or_else(|| domain_path.clone(), str::to_string);
        collected.files.push(read_local(
            root,
            shown,
            domain_of(&domain_path),
            stem_of(&name),
        ));
        return Ok(());
    }
    let canonical_root = std::fs::canonicalize(root).ok();
    let list_root = canonical_root
        .as_deref()
        .map_or_else(|| root.to_path_buf(), list_root);
    // Paths are shown from the list's root: a domain folder given alone shows
    // `Vision Domain/Generation.md`, not `Generation.md`, a name several domains have. Among
    // several sources, each source's paths are shown under the source as given instead.
    let from_list_root = canonical_root
        .as_deref()
        .map(|dir| relative(&list_root, dir))
        .filter(|offset| !offset.is_empty());
    let prefix = prefix.or(from_list_root.as_deref());
    let first_skipped = collected.skipped.len();
    let mut skipped = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            if !e.file_type().is_dir() {
                return true;
            }
            let rel = relative(root, e.path());
            match rules.skip_folder(e.path(), &rel) {
                Some(reason) => {
                    skipped.push(Skipped {
                        path: format!("{}/", with_prefix(prefix, &rel)),
                        reason,
                    });
                    false
                }
                None => true,
            }
        });
    for item in walker {
        let entry = match item {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| with_prefix(prefix, &relative(root, p)))
                    .unwrap_or_else(|| root.display().to_string());
                collected.warnings.push(Warning {
                    file: path,
                    line: None,
                    message: format!(
                        "cannot read this part of the catalogue directory ({err}); skipped"
                    ),
                });
                continue;
            }
        };
        if !entry.file_type().is_file() || !is_markdown(entry.path()) {
            continue;
        }
        let rel = relative(root, entry.path());
        let shown = with_prefix(prefix, &rel);
        if let Some(reason) = rules.skip_file(&rel) {
            collected.skipped.push(Skipped {
                path: shown,
                reason,
            });
            continue;
        }
        let domain_path = std::fs::canonicalize(entry.path())
            .ok()
            .filter(|file| file.starts_with(&list_root))
            .map_or_else(|| rel.clone(), |file| relative(&list_root, &file));
        collected.files.push(read_local(
            entry.path(),
            shown,
            domain_of(&domain_path),
            stem_of(&rel),
        ));
    }
    // Folders were skipped by the walk's filter, files in the loop: one list, in path order.
    collected.skipped.extend(skipped);
    collected.skipped[first_skipped..].sort_by(|a, b| a.path.cmp(&b.path));
    Ok(())
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .map(|ext| ext.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|ext| ext == "md" || ext == "markdown")
}

/// How far above the given directory a list's root (its `README.md`) is looked for: a domain
/// folder's subfolder given alone still finds its list, while a list kept in some project's
/// subdirectory does not take that project's README for its own.
pub const ROOT_SEARCH_LEVELS: usize = 2;

/// The list's root for a directory given (or holding the file given): see the module docs.
fn list_root(dir: &Path) -> std::path::PathBuf {
    dir.ancestors()
        .take(ROOT_SEARCH_LEVELS + 1)
        .find(|d| d.join("README.md").is_file())
        .unwrap_or(dir)
        .to_path_buf()
}

/// The domain of a file from its path relative to the list's root: the top folder; `None` for a
/// file at the root.
pub fn domain_of(relative_path: &str) -> Option<String> {
    let mut parts = relative_path.split('/').filter(|p| !p.is_empty());
    let first = parts.next().unwrap_or_default();
    parts.next().is_some().then(|| first.to_string())
}

/// A file's name without its extension (`Vision Domain/Understanding.md` -> `Understanding`).
pub fn stem_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or_default();
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

fn read_local(path: &Path, file: String, domain: Option<String>, stem: String) -> SourceFile {
    let skipped = |message: String| SourceFile {
        file: file.clone(),
        domain: domain.clone(),
        stem: stem.clone(),
        text: None,
        warnings: vec![Warning {
            file: file.clone(),
            line: None,
            message,
        }],
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            return skipped(too_large(meta.len()));
        }
        Ok(_) => {}
        Err(err) => return skipped(format!("cannot read this file ({err}); skipped")),
    }
    match std::fs::read(path) {
        Ok(bytes) => decode(file, domain, stem, bytes),
        Err(err) => skipped(format!("cannot read this file ({err}); skipped")),
    }
}

/// Bytes to text, with a warning for each repair.
pub fn decode(file: String, domain: Option<String>, stem: String, bytes: Vec<u8>) -> SourceFile {
    let mut source = SourceFile {
        file,
        domain,
        stem,
        text: None,
        warnings: Vec::new(),
    };
    let mut warn = |line: Option<usize>, message: String| {
        source.warnings.push(Warning {
            file: source.file.clone(),
            line,
            message,
        })
    };
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        warn(None, "empty file; nothing to read".into());
        return source;
    }
    let controls = bytes.iter().filter(|&&b| is_stray_control(b)).count();
    // Random bytes (an image, an archive) are ~11% C0 controls; a text file with a stray byte or
    // two is far below 1%.
    if controls as f64 > MOSTLY_BINARY * bytes.len() as f64 {
        let at = bytes
            .iter()
            .position(|&b| b == 0)
            .or_else(|| bytes.iter().position(|&b| is_stray_control(b)))
            .unwrap_or(0);
        warn(
            Some(line_at(&bytes, at)),
            format!(
                "binary file ({controls} control bytes in {} bytes), not Markdown; skipped",
                bytes.len()
            ),
        );
        return source;
    }
    let bytes = if controls > 0 {
        remove_controls(&bytes, &mut warn)
    } else {
        bytes
    };
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let bytes = err.into_bytes();
            let bad = std::str::from_utf8(&bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            warn(
                Some(line_at(&bytes, bad)),
                "not valid UTF-8 from this line on; invalid bytes replaced with U+FFFD".into(),
            );
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    source.text = Some(text);
    source
}

/// Above this share of control bytes a file is binary, not text with a stray byte.
const MOSTLY_BINARY: f64 = 0.05;

/// At most this many stray-byte warnings per file; the last one says how many more.
const MAX_CONTROL_WARNINGS: usize = 10;

/// A C0 control (or DEL) that has no business in Markdown: NUL, bell, escape... Tab, line feed,
/// carriage return and form feed are text.
fn is_stray_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f
}

/// The bytes without their stray controls, one warning per line that had some.
fn remove_controls(bytes: &[u8], warn: &mut impl FnMut(Option<usize>, String)) -> Vec<u8> {
    let mut lines: Vec<(usize, u8)> = Vec::new();
    let mut line = 1;
    for &b in bytes {
        if b == b'\n' {
            line += 1;
        } else if is_stray_control(b) && lines.last().is_none_or(|&(l, _)| l != line) {
            lines.push((line, b));
        }
    }
    for (i, &(line, byte)) in lines.iter().enumerate() {
        if i == MAX_CONTROL_WARNINGS {
            warn(
                Some(line),
                format!(
                    "and {} more lines with stray control bytes, removed the same way",
                    lines.len() - i
                ),
            );
            break;
        }
        warn(
            Some(line),
            format!("stray control byte 0x{byte:02X} in this line (not text); removed, the rest of the line is read"),
        );
    }
    bytes
        .iter()
        .copied()
        .filter(|&b| !is_stray_control(b))
        .collect()
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        assert_eq!(
            domain_of("Vision Domain/Understanding.md").as_deref(),
            Some("Vision Domain")
        );
        assert_eq!(
            domain_of("Vision Domain/sub/x.md").as_deref(),
            Some("Vision Domain")
        );
        assert_eq!(domain_of("README.md"), None);
        assert_eq!(domain_of(""), None);
        assert_eq!(stem_of("Vision Domain/Understanding.md"), "Understanding");
        assert_eq!(stem_of("token-list.md"), "token-list");
        assert_eq!(stem_of(".md"), ".md");
    }

    #[test]
    fn decoding_repairs_and_warns() {
        let source = decode("a.md".into(), None, "a".into(), b"# ok\n".to_vec());
        assert_eq!(source.text.as_deref(), Some("# ok\n"));
        assert!(source.warnings.is_empty());

        let source = decode("a.md".into(), None, "a".into(), b" \n\n".to_vec());
        assert_eq!(source.text, None);
        assert!(source.warnings[0].message.contains("empty"));

        let source = decode(
            "a.md".into(),
            None,
            "a".into(),
            b"line\nline\n\x00\x01".to_vec(),
        );
        assert_eq!(source.text, None);
        assert_eq!(source.warnings[0].line, Some(3));
        assert!(source.warnings[0].message.contains("binary"));

        let source = decode(
            "a.md".into(),
            None,
            "a".into(),
            b"ok\n\xff\xfe bad\n".to_vec(),
        );
        assert_eq!(source.text.as_deref(), Some("ok\n\u{FFFD}\u{FFFD} bad\n"));
        assert_eq!(source.warnings[0].line, Some(2));
        assert!(source.warnings[0].message.contains("UTF-8"));

        let source = decode(
            "a.md".into(),
            None,
            "a".into(),
            b"\xEF\xBB\xBF# title".to_vec(),
        );
        assert_eq!(source.text.as_deref(), Some("# title"));
    }
}
