//! How the figures spend their width and name what they hide: Fig. 8 names an uncertain
//! prediction and `--hide-unspecified` leaves it out; the lineage labels are whole words;
//! at two columns (2100 px) the lists show more rows and legends go beside the plot.

use crate::render_support::{self, sample};

use citegraph::analysis::time::{CitationBurst, LineageEdge};
use citegraph::analysis::{Analysis, MissingKind, MissingScope, UNCERTAIN};
use citegraph::render::charts::{self, Figure, Palette};
use citegraph::render::{RenderOptions, View};
use sample::sample_analysis;

fn draw(analysis: &Analysis, name: &str, width: u32, hide_unspecified: bool) -> Figure {
    let options = RenderOptions {
        figures: render_support::figure_kinds(&[name]),
        format: vec![citegraph::render::FigureFormat::Svg],
        width,
        hide_unspecified,
        ..RenderOptions::default()
    };
    let mut figures = charts::draw_figures(&View::new(analysis, &options)).unwrap();
    assert_eq!(figures.len(), 1);
    figures.remove(0)
}

#[derive(Debug, Clone)]
struct Text {
    text: String,
    x: f64,
    y: f64,
}

fn texts(figure: &Figure) -> Vec<Text> {
    let raw = figure.svg.as_deref().unwrap();
    let doc = roxmltree::Document::parse(raw).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| Text {
            text: n.text().unwrap_or("").trim().to_string(),
            x: n.attribute("x").unwrap().parse().unwrap(),
            y: n.attribute("y").unwrap().parse().unwrap(),
        })
        .collect()
}

/// Texts that end with a year in parentheses: the labels of papers in a list.
fn year_labels(figure: &Figure) -> Vec<Text> {
    texts(figure)
        .into_iter()
        .filter(|t| {
            let tail: Vec<char> = t.text.chars().rev().take(6).collect();
            tail.len() == 6
                && tail[0] == ')'
                && tail[5] == '('
                && tail[1..5].iter().all(|c| c.is_ascii_digit())
        })
        .collect()
}

/// The in-scope missing papers of a kind, best first.
fn ranked_missing(analysis: &Analysis, kind: MissingKind) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..analysis.missing.len())
        .filter(|&i| {
            let m = &analysis.missing[i];
            m.kind == kind && m.scope == MissingScope::InScope && m.score.is_finite()
        })
        .collect();
    idx.sort_by(|&a, &b| {
        analysis.missing[b]
            .score
            .total_cmp(&analysis.missing[a].score)
    });
    idx
}

#[test]
fn fig8_names_uncertain_and_hide_unspecified_leaves_it_out() {
    let mut analysis = sample_analysis();
    // The best foundation is uncertain, the second has neighbours without a badge, the best
    // candidate is uncertain too.
    let foundations = ranked_missing(&analysis, MissingKind::Foundation);
    let candidates = ranked_missing(&analysis, MissingKind::Candidate);
    assert!(foundations.len() >= 10 && candidates.len() >= 10);
    analysis.missing[foundations[0]].predicted_mechanism = UNCERTAIN.to_string();
    analysis.missing[foundations[1]].predicted_mechanism = "unspecified".to_string();
    analysis.missing[candidates[0]].predicted_mechanism = UNCERTAIN.to_string();
    // The third candidate's mechanism is one past the eight named ones.
    let palette = Palette::new(&analysis);
    let tail = palette
        .groups
        .iter()
        .find(|g| g.label == "Other")
        .expect("the sample has more than eight mechanisms")
        .members[0]
        .clone();
    analysis.missing[candidates[2]].predicted_mechanism = tail;
    // The candidates have short titles, the foundations long ones: the panels' labels differ
    // in width.
    for (k, &i) in candidates.iter().enumerate() {
        analysis.missing[i].title = format!("Short study {k}");
    }
    let without_mechanism = [foundations[0], foundations[1], candidates[0]];
    let no_mechanism = |i: &usize| {
        let p = analysis.missing[*i].predicted_mechanism.as_str();
        p == UNCERTAIN || p == "unspecified"
    };
    // Those the figure passes over while it takes the first 10 with a mechanism of each kind.
    let passed_over: usize = [&foundations, &candidates]
        .iter()
        .map(|ranked| {
            let tenth = ranked
                .iter()
                .enumerate()
                .filter(|(_, i)| !no_mechanism(i))
                .nth(9)
                .map_or(ranked.len(), |(k, _)| k);
            ranked[..tenth].iter().filter(|i| no_mechanism(i)).count()
        })
        .sum();
    assert!(passed_over >= 3);

    let shown = draw(&analysis, "missing", 1050, false);
    let words: Vec<String> = texts(&shown).into_iter().map(|t| t.text).collect();
    assert!(words.iter().any(|w| w == "Other mechanisms"), "{words:?}");
    // Uncertain has a legend entry of its own, named as such (not folded into "Other").
    assert!(
        words.iter().any(|w| w.starts_with("Uncertain")),
        "{words:?}"
    );
    assert!(words.iter().any(|w| w == "Unspecified"), "{words:?}");
    // Mechanisms past the named ones are "Other mechanisms", apart from the uncertain ones.
    assert!(!words.iter().any(|w| w == "Other"), "{words:?}");
    assert!(shown.caption.contains("uncertain"), "{}", shown.caption);
    // The uncertain bars are hatched: diagonal strokes drawn in the bar list.
    let svg = shown.svg.as_deref().unwrap();
    assert!(svg.contains("<polyline") || svg.contains("<line"));
    assert_eq!(year_labels(&shown).len(), 20);
    // The two panels' value axes start at the same x (their "0" ticks), at both widths.
    for width in [1050, 2100] {
        // Tick rows: three or more numbers on one line; each row's first tick is at 0.
        let mut rows: std::collections::BTreeMap<i64, Vec<f64>> = Default::default();
        for t in texts(&draw(&analysis, "missing", width, false)) {
            if t.text.parse::<f64>().is_ok() {
                rows.entry(t.y.round() as i64).or_default().push(t.x);
            }
        }
        let zeros: Vec<f64> = rows
            .values()
            .filter(|xs| xs.len() >= 3)
            .map(|xs| xs.iter().copied().fold(f64::INFINITY, f64::min))
            .collect();
        assert_eq!(zeros.len(), 2, "{width}: {zeros:?}");
        assert!((zeros[0] - zeros[1]).abs() < 0.5, "{width}: {zeros:?}");
    }

    let hidden = draw(&analysis, "missing", 1050, true);
    let words: Vec<String> = texts(&hidden).into_iter().map(|t| t.text).collect();
    // No legend entry for either, only the note under the plot that says they are hidden.
    for w in &words {
        let lower = w.to_lowercase();
        if lower.starts_with("uncertain") || lower.starts_with("unspecified") {
            assert!(w.contains("hidden"), "{w:?} in {words:?}");
        }
    }
    assert!(
        words
            .iter()
            .any(|w| w.starts_with("Unspecified and uncertain hidden")),
        "{words:?}"
    );
    assert!(
        hidden.caption.contains(&format!(
            "Unspecified and uncertain are hidden: {passed_over} papers"
        )),
        "{}",
        hidden.caption
    );
    // The papers without a predicted mechanism are not drawn; the next ones take their place.
    let labels = year_labels(&hidden);
    assert_eq!(labels.len(), 20, "{labels:?}");
    for &i in &without_mechanism {
        let title = &analysis.missing[i].title;
        let year = format!("({})", analysis.missing[i].year.unwrap());
        // Its label: the title and year whole, or a long title cut (its first words kept).
        let start: String = title.chars().take(12).collect();
        let drawn = |label: &str| {
            label == format!("{title} {year}")
                || (label.contains('…') && label.starts_with(&start) && label.ends_with(&year))
        };
        assert!(
            !labels.iter().any(|l| drawn(&l.text)),
            "{title} is still drawn"
        );
    }
}

