//! `top`: a device's interfaces, live in the terminal (ratatui over crossterm), or one plain
//! table per interval in batch mode (stdout not a terminal, or `--count N`), like `top -b`.
//! The polling, rates and interface model are `snmpkit::poll::interfaces`; this file reads the
//! options, schedules the passes and draws.

use super::config::{CommonArgs, Fatal};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Sparkline, Table, TableState};
use ratatui::Frame;
use snmpkit::client::Client;
use snmpkit::poll::interfaces::{
    format_bits, format_duration, si, status_name, CounterKind, Interface, InterfacePoller,
    InterfaceTable, DEFAULT_HISTORY,
};
use snmpkit::poll::{rfc3339, target_label};
use snmpkit::Transport;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::mpsc;

const PROG: &str = "snmpkit top";

/// Arguments of `top`.
#[derive(clap::Args, Debug)]
pub struct TopArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Seconds between refreshes (fractions allowed).
    #[arg(long = "interval", value_name = "SECONDS", default_value = "1")]
    interval: String,
    /// Batch mode: print N plain tables, one per interval, then exit (as `top -b -n N`).
    /// Batch mode is also used, without a limit, when stdout is not a terminal.
    #[arg(long = "count", value_name = "N")]
    count: Option<u64>,
    /// The agents to watch; in the live view the keys 1-9 switch between them.
    #[arg(value_name = "AGENT", required = true)]
    agents: Vec<String>,
}

fn fatal(f: Fatal) -> i32 {
    eprintln!("{}", f.0);
    f.1
}

/// net-snmp ends its timeout message with a period; other errors print as they are.
fn error_line(e: &str) -> String {
    if e.starts_with("Timeout: ") && !e.ends_with('.') {
        format!("{e}.")
    } else {
        e.to_string()
    }
}

/// Runs `top`; returns the exit code.
pub async fn run(a: TopArgs) -> i32 {
    let interval = match a.interval.parse::<f64>() {
        Ok(s) if (0.05..1e6).contains(&s) => Duration::from_secs_f64(s),
        _ => {
            return fatal(Fatal(
                format!("{PROG}: Invalid interval: {}", a.interval),
                1,
            ))
        }
    };
    if a.count == Some(0) {
        return fatal(Fatal(format!("{PROG}: --count must be at least 1"), 1));
    }
    if a.agents.len() > 9 {
        return fatal(Fatal(format!("{PROG}: at most 9 agents (keys 1-9)"), 1));
    }
    let mib = a.common.load_mib();
    let args = a.common.with_conf_defaults(&super::snmpconf::load());
    let (security, options) = match args.client_settings(PROG) {
        Ok(s) => s,
        Err(f) => return fatal(f),
    };
    let transport = Transport::new();
    let mut pollers = Vec::new();
    for host in &a.agents {
        let client =
            match Client::connect_with(transport.clone(), host, security.clone(), options.clone())
                .await
            {
                Ok(c) => c,
                Err(e) => return fatal(Fatal(format!("{PROG}: {e}"), 1)),
            };
        match InterfacePoller::new(client, target_label(host), &mib) {
            Ok(p) => pollers.push(p),
            Err(e) => return fatal(Fatal(format!("{PROG}: {e}"), 1)),
        }
    }
    if a.count.is_some() || !std::io::stdout().is_terminal() {
        batch(pollers, interval, a.count).await
    } else {
        live(pollers, interval).await
    }
}

/// Polls every agent once, concurrently, and folds the answers in.
async fn pass(pollers: &[InterfacePoller], tables: &mut [InterfaceTable], cycle: u64) {
    let handles: Vec<_> = pollers
        .iter()
        .zip(tables.iter())
        .map(|(p, t)| {
            let (p, w) = (p.clone(), t.width());
            tokio::spawn(async move { p.fetch(w, cycle).await })
        })
        .collect();
    for (h, t) in handles.into_iter().zip(tables.iter_mut()) {
        if let Ok(rec) = h.await {
            t.update(rec);
        }
    }
}

