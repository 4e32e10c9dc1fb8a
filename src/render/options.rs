//! The render stage's options, every closed choice an enum: which figures ([`FigureKind`]), in
//! which formats ([`FigureFormat`]), how `graph.dot` groups its nodes ([`DotLayout`]), and the
//! figure width's one valid range ([`WIDTH_RANGE`]). The command line (`src/cli.rs`) turns its
//! arguments into a [`RenderOptions`] once; an unknown name is refused there, at parse time, so
//! nothing here falls back to a default for a value it does not know.

use std::ops::RangeInclusive;

use super::charts::CalendarDate;

/// One survey figure, in the order of the report (`figures/NAME.*`, Fig. 1 to Fig. 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FigureKind {
    PapersPerYear,
    MechanismDomain,
    MechanismFlow,
    TopInfluential,
    InfluenceByMechanism,
    Communities,
    ClusterMap,
    CitationDistribution,
    Missing,
    Lineage,
    Bursts,
    Rpys,
}

impl FigureKind {
    /// Every figure, in the order of the report.
    pub const ALL: [FigureKind; 12] = [
        FigureKind::PapersPerYear,
        FigureKind::MechanismDomain,
        FigureKind::MechanismFlow,
        FigureKind::TopInfluential,
        FigureKind::InfluenceByMechanism,
        FigureKind::Communities,
        FigureKind::ClusterMap,
        FigureKind::CitationDistribution,
        FigureKind::Missing,
        FigureKind::Lineage,
        FigureKind::Bursts,
        FigureKind::Rpys,
    ];

    /// The figure's name: its file stem and its `--figures` value.
    pub const fn name(self) -> &'static str {
        match self {
            FigureKind::PapersPerYear => "papers-per-year",
            FigureKind::MechanismDomain => "mechanism-domain",
            FigureKind::MechanismFlow => "mechanism-flow",
            FigureKind::TopInfluential => "top-influential",
            FigureKind::InfluenceByMechanism => "influence-by-mechanism",
            FigureKind::Communities => "communities",
            FigureKind::ClusterMap => "cluster-map",
            FigureKind::CitationDistribution => "citation-distribution",
            FigureKind::Missing => "missing",
            FigureKind::Lineage => "lineage",
            FigureKind::Bursts => "bursts",
            FigureKind::Rpys => "rpys",
        }
    }

    /// The figure called `name` (ASCII case ignored, surrounding spaces trimmed); `None` for a
    /// name no figure has.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(name))
    }
}

/// Every figure name, in the order of the report ([`FigureKind::ALL`]'s names).
pub const FIGURE_NAMES: [&str; 12] = {
    let mut names = [""; 12];
    let mut i = 0;
    while i < names.len() {
        names[i] = FigureKind::ALL[i].name();
        i += 1;
    }
    names
};

/// A figure file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FigureFormat {
    /// SVG, sized in inches at 300 dpi; inlined in the report.
    Svg,
    /// PNG at 300 dpi.
    Png,
    /// Vector PDF with DejaVu Sans embedded, for LaTeX (converted from the SVG).
    Pdf,
}

impl FigureFormat {
    /// Every format, in the order a figure's files are listed and written.
    pub const ALL: [FigureFormat; 3] = [FigureFormat::Svg, FigureFormat::Png, FigureFormat::Pdf];

    /// The file extension, which is also the `--format` value.
    pub const fn extension(self) -> &'static str {
        match self {
            FigureFormat::Svg => "svg",
            FigureFormat::Png => "png",
            FigureFormat::Pdf => "pdf",
        }
    }
}

/// How `graph.dot` groups its nodes (`--dot-layout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DotLayout {
    /// One `rank=same` column a publication year, oldest left.
    #[default]
    Year,
    /// One `subgraph cluster_N` a detected community, laid out by `fdp`.
    Community,
}

/// The figure widths `--width` accepts, in pixels at 300 dpi: from 600 (2 in; below it 7.5 pt
/// labels have no room) to 20,000.
pub const WIDTH_RANGE: RangeInclusive<u32> = 600..=20_000;

/// Options of the render stage. The command line (`src/cli.rs`) fills it and checks every
/// choice at parse time; [`RenderOptions::default`] holds the defaults, written once.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// The figures to draw, in the report's order whatever the order here; empty draws all.
    pub figures: Vec<FigureKind>,
    /// The figure formats to write; empty writes all of them.
    pub format: Vec<FigureFormat>,
    /// Figure width in pixels at 300 dpi (1050 = 3.5 in, one column of a two-column paper);
    /// within [`WIDTH_RANGE`].
    pub width: u32,
    /// Add the top N missing papers to graph.dot as dashed nodes.
    pub with_missing: usize,
    /// How graph.dot groups its nodes.
    pub dot_layout: DotLayout,
    /// Write every catalogue paper and every edge to graph.dot; by default it holds the ~100
    /// papers that draw readably (see `dot_select`).
    pub dot_all: bool,
    /// Leave the `unspecified` mechanism (papers without a mechanism badge) out of every figure
    /// that shows mechanisms; each of them says so in its caption and in a note.
    pub hide_unspecified: bool,
    /// The day the figures take as today: Fig. 1 draws the bar of its year as partial ("to
    /// date"). `None` = the system clock's date (UTC).
    pub today: Option<CalendarDate>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            figures: FigureKind::ALL.to_vec(),
            format: FigureFormat::ALL.to_vec(),
            width: 1050,
            with_missing: 10,
            dot_layout: DotLayout::Year,
            dot_all: false,
            hide_unspecified: false,
            today: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_names_are_read_back() {
        for kind in FigureKind::ALL {
            assert_eq!(FigureKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(
            FigureKind::from_name(" Missing "),
            Some(FigureKind::Missing)
        );
        assert_eq!(FigureKind::from_name("foo"), None);
        assert_eq!(FIGURE_NAMES[0], "papers-per-year");
        assert_eq!(FIGURE_NAMES[11], "rpys");
    }
}