/// Titles of many words, none with a colon (which would make the method name the label).
const LONG_TITLES: [&str; 8] = [
    "Learning when to skim and when to read in long documents",
    "Training a subsampling mechanism in expectation",
    "Hierarchical question answering for long documents",
    "Generating wikipedia by summarizing long sequences",
    "Variable computation in recurrent neural networks",
    "Adaptive token sampling for efficient vision transformers",
    "Structural-Jump-LSTM reads text by jumping over sentences",
    "What is linguistic redundancy in natural language processing",
];

/// The sample with a main path through catalogue papers of long titles, one a year.
fn sample_with_main_path() -> Analysis {
    let mut analysis = sample_analysis();
    let mut chain: Vec<usize> = Vec::new();
    for (i, paper) in analysis.papers.iter().enumerate() {
        if paper.in_catalog && chain.len() < LONG_TITLES.len() {
            chain.push(i);
        }
    }
    for (k, &i) in chain.iter().enumerate() {
        let paper = &mut analysis.papers[i];
        paper.title = LONG_TITLES[k].to_string();
        paper.abbreviation = None;
        paper.year = Some(2015 + k as i32);
    }
    analysis.time.lineage = chain
        .windows(2)
        .map(|w| LineageEdge {
            source: analysis.papers[w[0]].paper_id.clone(),
            target: analysis.papers[w[1]].paper_id.clone(),
            spc: "1".to_string(),
            main_path: true,
        })
        .collect();
    analysis
}

/// Whether `line` (a label line, its `…` removed) is a run of whole words of `title`: it
/// starts at the title's start, a space or after a hyphen, and ends at the title's end, a
/// space, or a hyphen.
fn whole_words_of(title: &str, line: &str) -> bool {
    let line = line.trim_end_matches('…');
    if line.is_empty() {
        return false;
    }
    title.match_indices(line).any(|(at, _)| {
        let before = title[..at].chars().last();
        let after = title[at + line.len()..].chars().next();
        let starts = before.is_none_or(|c| c == ' ' || c == '-');
        let ends = after.is_none_or(|c| " :,;?.".contains(c)) || line.ends_with('-');
        starts && ends
    })
}

