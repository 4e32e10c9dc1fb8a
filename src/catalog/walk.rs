//! What a catalogue walk reads and what it skips. A directory given with `--catalog` is walked for
//! `*.md`; the walk never reads, below the directory given (what is given by name is always read):
//!
//! - hidden files and folders (`.github/`, `.git/`, citegraph's own staging folders);
//! - citegraph's own directories: the output and cache directories of the command (`--output-dir`,
//!   `--cache-dir`, default `./output` and `./cache`) when they lie under the walked directory, and
//!   any folder that is recognisably an output directory ([`output_markers`]: two or more of the
//!   files citegraph writes together, one of them its `metrics.json`, `catalog.json` or
//!   `digest.json`) or a cache directory ([`is_cache_layout`]: `s2/papers/` or `s2/lookups/`, or a
//!   `catalog/` folder of two-hex-digit shards);
//! - folders of documentation and examples ([`DOCS_FOLDERS`]: `docs/`, `examples/`, `templates/`,
//!   GitHub's `ISSUE_TEMPLATE/` ...);
//! - a repository's community files ([`COMMUNITY_FILES`]: `CONTRIBUTING.md`,
//!   `CODE_OF_CONDUCT.md`, `PULL_REQUEST_TEMPLATE.md`, `CHANGELOG.md` ..., in any case, with or
//!   without a language suffix such as `CONTRIBUTING.zh-CN.md`);
//! - whatever `--exclude GLOB` names ([`ExcludeGlob`]).
//!
//! A GitHub repository's listing (`--catalog https://github.com/OWNER/REPO`) is walked by the same
//! rules on its paths ([`WalkRules::skip_listed_path`]; its hidden files are skipped too), except
//! the recognition of output and cache folders, which needs the files on disk.
//!
//! A file whose every entry is a placeholder ("Paper Title", see [`is_placeholder_title`]) is a
//! template and is skipped too, wherever it is; a placeholder entry among real ones is dropped.
//! Each skip becomes a note-level lint finding ([`super::LintKind::Skipped`]) naming the path and
//! the rule, so nothing disappears silently.

use std::fmt;
use std::path::{Path, PathBuf};

/// Folders of documentation, examples and templates: the list's website copy or its examples,
/// never the list itself. Compared without regard to case.
pub const DOCS_FOLDERS: [&str; 9] = [
    "docs",
    "doc",
    "examples",
    "example",
    "templates",
    "template",
    "ISSUE_TEMPLATE",
    "PULL_REQUEST_TEMPLATE",
    "DISCUSSION_TEMPLATE",
];

/// A repository's community and housekeeping files (GitHub's community health files, the
/// changelog, the licence): their stems, compared without regard to case, with or without a
/// language tag (`CONTRIBUTING.zh-CN.md`, `contributing_en.md` and `CONTRIBUTING-pt_BR.md` count
/// as `CONTRIBUTING`; `security-papers.md` is not `SECURITY`).
pub const COMMUNITY_FILES: [&str; 15] = [
    "CONTRIBUTING",
    "CODE_OF_CONDUCT",
    "CODE-OF-CONDUCT",
    "SECURITY",
    "SUPPORT",
    "GOVERNANCE",
    "PULL_REQUEST_TEMPLATE",
    "ISSUE_TEMPLATE",
    "CHANGELOG",
    "CHANGES",
    "HISTORY",
    "LICENSE",
    "LICENCE",
    "AUTHORS",
    "CONTRIBUTORS",
];

/// Files citegraph writes into its output directory, together: a folder holding two of them, one a
/// JSON file of [`OUTPUT_JSON`], is an output directory (or one of its `history/` entries).
pub const OUTPUT_FILES: [&str; 8] = [
    "metrics.json",
    "catalog.json",
    "digest.json",
    "lint.csv",
    "papers.csv",
    "suggestions.md",
    "suggestions.bib",
    "digest.md",
];

/// The JSON files of [`OUTPUT_FILES`]; one of them must be present.
pub const OUTPUT_JSON: [&str; 3] = ["metrics.json", "catalog.json", "digest.json"];

/// Placeholder titles of entry templates (normalized: lower case, words only), as pull-request
/// templates and contributing guides write them.
pub const PLACEHOLDER_TITLES: [&str; 10] = [
    "paper title",
    "title",
    "title of the paper",
    "title of paper",
    "your paper title",
    "the paper title",
    "paper name",
    "name of the paper",
    "title here",
    "paper title here",
];

