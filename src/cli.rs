//! The command line: every clap type lives here and in this module's children, nowhere else
//! (ripgrep's `flags/`). Each subcommand flattens only the argument groups it uses, so its
//! `--help` lists only its own options, grouped under the headings Input, Network, Analysis,
//! Output and Logging and followed by examples (`help.rs`); every closed choice and every number
//! or URL is checked at parse time (`values.rs`), so a bad value is a usage error, status 2;
//! [`Cli::settings`] turns the parsed arguments once into the library's plain option structs,
//! whose `Default` impls hold the defaults (written once: the attributes below read them).
//! `completions` and `man` are generated from the same command (`docs.rs`).

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use clap::{Args, Parser, Subcommand, ValueEnum};

use citegraph::analysis::{
    AnalyzeOptions, CommunityNetwork, InfluenceScore, LinkWeight, PairPapers, ScopeRule,
};
use citegraph::catalog::CatalogOptions;
use citegraph::graph::Scope;
use citegraph::pipeline::Settings;
use citegraph::records::{Source, SourceSet};
use citegraph::render::{DotLayout, FigureFormat, FigureKind, RenderOptions, WIDTH_RANGE};
use citegraph::s2::{FetchOptions, RecordSource};
use citegraph::secondary::parse_sources;

/// The help headings the options are grouped under (`--help`, the man pages).
const INPUT: &str = "Input";
const NETWORK: &str = "Network";
const ANALYSIS: &str = "Analysis";
const OUTPUT: &str = "Output";
const LOGGING: &str = "Logging";

/// The exit codes, in `--help` of the top command and of the jobs that fetch or read records
/// (README, "Exit status"; `pipeline::EXIT_GAPS`, `citegraph::interrupt::EXIT_INTERRUPTED`).
const EXIT_STATUS: &str = "Exit status: 0 done; 1 failed (nothing written: the previous outputs \
are left as they were); 2 usage error; 3 done with gaps: the outputs are written, but some \
catalogue papers or lists could not be had this time (a request that failed for good, or not in \
the cache offline): unresolved.csv's status column says which, and a rerun asks for them again. \
A paper Semantic Scholar does not know is listed there as `unresolved`, not a gap. 130 \
interrupted (Ctrl-C; 143 for SIGTERM): the previous outputs are left as they were, what was \
fetched is kept in the cache.";

#[derive(Debug, Parser)]
#[command(
    name = "citegraph",
    version,
    about = "Citation graphs, influence metrics, survey figures and missing papers for awesome lists of research papers",
    long_about = None,
    propagate_version = true,
    after_help = EXIT_STATUS
)]
pub struct Cli {
    #[command(flatten)]
    pub leading: LeadingArgs,
    /// More log output (-v: debug, -vv: trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet",
          help_heading = LOGGING)]
    pub verbose: u8,
    /// Print nothing on success: only errors, on stderr.
    #[arg(short, long, global = true, help_heading = LOGGING)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