#[test]
fn lineage_labels_are_whole_words_and_use_the_room() {
    let analysis = sample_with_main_path();
    let mut cut = Vec::new();
    for width in [1050, 2100] {
        let figure = draw(&analysis, "lineage", width, false);
        let lines: Vec<Text> = texts(&figure)
            .into_iter()
            .filter(|t| {
                LONG_TITLES
                    .iter()
                    .any(|title| title.contains(t.text.trim_end_matches('…')) && t.text.len() > 2)
            })
            .collect();
        // Every line of every label is a run of whole words of its title, and all of each
        // title's first word is there.
        for line in &lines {
            assert!(
                LONG_TITLES.iter().any(|t| whole_words_of(t, &line.text)),
                "{width}: {:?} ends mid-word",
                line.text
            );
        }
        for title in LONG_TITLES {
            let first = title.split([' ', '-']).next().unwrap();
            assert!(
                lines.iter().any(|l| l.text.starts_with(first)),
                "{width}: no label for {title}"
            );
        }
        // Nothing else in the figure is cut mid-word either: an ellipsis follows a whole word.
        for t in texts(&figure) {
            if let Some(stem) = t.text.strip_suffix('…') {
                assert!(
                    LONG_TITLES.iter().any(|title| whole_words_of(title, stem)),
                    "{width}: {:?}",
                    t.text
                );
            }
        }
        let cut_lines: Vec<&str> = lines
            .iter()
            .filter(|l| l.text.ends_with('…'))
            .map(|l| l.text.as_str())
            .collect();
        cut.push(cut_lines.len());
    }
    // At 3.5 in some titles are cut (at a word); at 7 in they all fit on two lines.
    assert!(cut[0] > 0, "the narrow figure cuts none: {cut:?}");
    assert_eq!(cut[1], 0, "the wide figure still cuts labels: {cut:?}");
}

/// The sample with 14 communities and 26 citation bursts.
fn sample_with_long_lists() -> Analysis {
    let mut analysis = sample_analysis();
    for (i, paper) in analysis.papers.iter_mut().enumerate() {
        paper.community = (i % 14) as u32;
    }
    let ids: Vec<String> = analysis
        .papers
        .iter()
        .filter(|p| p.in_catalog && p.year.is_some())
        .take(26)
        .map(|p| p.paper_id.clone())
        .collect();
    analysis.time.bursts = ids
        .iter()
        .enumerate()
        .map(|(i, id)| CitationBurst {
            paper_id: id.clone(),
            start: 2022,
            end: 2024,
            strength: 30.0 - i as f64,
        })
        .collect();
    analysis.time.burst_years = Some((2015, 2025));
    analysis
}

#[test]
fn two_columns_list_more_rows_than_one() {
    let analysis = sample_with_long_lists();
    for (name, narrow, wide) in [
        // 30 influential papers in the sample: 20 at one column, 30 at two.
        ("top-influential", 20, 30),
        // 14 in-scope papers of each kind: 10 + 10, then all 14 + 14.
        ("missing", 20, 28),
        // 26 bursts: 20, then all 26.
        ("bursts", 20, 26),
    ] {
        let one = year_labels(&draw(&analysis, name, 1050, false)).len();
        let two = year_labels(&draw(&analysis, name, 2100, false)).len();
        assert_eq!((one, two), (narrow, wide), "{name}");
    }
    // 14 communities: 9 and the rest merged at one column, all 14 at two.
    let rows = |width: u32| -> (usize, bool) {
        let words: Vec<String> = texts(&draw(&analysis, "communities", width, false))
            .into_iter()
            .map(|t| t.text)
            .collect();
        let named = words
            .iter()
            .filter(|w| w.starts_with('C') && w.contains(':'))
            .count();
        let merged = words.iter().any(|w| w.contains("other communities"));
        (named, merged)
    };
    assert_eq!(rows(1050), (9, true));
    assert_eq!(rows(2100), (14, false));
}

#[test]
fn legends_go_beside_the_plot_when_wide_and_never_at_the_labels_cost() {
    let analysis = sample_with_main_path();
    let legend_of = |figure: &Figure| -> (Vec<Text>, f64) {
        let all = texts(figure);
        let axis_title = all
            .iter()
            .find(|t| t.text == "Publication year")
            .expect("the year axis")
            .y;
        let legend = all
            .iter()
            .filter(|t| t.text == "First mechanism")
            .cloned()
            .collect();
        (legend, axis_title)
    };
    let (narrow, narrow_axis) = legend_of(&draw(&analysis, "lineage", 1050, false));
    let (wide, wide_axis) = legend_of(&draw(&analysis, "lineage", 2100, false));
    assert_eq!((narrow.len(), wide.len()), (1, 1));
    // One column: below the axis. Two columns: beside the plot, right of its middle, at the
    // height of the plot.
    assert!(narrow[0].y > narrow_axis, "{narrow:?}");
    assert!(wide[0].y < wide_axis, "{wide:?}");
    assert!(wide[0].x > 2100.0 * 0.6, "{wide:?}");

    // Fig. 1 too: its first mechanism's legend entry.
    let first = Palette::new(&analysis).groups[0].label.clone();
    for (width, beside) in [(1050, false), (2100, true)] {
        let all = texts(&draw(&analysis, "papers-per-year", width, false));
        let axis = all.iter().find(|t| t.text == "Publication year").unwrap().y;
        let entry = all.iter().find(|t| t.text == first).unwrap();
        assert_eq!(entry.y < axis, beside, "{width}: {entry:?}");
        if beside {
            assert!(entry.x > f64::from(width) * 0.6, "{entry:?}");
        }
    }

    // A list of bars keeps its legend below when beside it the labels would be cut. (A
    // community's whole name may end with "…" itself: its papers' names are shortened.)
    let whole_names: std::collections::HashSet<String> = analysis
        .papers
        .iter()
        .map(|p| citegraph::render::labels::community_name(&analysis, p.community))
        .collect();
    let cut_by_figure = |t: &Text| t.text.ends_with('…') && !whole_names.contains(&t.text);
    for name in ["top-influential", "missing", "communities"] {
        let figure = draw(&analysis, name, 2100, false);
        let all = texts(&figure);
        let cut = all.iter().filter(|t| cut_by_figure(t)).count();
        let narrow_cut = texts(&draw(&analysis, name, 1050, false))
            .iter()
            .filter(|t| cut_by_figure(t))
            .count();
        assert!(
            cut <= narrow_cut,
            "{name}: {cut} labels cut at 7 in, {narrow_cut} at 3.5 in"
        );
    }
}

