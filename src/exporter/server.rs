//! The HTTP side: snmp_exporter's URL API over hyper.
//!
//! - `GET /snmp?target=HOST[:PORT]&module=NAME[&auth=NAME]`: scrape and answer in the text
//!   format. The answer's status and plain-text message for a missing target, an unknown module
//!   or auth, and a failed scrape are snmp_exporter's.
//! - `GET /metrics`: the exporter's own metrics (prometheus-client, OpenMetrics text).
//! - `POST /-/reload`: read the configuration files again (also on SIGHUP, see
//!   [`Exporter::reload`]). A bad file keeps the old configuration and answers 500.
//! - `GET /`: a short help page.

use super::collect::{self, CollectOptions, Kind, Sample};
use super::config::{Config, ConfigError, Layout};
use super::scrape::{ScrapeOptions, Scraper};
use super::text::Families;
use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full};
use hyper::body::Frame;
use hyper::{Method, Request, Response, StatusCode};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Instant;
use tokio::net::TcpListener;

type Body = BoxBody<Bytes, Infallible>;

/// Where the configuration comes from: file names or glob patterns, expanded at every load.
#[derive(Clone, Debug)]
pub struct ConfigSource {
    /// `--config.file` values.
    pub patterns: Vec<String>,
}

impl ConfigSource {
    /// Expands the patterns (a pattern matching nothing is an error) and loads the files.
    pub fn load(&self) -> Result<Config, ConfigError> {
        let mut files: Vec<PathBuf> = Vec::new();
        for p in &self.patterns {
            let is_glob = p.contains(['*', '?', '[']);
            if !is_glob {
                files.push(PathBuf::from(p));
                continue;
            }
            let paths = glob::glob(p).map_err(|e| ConfigError(format!("{p}: {e}")))?;
            let mut found: Vec<PathBuf> = paths.filter_map(Result::ok).collect();
            if found.is_empty() {
                return Err(ConfigError(format!("{p}: no file matches")));
            }
            found.sort();
            files.extend(found);
        }
        Config::load(&files)
    }
}

/// The exporter's own metrics.
struct OwnMetrics {
    registry: Registry,
    request_errors: Counter,
    duration: Family<Vec<(String, String)>, Histogram>,
    reload_ok: Gauge,
    reloads: Counter,
}

impl OwnMetrics {
    fn new() -> OwnMetrics {
        let mut registry = Registry::default();
        let request_errors = Counter::default();
        let duration = Family::<Vec<(String, String)>, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 16))
        });
        let reload_ok = Gauge::default();
        let reloads = Counter::default();
        registry.register(
            "snmp_request_errors",
            "Errors in requests to the SNMP exporter",
            request_errors.clone(),
        );
        registry.register(
            "snmp_collection_duration_seconds",
            "Duration of collections by the SNMP exporter",
            duration.clone(),
        );
        registry.register(
            "snmp_exporter_config_last_reload_successful",
            "Whether the last configuration reload succeeded",
            reload_ok.clone(),
        );
        registry.register(
            "snmp_exporter_config_reloads",
            "Configuration reloads attempted",
            reloads.clone(),
        );
        OwnMetrics {
            registry,
            request_errors,
            duration,
            reload_ok,
            reloads,
        }
    }
}

/// Settings of an [`Exporter`].
#[derive(Clone, Debug)]
pub struct ExporterOptions {
    /// The scrape engine's settings.
    pub scrape: ScrapeOptions,
    /// Sample construction settings.
    pub collect: CollectOptions,
    /// Modules of one request scraped at once.
    pub module_concurrency: usize,
}

impl Default for ExporterOptions {
    fn default() -> Self {
        ExporterOptions {
            scrape: ScrapeOptions::default(),
            collect: CollectOptions::default(),
            module_concurrency: 1,
        }
    }
}

/// A running exporter: configuration, engine and metrics. Cheap to share (`Arc`).
pub struct Exporter {
    source: ConfigSource,
    config: RwLock<Arc<Config>>,
    scraper: Scraper,
    options: ExporterOptions,
    metrics: OwnMetrics,
}

fn text(status: StatusCode, msg: &str) -> Response<Body> {
    // Go's http.Error: the message and a newline, as plain text.
    let mut r = Response::new(Full::new(Bytes::from(format!("{msg}\n"))).boxed());
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert("content-type", "text/plain; charset=utf-8".parse().unwrap());
    h.insert("x-content-type-options", "nosniff".parse().unwrap());
    r
}

const HELP_PAGE: &str = "<html>
<head><title>SNMP Exporter</title></head>
<body>
<h1>SNMP Exporter</h1>
<p>snmpkit exporter, compatible with Prometheus snmp_exporter.</p>
<form action=\"/snmp\">
<label>Target:</label> <input type=\"text\" name=\"target\" placeholder=\"X.X.X.X\" value=\"1.2.3.4\"><br>
<label>Module:</label> <input type=\"text\" name=\"module\" placeholder=\"module\" value=\"if_mib\"><br>
<input type=\"submit\" value=\"Submit\">
</form>
<p><a href=\"/metrics\">Metrics</a></p>
</body>
</html>
";

