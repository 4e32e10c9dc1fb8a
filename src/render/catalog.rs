//! `OUTPUT/catalog.json`: the whole [`Catalog`] (papers with their listings, lint findings,
//! reading warnings), pretty-printed so a diff between two runs reads line by line.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::catalog::Catalog;
use crate::fsutil::write_atomic;

/// Writes `OUTPUT/catalog.json` and returns its path.
pub fn write_catalog(catalog: &Catalog, output_dir: &Path) -> Result<PathBuf> {
    let path = output_dir.join("catalog.json");
    let mut json = serde_json::to_vec_pretty(catalog).context("cannot serialize the catalogue")?;
    json.push(b'\n');
    write_atomic(&path, &json).with_context(|| {
        format!(
            "cannot write {}; check that --output-dir is writable",
            path.display()
        )
    })?;
    Ok(path)
}