#[test]
fn burst_labels_are_cut_only_after_whole_words() {
    let mut analysis = sample_with_long_lists();
    // Long names without an abbreviation, on the bursting papers.
    let bursting: Vec<String> = analysis
        .time
        .bursts
        .iter()
        .map(|b| b.paper_id.clone())
        .collect();
    let mut k = 0;
    for paper in analysis.papers.iter_mut() {
        if bursting.contains(&paper.paper_id) {
            paper.title = LONG_TITLES[k % LONG_TITLES.len()].to_string();
            paper.abbreviation = None;
            k += 1;
        }
    }
    for width in [1050, 2100] {
        let figure = draw(&analysis, "bursts", width, false);
        let mut cut = 0;
        for t in texts(&figure) {
            let Some((stem, _)) = t.text.split_once('…') else {
                continue;
            };
            cut += 1;
            assert!(
                LONG_TITLES.iter().any(|title| whole_words_of(title, stem)),
                "{width}: {:?} is cut inside a word",
                t.text
            );
        }
        // Two lines of 3.5 in hold some of the titles, not all; 7 in holds them all.
        if width == 1050 {
            assert!(cut > 0, "the test's titles are not long enough to be cut");
        } else {
            assert_eq!(cut, 0, "{width}");
        }
        // Each row still shows its year, on the label's last line.
        let rows = if width == 2100 { k.min(30) } else { k.min(20) };
        assert_eq!(year_labels(&figure).len(), rows, "{width}");
    }
}

#[test]
fn community_names_take_two_lines_rather_than_lose_their_papers() {
    let mut analysis = sample_analysis();
    // Long names: terms, then the papers that name the community.
    let ids: std::collections::BTreeSet<u32> =
        analysis.papers.iter().map(|p| p.community).collect();
    for paper in analysis.papers.iter_mut() {
        paper.community_label = format!(
            "adaptive kv; eviction {} (Dynamic Pooling)",
            paper.community
        );
    }
    assert!(ids.len() >= 3);
    let figure = draw(&analysis, "communities", 1050, false);
    let all = texts(&figure);
    // The nine communities holding the most catalogue papers, then the rest merged.
    let shown: Vec<u32> = ids
        .iter()
        .copied()
        .filter(|id| {
            all.iter()
                .any(|t| t.text == format!("C{id}: adaptive kv; eviction {id}"))
        })
        .collect();
    assert_eq!(shown.len(), 9, "{all:?}");
    for id in &shown {
        let terms = format!("C{id}: adaptive kv; eviction {id}");
        let at = all.iter().position(|t| t.text == terms).unwrap();
        // The papers on the next line, right under it (the counts follow the bars).
        let next = &all[at + 1];
        assert_eq!(next.text, "(Dynamic Pooling)");
        assert!(next.y > all[at].y && (next.x - all[at].x).abs() < 0.5);
    }
    assert!(!all.iter().any(|t| t.text.contains('…')), "{all:?}");
}

/// Fig. 6 orders its rows by what its bars show: the catalogue papers of each community ("n of
/// N" after the bar, N its papers in the whole graph), most first, the merged rest last; the
/// community numbered by whole-graph size does not decide the order.
#[test]
fn communities_are_ordered_by_the_catalogue_papers_their_bars_show() {
    let mut analysis = sample_analysis();
    // Community 0 the largest in the graph but holding the fewest catalogue papers.
    let ids: std::collections::BTreeSet<u32> =
        analysis.papers.iter().map(|p| p.community).collect();
    let last = *ids.iter().max().unwrap();
    let mut moved = 0;
    for paper in analysis.papers.iter_mut().filter(|p| p.in_catalog) {
        if paper.community == 0 {
            moved += 1;
            if moved > 2 {
                paper.community = last;
            }
        }
    }
    // Every community's size in the whole graph, community 0 the largest by far.
    analysis.clusters = ids
        .iter()
        .map(|&id| citegraph::analysis::Cluster {
            community: id,
            size: if id == 0 { 5_000 } else { 400 - id as usize },
            ..Default::default()
        })
        .collect();
    for width in [1050, 2100] {
        let all = texts(&draw(&analysis, "communities", width, false));
        let counts: Vec<(usize, usize)> = all
            .iter()
            .filter_map(|t| {
                let (n, total) = t.text.split_once(" of ")?;
                Some((n.parse().ok()?, total.replace(',', "").parse().ok()?))
            })
            .collect();
        assert!(counts.len() >= 5, "{width}: {all:?}");
        // The merged rest (at one column) is last whatever its count.
        let named = if width == 1050 {
            &counts[..counts.len() - 1]
        } else {
            &counts[..]
        };
        assert!(
            named.windows(2).all(|w| w[0].0 >= w[1].0),
            "{width}: rows not by catalogue papers: {counts:?}"
        );
        assert!(counts.iter().all(|&(n, total)| n <= total), "{counts:?}");
        // C0, the largest in the graph with 2 catalogue papers, comes last: at one column it
        // is among the smaller communities merged into the last bar; at two columns every
        // community has a row, C0's the last, with its size in the graph as N.
        let c0 = all.iter().any(|t| t.text.starts_with("C0:"));
        if width == 1050 {
            assert!(!c0, "{all:?}");
        } else {
            assert!(c0, "{all:?}");
            assert_eq!(counts.last(), Some(&(2, 5_000)), "{counts:?}");
        }
    }
}

