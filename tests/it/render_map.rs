//! The citation map of report.html in a real browser: the test starts Debian's `chromedriver`
//! on 127.0.0.1 (it starts headless chromium itself) and drives the page through WebDriver with
//! `fantoccini`: one node per paper, the search box narrows the map, a click shows the paper's
//! card and highlights its references and citers, Enter and Escape work from the keyboard, and
//! the browser logs no error (a script blocked by the Content-Security-Policy would log one).
//!
//! A screenshot of the map stays in `target/tmp/render_map/map.png` for a human to look at.

use crate::render_support;

use std::collections::HashSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use citegraph::render::labels::community_name;
use citegraph::render::{map::MAP_MISSING, render, View};
use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use render_support::{options, sample_analysis};
use serde_json::{json, Value};

/// `chromedriver`, killed when the test ends.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn which(name: &str) -> Option<PathBuf> {
    let output = Command::new("which").arg(name).output().ok()?;
    let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
    (output.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
}

/// Starts chromedriver on a free loopback port and waits until it answers.
fn start_driver() -> Driver {
    let binary = which("chromedriver").unwrap_or_else(|| {
        panic!(
            "this test needs chromedriver on PATH: apt-get install chromium chromium-driver \
             (.ci/run installs them)"
        )
    });
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver { child, port };
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not listen on 127.0.0.1:{port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    driver
}

async fn connect(driver: &Driver, profile: &Path) -> Client {
    let chromium = which("chromium")
        .or_else(|| which("chromium-browser"))
        .expect("this test needs chromium: apt-get install chromium");
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1300,1000",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    ClientBuilder::rustls()
        .expect("TLS set-up")
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session with headless chromium")
}

/// The browser's console entries since the last call (chromedriver's log endpoint).
async fn browser_log(client: &Client, driver: &Driver) -> Vec<Value> {
    let session = client.session_id().await.unwrap().expect("a session id");
    let response: Value = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{}/session/{session}/se/log",
            driver.port
        ))
        .json(&json!({ "type": "browser" }))
        .send()
        .await
        .expect("chromedriver's log endpoint")
        .json()
        .await
        .unwrap();
    response["value"].as_array().cloned().unwrap_or_default()
}

async fn script(client: &Client, code: &str, args: Vec<Value>) -> Value {
    client
        .execute(code, args)
        .await
        .unwrap_or_else(|err| panic!("script {code}: {err}"))
}

async fn visible_nodes(client: &Client) -> u64 {
    script(
        client,
        "return document.querySelectorAll('#citation-map .map-node:not(.is-hidden)').length;",
        vec![],
    )
    .await
    .as_u64()
    .unwrap()
}

/// The labels shown on the map: their boxes on screen (left, top, right, bottom, height).
async fn shown_labels(client: &Client) -> Vec<(f64, f64, f64, f64, f64)> {
    let boxes = script(
        client,
        "return Array.from(document.querySelectorAll('#citation-map .map-label.is-shown')).map(t => {\
           const b = t.getBoundingClientRect();\
           return [b.left, b.top, b.right, b.bottom, parseFloat(getComputedStyle(t).fontSize) *\
             t.getScreenCTM().a];\
         });",
        vec![],
    )
    .await;
    boxes
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let v: Vec<f64> = b
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            (v[0], v[1], v[2], v[3], v[4])
        })
        .collect()
}