/// Why the walk did not read a file or folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The command's own output directory (`--output-dir`).
    OwnOutput,
    /// The command's own cache directory (`--cache-dir`).
    OwnCache,
    /// A folder holding citegraph's outputs (the files found).
    OutputLike(Vec<&'static str>),
    /// A folder laid out as citegraph's cache.
    CacheLike,
    /// A documentation, example or template folder ([`DOCS_FOLDERS`]).
    DocsFolder,
    /// A community file ([`COMMUNITY_FILES`]).
    CommunityFile,
    /// Hidden (a name starting with `.`): in a repository's listing, where a local walk passes
    /// hidden files over without a word.
    Hidden,
    /// Matched by `--exclude` (the glob as given).
    Excluded(String),
    /// Every entry of the file is a placeholder (the first one's title, as written).
    Template(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OwnOutput => f.write_str("citegraph's output directory (--output-dir)"),
            Self::OwnCache => f.write_str("citegraph's cache directory (--cache-dir)"),
            Self::OutputLike(found) => write!(
                f,
                "a citegraph output directory (it holds {})",
                found.join(", ")
            ),
            Self::CacheLike => f.write_str("a citegraph cache directory (s2/ or catalog/ shards)"),
            Self::DocsFolder => f.write_str("a documentation, example or template folder"),
            Self::CommunityFile => {
                f.write_str("a contributing guide or community file, not the list")
            }
            Self::Hidden => f.write_str("hidden (.github/ and the like)"),
            Self::Excluded(glob) => write!(f, "excluded by --exclude {glob}"),
            Self::Template(title) => write!(
                f,
                "a template: its only entries are placeholders such as {title:?}"
            ),
        }
    }
}

/// A file or folder the walk did not read, shown as the catalogue shows files (relative to its
/// source, `/` separators; a folder ends in `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

/// One `--exclude` pattern: a glob (`*`, `?`, `[...]`, `{a,b}`, `**`) matched as in `.gitignore`:
/// a pattern without `/` matches a file or folder name at any depth (`CHANGELOG.md`, `drafts`,
/// `*-old.md`); one with `/` matches the path relative to the walked directory (`Other
/// Domain/*.md`, `**/drafts/**`); a trailing `/` matches folders only. `*` never crosses `/`.
/// A folder matched is skipped whole.
#[derive(Debug, Clone)]
pub struct ExcludeGlob {
    given: String,
    matcher: globset::GlobMatcher,
    anchored: bool,
    folders_only: bool,
}

/// A `--exclude` pattern that is no glob.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--exclude {pattern:?} is not a glob: {reason} (write e.g. CONTRIBUTING.md, docs, '**/drafts/*.md')")]
pub struct BadGlob {
    pub pattern: String,
    pub reason: String,
}

impl std::str::FromStr for ExcludeGlob {
    type Err = BadGlob;

    fn from_str(given: &str) -> Result<Self, Self::Err> {
        let bad = |reason: String| BadGlob {
            pattern: given.to_string(),
            reason,
        };
        let folders_only = given.ends_with('/');
        let pattern = given.trim_end_matches('/').trim_start_matches("./");
        let pattern = pattern.strip_prefix('/').unwrap_or(pattern);
        if pattern.is_empty() {
            return Err(bad("it is empty".into()));
        }
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| bad(e.kind().to_string()))?;
        Ok(ExcludeGlob {
            given: given.to_string(),
            matcher: glob.compile_matcher(),
            anchored: pattern.contains('/'),
            folders_only,
        })
    }
}

impl PartialEq for ExcludeGlob {
    fn eq(&self, other: &Self) -> bool {
        self.given == other.given
    }
}

impl fmt::Display for ExcludeGlob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.given)
    }
}

impl ExcludeGlob {
    /// Whether the pattern matches `relative` (relative to the walked directory, `/` separators).
    pub fn matches(&self, relative: &str, is_folder: bool) -> bool {
        if self.folders_only && !is_folder {
            return false;
        }
        if self.anchored {
            self.matcher.is_match(relative)
        } else {
            self.matcher
                .is_match(relative.rsplit('/').next().unwrap_or(relative))
        }
    }
}

/// The walk's rules for one command: its own directories (absolute, when they exist) and the
/// `--exclude` patterns.
#[derive(Debug, Default)]
pub(crate) struct WalkRules {
    own_output: Option<PathBuf>,
    own_cache: Option<PathBuf>,
    exclude: Vec<ExcludeGlob>,
}

impl WalkRules {
    pub(crate) fn new(
        cache_dir: &Path,
        output_dir: Option<&Path>,
        exclude: &[ExcludeGlob],
    ) -> Self {
        WalkRules {
            own_output: output_dir.and_then(|dir| std::fs::canonicalize(dir).ok()),
            own_cache: std::fs::canonicalize(cache_dir).ok(),
            exclude: exclude.to_vec(),
        }
    }