/// Titles whose first word alone says nothing: Fig. 4 once cut them to "Deformable…".
const ONE_WORD_CUTS: [&str; 6] = [
    "Deformable Convolutional Networks for dense prediction in images",
    "Detail-Preserving Pooling in Deep Networks",
    "Hierarchical question answering for long documents",
    "Variable computation in recurrent neural networks",
    "Learning when to skim and when to read",
    "What is linguistic redundancy",
];

/// The sample whose top influential papers have the titles above, no abbreviation, and
/// scores close together in [0.92, 0.99] as the composite score gives them.
fn sample_with_close_scores() -> Analysis {
    let mut analysis = sample_analysis();
    let n = analysis.influential.len();
    for (i, paper) in analysis.influential.iter_mut().enumerate() {
        paper.score = 0.99 - 0.07 * i as f64 / n as f64;
        if let Some(title) = ONE_WORD_CUTS.get(i) {
            paper.title = title.to_string();
            paper.abbreviation = None;
        }
    }
    analysis
}

/// The axis line of a bar list: the widest thin dark rectangle, as (x0, x1).
fn axis_line(figure: &Figure) -> (f64, f64) {
    let raw = figure.svg.as_deref().unwrap();
    let doc = roxmltree::Document::parse(raw).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#333333"))
        .filter_map(|n| {
            let num = |a: &str| n.attribute(a)?.parse::<f64>().ok();
            let (x, w, h) = (num("x")?, num("width")?, num("height")?);
            (h <= 3.0).then_some((x, x + w))
        })
        .max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0)))
        .expect("an axis line")
}

#[test]
fn fig4_labels_take_two_lines_of_whole_words_and_the_axis_ends_at_one() {
    let analysis = sample_with_close_scores();
    for width in [1050, 2100] {
        let figure = draw(&analysis, "top-influential", width, false);
        let all = texts(&figure);
        // Every label line of these titles is whole words, and none is one word and `…` when
        // the title has more: the reader gets at least two words of every title.
        for title in ONE_WORD_CUTS {
            let lines: Vec<&Text> = all
                .iter()
                .filter(|t| {
                    let stem = t
                        .text
                        .trim_end_matches(|c: char| c.is_ascii_digit() || "() ".contains(c));
                    stem.len() > 2 && whole_words_of(title, stem.trim_end())
                })
                .collect();
            assert!(!lines.is_empty(), "{width}: no label for {title:?}");
            let shown: String = lines
                .iter()
                .map(|l| {
                    l.text
                        .trim_end_matches(|c: char| c.is_ascii_digit() || "() ".contains(c))
                })
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                shown
                    .trim_end_matches('…')
                    .split([' ', '-'])
                    .filter(|w| !w.is_empty())
                    .count()
                    >= 2,
                "{width}: {title:?} shows as {shown:?}"
            );
            for line in &lines {
                let stem = line
                    .text
                    .trim_end_matches(|c: char| c.is_ascii_digit() || "() ".contains(c));
                assert!(
                    whole_words_of(title, stem.trim_end()),
                    "{width}: {:?} ends mid-word",
                    line.text
                );
            }
        }
        // Titles of a few words fit whole on two lines at one column.
        for title in &ONE_WORD_CUTS[1..] {
            assert!(
                !all.iter().any(|t| t.text.contains('…')
                    && whole_words_of(title, t.text.split('…').next().unwrap().trim_end())),
                "{width}: {title:?} is cut though two lines hold it"
            );
        }
        // No label runs off the left edge.
        assert!(
            all.iter().all(|t| t.x >= 0.0),
            "{width}: a text left of the figure"
        );
        // The score's axis ends at its maximum, 1: the last tick is 1.00 and the axis line ends
        // at that tick.
        let last = all
            .iter()
            .filter(|t| t.text.parse::<f64>().is_ok())
            .max_by(|a, b| a.x.total_cmp(&b.x))
            .expect("tick labels");
        assert_eq!(
            last.text.parse::<f64>().unwrap(),
            1.0,
            "{width}: the last tick is {:?}",
            last.text
        );
        let (_, end) = axis_line(&figure);
        assert!(
            (end - last.x).abs() <= 2.0,
            "{width}: the axis runs to {end}, 1.00 is at {}",
            last.x
        );
        // The values after the bars stay inside the figure.
        let values: Vec<&Text> = all
            .iter()
            .filter(|t| t.text.starts_with("0.9") && t.text.contains('('))
            .collect();
        assert!(!values.is_empty());
        for v in values {
            assert!(
                v.x < f64::from(width) - 100.0,
                "{width}: {:?} at {}",
                v.text,
                v.x
            );
        }
    }
}

/// The texts of a figure that say how many papers were never cited.
fn never_cited_notes(figure: &Figure) -> Vec<String> {
    texts(figure)
        .into_iter()
        .map(|t| t.text)
        .filter(|t| t.contains("ever cited") || t.ends_with(" papers") || t.ends_with(" curves"))
        .collect()
}

