//! Unit tests of the reference-manager exports (src/render/exports/).

use super::*;

fn built(facts: Facts) -> Reference {
    Reference::from_entry(&BibEntry {
        key: "k".into(),
        form: EntryForm::Built(facts),
    })
}

fn listed(block: &str) -> Reference {
    Reference::from_entry(&BibEntry {
        key: "k".into(),
        form: EntryForm::List(block.into()),
    })
}

#[test]
fn built_entries_are_typed_by_venue_and_ids_and_read_as_text() {
    let conference = built(Facts {
        title: "F<sup>3</sup>-Pruning:\nfast".into(),
        authors: vec!["Vincent van Gogh".into(), "Plato".into(), " ".into()],
        venue: Some("ICLR 2023<br>".into()),
        year: Some(2023),
        doi: Some("10.48550/arXiv.2301.00001".into()),
        arxiv: Some("2301.00001".into()),
    });
    assert_eq!(conference.kind, Kind::ConferencePaper);
    assert_eq!(conference.title, "F3-Pruning: fast");
    assert_eq!(conference.venue.as_deref(), Some("ICLR 2023"));
    // A published paper's entry never cites its preprint's DOI (as references.bib).
    assert_eq!(conference.doi, None);
    assert_eq!(
        conference.url.as_deref(),
        Some("https://arxiv.org/abs/2301.00001")
    );
    let van_gogh = &conference.authors[0];
    assert_eq!(
        (
            van_gogh.particle.as_str(),
            van_gogh.family.as_str(),
            van_gogh.given.as_str()
        ),
        ("van", "Gogh", "Vincent")
    );
    assert_eq!(conference.authors[1].family, "Plato");
    assert_eq!(conference.authors.len(), 2, "an empty name is dropped");

    let journal = built(Facts {
        venue: Some("IEEE Transactions on Pattern Analysis".into()),
        ..Facts::default()
    });
    assert_eq!(journal.kind, Kind::JournalArticle);
    let preprint = built(Facts {
        venue: Some("arXiv.org".into()),
        arxiv: Some("2101.00001".into()),
        doi: Some("10.48550/arXiv.2101.00001".into()),
        ..Facts::default()
    });
    assert_eq!(preprint.kind, Kind::Preprint);
    assert_eq!(preprint.venue, None);
    assert_eq!(preprint.doi.as_deref(), Some("10.48550/arXiv.2101.00001"));
    assert_eq!(built(Facts::default()).kind, Kind::Other);
}

#[test]
fn list_blocks_are_read_back_with_latex_resolved() {
    let reference = listed(
        "@inproceedings{k,\n  title={{ViT} for {\\L}{\\'o}d{\\'z} \\& more},\n  author={Nawrot, Piotr and {\\L}a{\\'n}cucki, Adrian and de la Fuente, Jr, Ana},\n  booktitle={CVPR},\n  year={2022},\n  doi = {10.1109/x_1},\n  eprint = {2201.00001},\n  archiveprefix = {arXiv},\n}\n",
    );
    assert_eq!(reference.kind, Kind::ConferencePaper);
    assert_eq!(reference.title, "ViT for Łódź & more");
    assert_eq!(reference.authors[1].family, "Łańcucki");
    assert_eq!(reference.authors[1].given, "Adrian");
    let fuente = &reference.authors[2];
    assert_eq!(
        (
            fuente.particle.as_str(),
            fuente.family.as_str(),
            fuente.suffix.as_str()
        ),
        ("de la", "Fuente", "Jr")
    );
    assert_eq!(reference.venue.as_deref(), Some("CVPR"));
    assert_eq!(reference.year, Some(2022));
    assert_eq!(reference.doi.as_deref(), Some("10.1109/x_1"));
    assert_eq!(reference.arxiv.as_deref(), Some("2201.00001"));

    let preprint = listed("@article{k, title={T}, journal={arXiv preprint arXiv:1611.01839}, year={2016}, eprint={1611.01839}}");
    assert_eq!(preprint.kind, Kind::Preprint);
    assert_eq!(preprint.venue, None);
    let article = listed("@article{k, title={T}, journal={Advances in NeurIPS}, date={2016-05}}");
    assert_eq!(article.kind, Kind::JournalArticle);
    assert_eq!(article.year, Some(2016));
    assert_eq!(listed("not bibtex").kind, Kind::Other);
}