// One command is parsed once a process: the size of its largest variant (`run`, every group of
// options) costs nothing worth boxing it for.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the catalogue, write OUTPUT/catalog.json and OUTPUT/lint.csv and print a summary with
    /// the lint findings.
    Catalog {
        #[command(flatten)]
        catalog: CatalogArgs,
        #[command(flatten)]
        cache: CacheArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// Print every lint finding and reading warning, not only the first few.
        #[arg(long, help_heading = OUTPUT)]
        all_lint: bool,
    },
    /// Lint the catalogue alone (no Semantic Scholar), for a list's own CI: every finding with
    /// file:line, severity and a fix hint, on stdout.
    Lint {
        #[command(flatten)]
        catalog: CatalogArgs,
        #[command(flatten)]
        cache: CacheArgs,
        /// How to print the findings.
        #[arg(long, value_enum, default_value_t = LintFormatArg::Text, help_heading = OUTPUT)]
        format: LintFormatArg,
        /// Exit with status 1 when a finding of the chosen severities is found (`skipped`
        /// notes, what the walk left out, are printed but not counted).
        #[arg(long, help_heading = OUTPUT)]
        strict: bool,
        /// The severities printed (and counted by --strict).
        #[arg(
            long,
            value_enum,
            value_delimiter = ',',
            default_values_t = [SeverityArg::Error, SeverityArg::Warning, SeverityArg::Note],
            help_heading = OUTPUT
        )]
        severity: Vec<SeverityArg>,
    },
    /// Resolve every catalogue paper on Semantic Scholar and fetch its references and citations
    /// into the cache.
    #[command(after_help = EXIT_STATUS)]
    Fetch {
        #[command(flatten)]
        inputs: InputArgs,
        #[command(flatten)]
        api: ApiArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Snapshots: every cached record as one JSON Lines file, and back.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// Build the citation graph and compute influence and cluster metrics and missing papers
    /// (from the cache, or from --snapshot FILE; no request is made).
    #[command(after_help = EXIT_STATUS)]
    Analyze {
        #[command(flatten)]
        inputs: InputArgs,
        #[command(flatten)]
        analyze: AnalyzeArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        tables: TablesArgs,
    },
    /// How often the missing-paper suggestions are right: hold out a share of the catalogue,
    /// analyse as if never listed, and measure recall@k against two baselines (from the cache,
    /// or from --snapshot FILE; no request is made). Writes OUTPUT/evaluation.csv,
    /// OUTPUT/evaluation_papers.csv and OUTPUT/figures/evaluation.{svg,png,pdf}; when OUTPUT holds
    /// a run of the same catalogue, its metrics.json and report.html take the evaluation too.
    #[command(after_help = EXIT_STATUS)]
    Evaluate {
        #[command(flatten)]
        inputs: InputArgs,
        #[command(flatten)]
        analyze: AnalyzeArgs,
        #[command(flatten)]
        evaluate: EvaluateArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Turn OUTPUT/metrics.json into figures, DOT, GraphML, the report and the survey tables.
    Render {
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        render: RenderArgs,
    },
    /// The main job: catalog, fetch, analyze and render in one go.
    #[command(after_help = EXIT_STATUS)]
    Run {
        #[command(flatten)]
        inputs: InputArgs,
        #[command(flatten)]
        api: ApiArgs,
        #[command(flatten)]
        analyze: AnalyzeArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        render: RenderArgs,
        #[command(flatten)]
        tables: TablesArgs,
        #[command(flatten)]
        digest: DigestArgs,
        /// Also run the leave-one-out evaluation (as `citegraph evaluate`): evaluation.csv,
        /// figures/evaluation.*, a report section and a summary line.
        #[arg(long, help_heading = ANALYSIS)]
        evaluate: bool,
        #[command(flatten)]
        evaluation: EvaluateArgs,
    },
    /// Compare two runs' outputs (their metrics.json and catalog.json) and write digest.json and
    /// digest.md into NEW (or --output-dir): new citing papers, newly missing papers, rank and
    /// venue changes, new lint findings, papers no longer resolved, catalogue changes.
    Diff {
        /// The earlier run's output directory (or a folder under its history/).
        old: PathBuf,
        /// The later run's output directory.
        new: PathBuf,
        /// Where to write the digest [default: NEW].
        #[arg(long, value_name = "DIR", help_heading = OUTPUT)]
        output_dir: Option<PathBuf>,
        #[command(flatten)]
        digest: DigestArgs,
    },
    /// Semantic Scholar's bulk datasets (S2AG): list the releases, download shards into the
    /// cache, bring them up to date with the release diffs.
    #[command(subcommand)]
    Datasets(DatasetsCommand),
    /// Print a completion script for SHELL on stdout.
    Completions {
        /// The shell the script is for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print citegraph's manual page (roff) on stdout, or write it and one page per subcommand
    /// (citegraph-run.1, ...) into --out DIR.
    Man {
        /// Write citegraph.1 and one page per subcommand into this directory.
        #[arg(long, value_name = "DIR", help_heading = OUTPUT)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Write every cached record as JSON Lines, one paper a line (the form of world.jsonl); with
    /// --source openalex or opencitations, that source's cached answers for the catalogue, one
    /// catalogue paper a line with a `source` field.
    Export {
        /// The file to write.
        file: PathBuf,
        /// Whose answers: `s2` (Semantic Scholar's records), `openalex` or `opencitations`.
        #[arg(long, default_value = "s2", value_name = "SOURCE", value_parser = parse_source)]
        source: Source,
        #[command(flatten)]
        catalog: CatalogArgs,
        #[command(flatten)]
        cache: CacheDirArg,
    },
    /// Fill the cache from a snapshot, for this catalogue: afterwards `--offline` runs and
    /// `analyze` find the same records as `--snapshot FILE` gives. A secondary source's snapshot
    /// (`snapshot export --source`) is kept for them in the same way.
    Import {
        /// The JSON Lines snapshot to read.
        file: PathBuf,
        #[command(flatten)]
        catalog: CatalogArgs,
        #[command(flatten)]
        cache: CacheArgs,
    },
}

/// What the stages that read records take: the list, where files go, and where records come
/// from (`fetch`, `analyze`, `run`).
#[derive(Debug, Args)]
pub struct InputArgs {
    #[command(flatten)]
    pub catalog: CatalogArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub lists: ListArgs,
}

impl InputArgs {
    /// Sets the input settings and the output directory (`output`, flattened by each command
    /// after its analysis options, so that `--help` lists Input, Network, Analysis, Output).
    fn apply(&self, output: &OutputArgs, settings: &mut Settings) {
        settings.locations.cache_dir = self.cache.dir.cache_dir.clone();
        settings.locations.offline = self.cache.offline;
        settings.locations.output_dir = output.output_dir.clone();
        settings.catalog = self.catalog.options();
        settings.source = self.source.source();
        if let Some(sources) = self.source.source_list {
            settings.sources.sources = sources;
            settings.sources.chosen = true;
        }
        settings.sources.fill_only = self.source.source_scope == SourceScope::Gaps;
        for (source, path) in &self.source.source_snapshot {
            settings.sources.sources.insert(*source);
            settings.sources.snapshots.push((*source, path.clone()));
        }
        self.lists.apply(&mut settings.fetch);
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = INPUT)]
pub struct CatalogArgs {
    /// A Markdown file, a directory (walked for *.md), a GitHub repository URL or a raw file URL.
    /// Repeat to read several. May stand before the subcommand instead, not in both places.
    #[arg(long = "catalog", value_name = "SRC", default_value = citegraph::catalog::DEFAULT_CATALOG)]
    pub sources: Vec<String>,
    /// A TOML file of extra mechanism aliases (`[aliases]` "Label" = "Canonical"; labels that are
    /// not mechanisms: `not_mechanisms = ["Label", ...]`, in `[aliases]` or at the top level).
    #[arg(long, value_name = "FILE")]
    pub mechanisms: Option<PathBuf>,
    /// Do not read these files or folders of a catalogue directory: a glob matched as in
    /// .gitignore (without `/`: a name at any depth, `CHANGELOG.md`, `drafts`; with `/`: a path
    /// from the walked directory, `Other Domain/*.md`; a trailing `/`: folders only). Repeat for
    /// several. Besides what the walk never reads (citegraph's own output and cache directories,
    /// docs/ and template folders, contributing guides, templates of placeholder entries).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<citegraph::catalog::ExcludeGlob>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = INPUT)]
pub struct CacheDirArg {
    /// Where fetched records (and downloaded catalogues) are kept between runs.
    #[arg(long, default_value = "cache", value_name = "DIR")]
    pub cache_dir: PathBuf,
}

#[derive(Debug, Args)]
#[command(next_help_heading = INPUT)]
pub struct CacheArgs {
    #[command(flatten)]
    pub dir: CacheDirArg,
    /// No network at all: everything must come from files or the cache.
    #[arg(long, help_heading = NETWORK)]
    pub offline: bool,
}

/// How `run` and `diff` write the digest.
#[derive(Debug, Args)]
#[command(next_help_heading = OUTPUT)]
pub struct DigestArgs {
    /// digest.md at most this many characters, as GitHub counts an issue body (4000 to 65536):
    /// the most important changes first, a cut section ending "And N more in digest.json".
    /// The default is GitHub's limit, 65536, less 1536 for what a workflow adds to the body.
    #[arg(long, default_value_t = citegraph::watch::DIGEST_MAX_CHARS as u64, value_name = "CHARS",
          value_parser = clap::value_parser!(u64).range(
              citegraph::watch::MIN_DIGEST_CHARS as u64..=citegraph::watch::GITHUB_ISSUE_BODY_CHARS as u64))]
    pub digest_max_chars: u64,
}

impl DigestArgs {
    fn options(&self) -> citegraph::watch::DigestOptions {
        citegraph::watch::DigestOptions {
            max_chars: usize::try_from(self.digest_max_chars).unwrap_or(usize::MAX),
        }
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = OUTPUT)]
pub struct OutputArgs {
    /// Where the tool writes its outputs (swapped in whole at the end of a run).
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub output_dir: PathBuf,
}

/// A closed choice of the command line: a clap `ValueEnum` (its variants' docs are the help of
/// the values) and its conversion into the library's enum of the same variants, so each choice's
/// values are spelled once here (the library's types know nothing of clap, as ripgrep's low-level
/// arguments stay in `flags/`). A variant the library lacks is a compile error.
macro_rules! choice {
    ($(#[$meta:meta])* $arg:ident => $library:ty { $($(#[$variant_meta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
        pub enum $arg {
            $($(#[$variant_meta])* $variant),+
        }

        impl From<$arg> for $library {
            fn from(choice: $arg) -> Self {
                match choice {
                    $($arg::$variant => Self::$variant),+
                }
            }
        }
    };
}

/// `--source-scope`: which catalogue papers the secondary sources are asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceScope {
    /// Those Semantic Scholar leaves thin: unresolved, an empty or unread list.
    Gaps,
    /// Every catalogue paper: the completeness audit.
    All,
}

choice! {
    /// `--scope`.
    ScopeArg => Scope {
        /// The edges that touch a catalogue paper.
        Catalog,
        /// Every edge the records hold (a large snapshot).
        All,
    }
}

choice! {
    /// `--communities`.
    CommunitiesArg => CommunityNetwork {
        /// The undirected citation graph, each edge once, self-citations dropped.
        Citation,
        /// Papers linked by their co-citation counts (what CiteSpace and VOSviewer cluster).
        Cocitation,
        /// Papers linked by the references they share.
        Coupling,
    }
}

choice! {
    /// `--weight`.
    WeightArg => LinkWeight {
        /// Every citation weighs 1.
        Citations,
        /// A citation weighs 1, +1 with a methodology intent, +1 when Semantic Scholar flags it
        /// influential (PageRank and HITS).
        Intents,
    }
}

choice! {
    /// `--influence`.
    InfluenceArg => InfluenceScore {
        /// 0.40 PageRank + 0.25 catalogue citations + 0.15 authority + 0.10 betweenness + 0.10
        /// global citations (percentiles among the catalogue papers).
        Classic,
        /// The same terms, each first a z-score among the catalogue papers published closest
        /// in time (Mariani, Medo & Zhang's rescaling): a paper against its own cohort.
        AgeFair,
    }
}

choice! {
    /// `--scope-rule`.
    ScopeRuleArg => ScopeRule {
        /// The rate against catalogue papers of the same count and age, breadth across the
        /// list's mechanisms, and field signals (README "Scope").
        Signals,
        /// The earlier rule, for comparison: the field lift against the catalogue's pooled rate.
        FieldRate,
    }
}

choice! {
    /// `--pair-papers`.
    PairPapersArg => PairPapers {
        /// Every paper of the graph.
        All,
        /// Catalogue papers only.
        Catalog,
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = ANALYSIS)]
pub struct AnalyzeArgs {
    /// Which edges make the graph.
    #[arg(long, value_enum, default_value_t = ScopeArg::Catalog)]
    pub scope: ScopeArg,
    /// Graphs with at most this many nodes get exact betweenness; larger ones are sampled.
    #[arg(long, default_value_t = AnalyzeOptions::default().betweenness_exact_limit, value_name = "NODES")]
    pub betweenness_exact_limit: usize,
    /// Source nodes (pivots) of sampled betweenness [default: as many as fit about 2e8 edge
    /// visits, between 32 and 4096].
    #[arg(long, value_name = "K")]
    pub betweenness_k: Option<usize>,
    /// Seed of the random choices: betweenness pivots, Leiden's node orders and the held-out
    /// samples of `evaluate` (the scope rule's chance draws use a fixed seed: the suggestions do
    /// not depend on it).
    #[arg(long, default_value_t = AnalyzeOptions::default().seed, value_name = "N")]
    pub seed: u64,
    /// Leiden runs (seeds derived from --seed, run in parallel), the best modularity kept
    /// [default: 8 up to 50,000 citation links, else 2].
    #[arg(long, value_name = "N")]
    pub community_trials: Option<usize>,
    /// Leiden's modularity resolution gamma: above 1 gives more, smaller communities.
    #[arg(long, default_value_t = AnalyzeOptions::default().resolution, value_name = "GAMMA",
          value_parser = parse_positive)]
    pub resolution: f64,
    /// The network the communities are found in.
    #[arg(long, value_enum, default_value_t = CommunitiesArg::Citation)]
    pub communities: CommunitiesArg,
    /// Co-citation and coupling pairs counted fewer times are left out of cocitation.csv and
    /// coupling.csv.
    #[arg(long, default_value_t = AnalyzeOptions::default().pair_min_count, value_name = "N")]
    pub pair_min_count: u32,
    /// At most this many pairs per table: beyond it the count threshold is raised (and the
    /// summary says so); 0 for no bound.
    #[arg(long, default_value_t = AnalyzeOptions::default().max_pairs, value_name = "N")]
    pub max_pairs: usize,
    /// The papers whose pairs are listed (the counts always run over the whole graph).
    #[arg(long, value_enum, default_value_t = PairPapersArg::All)]
    pub pair_papers: PairPapersArg,
    /// How citations weigh in PageRank and HITS.
    #[arg(long, value_enum, default_value_t = WeightArg::Citations)]
    pub weight: WeightArg,
    /// Which composite influence score ranks the catalogue papers (influential.csv, Figs. 4
    /// and 5, the report).
    #[arg(long, value_enum, default_value_t = InfluenceArg::Classic)]
    pub influence: InfluenceArg,
    /// A paper outside the catalogue is a foundation when at least N distinct catalogue papers
    /// cite it, a candidate when it cites at least N.
    #[arg(long, default_value_t = AnalyzeOptions::default().min_catalog_links, value_name = "N")]
    pub min_catalog_links: usize,
    /// Rows of missing.csv per kind (foundation, candidate); 0 for all.
    #[arg(long, default_value_t = AnalyzeOptions::default().missing_limit, value_name = "N")]
    pub missing_limit: usize,
    /// Top papers listed per mechanism and domain, influential papers per mechanism, and missing
    /// papers of each kind kept in the core graph for the figures.
    #[arg(long, default_value_t = AnalyzeOptions::default().top_n, value_name = "N")]
    pub top_n: usize,
    /// Coverage: papers linked to at least K catalogue papers of a mechanism count as its
    /// neighbourhood.
    #[arg(long, default_value_t = AnalyzeOptions::default().coverage_k, value_name = "K")]
    pub coverage_k: usize,
    /// Tag lint: only papers with at least N catalogue neighbours are judged.
    #[arg(long, default_value_t = AnalyzeOptions::default().lint_min_neighbours, value_name = "N")]
    pub lint_min_neighbours: usize,
    /// How a missing paper is scoped (in the field or its background).
    #[arg(long, value_enum, default_value_t = ScopeRuleArg::Signals)]
    pub scope_rule: ScopeRuleArg,
    /// A missing paper is below its peers when its peer lift (the catalogue's share of its
    /// citations or references, over that share among the catalogue papers of its count and
    /// age; with --scope-rule field-rate, among all of them) is below X ...
    #[arg(long, default_value_t = AnalyzeOptions::default().scope_min_lift, value_name = "X",
          value_parser = parse_non_negative)]
    pub scope_min_lift: f64,
    /// ... and its log-likelihood ratio G2 against that share is at least X (10.83: p < 0.001).
    #[arg(long, default_value_t = AnalyzeOptions::default().scope_min_llr, value_name = "X",
          value_parser = parse_non_negative)]
    pub scope_min_llr: f64,
    /// Up to N more requests (one list each, cached) so that the missing papers whose scope
    /// evidence is thin are judged on their neighbourhood's links: the citers of a foundation,
    /// the references of a candidate (`analyze` reads cached lists only; 0 turns it off).
    #[arg(long, default_value_t = AnalyzeOptions::default().expand, value_name = "N")]
    pub expand: usize,
    /// Key-route main paths of the lineage: one through each of the top K edges by search path
    /// count.
    #[arg(long, default_value_t = AnalyzeOptions::default().key_routes, value_name = "K")]
    pub key_routes: usize,
}