async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Batch mode: a baseline pass, then one table per interval (so every table has rates).
/// An agent that does not answer prints net-snmp's message on stderr; the exit code is then 1.
async fn batch(pollers: Vec<InterfacePoller>, interval: Duration, count: Option<u64>) -> i32 {
    let mut tables: Vec<InterfaceTable> = pollers
        .iter()
        .map(|p| InterfaceTable::new(p.label(), 2))
        .collect();
    let stop = terminated();
    tokio::pin!(stop);
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    pass(&pollers, &mut tables, 0).await;
    let mut failed = false;
    let errors: Vec<String> = tables
        .iter()
        .filter_map(|t| t.error().map(error_line))
        .collect();
    for e in &errors {
        eprintln!("{e}");
    }
    if errors.len() == tables.len() {
        return 1;
    }
    failed |= !errors.is_empty();
    let mut cycle = 0u64;
    while count.is_none_or(|n| cycle < n) {
        tokio::select! {
            _ = tick.tick() => {}
            _ = &mut stop => break,
        }
        cycle += 1;
        pass(&pollers, &mut tables, cycle).await;
        let now = Instant::now();
        let mut text = String::new();
        for t in &tables {
            if let Some(e) = t.error() {
                eprintln!("{}", error_line(e));
                failed = true;
            }
            batch_table(&mut text, t, now);
        }
        let mut out = std::io::stdout().lock();
        if out
            .write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .is_err()
        {
            // A closed pipe (`| head`): stop quietly.
            break;
        }
    }
    i32::from(failed)
}

/// One agent's plain table: a header as `top -b` prints one, then a line per interface.
fn batch_table(s: &mut String, t: &InterfaceTable, now: Instant) {
    use std::fmt::Write as _;
    let _ = writeln!(
        s,
        "{PROG} - {} {} - up {} - poll {} - {}",
        t.label(),
        t.sys_name().unwrap_or("-"),
        t.uptime(now)
            .map(format_duration)
            .unwrap_or_else(|| "-".into()),
        t.last_duration()
            .map(|d| format!("{} ms", d.as_millis()))
            .unwrap_or_else(|| "-".into()),
        rfc3339(SystemTime::now()),
    );
    let _ = writeln!(s, "{}", one_line(t.sys_descr().unwrap_or("")));
    if let Some(e) = t.error() {
        let _ = writeln!(s, "{} (last values shown)", error_line(e));
    }
    let w = t
        .interfaces()
        .map(|i| i.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 32);
    let aw = t
        .interfaces()
        .map(|i| i.alias.chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 24);
    let _ = writeln!(
        s,
        "{:>6} {:<w$} {:<aw$} {:<5} {:<14} {:>11} {:>11} {:>7} {:>9} {:>9} {:>11}",
        "INDEX",
        "NAME",
        "ALIAS",
        "ADMIN",
        "OPER",
        "IN",
        "OUT",
        "UTIL",
        "ERR/s",
        "DISC/s",
        "CHANGED"
    );
    for i in t.interfaces() {
        let _ = writeln!(
            s,
            "{:>6} {:<w$} {:<aw$} {:<5} {:<14} {:>11} {:>11} {:>7} {:>9} {:>9} {:>11}",
            i.index,
            clip(&i.name, w),
            clip(&i.alias, aw),
            status_name(i.admin),
            status_name(i.oper),
            i.in_bps().map(format_bits).unwrap_or_else(|| "-".into()),
            i.out_bps().map(format_bits).unwrap_or_else(|| "-".into()),
            i.utilisation()
                .map(|u| format!("{u:.1}%"))
                .unwrap_or_else(|| "-".into()),
            per_sec(i.errors_per_sec()),
            per_sec(i.discards_per_sec()),
            i.since_change(now, t.uptime_ticks())
                .map(format_duration)
                .unwrap_or_else(|| "-".into()),
        );
    }
    s.push('\n');
}

