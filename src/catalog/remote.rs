//! Catalogues on the web: a GitHub repository URL (`https://github.com/OWNER/REPO`, optionally
//! `/tree/BRANCH/DIR`) has every `*.md` file downloaded through the GitHub API and
//! raw.githubusercontent.com; any other http(s) URL is one raw Markdown file (`/blob/` GitHub links
//! are turned into their raw form).
//!
//! Downloads are kept in the shared cache ([`crate::cache`]): one entry per URL under
//! `CACHE/catalog/`, holding every file of the download, written atomically (so a half-finished
//! download is never taken for a copy). `--offline` reads only that cache; when the network
//! fails, a cached copy is used with a warning, and without one the error says how to run from
//! files.
//!
//! Environment: `CITEGRAPH_GITHUB_API` (default `https://api.github.com`) and `CITEGRAPH_GITHUB_RAW`
//! (default `https://raw.githubusercontent.com`) point elsewhere (a mirror, or a test server);
//! `GITHUB_TOKEN`, when set, is sent to the API to lift its anonymous rate limit.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

use super::limits::{too_large, MAX_FILE_BYTES};
use super::{CatalogError, Warning};
use crate::cache::{Cache, Read as CacheRead};

pub const GITHUB_API_ENV: &str = "CITEGRAPH_GITHUB_API";
pub const GITHUB_RAW_ENV: &str = "CITEGRAPH_GITHUB_RAW";
const DEFAULT_GITHUB_API: &str = "https://api.github.com";
const DEFAULT_GITHUB_RAW: &str = "https://raw.githubusercontent.com";
/// Fail fast when there is no network: a dead connection is known in seconds, not minutes.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The GitHub API answers (repository, tree listing) are small; this bounds a wrong answer.
const MAX_API_BYTES: u64 = 32 * 1024 * 1024;

/// Path segments are encoded whole (`Vision Domain` -> `Vision%20Domain`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// One downloaded (or cached) Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFile {
    /// How listings name it: the path inside the repository, or the URL of a single file.
    pub path: String,
    /// The path the domain is taken from (inside the repository, or the file name).
    pub domain_path: String,
    pub bytes: Vec<u8>,
}

pub fn is_url(source: &str) -> bool {
    let lower = source.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// What a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Repository {
        owner: String,
        repo: String,
        branch: Option<String>,
        subdir: Option<String>,
    },
    File {
        url: String,
        path: String,
        domain_path: String,
    },
}

fn base(env: &str, default: &str) -> String {
    std::env::var(env)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
        .trim_end_matches('/')
        .to_string()
}

fn decoded(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

fn encoded_path(segments: &[String]) -> String {
    segments
        .iter()
        .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// For a repository URL, the folder its listing is walked from (`""` for the whole repository,
/// `DIR` for `/tree/BRANCH/DIR`), so the walk's rules see paths relative to it; `None` for one
/// file (given by name, always read) or a URL that is not a catalogue's.
pub(crate) fn walked_folder(url: &str) -> Option<String> {
    match target(url).ok()? {
        Target::Repository { subdir, .. } => Some(subdir.unwrap_or_default()),
        Target::File { .. } => None,
    }
}

fn target(source: &str) -> Result<Target, CatalogError> {
    let bad = |why: &str| CatalogError::BadUrl {
        url: source.to_string(),
        why: why.to_string(),
    };
    let url = url::Url::parse(source.trim()).map_err(|e| bad(&e.to_string()))?;
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let segments: Vec<String> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).map(decoded).collect())
        .unwrap_or_default();
    let single_file = |domain_path: String| Target::File {
        url: source.trim().to_string(),
        path: source.trim().to_string(),
        domain_path,
    };
    match host.as_str() {
        "github.com" | "www.github.com" => {
            let [owner, repo, rest @ ..] = segments.as_slice() else {
                return Err(bad(
                    "a GitHub URL needs an owner and a repository: https://github.com/OWNER/REPO",
                ));
            };
            let repo = repo.strip_suffix(".git").unwrap_or(repo).to_string();
            match rest {
                [] => Ok(Target::Repository {
                    owner: owner.clone(),
                    repo,
                    branch: None,
                    subdir: None,
                }),
                [kind, branch, path @ ..] if kind == "tree" => Ok(Target::Repository {
                    owner: owner.clone(),
                    repo,
                    branch: Some(branch.clone()),
                    subdir: (!path.is_empty()).then(|| path.join("/")),
                }),
                [kind, branch, path @ ..] if kind == "blob" && !path.is_empty() => {
                    let raw = base(GITHUB_RAW_ENV, DEFAULT_GITHUB_RAW);
                    let mut all = vec![owner.clone(), repo, branch.clone()];
                    all.extend(path.iter().cloned());
                    Ok(Target::File {
                        url: format!("{raw}/{}", encoded_path(&all)),
                        path: source.trim().to_string(),
                        domain_path: path.join("/"),
                    })
                }
                _ => Err(bad("use https://github.com/OWNER/REPO, .../tree/BRANCH[/DIR] or .../blob/BRANCH/FILE.md")),
            }
        }
        "raw.githubusercontent.com" if segments.len() > 3 => {
            Ok(single_file(segments[3..].join("/")))
        }
        _ => Ok(single_file(
            segments.last().cloned().unwrap_or_else(|| host.clone()),
        )),
    }
}