choice! {
    /// `citegraph lint --format`.
    LintFormatArg => citegraph::render::lint_report::LintFormat {
        /// `file:line: severity[kind]: message`, one a line; each kind's `help[kind]: fix` once,
        /// after its last finding.
        Text,
        /// The columns of lint.csv.
        Csv,
        /// An array of objects with the same fields.
        Json,
        /// GitHub Actions annotations (`::error file=...,line=...,title=...::message`), each
        /// kind's fix once at the end.
        Github,
    }
}

choice! {
    /// `citegraph lint --severity`.
    SeverityArg => citegraph::catalog::Severity {
        Error,
        Warning,
        Note,
    }
}

choice! {
    /// `--format`.
    FormatArg => FigureFormat {
        Svg,
        Png,
        /// Vector PDF with the font embedded, for LaTeX.
        Pdf,
    }
}

choice! {
    /// `--dot-layout`.
    DotLayoutArg => DotLayout {
        /// Papers of one year on one rank.
        Year,
        /// One cluster per community.
        Community,
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = OUTPUT)]
pub struct RenderArgs {
    /// Figures to draw: `all`, or a comma-separated list of figure names.
    #[arg(long, default_value = "all", value_delimiter = ',', value_name = "NAMES",
          value_parser = PossibleValuesParser::new(figure_choices()).map(|name| FigureKind::from_name(&name)))]
    pub figures: Vec<Option<FigureKind>>,
    /// Figure formats.
    #[arg(long, value_enum, default_values_t = [FormatArg::Svg, FormatArg::Png, FormatArg::Pdf], value_delimiter = ',')]
    pub format: Vec<FormatArg>,
    /// Figure width in pixels at 300 dpi, 600-20000 (1050 = 3.5 in, one column of a two-column
    /// paper; below 600 = 2 in, 7.5 pt labels have no room).
    #[arg(long, default_value_t = RenderOptions::default().width, value_name = "PX",
          value_parser = clap::value_parser!(u32).range(i64::from(*WIDTH_RANGE.start())..=i64::from(*WIDTH_RANGE.end())))]
    pub width: u32,
    /// Add the top N missing papers to graph.dot as dashed nodes.
    #[arg(long, default_value_t = RenderOptions::default().with_missing, value_name = "N")]
    pub with_missing: usize,
    /// Group the DOT graph by year (rank=same) or by community (clusters).
    #[arg(long, value_enum, default_value_t = DotLayoutArg::Year)]
    pub dot_layout: DotLayoutArg,
    /// Write every catalogue paper and every edge to graph.dot (by default it holds the ~100
    /// most influential papers per mechanism and their connectors, edges transitively reduced).
    #[arg(long)]
    pub dot_all: bool,
    /// Leave Unspecified (papers without a mechanism badge) out of every figure that shows
    /// mechanisms; each figure says so in its caption and a note.
    #[arg(long)]
    pub hide_unspecified: bool,
    /// The date the figures take as today (default: the system clock, UTC): Fig. 1 draws that
    /// year's bar as partial, "to date".
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<citegraph::render::charts::CalendarDate>,
}