fn per_sec(v: Option<f64>) -> String {
    v.map(|v| si(v).trim_end().to_string())
        .unwrap_or_else(|| "-".into())
}

/// Printable text on one line: control characters (a multi-line sysDescr, escapes an agent
/// sent) become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn clip(s: &str, w: usize) -> String {
    let s = one_line(s);
    if s.chars().count() <= w {
        s
    } else {
        let mut c: String = s.chars().take(w.saturating_sub(1)).collect();
        c.push('…');
        c
    }
}

// ---- the live view ----

/// The sort orders `s` cycles through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sort {
    Name,
    In,
    Out,
    Errors,
    Util,
}

impl Sort {
    fn next(self) -> Sort {
        match self {
            Sort::Name => Sort::In,
            Sort::In => Sort::Out,
            Sort::Out => Sort::Errors,
            Sort::Errors => Sort::Util,
            Sort::Util => Sort::Name,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::In => "in",
            Sort::Out => "out",
            Sort::Errors => "errors",
            Sort::Util => "util",
        }
    }
}

/// What the live view shows, apart from the data.
struct View {
    agent: usize,
    /// The selected interface, by ifIndex (kept across sorts and refreshes).
    selected: Option<u32>,
    sort: Sort,
    filter: String,
    typing: bool,
    hide_down: bool,
    detail: bool,
    state: TableState,
    /// The first row in view.
    offset: usize,
    interval: Duration,
    /// Rows visible in the table last drawn (for page up/down).
    page: usize,
}

enum Action {
    Continue,
    Quit,
}

/// The interfaces shown, in order: filtered, down ones hidden on request, sorted.
fn visible<'a>(t: &'a InterfaceTable, v: &View) -> Vec<&'a Interface> {
    let needle = v.filter.to_lowercase();
    let mut rows: Vec<&Interface> = t
        .interfaces()
        .filter(|i| !(v.hide_down && i.is_down()))
        .filter(|i| {
            needle.is_empty()
                || i.name.to_lowercase().contains(&needle)
                || i.alias.to_lowercase().contains(&needle)
        })
        .collect();
    let desc = |f: fn(&Interface) -> Option<f64>| {
        move |a: &&Interface, b: &&Interface| {
            let (x, y) = (f(a).unwrap_or(-1.0), f(b).unwrap_or(-1.0));
            y.total_cmp(&x).then(a.index.cmp(&b.index))
        }
    };
    match v.sort {
        Sort::Name => rows.sort_by_cached_key(|i| (natural_key(&i.name), i.index)),
        Sort::In => rows.sort_by(desc(|i| i.in_bps())),
        Sort::Out => rows.sort_by(desc(|i| i.out_bps())),
        Sort::Errors => rows.sort_by(desc(|i| i.errors_per_sec())),
        Sort::Util => rows.sort_by(desc(|i| i.utilisation())),
    }
    rows
}

/// A name's sort key, its numbers compared as numbers: Gi0/2 before Gi0/10. Digit runs sort
/// by length without leading zeros, then by digits; text case-insensitively.
fn natural_key(s: &str) -> Vec<(u8, usize, String)> {
    let mut out: Vec<(u8, usize, String)> = Vec::new();
    let mut cur = String::new();
    let mut digits = false;
    let mut flush = |cur: &mut String, digits: bool| {
        if cur.is_empty() {
            return;
        }
        if digits {
            let t = cur.trim_start_matches('0').to_string();
            out.push((0, t.len(), t));
        } else {
            out.push((1, 0, cur.to_lowercase()));
        }
        cur.clear();
    };
    for c in s.chars() {
        let d = c.is_ascii_digit();
        if d != digits {
            flush(&mut cur, digits);
            digits = d;
        }
        cur.push(c);
    }
    flush(&mut cur, digits);
    out
}