    /// Why the folder at `path` (`relative` to the walked directory) is not walked, if it is not.
    pub(crate) fn skip_folder(&self, path: &Path, relative: &str) -> Option<SkipReason> {
        if let Some(reason) = self.excluded(relative, true) {
            return Some(reason);
        }
        let canonical = std::fs::canonicalize(path).ok();
        if canonical.is_some() && canonical == self.own_output {
            return Some(SkipReason::OwnOutput);
        }
        if canonical.is_some() && canonical == self.own_cache {
            return Some(SkipReason::OwnCache);
        }
        let name = relative.rsplit('/').next().unwrap_or(relative);
        if DOCS_FOLDERS.iter().any(|d| d.eq_ignore_ascii_case(name)) {
            return Some(SkipReason::DocsFolder);
        }
        if let Some(found) = output_markers(path) {
            return Some(SkipReason::OutputLike(found));
        }
        is_cache_layout(path).then_some(SkipReason::CacheLike)
    }

    /// Why the Markdown file `relative` (to the walked directory) is not read, if it is not.
    pub(crate) fn skip_file(&self, relative: &str) -> Option<SkipReason> {
        if let Some(reason) = self.excluded(relative, false) {
            return Some(reason);
        }
        let name = relative.rsplit('/').next().unwrap_or(relative);
        is_community_file(name).then_some(SkipReason::CommunityFile)
    }

    /// Why a file of a repository's listing (`relative` to the folder walked) is not read, if
    /// it is not: the rules on names and globs, for each folder above it and then the file
    /// (nothing on disk to recognise an output or a cache by). A hidden folder or file is
    /// [`SkipReason::Hidden`].
    pub(crate) fn skip_listed_path(&self, relative: &str) -> Option<SkipReason> {
        let parts: Vec<&str> = relative.split('/').collect();
        for depth in 1..parts.len() {
            let folder = parts[..depth].join("/");
            let name = parts[depth - 1];
            if name.starts_with('.') {
                return Some(SkipReason::Hidden);
            }
            if let Some(reason) = self.excluded(&folder, true) {
                return Some(reason);
            }
            if DOCS_FOLDERS.iter().any(|d| d.eq_ignore_ascii_case(name)) {
                return Some(SkipReason::DocsFolder);
            }
        }
        if parts.last().is_some_and(|name| name.starts_with('.')) {
            return Some(SkipReason::Hidden);
        }
        self.skip_file(relative)
    }

    fn excluded(&self, relative: &str, is_folder: bool) -> Option<SkipReason> {
        self.exclude
            .iter()
            .find(|glob| glob.matches(relative, is_folder))
            .map(|glob| SkipReason::Excluded(glob.to_string()))
    }
}

/// Whether a file name is a community file: its stem (up to the first `.`) is one of
/// [`COMMUNITY_FILES`] in any case, alone or followed by a language tag.
pub fn is_community_file(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    COMMUNITY_FILES.iter().any(|known| {
        // `get` rather than slicing: a name may hold multi-byte characters.
        stem.get(..known.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(known))
            && language_suffix(&stem[known.len()..])
    })
}