/// `all` and every figure of the registry.
fn figure_choices() -> Vec<&'static str> {
    let mut names = vec!["all"];
    names.extend(FigureKind::ALL.map(FigureKind::name));
    names
}

impl CatalogArgs {
    fn options(&self) -> CatalogOptions {
        CatalogOptions {
            sources: self.sources.clone(),
            mechanisms: self.mechanisms.clone(),
            exclude: self.exclude.clone(),
        }
    }
}

/// `$ty { ... }` from `$args`: the fields named in `same [...]` are copied as they are (the clap
/// field and the library field share name and type), the others are given after `;`, converted.
/// A struct literal without `..`, so a field added to the library struct and not to the command
/// line is a compile error here, not a silent default.
macro_rules! options_from {
    ($args:expr => $ty:ident { same [$($same:ident),* $(,)?]; $($field:ident: $value:expr),* $(,)? }) => {
        $ty {
            $($same: $args.$same,)*
            $($field: $value,)*
        }
    };
}

impl AnalyzeArgs {
    fn options(&self) -> AnalyzeOptions {
        options_from!(self => AnalyzeOptions {
            same [
                betweenness_exact_limit, betweenness_k, seed, community_trials, resolution,
                pair_min_count, max_pairs, min_catalog_links, missing_limit, top_n, coverage_k,
                lint_min_neighbours, key_routes, scope_min_lift, scope_min_llr, expand,
            ];
            scope: self.scope.into(),
            scope_rule: self.scope_rule.into(),
            communities: self.communities.into(),
            pair_papers: self.pair_papers.into(),
            weight: self.weight.into(),
            influence: self.influence.into(),
        })
    }
}