#[test]
fn citation_distribution_says_the_left_out_papers_once() {
    let mut analysis = sample_analysis();
    let catalog: Vec<usize> = (0..analysis.papers.len())
        .filter(|&i| analysis.papers[i].in_catalog)
        .collect();
    let n = catalog.len();
    // Three papers never cited by either count; the rest cited by both.
    for (k, &i) in catalog.iter().enumerate() {
        let paper = &mut analysis.papers[i];
        let cited = k >= 3;
        paper.citation_count = Some(if cited { 10 + k as u64 } else { 0 });
        paper.catalog_citations = if cited { 1 + (k % 5) as u32 } else { 0 };
    }
    for width in [1050, 2100] {
        let figure = draw(&analysis, "citation-distribution", width, false);
        assert_eq!(
            never_cited_notes(&figure),
            vec![
                "Never cited, not drawn:".to_string(),
                format!("3 of {n} papers, both curves")
            ],
            "{width}"
        );
    }
    // A fourth paper never cited from the catalogue: the curves differ, each says its own.
    analysis.papers[catalog[3]].catalog_citations = 0;
    let figure = draw(&analysis, "citation-distribution", 1050, false);
    assert_eq!(
        never_cited_notes(&figure),
        vec![
            "Never cited, not drawn:".to_string(),
            format!("All citations: 3 of {n} papers"),
            format!("From the catalogue: 4 of {n} papers"),
        ]
    );
}

/// The main-path sample with its first paper moved back to 1999, and a key route beside the
/// main path.
fn sample_with_stray_early_paper() -> Analysis {
    let mut analysis = sample_with_main_path();
    let first = analysis.time.lineage[0].source.clone();
    let second = analysis.time.lineage[0].target.clone();
    let third = analysis.time.lineage[1].target.clone();
    for paper in &mut analysis.papers {
        if paper.paper_id == first {
            paper.year = Some(1999);
        }
    }
    analysis.time.key_routes = vec![citegraph::analysis::time::KeyRouteEdge {
        route: 1,
        source: second,
        target: third.clone(),
        spc: "1".to_string(),
        key: true,
    }];
    // A key-route edge off the main path: from the first paper to the third.
    analysis
        .time
        .key_routes
        .push(citegraph::analysis::time::KeyRouteEdge {
            route: 1,
            source: first,
            target: third,
            spc: "1".to_string(),
            key: false,
        });
    analysis
}

/// The slanted dark strokes of the figure's axis breaks, as their x midpoints.
fn axis_breaks(figure: &Figure, axis_y: f64) -> Vec<f64> {
    let raw = figure.svg.as_deref().unwrap();
    let doc = roxmltree::Document::parse(raw).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some("#333333"))
        .filter_map(|n| {
            let points: Vec<(f64, f64)> = n
                .attribute("points")?
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            let [(xa, ya), (xb, yb)] = points[..] else {
                return None;
            };
            // Slanted, and across the axis line.
            (xa != xb && ya.min(yb) < axis_y && ya.max(yb) > axis_y).then_some((xa + xb) / 2.0)
        })
        .collect()
}

#[test]
fn lineage_cuts_a_long_empty_stretch_of_years_and_marks_it() {
    let analysis = sample_with_stray_early_paper();
    for width in [1050, 2100] {
        let figure = draw(&analysis, "lineage", width, false);
        let all = texts(&figure);
        let year_ticks: Vec<(i32, f64, f64)> = all
            .iter()
            .filter_map(|t| Some((t.text.parse::<i32>().ok()?, t.x, t.y)))
            .filter(|(y, ..)| (1990..2100).contains(y))
            .collect();
        let tick_at = |year: i32| year_ticks.iter().find(|t| t.0 == year).map(|t| t.1);
        let early = tick_at(1999).expect("a 1999 tick");
        let (later, later_x) = year_ticks
            .iter()
            .filter(|t| t.0 > 1999)
            .map(|t| (t.0, t.1))
            .min_by_key(|t| t.0)
            .expect("a tick after 1999");
        // Pixels per year, from two ticks of the run drawn to scale.
        let run: Vec<&(i32, f64, f64)> = year_ticks.iter().filter(|t| t.0 >= 2015).collect();
        assert!(run.len() >= 2, "{width}: {year_ticks:?}");
        let per_year =
            (run[run.len() - 1].1 - run[0].1) / f64::from(run[run.len() - 1].0 - run[0].0);
        // The 1999-to-2015 stretch takes at most 3 years' room, not 16.
        let stretch = (later_x - early) / per_year - f64::from(later - 2015);
        assert!(
            stretch <= 3.0,
            "{width}: 1999 to 2015 takes {stretch:.1} years of axis"
        );
        // ... and is marked by a break on the axis, between the two ticks.
        let axis_y = year_ticks[0].2 - 15.0;
        let breaks = axis_breaks(&figure, axis_y);
        assert!(
            breaks.iter().any(|&x| x > early && x < later_x),
            "{width}: no axis break between 1999 ({early}) and {later} ({later_x}): {breaks:?}"
        );
        // The figure's own key says what black and gray edges are.
        for key in ["Global main path", "Key-route main paths"] {
            assert!(all.iter().any(|t| t.text == key), "{width}: no {key:?}");
        }
    }
    // Without a long empty stretch there is no break.
    let figure = draw(&sample_with_main_path(), "lineage", 1050, false);
    let axis_y = texts(&figure)
        .iter()
        .filter(|t| t.text == "2016")
        .map(|t| t.y - 15.0)
        .next()
        .expect("a 2016 tick");
    assert!(axis_breaks(&figure, axis_y).is_empty());
}

