//! The mock speaks OpenAlex's recorded wire format (../shared/fixtures/openalex-recorded/): the
//! list envelope, id URLs, the HTML 404, the cursor's end; and the client reads long citer lists
//! through it page by page.

use std::collections::BTreeSet;

use citegraph::openalex;
use citegraph::records::sources::Wanted;
use serde_json::Value;

use crate::common::mock_openalex::{Endpoint, OaMockBuilder, OaWorld};
use crate::common::shared_dir;
use crate::openalex_world::{env, options, papers};

fn recorded(name: &str) -> Vec<u8> {
    std::fs::read(shared_dir().join("fixtures/openalex-recorded").join(name)).unwrap()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn the_mock_answers_in_the_recorded_shapes() {
    let world = OaWorld::load();
    // The most cited work: more than one page of citers.
    let (cited, _) = papers()
        .keys()
        .map(|id| (OaWorld::key_of(id), 0))
        .max_by_key(|(k, _)| (world.citers(std::slice::from_ref(k)).len(), k.clone()))
        .unwrap();
    let mock = OaMockBuilder::new(world).start();
    let http = reqwest::blocking::Client::new();
    let get = |url: String| http.get(url).send().unwrap();

    let recorded_page: Value =
        serde_json::from_slice(&recorded("researchhub_works_cursor_page.json")).unwrap();
    let page: Value = get(format!(
        "{}/works?filter=cites:{cited}&per_page=3&cursor=*",
        mock.url()
    ))
    .json()
    .unwrap();
    assert_eq!(keys(&page), keys(&recorded_page));
    assert_eq!(keys(&page["meta"]), keys(&recorded_page["meta"]));
    assert_eq!(page["meta"]["page"], Value::Null);
    assert!(page["meta"]["next_cursor"].is_string());
    let work = &page["results"][0];
    assert!(work["id"]
        .as_str()
        .unwrap()
        .starts_with("https://openalex.org/W"));
    assert!(work["referenced_works"][0]
        .as_str()
        .unwrap()
        .starts_with("https://openalex.org/W"));
    for field in keys(work) {
        // Every field the mock serves is a field of a recorded work.
        assert!(
            recorded_page["results"][0].get(&field).is_some(),
            "{field} is not in the recorded works"
        );
    }

    // The end of a cursor: an empty page, `next_cursor: null`, as recorded.
    let empty: Value =
        serde_json::from_slice(&recorded("researchhub_works_cursor_last_page_empty.json")).unwrap();
    let one = format!("{}/works?filter=openalex_id:{cited}&per_page=1", mock.url());
    let first: Value = get(format!("{one}&cursor=*")).json().unwrap();
    assert_eq!(first["results"].as_array().unwrap().len(), 1);
    let next = first["meta"]["next_cursor"].as_str().unwrap();
    let past: Value = get(format!("{one}&cursor={next}")).json().unwrap();
    let mut expected = empty.clone();
    expected["meta"]["per_page"] = Value::from(1);
    expected["meta"]["db_response_time_ms"] = past["meta"]["db_response_time_ms"].clone();
    assert_eq!(past, expected);

    // An unknown DOI: the recorded HTML page, as text/html.
    let missing = get(format!(
        "{}/works/doi:10.1046/j.1365-2699.2003.00795",
        mock.url()
    ));
    assert_eq!(missing.status(), 404);
    assert!(missing.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(
        missing.bytes().unwrap().to_vec(),
        recorded("paperqa_work_by_doi_404.body.html")
    );

    // The server's refusals: 101 ids, a wildcard, an unknown parameter, a nested select.
    let ids: Vec<String> = (0..101)
        .map(|i| format!("W{}", 1_000_000_000 + i))
        .collect();
    for query in [
        format!("filter=openalex_id:{}", ids.join("|")),
        "filter=title.search:what?".to_string(),
        "filter=cites:W1&per_page=100&limit=3".to_string(),
        "filter=cites:W1&select=open_access.is_oa".to_string(),
        "filter=cites:W1&per_page=201".to_string(),
    ] {
        let answer = get(format!("{}/works?{query}", mock.url()));
        assert_eq!(answer.status(), 400, "{query}");
        let body: Value = answer.json().unwrap();
        assert!(
            body["error"].is_string() && body["message"].is_string(),
            "{body}"
        );
    }
}

#[test]
fn a_long_citer_list_is_read_page_by_page_to_the_end() {
    let papers = papers();
    let world = OaWorld::load();
    let (id, citers) = papers
        .keys()
        .filter(|id| !world.is_pair(id))
        .map(|id| (id.clone(), world.citers(&world.keys(id)).len()))
        .max_by_key(|(id, n)| (*n, id.clone()))
        .unwrap();
    assert!(citers > 200, "{citers}");
    let mock = OaMockBuilder::new(world).start();
    let dir = tempfile::tempdir().unwrap();
    let asked = [Wanted {
        key: "foundation".into(),
        title: papers[&id]["title"].as_str().unwrap().to_string(),
        arxiv: papers[&id]["externalIds"]["ArXiv"]
            .as_str()
            .map(String::from),
        ..Default::default()
    }];
    let mut opts = options(&mock);
    opts.fill_only = false;
    let corpus = openalex::fetch(&asked, &opts, &env(dir.path(), false)).unwrap();
    let lists = &corpus.lists[0];
    assert_eq!(lists.citations.as_ref().unwrap().len(), citers);
    // ceil(n / 100) pages, and one more empty page when the last one is full.
    let pages = citers.div_ceil(100) + usize::from(citers % 100 == 0);
    assert_eq!(mock.count(Endpoint::Cites), pages);

    // --max-citations stops the paging early.
    opts.max_citations = Some(150);
    opts.refresh = true;
    let cut = openalex::fetch(&asked, &opts, &env(dir.path(), false)).unwrap();
    assert_eq!(cut.lists[0].citations.as_ref().unwrap().len(), 150);
    assert_eq!(mock.count(Endpoint::Cites), pages + 2);
    assert!(cut.lists[0]
        .note
        .as_deref()
        .unwrap()
        .contains("citers cut at 150"));
}
