//! Faults of one family (issue 11), each with the right value: nested entries in file order, a
//! stray NUL byte reported and the rest of the file read, identifiers in all their forms and line
//! endings of every kind.

use crate::common;

use std::path::Path;

use serde_json::Value;

fn catalog(source: &Path) -> Value {
    let out = tempfile::tempdir().unwrap();
    let output = common::citegraph()
        .args(["catalog", "--catalog"])
        .arg(source)
        .arg("--output-dir")
        .arg(out.path())
        .arg("--cache-dir")
        .arg(out.path().join("cache"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(out.path().join("catalog.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn papers(catalog: &Value) -> &Vec<Value> {
    catalog["papers"].as_array().unwrap()
}

#[test]
fn nested_entries_come_out_in_file_order() {
    let list = common::shared_dir().join("cases/nested-entry-order/list.md");
    let catalog = catalog(&list);
    let numbers: Vec<u64> = papers(&catalog)
        .iter()
        .map(|p| p["listings"][0]["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    let lines: Vec<u64> = papers(&catalog)
        .iter()
        .map(|p| p["listings"][0]["line"].as_u64().unwrap())
        .collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
    let numbering: Vec<&Value> = catalog["lint"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"].as_str().unwrap().starts_with("numbering"))
        .collect();
    assert!(numbering.is_empty(), "{numbering:?}");
    // The badges of the case are read in every form it uses (HTML, inside links).
    let mechanisms: Vec<&str> = papers(&catalog)
        .iter()
        .map(|p| p["mechanisms"][0].as_str().unwrap())
        .collect();
    assert_eq!(
        mechanisms,
        [
            "Token Pruning",
            "Token Merging",
            "Token Pruning",
            "unspecified",
            "Token Caching"
        ]
    );
}

#[test]
fn one_nul_byte_is_reported_and_the_rest_of_the_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = Vec::new();
    let mut nul_line = 0;
    for i in 1..=100 {
        let title = if i == 37 {
            nul_line = 2 * i - 1;
            format!("Paper Thirty\u{0}Seven {i}")
        } else {
            format!("Paper {i}")
        };
        text.extend_from_slice(
            format!(
                "- **[{i}] {title}**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2401.{i:05})]\n"
            )
            .as_bytes(),
        );
    }
    std::fs::write(dir.path().join("list.md"), &text).unwrap();
    let catalog = catalog(&dir.path().join("list.md"));
    assert_eq!(papers(&catalog).len(), 100);
    assert_eq!(papers(&catalog)[36]["title"], "Paper ThirtySeven 37");
    let warnings = catalog["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["file"], "list.md");
    assert_eq!(warnings[0]["line"], nul_line);
    assert!(warnings[0]["message"]
        .as_str()
        .unwrap()
        .contains("control byte 0x00"));
}

#[test]
fn identifiers_in_all_their_forms_and_every_line_ending() {
    let entries = [
        (
            "Old Style With Subject Class",
            "https://arxiv.org/abs/cs.CL/0101001v2",
        ),
        (
            "Old Style With a Dashed Class",
            "https://arxiv.org/pdf/cond-mat.stat-mech/0101002v1.pdf",
        ),
        ("Versioned PDF", "https://arxiv.org/pdf/2106.02034v3.pdf"),
        ("Versioned HTML", "https://arxiv.org/html/2410.05317v2/"),
        (
            "Upper-Case arXiv DOI",
            "https://doi.org/10.48550/ARXIV.2408.16532",
        ),
        (
            "Upper-Case DOI",
            "https://DOI.org/10.1109/CVPR52733.2024.00999",
        ),
        ("Old ACL DOI", "https://doi.org/10.18653/v1/P18-1166"),
    ];
    let expected_ids = [
        ("arxiv", "cs/0101001"),
        ("arxiv", "cond-mat/0101002"),
        ("arxiv", "2106.02034"),
        ("arxiv", "2410.05317"),
        ("arxiv", "2408.16532"),
        ("doi", "10.1109/cvpr52733.2024.00999"),
        ("acl", "P18-1166"),
    ];
    for ending in ["\n", "\r\n", "\r"] {
        let mut text = format!("# Ids{ending}{ending}## 2024{ending}{ending}");
        for (i, (title, url)) in entries.iter().enumerate() {
            text.push_str(&format!(
                "- **[{}] {title}**, arXiv 2024.{ending}  [[Paper]({url})] ![](https://img.shields.io/badge/Token_Pruning-orange){ending}{ending}",
                i + 1
            ));
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ids.md"), text).unwrap();
        let catalog = catalog(&dir.path().join("ids.md"));
        let papers = papers(&catalog);
        assert_eq!(papers.len(), entries.len(), "{ending:?}: {catalog}");
        for (i, (paper, (kind, id))) in papers.iter().zip(expected_ids).enumerate() {
            assert_eq!(paper["title"], entries[i].0, "{ending:?}");
            assert_eq!(paper["ids"][kind], id, "{ending:?} {}", entries[i].0);
            // Entries start on lines 5, 8, 11, ... whatever ends the lines.
            assert_eq!(paper["listings"][0]["line"], 5 + 3 * i, "{ending:?}");
        }
        assert!(
            catalog["lint"].as_array().unwrap().is_empty(),
            "{ending:?}: {catalog}"
        );
        assert!(
            catalog["warnings"].as_array().unwrap().is_empty(),
            "{ending:?}: {catalog}"
        );
    }
}
