//! `citegraph datasets ...`: Semantic Scholar's bulk datasets (S2AG), listed, downloaded into
//! the cache and kept current with the release diffs (`citegraph::datasets`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use citegraph::datasets::api::{DatasetsOptions, DATASETS};
use citegraph::datasets::command::DatasetsJob;

use super::values::{parse_api_url, parse_non_negative, parse_positive, parse_rate};
use super::{CacheDirArg, CatalogArgs, INPUT, NETWORK, OUTPUT};

#[derive(Debug, Subcommand)]
pub enum DatasetsCommand {
    /// List the releases of the bulk datasets, oldest first (no API key needed).
    Releases {
        #[command(flatten)]
        network: DatasetsNetworkArgs,
    },
    /// Download a release's shards into CACHE/datasets/RELEASE/DATASET/ (needs S2_API_KEY):
    /// resumable (a rerun continues where a cut left off), each shard verified (its size, then
    /// inflated whole) and moved into place complete or not at all; manifest.json is written
    /// when every shard of the dataset is there. A held shard whose size differs from the
    /// manifest's is downloaded again.
    Download {
        /// The release: a release id (`citegraph datasets releases`) or `latest`.
        #[arg(long, default_value = "latest", value_name = "RELEASE")]
        release: String,
        /// Also inflate every shard already held (as a download does) and download again the
        /// ones that are cut short or corrupt: the repair `datasets neighbourhood` names for a
        /// bad shard (reads every held byte: minutes a 100 GB, on every core).
        #[arg(long)]
        verify: bool,
        #[command(flatten)]
        datasets: DatasetListArg,
        #[command(flatten)]
        cache: CacheDirArg,
        #[command(flatten)]
        network: DatasetsNetworkArgs,
    },
    /// Bring the held datasets (the newest complete release in the cache) to the latest release
    /// with the release diffs (needs S2_API_KEY): each diff's updated records replace or join
    /// the held ones by key, then its deleted records are removed; the result becomes
    /// CACHE/datasets/LATEST/DATASET/ only when complete (a failed update leaves the held
    /// release as it was).
    Update {
        #[command(flatten)]
        datasets: DatasetListArg,
        #[command(flatten)]
        cache: CacheDirArg,
        #[command(flatten)]
        network: DatasetsNetworkArgs,
    },
    /// The catalogue's neighbourhood in the shards (the papers it cites and is cited by, and with
    /// --hops 2 theirs), written as a snapshot that `run --snapshot FILE --scope all` reads, with
    /// FILE.meta.json beside it (release, hops, counts). Reads the cache's newest release whose
    /// papers and citations are complete, or --datasets-dir DIR: no key, no network.
    Neighbourhood {
        #[command(flatten)]
        catalog: CatalogArgs,
        #[command(flatten)]
        cache: CacheDirArg,
        /// Shards you already have, laid out as DIR/papers/*.gz, DIR/citations/*.gz and
        /// (optional) DIR/paper-ids/*.gz, DIR/RELEASE holding the release id (optional).
        #[arg(long, value_name = "DIR", help_heading = INPUT)]
        datasets_dir: Option<PathBuf>,
        /// 1: the catalogue papers, what they cite and what cites them; 2: also what those
        /// cite and what cites those.
        #[arg(long, default_value_t = 2, value_name = "N",
              value_parser = clap::value_parser!(u8).range(1..=2), help_heading = OUTPUT)]
        hops: u8,
        /// Threads reading shards [default: one a core].
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256),
              help_heading = OUTPUT)]
        threads: Option<u64>,
        /// The snapshot to write (JSON Lines, one Graph API record a line).
        #[arg(short, long, value_name = "FILE", help_heading = OUTPUT)]
        out: PathBuf,
    },
}

/// Which datasets a command works on.
#[derive(Debug, Args)]
pub struct DatasetListArg {
    /// The datasets, comma-separated: `papers` (a record a paper), `citations` (a record a
    /// citation: hundreds of GB), `paper-ids` (every sha of a paper).
    #[arg(long = "dataset", value_delimiter = ',', value_name = "LIST",
          default_values = DATASETS, value_parser = clap::builder::PossibleValuesParser::new(DATASETS))]
    pub names: Vec<String>,
}