/// The cache namespace of catalogue downloads.
const NAMESPACE: &str = "catalog";

/// The request identity of a URL's download (trailing `/` and spaces do not make another one).
fn request_of(url: &str) -> String {
    format!("catalog {}", url.trim().trim_end_matches('/'))
}

/// The cache file that holds a URL's download.
pub fn cache_path_for(cache_dir: &Path, url: &str) -> PathBuf {
    Cache::new(cache_dir).path_for(NAMESPACE, &request_of(url))
}

/// The cached form of a download.
#[derive(Debug, Serialize, Deserialize)]
struct Download {
    files: Vec<CachedFile>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CachedFile {
    path: String,
    domain_path: String,
    /// The bytes as downloaded, hex-encoded (a file may not be UTF-8; its warning is given on
    /// every read, cached or not).
    hex: String,
}

/// Downloads (or reads from the cache) the Markdown files behind `url`.
pub fn fetch(
    url: &str,
    cache_dir: &Path,
    offline: bool,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<RemoteFile>, CatalogError> {
    let target = target(url)?;
    let cache = Cache::new(cache_dir);
    let dir = cache_path_for(cache_dir, url);
    if offline {
        tracing::debug!(
            "reading the catalogue {url} from the cache {}",
            dir.display()
        );
        return read_cache(&cache, url).ok_or_else(|| CatalogError::NotCached {
            url: url.to_string(),
            dir: dir.display().to_string(),
        });
    }
    tracing::info!("downloading the catalogue {url}");
    // reqwest's blocking client must not run on an async runtime's thread; a scoped thread keeps
    // this callable from anywhere.
    let downloaded = std::thread::scope(|scope| {
        scope
            .spawn(|| download(&target))
            .join()
            .unwrap_or_else(|_| Err("the download thread stopped unexpectedly".to_string()))
    });
    match downloaded {
        Ok((files, notes)) => {
            for note in notes {
                warnings.push(Warning {
                    file: url.to_string(),
                    line: None,
                    message: note,
                });
            }
            write_cache(&cache, url, &files)?;
            Ok(files)
        }
        Err(reason) => match read_cache(&cache, url) {
            Some(files) => {
                warnings.push(Warning {
                    file: url.to_string(),
                    line: None,
                    message: format!(
                        "could not download the catalogue ({reason}); using the copy cached in {}",
                        dir.display()
                    ),
                });
                Ok(files)
            }
            None => Err(CatalogError::Download {
                url: url.to_string(),
                reason,
            }),
        },
    }
}

fn read_cache(cache: &Cache, url: &str) -> Option<Vec<RemoteFile>> {
    let entry = match cache.get::<Download>(NAMESPACE, &request_of(url), None) {
        Ok(CacheRead::Hit(entry)) => entry,
        Ok(CacheRead::Corrupt(reason)) => {
            tracing::warn!("ignoring a damaged cached catalogue: {reason}");
            return None;
        }
        Ok(_) => return None,
        Err(err) => {
            tracing::warn!("{err}");
            return None;
        }
    };
    entry
        .body
        .files
        .into_iter()
        .map(|file| {
            Some(RemoteFile {
                path: file.path,
                domain_path: file.domain_path,
                bytes: hex::decode(&file.hex).ok()?,
            })
        })
        .collect()
}

fn write_cache(cache: &Cache, url: &str, files: &[RemoteFile]) -> Result<(), CatalogError> {
    let download = Download {
        files: files
            .iter()
            .map(|file| CachedFile {
                path: file.path.clone(),
                domain_path: file.domain_path.clone(),
                hex: hex::encode(&file.bytes),
            })
            .collect(),
    };
    cache
        .put(NAMESPACE, &request_of(url), &download)
        .map_err(|err| CatalogError::Cache {
            path: cache_path_for(cache.root(), url).display().to_string(),
            reason: std::io::Error::other(err.to_string()),
        })
}

struct Http {
    client: reqwest::blocking::Client,
    token: Option<String>,
}

impl Http {
    fn new() -> Result<Self, String> {
        let client = reqwest::blocking::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("citegraph/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot set up HTTP: {e}"))?;
        let token = std::env::var("GITHUB_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty());
        Ok(Self { client, token })
    }

    /// GETs `url`, reading at most `limit` bytes; `Ok(None)` when the body is larger.
    fn get(&self, url: &str, api: bool, limit: u64) -> Result<Option<Vec<u8>>, String> {
        let mut request = self.client.get(url);
        if api {
            request = request.header("Accept", "application/vnd.github+json");
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
        }
        let response = request.send().map_err(|e| describe(url, &e))?;
        let status = response.status();
        if !status.is_success() {
            let hint = match status.as_u16() {
                404 => " (no such repository, branch or file: check the URL)",
                401 | 403 | 429 if api => {
                    " (GitHub API rate limit or access denied: set GITHUB_TOKEN, or retry later)"
                }
                _ => "",
            };
            return Err(format!("HTTP {status} from {url}{hint}"));
        }
        let mut body = Vec::new();
        response
            .take(limit + 1)
            .read_to_end(&mut body)
            .map_err(|e| format!("reading {url}: {e}"))?;
        Ok((body.len() as u64 <= limit).then_some(body))
    }
}

/// "URL: cannot connect (Connection refused)": what failed and its root cause, without reqwest's
/// repetitions of the URL.
fn describe(url: &str, err: &reqwest::Error) -> String {
    let mut root: &dyn std::error::Error = err;
    while let Some(cause) = root.source() {
        root = cause;
    }
    let what = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    format!("{url}: {what} ({root})")
}

#[derive(Deserialize)]
struct RepoInfo {
    default_branch: String,
}

#[derive(Deserialize)]
struct Tree {
    tree: Vec<TreeEntry>,
    #[serde(default)]
    truncated: bool,
}

#[derive(Deserialize)]
struct TreeEntry {
    path: String,
    #[serde(rename = "type")]
    kind: String,
}

fn api_json<T: for<'de> Deserialize<'de>>(http: &Http, url: &str) -> Result<T, String> {
    let body = http
        .get(url, true, MAX_API_BYTES)?
        .ok_or_else(|| format!("{url} answered with more than {MAX_API_BYTES} bytes"))?;
    serde_json::from_slice(&body).map_err(|e| format!("unexpected answer from {url}: {e}"))
}

/// The files, and notes about what was skipped.
type Downloaded = (Vec<RemoteFile>, Vec<String>);

fn download(target: &Target) -> Result<Downloaded, String> {
    let http = Http::new()?;
    let mut notes = Vec::new();
    match target {
        Target::File {
            url,
            path,
            domain_path,
        } => match http.get(url, false, MAX_FILE_BYTES)? {
            Some(bytes) => Ok((
                vec![RemoteFile {
                    path: path.clone(),
                    domain_path: domain_path.clone(),
                    bytes,
                }],
                notes,
            )),
            None => Err(format!("{url}: {}", too_large(MAX_FILE_BYTES + 1))),
        },
        Target::Repository {
            owner,
            repo,
            branch,
            subdir,
        } => {
            let api = base(GITHUB_API_ENV, DEFAULT_GITHUB_API);
            let raw = base(GITHUB_RAW_ENV, DEFAULT_GITHUB_RAW);
            let repo_path = encoded_path(&[owner.clone(), repo.clone()]);
            let branch = match branch {
                Some(branch) => branch.clone(),
                None => {
                    api_json::<RepoInfo>(&http, &format!("{api}/repos/{repo_path}"))?.default_branch
                }
            };
            let tree: Tree = api_json(
                &http,
                &format!(
                    "{api}/repos/{repo_path}/git/trees/{}?recursive=1",
                    utf8_percent_encode(&branch, SEGMENT)
                ),
            )?;
            if tree.truncated {
                notes.push(
                    "GitHub truncated the repository listing; some Markdown files may be missing"
                        .to_string(),
                );
            }
            let wanted = tree.tree.into_iter().filter(|entry| {
                entry.kind == "blob"
                    && is_markdown_path(&entry.path)
                    && is_safe_path(&entry.path)
                    && subdir
                        .as_deref()
                        .is_none_or(|dir| entry.path.starts_with(&format!("{dir}/")))
            });
            let mut files = Vec::new();
            for entry in wanted {
                let mut segments = vec![owner.clone(), repo.clone(), branch.clone()];
                segments.extend(entry.path.split('/').map(str::to_string));
                let url = format!("{raw}/{}", encoded_path(&segments));
                match http.get(&url, false, MAX_FILE_BYTES)? {
                    Some(bytes) => files.push(RemoteFile {
                        path: entry.path.clone(),
                        domain_path: entry.path,
                        bytes,
                    }),
                    None => {
                        notes.push(format!("{}: {}", entry.path, too_large(MAX_FILE_BYTES + 1)))
                    }
                }
            }
            if files.is_empty() {
                return Err(format!(
                    "the repository {owner}/{repo} (branch {branch}) holds no Markdown files"
                ));
            }
            Ok((files, notes))
        }
    }
}

fn is_markdown_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// Repository paths become listing names; refuse anything that is not a plain relative path.
fn is_safe_path(path: &str) -> bool {
    !path.starts_with('/')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_classified() {
        assert!(is_url("https://github.com/a/b"));
        assert!(is_url("HTTP://x.org/list.md"));
        assert!(!is_url("../shared/catalog"));
        assert_eq!(
            target(
                "https://github.com/xuyang-liu16/Awesome-Token-Reduction-for-Model-Compression/"
            )
            .unwrap(),
            Target::Repository {
                owner: "xuyang-liu16".into(),
                repo: "Awesome-Token-Reduction-for-Model-Compression".into(),
                branch: None,
                subdir: None,
            }
        );
        assert_eq!(
            target("https://github.com/o/r.git").unwrap(),
            Target::Repository {
                owner: "o".into(),
                repo: "r".into(),
                branch: None,
                subdir: None,
            }
        );
        assert_eq!(
            target("https://github.com/o/r/tree/main/Vision%20Domain").unwrap(),
            Target::Repository {
                owner: "o".into(),
                repo: "r".into(),
                branch: Some("main".into()),
                subdir: Some("Vision Domain".into()),
            }
        );
        let Target::File {
            url, domain_path, ..
        } = target("https://github.com/o/r/blob/main/Vision%20Domain/Understanding.md").unwrap()
        else {
            panic!("a blob URL is one file")
        };
        assert!(
            url.ends_with("/o/r/main/Vision%20Domain/Understanding.md"),
            "{url}"
        );
        assert_eq!(domain_path, "Vision Domain/Understanding.md");
        let Target::File { domain_path, .. } =
            target("https://raw.githubusercontent.com/o/r/main/Language%20Domain/list.md").unwrap()
        else {
            panic!("a raw URL is one file")
        };
        assert_eq!(domain_path, "Language Domain/list.md");
        let Target::File { domain_path, .. } =
            target("https://example.org/lists/papers.md").unwrap()
        else {
            panic!("a raw URL is one file")
        };
        assert_eq!(domain_path, "papers.md");
        assert!(target("https://github.com/only-owner").is_err());
        assert!(target("https://github.com/o/r/issues/3").is_err());
    }

    #[test]
    fn cache_path_is_stable_per_url() {
        let a = cache_path_for(Path::new("cache"), "https://github.com/o/r");
        let b = cache_path_for(Path::new("cache"), "https://github.com/o/r/");
        let c = cache_path_for(Path::new("cache"), "https://github.com/o/s");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.starts_with("cache/catalog"));
    }

    #[test]
    fn unsafe_repository_paths_are_refused() {
        assert!(is_safe_path("Vision Domain/Understanding.md"));
        assert!(!is_safe_path("../etc/passwd.md"));
        assert!(!is_safe_path("/abs.md"));
        assert!(!is_safe_path("a//b.md"));
    }

    #[test]
    fn cache_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let files = vec![RemoteFile {
            path: "Vision Domain/../x.md".into(),
            domain_path: "Vision Domain/x.md".into(),
            bytes: b"- **[1] A**\xff".to_vec(),
        }];
        write_cache(&cache, "https://github.com/o/r", &files).unwrap();
        assert_eq!(read_cache(&cache, "https://github.com/o/r"), Some(files));
        assert_eq!(read_cache(&cache, "https://github.com/o/other"), None);
        assert!(cache_path_for(dir.path(), "https://github.com/o/r").is_file());
    }
}
