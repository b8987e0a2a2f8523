//! The targets file: one `HOST[:PORT]` a line, `#` comments, and per-line net-snmp options.
//!
//! ```text
//! # core routers
//! 192.0.2.1
//! 192.0.2.2:1161   -v2c -c 'lab community'
//! udp6:[2001:db8::9]:161 -v3 -u ops -l authPriv -a SHA -A "auth pass" -x AES -X "priv pass"
//! ```
//!
//! This module splits lines into the host and its option words (with shell-like quoting) and
//! checks the host's syntax. What the options mean is the caller's business: the CLI reads them
//! with the same parser as its command line, so a targets file takes exactly what
//! `snmpkit get` takes.

use crate::transport::AgentAddr;
use std::fmt;

/// The longest line accepted (a guard against binary files, not a protocol limit).
pub const MAX_LINE_LEN: usize = 16 * 1024;
/// The most targets one file may list.
pub const MAX_TARGETS: usize = 1_000_000;

/// One target line: where it came from, the agent and the options that follow it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetLine {
    /// The 1-based line number in the file.
    pub line: usize,
    /// The agent as written (`192.0.2.1`, `host:1161`, `udp6:[::1]:161`).
    pub host: String,
    /// The option words after the host, unquoted (`["-v3", "-u", "ops"]`).
    pub args: Vec<String>,
}

impl TargetLine {
    /// The target's label in records: `HOST:PORT`, or `[HOST]:PORT` for IPv6.
    pub fn label(&self) -> String {
        target_label(&self.host)
    }
}

/// A problem in a targets file, at a line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{line}: {message}")]
pub struct TargetsError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The label of an agent address in records and metrics: `HOST:PORT` (161 when none is given),
/// `[HOST]:PORT` for IPv6 literals. Unparsable input is returned unchanged.
pub fn target_label(host: &str) -> String {
    match AgentAddr::parse(host, 161) {
        Ok(a) if a.host.contains(':') => format!("[{}]:{}", a.host, a.port),
        Ok(a) => format!("{}:{}", a.host, a.port),
        Err(_) => host.to_string(),
    }
}

/// Parses a whole targets file. Blank lines and `#` comments (whole-line or after a word) are
/// skipped. The first bad line is the error.
pub fn parse_targets(text: &str) -> Result<Vec<TargetLine>, TargetsError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if let Some(t) = parse_line(raw, line)? {
            if out.len() >= MAX_TARGETS {
                return Err(TargetsError {
                    line,
                    message: format!("too many targets (at most {MAX_TARGETS})"),
                });
            }
            out.push(t);
        }
    }
    Ok(out)
}

/// Parses one line (`line` is its number, for errors). `Ok(None)` for blank and comment lines.
pub fn parse_line(raw: &str, line: usize) -> Result<Option<TargetLine>, TargetsError> {
    let err = |message: String| TargetsError { line, message };
    if raw.len() > MAX_LINE_LEN {
        return Err(err(format!("line longer than {MAX_LINE_LEN} bytes")));
    }
    if raw.contains('\0') {
        return Err(err("NUL character in line".into()));
    }
    let words = split_words(raw).map_err(err)?;
    let mut words = words.into_iter();
    let Some(host) = words.next() else {
        return Ok(None);
    };
    if host.starts_with('-') {
        return Err(err(format!(
            "expected HOST[:PORT] before the options, found {host:?}"
        )));
    }
    AgentAddr::parse(&host, 161).map_err(|e| err(e.to_string()))?;
    let args: Vec<String> = words.collect();
    if let Some(stray) = stray_word(&args) {
        return Err(err(format!(
            "unexpected {stray:?}: one target per line, options start with '-'"
        )));
    }
    Ok(Some(TargetLine { line, host, args }))
}

/// The first word that is neither an option nor the value of the option before it. Options
/// with an attached value (`-v2c`) take no separate word; which options take a value is the
/// option parser's knowledge, so this only catches the obvious mistake of two hosts on a line.
fn stray_word(args: &[String]) -> Option<&String> {
    let mut prev_option = false;
    for a in args {
        let is_opt = a.starts_with('-') && a.len() > 1;
        if !is_opt && !prev_option {
            return Some(a);
        }
        // `-c` expects the next word as its value; `-v2c` carries its own.
        prev_option = is_opt && a.chars().count() == 2;
    }
    None
}

/// Splits a line into words like a POSIX shell would for the simple cases: whitespace
/// separates, `'...'` is literal, `"..."` allows `\"` and `\\`, a backslash outside quotes
/// escapes the next character, and an unquoted `#` at the start of a word starts a comment.
fn split_words(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unterminated ' quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => cur.push(c),
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c);
                            }
                            None => return Err("unterminated \" quote".into()),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("unterminated \" quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(c) => cur.push(c),
                    None => return Err("backslash at the end of the line".into()),
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

impl fmt::Display for TargetLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.host)?;
        for a in &self.args {
            write!(f, " {a}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_comments_and_options() {
        let text = "# fleet\n\n192.0.2.1\n  192.0.2.2:1161   -v2c -c 'lab community' # note\n\
                    udp6:[::1]:161 -v3 -u ops -A \"a \\\"b\\\"\"\n";
        let t = parse_targets(text).unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!((t[0].line, t[0].host.as_str()), (3, "192.0.2.1"));
        assert!(t[0].args.is_empty());
        assert_eq!(t[1].args, ["-v2c", "-c", "lab community"]);
        assert_eq!(t[2].args, ["-v3", "-u", "ops", "-A", "a \"b\""]);
        assert_eq!(t[0].label(), "192.0.2.1:161");
        assert_eq!(t[1].label(), "192.0.2.2:1161");
        assert_eq!(t[2].label(), "[::1]:161");
    }

    #[test]
    fn bad_lines_name_their_line() {
        for (text, line, what) in [
            ("ok\nhost:99999\n", 2, "Invalid agent address"),
            ("a\nb\n-v2c\n", 3, "expected HOST"),
            ("h -c 'open\n", 1, "unterminated"),
            ("h1 h2\n", 1, "one target per line"),
            ("tcp:h:161\n", 1, "Unsupported transport"),
            ("h \\", 1, "backslash"),
        ] {
            let e = parse_targets(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}");
            assert!(e.message.contains(what), "{text:?}: {e}");
        }
    }

    #[test]
    fn option_values_may_follow_options() {
        let t = parse_line("h -c public -v 2c -t 0.5", 1).unwrap().unwrap();
        assert_eq!(t.args.len(), 6);
        assert!(parse_line("h -v2c public", 1).is_err());
    }
}