impl Exporter {
    /// Loads the configuration and builds the engine over `transport`.
    pub fn new(
        source: ConfigSource,
        transport: crate::Transport,
        options: ExporterOptions,
    ) -> Result<Arc<Exporter>, ConfigError> {
        let config = source.load()?;
        let metrics = OwnMetrics::new();
        metrics.reload_ok.set(1);
        Ok(Arc::new(Exporter {
            source,
            config: RwLock::new(Arc::new(config)),
            scraper: Scraper::new(transport, options.scrape.clone()),
            options,
            metrics,
        }))
    }

    /// The configuration in use.
    pub fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Reads the configuration files again. On error the old configuration stays.
    pub fn reload(&self) -> Result<(), ConfigError> {
        self.metrics.reloads.inc();
        match self.source.load() {
            Ok(c) => {
                *self.config.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(c);
                self.metrics.reload_ok.set(1);
                tracing::info!("Loaded config file");
                Ok(())
            }
            Err(e) => {
                self.metrics.reload_ok.set(0);
                tracing::error!(err = %e, "Error reloading config");
                Err(e)
            }
        }
    }

    /// Serves HTTP on `listener` until the future is dropped.
    pub async fn serve(self: Arc<Self>, listener: TcpListener) {
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(err = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            };
            let me = self.clone();
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(stream);
                let svc = hyper::service::service_fn(move |req| {
                    let me = me.clone();
                    async move { Ok::<_, Infallible>(me.handle(req).await) }
                });
                if let Err(e) = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, svc)
                    .await
                {
                    tracing::debug!(err = %e, "connection ended");
                }
            });
        }
    }

    /// Answers one request.
    pub async fn handle<B>(self: &Arc<Self>, req: Request<B>) -> Response<Body> {
        let path = req.uri().path().to_string();
        let query: Vec<(String, String)> = req
            .uri()
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        match path.as_str() {
            "/snmp" => self.snmp(&query).await,
            "/metrics" => {
                let mut out = String::new();
                if prometheus_client::encoding::text::encode(&mut out, &self.metrics.registry)
                    .is_err()
                {
                    return text(StatusCode::INTERNAL_SERVER_ERROR, "encoding failed");
                }
                let mut r = Response::new(Full::new(Bytes::from(out)).boxed());
                r.headers_mut().insert(
                    "content-type",
                    "application/openmetrics-text; version=1.0.0; charset=utf-8"
                        .parse()
                        .unwrap(),
                );
                r
            }
            "/-/reload" => {
                if req.method() != Method::POST {
                    return text(StatusCode::BAD_REQUEST, "POST method expected");
                }
                match self.reload() {
                    Ok(()) => Response::new(Full::new(Bytes::new()).boxed()),
                    Err(e) => text(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        &format!("failed to reload config: {e}"),
                    ),
                }
            }
            "/" => {
                let mut r =
                    Response::new(Full::new(Bytes::from_static(HELP_PAGE.as_bytes())).boxed());
                r.headers_mut()
                    .insert("content-type", "text/html; charset=utf-8".parse().unwrap());
                r
            }
            _ => text(StatusCode::NOT_FOUND, "404 page not found"),
        }
    }

    fn bad(&self, msg: &str) -> Response<Body> {
        self.metrics.request_errors.inc();
        text(StatusCode::BAD_REQUEST, msg)
    }

    async fn snmp(self: &Arc<Self>, query: &[(String, String)]) -> Response<Body> {
        let all = |k: &str| -> Vec<&str> {
            query
                .iter()
                .filter(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        let targets = all("target");
        if targets.len() != 1 || targets[0].is_empty() {
            return self.bad("'target' parameter must be specified once");
        }
        let target = targets[0].to_string();
        let config = self.config();
        let module_params = all("module");
        let auths = all("auth");
        let (names, auth_name): (Vec<String>, Option<String>) = match config.layout {
            Layout::Legacy => {
                if module_params.len() > 1 {
                    return self.bad("'module' parameter must only be specified once");
                }
                let m = module_params.first().copied().unwrap_or("");
                let m = if m.is_empty() { "if_mib" } else { m };
                (vec![m.to_string()], None)
            }
            Layout::Split => {
                if auths.len() > 1 {
                    return self.bad("'auth' parameter must only be specified once");
                }
                let mut names: Vec<String> = Vec::new();
                let params = if module_params.is_empty() {
                    vec!["if_mib"]
                } else {
                    module_params
                };
                for p in params {
                    for m in p.split(',').filter(|m| !m.is_empty()) {
                        if !names.iter().any(|n| n == m) {
                            names.push(m.to_string());
                        }
                    }
                }
                if names.is_empty() {
                    return self.bad("'module' parameter must contain at least one module name");
                }
                let a = auths
                    .first()
                    .copied()
                    .filter(|a| !a.is_empty())
                    .unwrap_or("public_v2");
                (names, Some(a.to_string()))
            }
        };
        if let Some(a) = &auth_name {
            if a != "public_v2" && !config.auths.contains_key(a) {
                return self.bad(&format!("Unknown auth '{a}'"));
            }
        }
        let mut modules = Vec::new();
        for n in &names {
            match config.modules.get(n) {
                Some(m) => modules.push((n.clone(), m)),
                None => return self.bad(&format!("Unknown module '{n}'")),
            }
        }
        let start = Instant::now();
        tracing::debug!(target = %target, modules = ?names, "Starting scrape");
        let labelled = config.layout == Layout::Split;
        let sem = Arc::new(tokio::sync::Semaphore::new(
            self.options.module_concurrency.max(1),
        ));
        let futs = modules.iter().map(|(name, module)| {
            let sem = sem.clone();
            let auth = config.auth_for(module, auth_name.as_deref());
            let target = &target;
            async move {
                let _p = sem.acquire().await;
                let t0 = Instant::now();
                let auth = auth.unwrap_or_default();
                let r = self.scraper.scrape(target, &auth, module).await?;
                let mut samples = collect::collect(module, &r.pdus, self.options.collect);
                let labels: Vec<(String, String)> = if labelled {
                    vec![("module".into(), name.clone())]
                } else {
                    Vec::new()
                };
                let own = |n: &str, h: &str, v: f64| Sample {
                    name: n.into(),
                    help: h.into(),
                    kind: Kind::Gauge,
                    labels: labels.clone(),
                    value: v,
                };
                samples.push(own(
                    "snmp_scrape_walk_duration_seconds",
                    "Time SNMP walk/bulkwalk took.",
                    r.walk_duration.as_secs_f64(),
                ));
                samples.push(own(
                    "snmp_scrape_packets_sent",
                    "Packets sent for get, bulkget, and walk; including retries.",
                    r.packets as f64,
                ));
                samples.push(own(
                    "snmp_scrape_packets_retried",
                    "Packets retried for get, bulkget, and walk.",
                    r.retries as f64,
                ));
                samples.push(own(
                    "snmp_scrape_pdus_returned",
                    "PDUs returned from get, bulkget, and walk.",
                    r.pdus.len() as f64,
                ));
                samples.push(own(
                    "snmp_scrape_duration_seconds",
                    "Total SNMP time scrape took (walk and processing).",
                    t0.elapsed().as_secs_f64(),
                ));
                Ok::<_, super::scrape::ScrapeError>((name.clone(), samples))
            }
        });
        let results = futures_join_all(futs.collect()).await;
        let mut families = Families::default();
        let mut dropped = 0usize;
        for r in results {
            match r {
                Ok((name, samples)) => {
                    self.metrics
                        .duration
                        .get_or_create(&vec![("module".to_string(), name)])
                        .observe(start.elapsed().as_secs_f64());
                    for s in samples {
                        if !families.add(s) {
                            dropped += 1;
                        }
                    }
                }
                Err(e) => {
                    tracing::info!(target = %target, err = %e, "Error scraping target");
                    return text(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        &format!(
                            "An error has occurred while serving metrics:\n\nerror collecting metric snmp_error: {e}"
                        ),
                    );
                }
            }
        }
        if dropped > 0 {
            tracing::warn!(target = %target, dropped, "samples whose HELP or TYPE differs from their family's were dropped");
        }
        // Stream the exposition family by family: the text is never built whole.
        let (mut tx, body) = http_body_util::channel::Channel::<Bytes, Infallible>::new(4);
        tokio::spawn(async move {
            let mut buf = String::new();
            for (name, f) in families.map.iter_mut() {
                Families::render_family(name, f, &mut buf);
                f.samples = Vec::new();
                if buf.len() >= 32 * 1024
                    && tx
                        .send(Frame::data(Bytes::from(std::mem::take(&mut buf))))
                        .await
                        .is_err()
                {
                    return;
                }
            }
            if !buf.is_empty() {
                let _ = tx.send(Frame::data(Bytes::from(buf))).await;
            }
        });
        let mut r = Response::new(body.boxed());
        r.headers_mut().insert(
            "content-type",
            "text/plain; version=0.0.4; charset=utf-8".parse().unwrap(),
        );
        r
    }
}

/// Runs futures concurrently on this task and returns their outputs in order.
async fn futures_join_all<F: std::future::Future>(futs: Vec<F>) -> Vec<F::Output> {
    let mut futs: Vec<std::pin::Pin<Box<F>>> = futs.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = (0..futs.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in futs.iter_mut().enumerate() {
            if out[i].is_some() {
                continue;
            }
            match f.as_mut().poll(cx) {
                std::task::Poll::Ready(v) => out[i] = Some(v),
                std::task::Poll::Pending => pending = true,
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter()
        .map(|o| o.expect("every future finished"))
        .collect()
}