impl View {
    fn key(&mut self, k: KeyEvent, tables: &[Arc<Mutex<InterfaceTable>>]) -> Action {
        if k.kind == KeyEventKind::Release {
            return Action::Continue;
        }
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(k.code, KeyCode::Char('c')) {
            return Action::Quit;
        }
        if self.typing {
            match k.code {
                KeyCode::Enter => self.typing = false,
                KeyCode::Esc => {
                    self.typing = false;
                    self.filter.clear();
                }
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char(c) if !ctrl && self.filter.len() < 64 => self.filter.push(c),
                _ => {}
            }
            return Action::Continue;
        }
        let rows: Vec<u32> = {
            let Some(t) = tables.get(self.agent) else {
                return Action::Continue;
            };
            let t = t.lock().unwrap_or_else(|e| e.into_inner());
            visible(&t, self).iter().map(|i| i.index).collect()
        };
        let pos = self
            .selected
            .and_then(|s| rows.iter().position(|r| *r == s))
            .unwrap_or(0);
        let mut go = |p: usize| {
            self.selected = rows.get(p.min(rows.len().saturating_sub(1))).copied();
        };
        match k.code {
            KeyCode::Char('q') => return Action::Quit,
            KeyCode::Up | KeyCode::Char('k') => go(pos.saturating_sub(1)),
            KeyCode::Down | KeyCode::Char('j') => go(pos + 1),
            KeyCode::PageUp => go(pos.saturating_sub(self.page.max(1))),
            KeyCode::PageDown => go(pos + self.page.max(1)),
            KeyCode::Home | KeyCode::Char('g') => go(0),
            KeyCode::End | KeyCode::Char('G') => go(usize::MAX),
            KeyCode::Enter => self.detail = !self.detail,
            KeyCode::Esc => {
                self.detail = false;
                self.filter.clear();
            }
            KeyCode::Char('s') => self.sort = self.sort.next(),
            KeyCode::Char('/') => {
                self.typing = true;
                self.filter.clear();
            }
            KeyCode::Char('u') => self.hide_down = !self.hide_down,
            KeyCode::Char(c @ '1'..='9') => {
                let n = c as usize - '1' as usize;
                if n < tables.len() && n != self.agent {
                    self.agent = n;
                    self.selected = None;
                    self.offset = 0;
                }
            }
            _ => {}
        }
        Action::Continue
    }
}

/// Restores the terminal when dropped, however the view ends (return, error, unwinding).
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// The live view: one polling task per agent, a thread reading the keyboard, and a loop
/// that redraws on a key, a finished pass, or each second (clocks), until q, Ctrl-C, SIGINT
/// or SIGTERM. The terminal is restored on every way out, panics included (ratatui's hook).
async fn live(pollers: Vec<InterfacePoller>, interval: Duration) -> i32 {
    let tables: Vec<Arc<Mutex<InterfaceTable>>> = pollers
        .iter()
        .map(|p| Arc::new(Mutex::new(InterfaceTable::new(p.label(), DEFAULT_HISTORY))))
        .collect();
    let (updated_tx, mut updated) = mpsc::channel::<()>(16);
    let mut tasks = Vec::new();
    for (p, t) in pollers.into_iter().zip(tables.iter().cloned()) {
        let tx = updated_tx.clone();
        tasks.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            for cycle in 1u64.. {
                tick.tick().await;
                let width = t.lock().unwrap_or_else(|e| e.into_inner()).width();
                let rec = p.fetch(width, cycle).await;
                t.lock().unwrap_or_else(|e| e.into_inner()).update(rec);
                let _ = tx.try_send(());
            }
        }));
    }
    let stop = terminated();
    tokio::pin!(stop);
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            ratatui::restore();
            return fatal(Fatal(format!("{PROG}: cannot use the terminal: {e}"), 1));
        }
    };
    let _restore = Restore;
    let (keys_tx, mut keys) = mpsc::unbounded_channel::<KeyEvent>();
    std::thread::spawn(move || loop {
        match event::read() {
            Ok(Event::Key(k)) => {
                if keys_tx.send(k).is_err() {
                    return;
                }
            }
            Ok(_) => {
                // A resize: redraw.
                if keys_tx
                    .send(KeyEvent::new(KeyCode::Null, KeyModifiers::NONE))
                    .is_err()
                {
                    return;
                }
            }
            Err(_) => return,
        }
    });
    let mut view = View {
        agent: 0,
        selected: None,
        sort: Sort::Name,
        filter: String::new(),
        typing: false,
        hide_down: false,
        detail: false,
        state: TableState::default(),
        offset: 0,
        interval,
        page: 10,
    };
    // The clocks (uptime, time since a change) need a redraw each second; a pass or a key
    // that redrew already restarts the wait.
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let code = loop {
        if let Err(e) = terminal.draw(|f| draw(f, &tables, &mut view)) {
            break fatal(Fatal(format!("{PROG}: {e}"), 1));
        }
        clock.reset();
        tokio::select! {
            k = keys.recv() => match k {
                Some(k) => {
                    if let Action::Quit = view.key(k, &tables) {
                        break 0;
                    }
                }
                None => break 0,
            },
            _ = updated.recv() => {}
            _ = clock.tick() => {}
            _ = &mut stop => break 0,
        }
    };
    for t in tasks {
        t.abort();
    }
    drop(_restore);
    code
}