/// A text of an SVG figure with what it takes to know its extent.
#[derive(Debug)]
struct Placed {
    text: String,
    x: f64,
    y: f64,
    font_size: f64,
    bold: bool,
    anchor: String,
    /// Drawn reading bottom to top (`rotate(270 ...)`).
    vertical: bool,
    /// Set in a fallback font (a CJK or emoji stretch of a label, see `charts::fonts`).
    fallback: bool,
}

/// A label that mixes fonts is drawn as one `<text>` a stretch of one font, each placed at the
/// left where the layout measured it: join the stretches of one line back into the label (the
/// checks below are about labels).
fn join_stretches(texts: Vec<Placed>) -> Vec<Placed> {
    let mut out: Vec<Placed> = Vec::new();
    for t in texts {
        if let Some(prev) = out.last_mut() {
            let mixed = prev.fallback || t.fallback;
            let same_line = prev.anchor == "start"
                && t.anchor == "start"
                && !prev.vertical
                && !t.vertical
                && (prev.y - t.y).abs() < 0.01
                && (prev.font_size - t.font_size).abs() < 1e-9
                && prev.bold == t.bold;
            let end = prev.x + charts::svg_text_width(&prev.text, prev.font_size, prev.bold);
            let space = charts::svg_text_width(" ", prev.font_size, prev.bold);
            let gap = t.x - end;
            if mixed && same_line && gap > -1.0 && gap < 3.0 * space + 1.0 {
                if gap > space / 2.0 {
                    prev.text.push(' ');
                }
                prev.text.push_str(&t.text);
                prev.fallback = true;
                continue;
            }
        }
        out.push(t);
    }
    out
}

fn placed_texts(figure: &Figure) -> (f64, f64, Vec<Placed>) {
    let raw = figure.svg.as_deref().unwrap();
    let doc = roxmltree::Document::parse(raw).unwrap();
    let root = doc.root_element();
    let view_box: Vec<f64> = root
        .attribute("viewBox")
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| Placed {
            text: n.text().unwrap_or("").trim().to_string(),
            x: n.attribute("x").unwrap().parse().unwrap(),
            y: n.attribute("y").unwrap().parse().unwrap(),
            font_size: n.attribute("font-size").unwrap().parse().unwrap(),
            bold: n.attribute("font-weight") == Some("bold"),
            anchor: n.attribute("text-anchor").unwrap_or("start").to_string(),
            vertical: n
                .attribute("transform")
                .is_some_and(|t| t.starts_with("rotate(270")),
            fallback: !n
                .attribute("font-family")
                .unwrap_or("DejaVu Sans")
                .starts_with("DejaVu"),
        })
        .collect();
    (view_box[2], view_box[3], join_stretches(texts))
}

/// The words of every string in `value` (a JSON tree), as a cut label's last word must be one.
fn words_of_json(value: &serde_json::Value, words: &mut std::collections::HashSet<String>) {
    match value {
        serde_json::Value::String(s) => add_words(s, words),
        serde_json::Value::Array(items) => items.iter().for_each(|v| words_of_json(v, words)),
        serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| {
            add_words(k, words);
            words_of_json(v, words)
        }),
        _ => {}
    }
}

fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| "()[]{},:;.\"'“”«»".contains(c))
}

fn add_words(text: &str, words: &mut std::collections::HashSet<String>) {
    for word in text.split_whitespace() {
        words.insert(bare(word).to_lowercase());
        // Lines break after a hyphen too: each part of a hyphenated word ends a line.
        let parts: Vec<&str> = word.split('-').collect();
        for i in 0..parts.len() {
            for j in i + 1..=parts.len() {
                words.insert(bare(&parts[i..j].join("-")).to_lowercase());
            }
        }
    }
}

