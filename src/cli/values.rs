//! The value parsers of the options whose values clap's own parsers do not check enough: each
//! refuses a bad value at parse time, so that every bad value is a usage error with one exit
//! status, 2 (README, "Exit status"), before any file is read or any request made.

/// `--api-url` (and `S2_API_URL`): an absolute `http` or `https` URL with a host. A URL without
/// a scheme (`api.semanticscholar.org/graph/v1`) used to be retried for minutes as a connection
/// error. The value is returned without surrounding spaces.
pub fn parse_api_url(text: &str) -> Result<String, String> {
    let hint = "give the whole URL with its scheme, as in https://api.semanticscholar.org/graph/v1";
    let url = url::Url::parse(text.trim()).map_err(|err| format!("{err}: {hint}"))?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some_and(|host| !host.is_empty()) => {
            Ok(text.trim().to_string())
        }
        "http" | "https" => Err(format!("the URL names no host: {hint}")),
        other => Err(format!("`{other}:` is not an http or https URL: {hint}")),
    }
}

/// A request rate: a positive, finite number of requests per second from [`MIN_RPS`] to
/// [`MAX_RPS`].
pub fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if (MIN_RPS..=MAX_RPS).contains(&rate) => Ok(rate),
        Ok(rate) => Err(format!(
            "{rate} is not a rate from {MIN_RPS} to {MAX_RPS} requests per second"
        )),
        Err(err) => Err(format!("{err}")),
    }
}

/// `--openalex-rps`: a request rate from [`MIN_RPS`] to OpenAlex's cap,
/// [`citegraph::openalex::MAX_RPS`] (10 a second, with or without a key: the client refuses a
/// faster pace, so a faster value is a usage error here rather than a source dropped at run time).
pub fn parse_openalex_rps(text: &str) -> Result<f64, String> {
    let cap = citegraph::openalex::MAX_RPS;
    match parse_rate(text)? {
        rate if rate <= cap => Ok(rate),
        rate => Err(format!(
            "{rate} is above OpenAlex's cap of {cap} requests per second"
        )),
    }
}

/// `--opencitations-per-minute`: requests a minute, from 1 to 60,000 (a local mirror or test
/// server; OpenCitations allows 180).
pub fn parse_per_minute(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if (1.0..=60_000.0).contains(&rate) => Ok(rate),
        Ok(rate) => Err(format!(
            "{rate} is not a rate from 1 to 60000 requests per minute"
        )),
        Err(err) => Err(format!("{err}")),
    }
}

/// `--rps` bounds: one request every 100 s at the slowest (slower is a stalled run), 1,000 a
/// second at the fastest (a local mirror or test server; the API's own limit is 1).
pub const MIN_RPS: f64 = 0.01;
pub const MAX_RPS: f64 = 1000.0;

/// A finite number above zero (`--timeout`, `--resolution`).
pub fn parse_positive(text: &str) -> Result<f64, String> {
    match parse_finite(text)? {
        value if value > 0.0 => Ok(value),
        value => Err(format!("{value} is not above 0")),
    }
}

/// A finite number of at least zero (`--retry-delay`, `--max-age`, `--scope-min-lift`,
/// `--scope-min-llr`).
pub fn parse_non_negative(text: &str) -> Result<f64, String> {
    match parse_finite(text)? {
        value if value >= 0.0 => Ok(value),
        value => Err(format!("{value} is negative")),
    }
}

fn parse_finite(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(value) => Err(format!("{value} is not a finite number")),
        Err(err) => Err(format!("{err}")),
    }
}

/// `--today`: a calendar date, `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<citegraph::render::charts::CalendarDate, String> {
    citegraph::render::charts::CalendarDate::parse(text)
}

/// `snapshot export --source`: a source's name (`s2`, `openalex`, `opencitations`).
pub fn parse_source(text: &str) -> Result<citegraph::records::Source, String> {
    use citegraph::records::Source;
    Source::parse(text).ok_or_else(|| {
        format!(
            "unknown source `{}`: the sources are {}",
            text.trim(),
            Source::ALL.map(Source::as_str).join(", ")
        )
    })
}

/// `--source-snapshot SOURCE=FILE`: a secondary source (`openalex`, `opencitations`) and the
/// snapshot of its answers to read. Errors: no `=`, an unknown source, `s2` (whose snapshot is
/// `--snapshot`), no file name.
pub fn parse_source_snapshot(
    text: &str,
) -> Result<(citegraph::records::Source, std::path::PathBuf), String> {
    let Some((name, file)) = text.split_once('=') else {
        return Err("give SOURCE=FILE, as in openalex=openalex.jsonl".to_string());
    };
    let source = parse_source(name)?;
    if source == citegraph::records::Source::S2 {
        return Err("Semantic Scholar's snapshot is given with --snapshot FILE".to_string());
    }
    if file.trim().is_empty() {
        return Err(format!("no file after `{name}=`"));
    }
    Ok((source, std::path::PathBuf::from(file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_url_needs_a_web_scheme_and_a_host() {
        for good in [
            "https://api.semanticscholar.org/graph/v1",
            "http://127.0.0.1:8080",
            " http://localhost/graph/v1/ ",
        ] {
            assert!(parse_api_url(good).is_ok(), "{good}");
        }
        for bad in [
            "api.semanticscholar.org/graph/v1",
            "localhost:8080",
            "ftp://example.org",
            "file:///tmp/x",
            "https://",
            "",
        ] {
            let error = parse_api_url(bad).unwrap_err();
            assert!(
                error.contains("https://api.semanticscholar.org"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn a_source_snapshot_names_a_secondary_source_and_a_file() {
        use citegraph::records::Source;
        assert_eq!(
            parse_source_snapshot("openalex=a.jsonl"),
            Ok((Source::OpenAlex, "a.jsonl".into()))
        );
        assert!(parse_source_snapshot("s2=a.jsonl")
            .unwrap_err()
            .contains("--snapshot"));
        assert!(parse_source_snapshot("crossref=a").is_err());
        assert!(parse_source_snapshot("openalex").is_err());
        assert!(parse_source_snapshot("openalex=").is_err());
    }

    #[test]
    fn numbers_are_finite_and_in_range() {
        assert_eq!(parse_positive("2.5"), Ok(2.5));
        assert_eq!(parse_non_negative("0"), Ok(0.0));
        for bad in ["0", "-1", "NaN", "inf", "x"] {
            assert!(parse_positive(bad).is_err(), "{bad}");
        }
        for bad in ["-0.5", "NaN", "-inf", ""] {
            assert!(parse_non_negative(bad).is_err(), "{bad}");
        }
    }
}