const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of in+out over the last `width` points, scaled to their maximum; a gap is `·`.
fn spark(i: &Interface, width: usize) -> String {
    let pts: Vec<Option<f32>> = i
        .history
        .iter()
        .rev()
        .take(width)
        .rev()
        .map(|p| p.map(|(a, b)| a + b))
        .collect();
    let max = pts.iter().flatten().fold(0f32, |m, v| m.max(*v));
    let mut s = String::with_capacity(width * 3);
    for _ in pts.len()..width {
        s.push(' ');
    }
    for p in pts {
        s.push(match p {
            None => '·',
            Some(_) if max <= 0.0 => BARS[1],
            Some(v) => BARS[1 + ((v / max) * 7.0).round().clamp(0.0, 7.0) as usize],
        });
    }
    s
}

fn status_style(v: Option<i64>) -> Style {
    match v {
        Some(1) => Style::default().fg(Color::Green),
        Some(2) => Style::default().fg(Color::Red),
        _ => Style::default().fg(Color::Yellow),
    }
}

fn draw(f: &mut Frame, tables: &[Arc<Mutex<InterfaceTable>>], v: &mut View) {
    let Some(t) = tables.get(v.agent) else {
        return;
    };
    let t = t.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    let area = f.area();
    let header_h = if tables.len() > 1 { 4 } else { 3 };
    let detail_h = if v.detail { area.height / 2 } else { 0 };
    let chunks = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(header_h),
            Constraint::Min(3),
            Constraint::Length(detail_h),
        ])
        .split(area);
    // Header.
    let mut lines = Vec::new();
    if tables.len() > 1 {
        let mut spans = Vec::new();
        for (n, other) in tables.iter().enumerate() {
            let label = other
                .lock()
                .map(|o| o.label().to_string())
                .unwrap_or_default();
            let style = if n == v.agent {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            spans.push(Span::styled(format!(" {} {label} ", n + 1), style));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    let bold = Style::default().add_modifier(Modifier::BOLD);
    lines.push(Line::from(vec![
        Span::styled(t.sys_name().unwrap_or("-").to_string(), bold),
        Span::raw(format!(
            "  {}  up {}  poll {}  every {}",
            t.label(),
            t.uptime(now)
                .map(format_duration)
                .unwrap_or_else(|| "-".into()),
            t.last_duration()
                .map(|d| format!("{} ms", d.as_millis()))
                .unwrap_or_else(|| "-".into()),
            format_interval(v.interval),
        )),
    ]));
    lines.push(Line::from(one_line(t.sys_descr().unwrap_or(""))));
    let rows = visible(&t, v);
    let status = match t.error() {
        Some(e) => Line::from(Span::styled(
            format!(
                "{}  ({} passes unanswered; last values shown; still trying)",
                error_line(e),
                t.passes().0 - t.passes().1
            ),
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        )),
        None if t.passes().0 == 0 => Line::from("waiting for the first answer..."),
        None => {
            let mut s = format!(
                "{} of {} interfaces  sort: {}",
                rows.len(),
                t.interfaces().len(),
                v.sort.label()
            );
            if v.typing || !v.filter.is_empty() {
                s.push_str(&format!("  filter: /{}", v.filter));
                if v.typing {
                    s.push('_');
                }
            }
            if v.hide_down {
                s.push_str("  hiding down");
            }
            s.push_str("  [jk arrows Enter s / u q]");
            Line::from(s)
        }
    };
    lines.push(status);
    f.render_widget(Paragraph::new(lines), chunks[0]);
    // The table.
    let graph_w: usize = 20;
    let nw = rows
        .iter()
        .map(|i| i.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 24);
    let aw = rows
        .iter()
        .map(|i| i.alias.chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 20);
    let head = Row::new(
        [
            "NAME", "ALIAS", "ADMIN", "OPER", "IN", "OUT", "UTIL", "ERR/s", "DISC/s", "GRAPH",
            "CHANGED",
        ]
        .map(|h| Cell::from(h).style(bold)),
    );
    // Only the rows in view are built: a device may have thousands.
    let pos = v
        .selected
        .and_then(|s| rows.iter().position(|i| i.index == s))
        .or((!rows.is_empty()).then_some(0));
    v.selected = pos.and_then(|p| rows.get(p)).map(|i| i.index);
    // The table block's top border and the header row take two lines.
    let page = usize::from(chunks[1].height.saturating_sub(2)).max(1);
    v.page = page;
    if let Some(p) = pos {
        if p < v.offset {
            v.offset = p;
        } else if p >= v.offset + page {
            v.offset = p + 1 - page;
        }
    }
    v.offset = v.offset.min(rows.len().saturating_sub(page));
    let shown = &rows[v.offset..rows.len().min(v.offset + page)];
    let body: Vec<Row> = shown
        .iter()
        .map(|i| {
            let util = i.utilisation();
            let util_style = match util {
                Some(u) if u >= 80.0 => Style::default().fg(Color::Red),
                Some(u) if u >= 50.0 => Style::default().fg(Color::Yellow),
                _ => Style::default(),
            };
            let errs = i.errors_per_sec();
            let err_style = if errs.is_some_and(|e| e > 0.0) {
                Style::default().fg(Color::Red)
            } else {
                Style::default()
            };
            let row = Row::new(vec![
                Cell::from(clip(&i.name, nw)),
                Cell::from(clip(&i.alias, aw)),
                Cell::from(status_name(i.admin)).style(status_style(i.admin)),
                Cell::from(status_name(i.oper)).style(status_style(i.oper)),
                Cell::from(i.in_bps().map(format_bits).unwrap_or_else(|| "-".into())),
                Cell::from(i.out_bps().map(format_bits).unwrap_or_else(|| "-".into())),
                Cell::from(
                    util.map(|u| format!("{u:.1}%"))
                        .unwrap_or_else(|| "-".into()),
                )
                .style(util_style),
                Cell::from(per_sec(errs)).style(err_style),
                Cell::from(per_sec(i.discards_per_sec())),
                Cell::from(spark(i, graph_w)).style(Style::default().fg(Color::Cyan)),
                Cell::from(
                    i.since_change(now, t.uptime_ticks())
                        .map(format_duration)
                        .unwrap_or_else(|| "-".into()),
                ),
            ]);
            if i.admin == Some(2) {
                row.style(Style::default().add_modifier(Modifier::DIM))
            } else {
                row
            }
        })
        .collect();
    v.state = TableState::default().with_selected(pos.map(|p| p - v.offset));
    let widths = [
        Constraint::Length(nw as u16),
        Constraint::Length(aw as u16),
        Constraint::Length(5),
        Constraint::Length(8),
        Constraint::Length(11),
        Constraint::Length(11),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(graph_w as u16),
        Constraint::Length(11),
    ];
    let table = Table::new(body, widths)
        .header(head)
        .block(Block::default().borders(Borders::TOP))
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED));
    f.render_stateful_widget(table, chunks[1], &mut v.state);
    if v.detail {
        if let Some(i) = v.selected.and_then(|s| t.interface(s)) {
            detail(f, chunks[2], i, &t, now);
        }
    }
}