/// Every figure, from the narrowest width `--width` accepts to two columns, on the sample (long
/// titles, close scores) and on the world snapshot: no text runs past the canvas, and a label
/// cut with `…` ends after a whole word (its last word is a word of the analysis or of the
/// figure's uncut texts, not "Compres…").
#[test]
fn at_every_width_text_stays_inside_and_cuts_fall_between_words() {
    let dir = tempfile::tempdir().unwrap();
    let world = crate::analyze_support::analyze_world(dir.path(), &[]);
    for (name, analysis) in [("sample", sample_with_close_scores()), ("world", world)] {
        let mut vocabulary = std::collections::HashSet::new();
        words_of_json(&serde_json::to_value(&analysis).unwrap(), &mut vocabulary);
        let mut drawn = Vec::new();
        for width in [600, 800, 1050, 2100] {
            let options = RenderOptions {
                format: vec![citegraph::render::FigureFormat::Svg],
                width,
                ..RenderOptions::default()
            };
            let figures = charts::draw_figures(&View::new(&analysis, &options)).unwrap();
            for figure in figures {
                add_words(&figure.caption, &mut vocabulary);
                add_words(&figure.title, &mut vocabulary);
                let (w, h, texts) = placed_texts(&figure);
                assert_eq!(w, f64::from(width));
                for t in texts.iter().filter(|t| !t.text.contains('…')) {
                    add_words(&t.text, &mut vocabulary);
                }
                drawn.push((width, figure.name, w, h, texts));
            }
        }
        let mut faults = Vec::new();
        let mut check = |ok: bool, fault: String| {
            if !ok {
                faults.push(fault);
            }
        };
        for (width, figure, w, h, texts) in &drawn {
            let at = format!("{name} {figure} at {width}");
            for t in texts {
                let length = charts::svg_text_width(&t.text, t.font_size, t.bold);
                let (start, end) = match t.anchor.as_str() {
                    "middle" => (-length / 2.0, length / 2.0),
                    "end" => (-length, 0.0),
                    _ => (0.0, length),
                };
                let tolerance = 1.0;
                if t.vertical {
                    // Reading upwards: the text's start is at the bottom.
                    let (top, bottom) = (t.y - end, t.y - start);
                    check(
                        top >= -tolerance && bottom <= h + tolerance,
                        format!(
                            "{at}: {:?} runs from y {top:.0} to {bottom:.0} of {h}",
                            t.text
                        ),
                    );
                } else {
                    let (left, right) = (t.x + start, t.x + end);
                    check(
                        left >= -tolerance && right <= w + tolerance,
                        format!(
                            "{at}: {:?} runs from x {left:.0} to {right:.0} of {w}",
                            t.text
                        ),
                    );
                    check(
                        t.y >= -tolerance && t.y + t.font_size * 0.76 <= h + tolerance,
                        format!("{at}: {:?} at y {} of {h}", t.text, t.y),
                    );
                }
                if let Some((stem, _)) = t.text.split_once('…') {
                    let stem = stem.trim_end();
                    check(
                        !stem.is_empty(),
                        format!("{at}: a label cut to nothing: {:?}", t.text),
                    );
                    if stem.ends_with('-') {
                        continue;
                    }
                    let last = stem.split_whitespace().last().unwrap_or(stem);
                    check(
                        vocabulary.contains(&bare(last).to_lowercase()),
                        format!(
                            "{at}: {:?} ends mid-word ({last:?} is no word of the analysis)",
                            t.text
                        ),
                    );
                }
            }
        }
        // A heat map too narrow for its cell numbers says so; it never drops them silently.
        for (width, figure, _, _, texts) in &drawn {
            if !matches!(&**figure, "mechanism-flow" | "mechanism-domain") {
                continue;
            }
            let numbers = texts
                .iter()
                .filter(|t| {
                    let digits = t.text.trim_end_matches(['k', 'M']);
                    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
                })
                .count();
            let all: Vec<&str> = texts.iter().map(|t| t.text.as_str()).collect();
            let said = all.join(" ").contains("Numbers left out");
            check(
                numbers > 5 || said,
                format!("{name} {figure} at {width}: {numbers} cell numbers and no note"),
            );
        }
        // No two texts on one line overlap (tick labels crowding, a column over a name).
        for (width, figure, _, _, texts) in &drawn {
            let spans: Vec<(f64, f64, f64, &str)> = texts
                .iter()
                .filter(|t| !t.vertical && !t.text.is_empty())
                .map(|t| {
                    let length = charts::svg_text_width(&t.text, t.font_size, t.bold);
                    let left = match t.anchor.as_str() {
                        "middle" => t.x - length / 2.0,
                        "end" => t.x - length,
                        _ => t.x,
                    };
                    (t.y, left, left + length, t.text.as_str())
                })
                .collect();
            for (i, a) in spans.iter().enumerate() {
                for b in &spans[i + 1..] {
                    let same_line = (a.0 - b.0).abs() < 1.0;
                    let overlap = a.1 < b.2 - 1.0 && b.1 < a.2 - 1.0;
                    if same_line && overlap {
                        faults.push(format!(
                            "{name} {figure} at {width}: {:?} and {:?} overlap",
                            a.3, b.3
                        ));
                    }
                }
            }
        }
        assert!(
            faults.is_empty(),
            "{} faults:\n{}",
            faults.len(),
            faults.join("\n")
        );
    }
}

/// Fig. 5 says what its floor is: the papers no one in the graph cites tie on every part of the
/// composite score, at one score, and the figure counts them in a note.
#[test]
fn influence_by_mechanism_names_its_floor_of_uncited_papers() {
    let mut analysis = sample_analysis();
    let n = analysis.influential.len();
    let floor = 0.2;
    let uncited: std::collections::HashSet<String> = analysis
        .influential
        .iter()
        .step_by(3)
        .map(|p| p.paper_id.clone())
        .collect();
    for paper in analysis.influential.iter_mut() {
        if uncited.contains(&paper.paper_id) {
            paper.score = floor;
            paper.catalog_citations = 0;
        } else if paper.score <= floor {
            paper.score = floor + 0.1;
        }
    }
    for paper in analysis.papers.iter_mut() {
        if uncited.contains(&paper.paper_id) {
            paper.in_degree = 0;
            paper.catalog_citations = 0;
        }
    }
    let figure = draw(&analysis, "influence-by-mechanism", 1050, false);
    let words: String = texts(&figure)
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ");
    let expected = format!(
        "Floor 0.20: {} of the {n} papers, never cited in the graph,",
        uncited.len()
    );
    assert!(words.contains(&expected), "{words}");
    assert!(
        figure.caption.contains("half their share"),
        "{}",
        figure.caption
    );
    // One of them cited after all: they still tie, but the figure no longer says why.
    let cited = uncited.iter().next().unwrap();
    for paper in analysis.papers.iter_mut().filter(|p| &p.paper_id == cited) {
        paper.in_degree = 3;
    }
    let figure = draw(&analysis, "influence-by-mechanism", 1050, false);
    let words: String = texts(&figure)
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("Floor 0.20:") && !words.contains("never cited"),
        "{words}"
    );
}