/// Nothing, or a language tag after `_` or `-` (`_zh`, `-en`, `_pt-BR`): `security-papers` is a
/// list's file, not a security policy.
fn language_suffix(rest: &str) -> bool {
    let Some(tag) = rest.strip_prefix(['_', '-']) else {
        return rest.is_empty();
    };
    let (language, region) = match tag.split_once(['_', '-']) {
        Some((language, region)) => (language, Some(region)),
        None => (tag, None),
    };
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && region.is_none_or(|r| {
            (2..=4).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// The citegraph output files a folder holds, when they make it an output directory (see
/// [`OUTPUT_FILES`]); `None` otherwise.
pub fn output_markers(dir: &Path) -> Option<Vec<&'static str>> {
    let found: Vec<&'static str> = OUTPUT_FILES
        .into_iter()
        .filter(|name| dir.join(name).is_file())
        .collect();
    (found.len() >= 2 && found.iter().any(|name| OUTPUT_JSON.contains(name))).then_some(found)
}

/// Whether a folder is laid out as citegraph's cache (`crate::cache`): it holds `s2/papers/` or
/// `s2/lookups/` (the record namespaces), or a `catalog/` folder (the downloaded catalogues) whose
/// entries are all two-hex-digit shard folders.
pub fn is_cache_layout(dir: &Path) -> bool {
    if dir.join("s2/papers").is_dir() || dir.join("s2/lookups").is_dir() {
        return true;
    }
    let Ok(entries) = std::fs::read_dir(dir.join("catalog")) else {
        return false;
    };
    let mut any = false;
    for entry in entries {
        let Ok(entry) = entry else { return false };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let shard = name.len() == 2 && name.bytes().all(|b| b.is_ascii_hexdigit());
        if !shard || !entry.path().is_dir() {
            return false;
        }
        any = true;
    }
    any
}

/// Whether an entry's title is a template's placeholder ([`PLACEHOLDER_TITLES`], compared
/// normalized, so `<Paper Title>`, `[Paper Title]` and `PAPER TITLE` are placeholders too).
pub fn is_placeholder_title(title: &str) -> bool {
    let normalized = super::normalize_title(title);
    PLACEHOLDER_TITLES.contains(&normalized.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn community_files_by_stem_in_any_case() {
        for name in [
            "CONTRIBUTING.md",
            "contributing.md",
            "CONTRIBUTING.zh-CN.md",
            "Contributing_en.md",
            "CONTRIBUTING-pt_BR.md",
            "CODE_OF_CONDUCT.md",
            "PULL_REQUEST_TEMPLATE.md",
            "CHANGELOG.markdown",
        ] {
            assert!(is_community_file(name), "{name}");
        }
        for name in [
            "README.md",
            "Contributions-to-vision.md",
            "security-papers.md",
            "History-of-vision-transformers.md",
            "list.md",
        ] {
            assert!(!is_community_file(name), "{name}");
        }
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder_title("Paper Title"));
        assert!(is_placeholder_title("[Paper Title]"));
        assert!(is_placeholder_title("<title of the paper>"));
        assert!(!is_placeholder_title(
            "Paper Title Generation with Transformers"
        ));
        assert!(!is_placeholder_title("ToMe: Token Merging"));
    }

    #[test]
    fn globs_match_names_anywhere_and_paths_from_the_root() {
        let glob = |g: &str| g.parse::<ExcludeGlob>().unwrap();
        assert!(glob("CHANGELOG.md").matches("a/b/CHANGELOG.md", false));
        assert!(glob("*.md").matches("a/b/x.md", false));
        assert!(glob("Other Domain/*.md").matches("Other Domain/x.md", false));
        assert!(!glob("Other Domain/*.md").matches("Other Domain/sub/x.md", false));
        assert!(glob("**/drafts/*.md").matches("a/drafts/x.md", false));
        assert!(glob("drafts/").matches("a/drafts", true));
        assert!(!glob("drafts/").matches("a/drafts", false));
        assert!(glob("./notes.md").matches("notes.md", false));
        let err = "[".parse::<ExcludeGlob>().unwrap_err().to_string();
        assert!(err.starts_with("--exclude \"[\" is not a glob: "), "{err}");
        assert!("/".parse::<ExcludeGlob>().is_err());
    }

    #[test]
    fn a_repository_listing_follows_the_same_rules() {
        let rules = WalkRules::new(
            Path::new("/nonexistent-cache"),
            None,
            &["Other Domain/old-*.md".parse().unwrap()],
        );
        assert_eq!(
            rules.skip_listed_path("Vision Domain/Understanding.md"),
            None
        );
        assert_eq!(rules.skip_listed_path("README.md"), None);
        assert_eq!(
            rules.skip_listed_path(".github/PULL_REQUEST_TEMPLATE.md"),
            Some(SkipReason::Hidden)
        );
        assert_eq!(
            rules.skip_listed_path("docs/guide/example.md"),
            Some(SkipReason::DocsFolder)
        );
        assert_eq!(
            rules.skip_listed_path("CONTRIBUTING.md"),
            Some(SkipReason::CommunityFile)
        );
        assert_eq!(
            rules.skip_listed_path("Other Domain/old-list.md"),
            Some(SkipReason::Excluded("Other Domain/old-*.md".into()))
        );
    }

    #[test]
    fn output_and_cache_signatures() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("suggestions.md"), "x").unwrap();
        assert_eq!(
            output_markers(&out),
            None,
            "one Markdown file is no signature"
        );
        std::fs::write(out.join("digest.md"), "x").unwrap();
        assert_eq!(output_markers(&out), None, "no JSON file of citegraph's");
        std::fs::write(out.join("metrics.json"), "{}").unwrap();
        assert_eq!(
            output_markers(&out),
            Some(vec!["metrics.json", "suggestions.md", "digest.md"])
        );

        let cache = dir.path().join("c");
        std::fs::create_dir_all(cache.join("catalog/ab")).unwrap();
        assert!(is_cache_layout(&cache));
        std::fs::create_dir_all(cache.join("catalog/notes")).unwrap();
        assert!(!is_cache_layout(&cache));
        std::fs::create_dir_all(cache.join("s2/papers")).unwrap();
        assert!(is_cache_layout(&cache));
        assert!(!is_cache_layout(dir.path()));
    }
}