impl DatasetListArg {
    /// The names, each once, in the order given.
    fn unique(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for name in &self.names {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    }
}

/// How the datasets commands reach the Datasets API.
#[derive(Debug, Args)]
#[command(next_help_heading = NETWORK)]
pub struct DatasetsNetworkArgs {
    /// Base URL of the Datasets API (a mirror or a test server can stand in).
    #[arg(long, env = "S2_DATASETS_URL", value_name = "URL",
          default_value = citegraph::datasets::api::DEFAULT_DATASETS_URL, value_parser = parse_api_url)]
    pub datasets_url: String,
    /// Datasets API requests per second (the shard transfers are not counted).
    #[arg(long, value_name = "RATE", default_value_t = DatasetsOptions::default().rps,
          value_parser = parse_rate)]
    pub datasets_rps: f64,
    /// Shards downloaded at once.
    #[arg(long, value_name = "N", default_value_t = DatasetsOptions::default().parallel as u64,
          value_parser = clap::value_parser!(u64).range(1..=4))]
    pub parallel: u64,
    /// Retries of a request or a transfer after 429, 5xx, a timeout or a cut connection.
    #[arg(long, value_name = "N", default_value_t = DatasetsOptions::default().max_retries)]
    pub max_retries: u32,
    /// Seconds before the first retry; the wait doubles at each retry (a `Retry-After` wins).
    #[arg(long, value_name = "SECONDS", default_value_t = DatasetsOptions::default().retry_delay,
          value_parser = parse_non_negative)]
    pub retry_delay: f64,
    /// Seconds of silence before a request or a transfer is given up (and retried).
    #[arg(long, value_name = "SECONDS", default_value_t = DatasetsOptions::default().timeout,
          value_parser = parse_positive)]
    pub timeout: f64,
}

impl DatasetsNetworkArgs {
    fn options(&self, cache: Option<&CacheDirArg>, quiet: bool) -> DatasetsOptions {
        let defaults = DatasetsOptions::default();
        DatasetsOptions {
            base_url: self.datasets_url.clone(),
            cache_dir: cache.map_or(defaults.cache_dir, |c| c.cache_dir.clone()),
            rps: self.datasets_rps,
            max_retries: self.max_retries,
            retry_delay: self.retry_delay,
            timeout: self.timeout,
            parallel: usize::try_from(self.parallel).unwrap_or(1),
            progress: !quiet,
        }
    }
}

impl DatasetsCommand {
    /// The job, its options, and the catalogue's (`neighbourhood` only); `quiet` turns the
    /// progress bar off.
    pub fn job(
        &self,
        quiet: bool,
    ) -> (
        DatasetsJob,
        DatasetsOptions,
        Option<citegraph::catalog::CatalogOptions>,
    ) {
        let (job, options) = match self {
            DatasetsCommand::Neighbourhood {
                catalog,
                cache,
                datasets_dir,
                hops,
                threads,
                out,
            } => {
                let job = DatasetsJob::Neighbourhood {
                    datasets_dir: datasets_dir.clone(),
                    hops: *hops,
                    threads: threads.map(|n| usize::try_from(n).unwrap_or(1)),
                    out: out.clone(),
                };
                let options = DatasetsOptions {
                    cache_dir: cache.cache_dir.clone(),
                    progress: !quiet,
                    ..DatasetsOptions::default()
                };
                return (job, options, Some(catalog.options()));
            }
            DatasetsCommand::Releases { network } => {
                (DatasetsJob::Releases, network.options(None, quiet))
            }
            DatasetsCommand::Download {
                release,
                verify,
                datasets,
                cache,
                network,
            } => (
                DatasetsJob::Download {
                    release: release.clone(),
                    datasets: datasets.unique(),
                    verify: *verify,
                },
                network.options(Some(cache), quiet),
            ),
            DatasetsCommand::Update {
                datasets,
                cache,
                network,
            } => (
                DatasetsJob::Update {
                    datasets: datasets.unique(),
                },
                network.options(Some(cache), quiet),
            ),
        };
        (job, options, None)
    }
}