impl RenderArgs {
    fn options(&self) -> RenderOptions {
        options_from!(self => RenderOptions {
            same [width, with_missing, dot_all, hide_unspecified, today];
            // `all` (None) among the names asks for every figure.
            figures: if self.figures.contains(&None) {
                FigureKind::ALL.to_vec()
            } else {
                self.figures.iter().flatten().copied().collect()
            },
            format: self.format.iter().map(|&f| f.into()).collect(),
            dot_layout: self.dot_layout.into(),
        })
    }
}

/// What one subcommand does, with its settings.
#[derive(Debug)]
pub enum Job {
    Catalog(citegraph::catalog::SummaryOptions),
    Lint(citegraph::render::lint_report::LintOptions),
    Fetch,
    SnapshotExport(PathBuf, Source),
    SnapshotImport(PathBuf),
    Analyze,
    Evaluate,
    Render,
    Run,
    Diff {
        old: PathBuf,
        new: PathBuf,
    },
    /// `completions` and `man`: no settings, no files of a run ([`docs::run`]).
    Docs(docs::Docs),
    /// `datasets ...`: its own options (the cache directory is `Settings::locations`').
    Datasets(
        citegraph::datasets::command::DatasetsJob,
        citegraph::datasets::api::DatasetsOptions,
    ),
}