fn format_interval(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s == s.trunc() {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

/// The detail pane: counters and status changes on the left, in and out graphs on the right.
fn detail(f: &mut Frame, area: Rect, i: &Interface, t: &InterfaceTable, now: Instant) {
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(58), Constraint::Min(10)])
        .split(area);
    let mut lines = vec![
        Line::from(format!("ifIndex {}  {}", i.index, one_line(&i.descr))),
        Line::from(format!(
            "admin {}  oper {}  speed {}",
            status_name(i.admin),
            status_name(i.oper),
            i.speed_bps().map(format_bits).unwrap_or_else(|| "-".into())
        )),
        Line::from(""),
        Line::from(format!(
            "{:<14} {:>21} {:>12}",
            "COUNTER", "VALUE", "PER SEC"
        )),
    ];
    for k in CounterKind::ALL {
        let (name, value, rate) = match i.counter(k) {
            Some(c) => {
                let name = match (k, c.wide) {
                    (CounterKind::InOctets, true) => "ifHCInOctets",
                    (CounterKind::OutOctets, true) => "ifHCOutOctets",
                    _ => k.name(),
                };
                let rate = c
                    .rate
                    .map(|r| si(r).trim_end().to_string())
                    .unwrap_or_else(|| "-".into());
                (name, c.value.to_string(), rate)
            }
            None => (k.name(), "-".into(), "-".into()),
        };
        lines.push(Line::from(format!("{name:<14} {value:>21} {rate:>12}")));
    }
    lines.push(Line::from(""));
    lines.push(Line::from("STATUS CHANGES (admin/oper)"));
    if i.changes.is_empty() {
        let since = i
            .since_change(now, t.uptime_ticks())
            .map(|d| format!("{} ago (ifLastChange)", format_duration(d)))
            .unwrap_or_else(|| "none seen".into());
        lines.push(Line::from(since));
    }
    for c in i.changes.iter().rev() {
        lines.push(Line::from(format!(
            "{}  {}/{} -> {}/{}",
            rfc3339(c.time),
            status_name(c.from.0),
            status_name(c.from.1),
            status_name(c.to.0),
            status_name(c.to.1)
        )));
    }
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", one_line(&i.name))),
        ),
        cols[0],
    );
    let graphs = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .split(cols[1]);
    let width = usize::from(cols[1].width.saturating_sub(2));
    for (n, (label, rate, color)) in [
        ("in", i.in_bps(), Color::Green),
        ("out", i.out_bps(), Color::Blue),
    ]
    .into_iter()
    .enumerate()
    {
        let data: Vec<u64> = i
            .history
            .iter()
            .rev()
            .take(width)
            .rev()
            .map(|p| p.map(|(a, b)| if n == 0 { a } else { b }).unwrap_or(0.0) as u64)
            .collect();
        let max = data.iter().copied().max().unwrap_or(0);
        let title = format!(
            " {label} {}  max {} ",
            rate.map(format_bits).unwrap_or_else(|| "-".into()),
            format_bits(max as f64)
        );
        f.render_widget(
            Sparkline::default()
                .block(Block::default().borders(Borders::ALL).title(title))
                .data(&data)
                .style(Style::default().fg(color)),
            graphs[n],
        );
    }
}