#[test]
fn ris_records_are_one_field_a_line_from_ty_to_er() {
    let mut reference = listed(
        "@inproceedings{k, title={Two\nlines}, author={van Gogh, Vincent and Roe, Jr, Jane}, booktitle={CVPR}, year={2022}, doi={10.1/x}}",
    );
    reference.url = Some("https://example.org/\r\nTY  - JOUR".into());
    let text = ris(&[reference.clone(), reference]);
    let records: Vec<&str> = text.split("\r\n\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(records.len(), 2, "{text:?}");
    for record in records {
        let lines: Vec<&str> = record.split("\r\n").collect();
        assert_eq!(lines.first(), Some(&"TY  - CPAPER"));
        assert_eq!(lines.last(), Some(&"ER  - "));
        assert!(lines.contains(&"ID  - k"));
        assert!(lines.contains(&"TI  - Two lines"));
        assert!(lines.contains(&"AU  - van Gogh, Vincent"));
        assert!(lines.contains(&"AU  - Roe, Jane, Jr"));
        assert!(lines.contains(&"PY  - 2022"));
        assert!(lines.contains(&"T2  - CVPR"));
        assert!(lines.contains(&"DO  - 10.1/x"));
        // A line break in a value never starts a new tag.
        assert!(lines.contains(&"UR  - https://example.org/ TY - JOUR"));
        for line in lines {
            assert!(line.len() >= 6 && &line[2..6] == "  - ", "{line:?}");
        }
    }
    assert!(!text.replace("\r\n", "").contains('\n'));
}

#[test]
fn csl_json_items_carry_ids_types_names_and_date_parts() {
    let preprint = built(Facts {
        title: "Quote \" and \\ back".into(),
        authors: vec!["Jane Roe".into()],
        arxiv: Some("2101.00001".into()),
        year: Some(2021),
        ..Facts::default()
    });
    let value: serde_json::Value = serde_json::from_str(&csl_json(&[preprint]).unwrap()).unwrap();
    assert_eq!(
        value,
        serde_json::json!([{
            "id": "k",
            "type": "article",
            "title": "Quote \" and \\ back",
            "author": [{"family": "Roe", "given": "Jane"}],
            "issued": {"date-parts": [[2021]]},
            "publisher": "arXiv",
            "number": "arXiv:2101.00001",
            "URL": "https://arxiv.org/abs/2101.00001"
        }])
    );
}

#[test]
fn a_list_blocks_volume_and_pages_reach_ris_and_csl_json() {
    let reference = listed(
        "@article{k, title={Phased LSTM}, author={Neil, Daniel}, journal={Advances in Neural \
         Information Processing Systems}, volume={29}, pages={3882--3890}, year={2016}}",
    );
    assert_eq!(reference.volume.as_deref(), Some("29"));
    // biblatex reads TeX's `--` as the en dash it stands for.
    assert_eq!(reference.pages.as_deref(), Some("3882\u{2013}3890"));
    let text = ris(std::slice::from_ref(&reference));
    assert!(text.contains("VL  - 29\r\n"), "{text}");
    assert!(text.contains("SP  - 3882\r\nEP  - 3890\r\n"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&csl_json(std::slice::from_ref(&reference)).unwrap()).unwrap();
    assert_eq!(json[0]["volume"], "29");
    assert_eq!(json[0]["page"], "3882-3890");
    assert_eq!(page_range("7"), ("7", None));
    assert_eq!(page_range("12\u{2013}19"), ("12", Some("19")));
}