fn element_arg(element: &Element) -> Value {
    serde_json::to_value(element).unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn citation_map_works_in_headless_chromium() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("render_map");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut analysis = sample_analysis();
    // Cluster names as the analysis gives them (distinctive title terms, a short name).
    const TERMS: [&str; 5] = [
        "token merging; vision",
        "kv cache; eviction",
        "long context; sparse attention",
        "video; temporal",
        "diffusion; caching",
    ];
    for paper in &mut analysis.papers {
        paper.community_label = format!(
            "{} (group {})",
            TERMS[paper.community as usize % TERMS.len()],
            paper.community
        );
    }
    let mut sizes: std::collections::BTreeMap<u32, usize> = Default::default();
    for paper in &analysis.papers {
        *sizes.entry(paper.community).or_default() += 1;
    }
    analysis.clusters = sizes
        .into_iter()
        .map(|(community, size)| citegraph::analysis::Cluster {
            community,
            size,
            label: format!(
                "{} (group {community})",
                TERMS[community as usize % TERMS.len()]
            ),
            ..Default::default()
        })
        .collect();
    // Mechanisms past the palette's eight named ones (drawn in its shared gray), two missing
    // papers whose prediction is uncertain (hatched), and two abbreviations where one holds the
    // other ("SoftToMe" listed before "ToMe"): the legend and the search must tell them apart.
    let catalog: Vec<usize> = (0..analysis.papers.len())
        .filter(|&i| analysis.papers[i].in_catalog)
        .collect();
    for (n, &i) in catalog.iter().take(5).enumerate() {
        analysis.papers[i].mechanisms =
            vec![if n < 3 { "Quantization" } else { "Early Exit" }.into()];
    }
    analysis.papers[catalog[10]].abbreviation = Some("SoftToMe".into());
    analysis.papers[catalog[11]].abbreviation = Some("ToMe".into());
    let tome_id = analysis.papers[catalog[11]].paper_id.clone();
    let default_options = citegraph::render::RenderOptions::default();
    let uncertain: Vec<String> = View::new(&analysis, &default_options)
        .top_missing(MAP_MISSING)
        .iter()
        .take(2)
        .map(|m| m.paper_id.clone())
        .collect();
    for missing in &mut analysis.missing {
        if uncertain.contains(&missing.paper_id) {
            missing.predicted_mechanism = citegraph::analysis::UNCERTAIN.into();
        }
    }
    render(&analysis, &options("year"), &dir).unwrap();
    let page = dir.join("report.html");

    // The papers the map must show: every catalogue paper and the top missing ones.
    let mut expected: HashSet<&str> = analysis
        .papers
        .iter()
        .filter(|p| p.in_catalog)
        .map(|p| p.paper_id.as_str())
        .collect();
    let view = View::new(&analysis, &default_options);
    expected.extend(
        view.top_missing(MAP_MISSING)
            .iter()
            .map(|m| m.paper_id.as_str()),
    );

    let driver = start_driver();
    let client = connect(&driver, &dir.join("profile")).await;
    client
        .goto(&format!("file://{}", page.display()))
        .await
        .unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#citation-map[data-ready='true']"))
        .await
        .expect("the map's script ran (a CSP block would stop it)");

    // One element per paper, with its id.
    let nodes = client
        .find_all(Locator::Css("#citation-map [data-paper]"))
        .await
        .unwrap();
    assert_eq!(nodes.len(), expected.len(), "one node per paper");
    let mut ids = HashSet::new();
    for node in &nodes {
        let id = node.attr("data-paper").await.unwrap().unwrap();
        assert!(expected.contains(id.as_str()), "unexpected paper {id:?}");
        ids.insert(id);
    }
    assert_eq!(ids.len(), expected.len());
    assert_eq!(visible_nodes(&client).await, expected.len() as u64);

    // Labels: over the circles and the edges (the last layer), readable (12 px on screen), none
    // overlapping another, the most influential first; the same at every zoom level.
    let layers = script(
        &client,
        "const g = document.querySelector('#citation-map .map-viewport');\
         return Array.from(g.children).map(c => c.getAttribute('class'));",
        vec![],
    )
    .await;
    assert_eq!(layers, json!(["map-edges", "map-nodes", "map-labels"]));
    for zoom_clicks in [0, 2, 4] {
        for _ in 0..zoom_clicks.min(2) {
            script(
                &client,
                "document.getElementById('citation-map-zoom-in').click();",
                vec![],
            )
            .await;
        }
        let labels = shown_labels(&client).await;
        assert!(
            labels.len() >= 8,
            "zoom {zoom_clicks}: {} labels",
            labels.len()
        );
        for (i, a) in labels.iter().enumerate() {
            assert!(
                (11.0..=16.0).contains(&a.4),
                "zoom {zoom_clicks}: label {} px high",
                a.4
            );
            for b in &labels[i + 1..] {
                let apart =
                    a.2 <= b.0 + 0.5 || b.2 <= a.0 + 0.5 || a.3 <= b.1 + 0.5 || b.3 <= a.1 + 0.5;
                assert!(apart, "zoom {zoom_clicks}: labels overlap: {a:?} {b:?}");
            }
        }
    }
    script(
        &client,
        "document.getElementById('citation-map-reset').click();",
        vec![],
    )
    .await;
    // The most influential paper is labelled; the layout fills the frame; no two papers share a
    // spot (papers without a citation on the map sit in a band, not stacked in a corner).
    let top = analysis
        .papers
        .iter()
        .filter(|p| expected.contains(p.paper_id.as_str()))
        .max_by(|a, b| a.pagerank.total_cmp(&b.pagerank))
        .unwrap();
    let frame = script(
        &client,
        "const svg = document.getElementById('citation-map');\
         const s = svg.getBoundingClientRect();\
         const boxes = Array.from(svg.querySelectorAll('.map-node circle')).map(c => c.getBoundingClientRect());\
         const xs = boxes.map(b => b.left + b.width / 2), ys = boxes.map(b => b.top + b.height / 2);\
         const spots = new Set(xs.map((x, i) => Math.round(x) + ',' + Math.round(ys[i])));\
         const top = svg.querySelector('[data-paper=\"' + arguments[0] + '\"]').getAttribute('data-index');\
         return [(Math.max(...xs) - Math.min(...xs)) / s.width, (Math.max(...ys) - Math.min(...ys)) / s.height,\
                 spots.size, boxes.length,\
                 svg.querySelector('.map-label[data-for=\"' + top + '\"]').classList.contains('is-shown')];",
        vec![json!(top.paper_id)],
    )
    .await;
    assert!(
        frame[0].as_f64().unwrap() > 0.85 && frame[1].as_f64().unwrap() > 0.8,
        "{frame:?}"
    );
    assert_eq!(frame[2], frame[3], "papers stacked on one spot: {frame:?}");
    assert_eq!(
        frame[4],
        json!(true),
        "the most influential paper is labelled"
    );

    // The search box narrows the map to the papers whose title or abbreviation matches.
    let target = analysis
        .papers
        .iter()
        .find(|p| {
            p.in_catalog
                && p.abbreviation
                    .as_deref()
                    .is_some_and(|a| a.len() >= 5 && a.is_ascii())
        })
        .expect("a paper with an abbreviation");
    let abbreviation = target.abbreviation.clone().unwrap();
    let search = client
        .find(Locator::Id("citation-map-search"))
        .await
        .unwrap();
    search.send_keys(&abbreviation).await.unwrap();
    let shown = visible_nodes(&client).await;
    let matching = analysis
        .papers
        .iter()
        .filter(|p| p.in_catalog)
        .filter(|p| {
            let needle = abbreviation.to_lowercase();
            p.title.to_lowercase().contains(&needle)
                || p.abbreviation
                    .as_deref()
                    .is_some_and(|a| a.to_lowercase().contains(&needle))
        })
        .count() as u64;
    assert!(
        shown >= 1 && shown < expected.len() as u64,
        "search shows {shown}"
    );
    assert_eq!(shown, matching, "search for {abbreviation:?}");
    let found = script(
        &client,
        "return !document.querySelector('#citation-map [data-paper=\"' + arguments[0] + '\"]').classList.contains('is-hidden');",
        vec![json!(target.paper_id)],
    )
    .await;
    assert_eq!(found, json!(true), "the searched paper stays visible");
    let hits_labelled = script(
        &client,
        "const svg = document.getElementById('citation-map');\
         return Array.from(svg.querySelectorAll('.map-node:not(.is-hidden)')).every(n =>\
           svg.querySelector('.map-label[data-for=\"' + n.getAttribute('data-index') + '\"]').classList.contains('is-shown'));",
        vec![],
    )
    .await;
    assert_eq!(hits_labelled, json!(true), "every search hit is labelled");
    search.clear().await.unwrap();
    // clear() fires no input event: type and delete a character so the filter runs again.
    search.send_keys(" ").await.unwrap();
    search.send_keys("\u{E003}").await.unwrap();
    assert_eq!(visible_nodes(&client).await, expected.len() as u64);

    // A click on a paper no other node covers shows its card and highlights its neighbours.
    let clickable = script(
        &client,
        "const svg = document.getElementById('citation-map');\
         svg.scrollIntoView();\
         for (const node of svg.querySelectorAll('.map-node')) {\
           const box = node.querySelector('circle').getBoundingClientRect();\
           const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);\
           if (hit && hit.closest('.map-node') === node && box.width > 8) { return node.getAttribute('data-paper'); }\
         }\
         return null;",
        vec![],
    )
    .await;
    let clicked_id = clickable
        .as_str()
        .expect("a paper free to click")
        .to_string();
    let clicked = client
        .find(Locator::Css(&format!(
            "#citation-map [data-paper=\"{clicked_id}\"]"
        )))
        .await
        .unwrap();
    clicked.click().await.unwrap();
    let title = client
        .find(Locator::Css("#citation-map-card h3"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let paper = analysis
        .papers
        .iter()
        .find(|p| p.paper_id == clicked_id)
        .unwrap();
    assert_eq!(
        title.split_whitespace().collect::<Vec<_>>(),
        paper.title.split_whitespace().collect::<Vec<_>>(),
        "the card shows the clicked paper"
    );
    // The card names the paper's cluster as the figures do.
    let card = client
        .find(Locator::Id("citation-map-card"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let cluster = community_name(&analysis, paper.community);
    assert!(
        card.contains("Cluster") && card.contains(&cluster),
        "the card names the cluster {cluster:?}: {card}"
    );
    let references: HashSet<&str> = analysis
        .core_edges
        .iter()
        .filter(|e| {
            e.source == clicked_id && e.target != clicked_id && expected.contains(e.target.as_str())
        })
        .map(|e| e.target.as_str())
        .collect();
    let citers: HashSet<&str> = analysis
        .core_edges
        .iter()
        .filter(|e| {
            e.target == clicked_id && e.source != clicked_id && expected.contains(e.source.as_str())
        })
        .map(|e| e.source.as_str())
        .collect();
    let highlighted = script(
        &client,
        "return [document.querySelectorAll('#citation-map .is-selected').length,\
                 document.querySelectorAll('#citation-map .map-node.is-reference').length,\
                 document.querySelectorAll('#citation-map .map-node.is-citer').length];",
        vec![],
    )
    .await;
    assert_eq!(
        highlighted,
        json!([1, references.len(), citers.len()]),
        "the clicked paper, its references and its citers are highlighted"
    );
    let labelled: HashSet<String> = script(
        &client,
        "const svg = document.getElementById('citation-map');\
         return Array.from(svg.querySelectorAll('.map-label.is-shown')).map(t =>\
           svg.querySelector('.map-node[data-index=\"' + t.getAttribute('data-for') + '\"]').getAttribute('data-paper'));",
        vec![],
    )
    .await
    .as_array()
    .unwrap()
    .iter()
    .map(|v| v.as_str().unwrap().to_string())
    .collect();
    assert!(
        labelled.contains(&clicked_id),
        "the clicked paper is labelled"
    );
    let neighbours: HashSet<&str> = references.union(&citers).copied().collect();
    let named = neighbours.iter().filter(|n| labelled.contains(**n)).count();
    assert!(
        named * 4 >= neighbours.len() * 3,
        "{named} of {} neighbours labelled",
        neighbours.len()
    );
    assert!(
        labelled
            .iter()
            .all(|p| p == &clicked_id || neighbours.contains(p.as_str())),
        "only the selection is labelled while it is highlighted"
    );

    // Keyboard: Escape clears; Enter on a focused paper selects it.
    clicked.send_keys("\u{E00C}").await.unwrap();
    assert_eq!(
        script(
            &client,
            "return document.querySelectorAll('#citation-map .is-selected').length;",
            vec![]
        )
        .await,
        json!(0)
    );
    script(
        &client,
        "arguments[0].focus();",
        vec![element_arg(&clicked)],
    )
    .await;
    clicked.send_keys("\u{E007}").await.unwrap();
    assert_eq!(
        script(&client, "return document.querySelector('#citation-map .is-selected').getAttribute('data-paper');", vec![]).await,
        json!(clicked_id)
    );

    let screenshot = client.screenshot().await.unwrap();
    std::fs::write(dir.join("map.png"), &screenshot).unwrap();
    assert!(screenshot.starts_with(b"\x89PNG\r\n\x1a\n"));

    // A filter by mechanism keeps only that mechanism's papers.
    let mechanism = &analysis.mechanisms[0].name;
    let with_mechanism = script(
        &client,
        "const select = document.getElementById('citation-map-mechanism');\
         select.value = arguments[0];\
         select.dispatchEvent(new Event('change'));\
         return document.querySelectorAll('#citation-map .map-node:not(.is-hidden)').length;",
        vec![json!(mechanism)],
    )
    .await;
    let count = with_mechanism.as_u64().unwrap();
    assert!(
        count > 0 && count < expected.len() as u64,
        "{mechanism}: {count}"
    );

    // The cluster filter lists the clusters by name, never as a bare number, and keeps only
    // the chosen cluster's papers.
    script(
        &client,
        "const select = document.getElementById('citation-map-mechanism');\
         select.value = '';\
         select.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await;
    let options = script(
        &client,
        "return Array.from(document.querySelectorAll('#citation-map-community option'))\
         .filter(o => o.value !== '').map(o => [o.value, o.textContent]);",
        vec![],
    )
    .await;
    let options = options.as_array().unwrap();
    assert!(!options.is_empty());
    for option in options {
        let (value, text) = (option[0].as_str().unwrap(), option[1].as_str().unwrap());
        let name = community_name(&analysis, value.parse().unwrap());
        assert!(
            text.starts_with(&name) && name.contains(": ") && name.contains("(group "),
            "option {value}: {text:?}, expected the name {name:?}"
        );
    }
    let chosen = options[0][0].as_str().unwrap();
    let kept = script(
        &client,
        "const select = document.getElementById('citation-map-community');\
         select.value = arguments[0];\
         select.dispatchEvent(new Event('change'));\
         return Array.from(document.querySelectorAll('#citation-map .map-node:not(.is-hidden)'))\
         .map(n => n.getAttribute('data-community'));",
        vec![json!(chosen)],
    )
    .await;
    let kept = kept.as_array().unwrap();
    assert!(!kept.is_empty());
    assert!(kept.iter().all(|c| c.as_str() == Some(chosen)), "{kept:?}");
    // The report's clusters table names them too.
    let table = script(
        &client,
        "return document.querySelector('table.clusters').textContent;",
        vec![],
    )
    .await;
    assert!(
        table.as_str().unwrap().contains("(group "),
        "the clusters table names the clusters: {table}"
    );

    // The legend: every fill drawn on the map has exactly one entry, and every entry's fill is
    // drawn; the shared gray is "Other mechanisms", the hatch "Uncertain".
    let legend = script(
        &client,
        "const fills = new Set(Array.from(document.querySelectorAll('#citation-map .map-node circle'))\
           .map(c => c.getAttribute('fill')));\
         const entries = Array.from(document.querySelectorAll('.map-legend li[data-fill]'))\
           .map(li => [li.getAttribute('data-fill'), li.textContent]);\
         return [Array.from(fills).sort(), entries];",
        vec![],
    )
    .await;
    let fills: Vec<&str> = legend[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let entries: Vec<(&str, &str)> = legend[1]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e[0].as_str().unwrap(), e[1].as_str().unwrap()))
        .collect();
    for fill in &fills {
        let named: Vec<&(&str, &str)> = entries.iter().filter(|e| e.0 == *fill).collect();
        assert_eq!(
            named.len(),
            1,
            "fill {fill}: legend entries {named:?} of {entries:?}"
        );
        assert!(!named[0].1.trim().is_empty(), "fill {fill} has a name");
    }
    let mut legend_fills: Vec<&str> = entries.iter().map(|e| e.0).collect();
    legend_fills.sort_unstable();
    assert_eq!(
        legend_fills, fills,
        "the legend names only drawn fills, once each"
    );
    let other = entries
        .iter()
        .find(|e| e.0 == "#717171")
        .expect("the shared gray is drawn (Quantization, Early Exit)");
    assert_eq!(other.1, "Other mechanisms");
    let hatch = entries
        .iter()
        .find(|e| e.0.starts_with("url("))
        .expect("the uncertain missing papers are hatched");
    assert!(hatch.1.starts_with("Uncertain"), "{hatch:?}");

    // The mechanism filter names mechanisms as the legend does ("Unspecified", capitalised).
    let names = script(
        &client,
        "return Array.from(document.querySelectorAll('#citation-map-mechanism option'))\
         .filter(o => o.value !== '').map(o => o.textContent);",
        vec![],
    )
    .await;
    for name in names.as_array().unwrap() {
        let name = name.as_str().unwrap();
        assert!(
            name.chars().next().is_some_and(char::is_uppercase),
            "filter option {name:?}"
        );
    }

    // The card prints PageRank as a plain number with two significant digits.
    let chosen_paper = analysis
        .papers
        .iter()
        .find(|p| p.paper_id == clicked_id)
        .unwrap();
    let printed = script(
        &client,
        "arguments[0].dispatchEvent(new MouseEvent('mouseenter'));\
         const dts = Array.from(document.querySelectorAll('#citation-map-card dt'));\
         const dt = dts.find(d => d.textContent === 'PageRank');\
         return dt ? dt.nextElementSibling.textContent : null;",
        vec![element_arg(&clicked)],
    )
    .await;
    let printed = printed
        .as_str()
        .expect("the card has a PageRank")
        .to_string();
    let value: f64 = printed
        .parse()
        .unwrap_or_else(|_| panic!("PageRank printed as a number: {printed:?}"));
    assert!(
        (value - chosen_paper.pagerank).abs() <= 0.05 * chosen_paper.pagerank,
        "PageRank {} printed {printed:?}",
        chosen_paper.pagerank
    );

    // Enter in the search box goes to the exact match ("ToMe"), not the first paper holding it
    // ("SoftToMe", earlier on the map). The cluster chosen above is let go first.
    script(
        &client,
        "const select = document.getElementById('citation-map-community');\
         select.value = '';\
         select.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await;
    let search = client
        .find(Locator::Id("citation-map-search"))
        .await
        .unwrap();
    search.send_keys("ToMe").await.unwrap();
    search.send_keys("\u{E007}").await.unwrap();
    assert_eq!(
        script(
            &client,
            "return document.activeElement.getAttribute('data-paper');",
            vec![]
        )
        .await,
        json!(tome_id),
        "Enter on \"ToMe\" focuses ToMe"
    );

    // An inverted year range is read the other way round and said so, never an empty map.
    let inverted = script(
        &client,
        "const from = document.getElementById('citation-map-from');\
         const to = document.getElementById('citation-map-to');\
         const first = from.value, last = to.value;\
         document.getElementById('citation-map-search').value = '';\
         from.value = last; to.value = first;\
         from.dispatchEvent(new Event('input'));\
         return [document.querySelectorAll('#citation-map .map-node:not(.is-hidden)').length,\
                 document.getElementById('citation-map-count').textContent];",
        vec![],
    )
    .await;
    assert_eq!(inverted[0], json!(expected.len()), "{inverted}");
    assert!(
        inverted[1].as_str().unwrap().contains("years read as"),
        "{inverted}"
    );

    // Reset clears the search, every filter, the highlight and the zoom.
    let after_reset = script(
        &client,
        "document.getElementById('citation-map-search').value = 'ToMe';\
         document.getElementById('citation-map-search').dispatchEvent(new Event('input'));\
         const mech = document.getElementById('citation-map-mechanism');\
         mech.value = mech.options[1].value; mech.dispatchEvent(new Event('change'));\
         document.getElementById('citation-map-zoom-in').click();\
         document.getElementById('citation-map-reset').click();\
         return [document.querySelectorAll('#citation-map .map-node:not(.is-hidden)').length,\
                 document.getElementById('citation-map-search').value,\
                 mech.value,\
                 document.getElementById('citation-map-community').value,\
                 document.getElementById('citation-map-from').value === document.getElementById('citation-map-from').defaultValue,\
                 document.getElementById('citation-map-to').value === document.getElementById('citation-map-to').defaultValue,\
                 document.querySelectorAll('#citation-map .is-selected').length,\
                 document.querySelector('#citation-map .map-viewport').getAttribute('transform')];",
        vec![],
    )
    .await;
    assert_eq!(
        after_reset,
        json!([
            expected.len(),
            "",
            "",
            "",
            true,
            true,
            0,
            "translate(0 0) scale(1)"
        ]),
        "Reset shows the whole map again"
    );

    let log = browser_log(&client, &driver).await;
    let errors: Vec<&Value> = log
        .iter()
        .filter(|entry| entry["level"] == "SEVERE" || entry["level"] == "WARNING")
        .collect();
    assert!(errors.is_empty(), "the browser logged {errors:#?}");
    client.close().await.unwrap();
}