impl Cli {
    /// Parses `args` (the program name first). An option's value may be a negative number, so
    /// that `--expand -1` is refused as an invalid value of `--expand` rather than as an unknown
    /// argument `-1` (clap's default). Errors: clap's, for the caller to print.
    pub fn try_parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::FromArgMatches;
        let mut command = Cli::full_command();
        let matches = command.try_get_matches_from_mut(args)?;
        refuse_given_twice(&mut command, &matches)?;
        evaluate::refuse_evaluation_without_evaluate(&mut command, &matches)?;
        tables::refuse_tables_without_csv(&mut command, &matches)?;
        Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))
    }

    /// The clap command as parsing, `completions` and `man` see it: the derived one, with the
    /// examples of every subcommand ([`help::with_examples`]), and an option's value allowed to
    /// be a negative number.
    pub fn full_command() -> clap::Command {
        use clap::CommandFactory;
        fn negatives(command: clap::Command) -> clap::Command {
            command
                .mut_args(|arg| {
                    if arg.get_action().takes_values() {
                        arg.allow_negative_numbers(true)
                    } else {
                        arg
                    }
                })
                .mut_subcommands(negatives)
        }
        negatives(help::with_examples(Cli::command()))
    }

    /// [`Cli::try_parse_args`] on the process's arguments; on an error, prints it and exits as
    /// clap does (status 2; 0 for `--help` and `--version`).
    pub fn parse_args() -> Cli {
        Cli::try_parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }

    /// The job and its settings (the library's plain option structs), from the parsed arguments.
    pub fn settings(&self) -> (Job, Settings) {
        let mut settings = Settings::default();
        let mut locations = |cache: Option<&CacheArgs>, output: Option<&OutputArgs>| {
            if let Some(cache) = cache {
                settings.locations.cache_dir = cache.dir.cache_dir.clone();
                settings.locations.offline = cache.offline;
            }
            if let Some(output) = output {
                settings.locations.output_dir = output.output_dir.clone();
            }
        };
        let job = match &self.command {
            Command::Catalog {
                catalog,
                cache,
                output,
                all_lint,
            } => {
                locations(Some(cache), Some(output));
                settings.catalog = catalog.options();
                Job::Catalog(citegraph::catalog::SummaryOptions {
                    all_lint: *all_lint,
                })
            }
            Command::Lint {
                catalog,
                cache,
                format,
                strict,
                severity,
            } => {
                locations(Some(cache), None);
                settings.catalog = catalog.options();
                Job::Lint(citegraph::render::lint_report::LintOptions {
                    format: (*format).into(),
                    severities: severity.iter().map(|&s| s.into()).collect(),
                    strict: *strict,
                })
            }
            Command::Fetch {
                inputs,
                api,
                output,
            } => {
                inputs.apply(output, &mut settings);
                api.apply(&mut settings.fetch);
                api.apply_sources(&mut settings.sources);
                settings.sources.settle(&settings.fetch.api_url);
                Job::Fetch
            }
            Command::Snapshot(SnapshotCommand::Export {
                file,
                source,
                catalog,
                cache,
            }) => {
                settings.locations.cache_dir = cache.cache_dir.clone();
                settings.catalog = catalog.options();
                Job::SnapshotExport(file.clone(), *source)
            }
            Command::Snapshot(SnapshotCommand::Import {
                file,
                catalog,
                cache,
            }) => {
                locations(Some(cache), None);
                settings.catalog = catalog.options();
                Job::SnapshotImport(file.clone())
            }
            Command::Analyze {
                inputs,
                analyze,
                output,
                tables,
            } => {
                inputs.apply(output, &mut settings);
                settings.parquet = tables.parquet();
                // The analysis takes the lists the cache holds, with or without link details.
                settings.fetch.link_details = false;
                settings.analyze = analyze.options();
                Job::Analyze
            }
            Command::Evaluate {
                inputs,
                analyze,
                evaluate,
                output,
            } => {
                inputs.apply(output, &mut settings);
                settings.fetch.link_details = false;
                settings.analyze = analyze.options();
                settings.evaluate = Some(evaluate.settings());
                Job::Evaluate
            }
            Command::Render { output, render } => {
                locations(None, Some(output));
                settings.render = render.options();
                Job::Render
            }
            Command::Run {
                inputs,
                api,
                analyze,
                output,
                render,
                tables,
                digest,
                evaluate,
                evaluation,
            } => {
                settings.parquet = tables.parquet();
                inputs.apply(output, &mut settings);
                api.apply(&mut settings.fetch);
                api.apply_sources(&mut settings.sources);
                settings.sources.settle(&settings.fetch.api_url);
                settings.analyze = analyze.options();
                settings.render = render.options();
                settings.digest = digest.options();
                settings.evaluate = evaluate.then(|| evaluation.settings());
                Job::Run
            }
            Command::Datasets(command) => {
                let (job, options, catalog) = command.job(self.quiet);
                settings.locations.cache_dir = options.cache_dir.clone();
                if let Some(catalog) = catalog {
                    settings.catalog = catalog;
                }
                Job::Datasets(job, options)
            }
            Command::Completions { shell } => Job::Docs(docs::Docs::Completions(*shell)),
            Command::Man { out } => Job::Docs(docs::Docs::Man(out.clone())),
            Command::Diff {
                old,
                new,
                output_dir,
                digest,
            } => {
                settings.locations.output_dir = output_dir.clone().unwrap_or_else(|| new.clone());
                settings.digest = digest.options();
                Job::Diff {
                    old: old.clone(),
                    new: new.clone(),
                }
            }
        };
        self.leading.apply(&mut settings);
        (job, settings)
    }
}

/// The Network options and the lists' contents (`cli/network.rs`).
mod network;
pub use network::{ApiArgs, ListArgs, SourceArgs};
/// The evaluation's options, in a file of their own (`cli/evaluate.rs`).
mod evaluate;
pub use evaluate::EvaluateArgs;
/// `--tables` (`cli/tables.rs`).
mod tables;
pub use tables::TablesArgs;
/// `datasets releases|download|update|neighbourhood`.
mod datasets;
use datasets::DatasetsCommand;
/// `completions` and `man`.
pub mod docs;
/// The location options before the subcommand.
mod leading;
use leading::refuse_given_twice;
pub use leading::LeadingArgs;
/// The examples of every `--help`.
mod help;
/// The value parsers that check what clap's own do not.
mod values;
use values::{
    parse_api_url, parse_date, parse_non_negative, parse_openalex_rps, parse_per_minute,
    parse_positive, parse_rate, parse_source, parse_source_snapshot,
};

/// Parsing tests, in a file of their own (`cli/tests.rs`).
#[cfg(test)]
mod tests;
