//! The Prometheus text exposition format (0.0.4) as Go's client library writes it: families
//! sorted by name, samples sorted by their label values (labels sorted by name), values in Go's
//! shortest `%g` form (`1.23456789e+08`), HELP and label values escaped the same way.
//!
//! [`Families`] groups samples; [`Families::render_family`] writes one family at a time, so a
//! server can send the exposition in pieces instead of building the whole text.

use super::collect::{Kind, Sample};
use std::collections::BTreeMap;

/// A float as Go's `strconv.FormatFloat(v, 'g', -1, 64)` writes it, with client_golang's
/// special cases (`+Inf`, `-Inf`, `NaN`, `0`).
pub fn go_float(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if v == 0.0 {
        return "0".into();
    }
    // Shortest round-trip digits and the decimal exponent, from Rust's `{:e}`.
    let e = format!("{v:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let a = exp.unsigned_abs();
        if a < 10 {
            out.push('0');
        }
        out.push_str(&a.to_string());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

/// Escapes HELP text: `\` and newline.
pub fn escape_help(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// Escapes a label value: `\`, `"` and newline.
pub fn escape_label(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// One metric family.
#[derive(Debug, Default)]
pub struct Family {
    /// HELP of the first sample.
    pub help: String,
    /// TYPE of the first sample.
    pub kind: Option<Kind>,
    /// Samples: sorted labels and value.
    pub samples: Vec<(Vec<(String, String)>, f64)>,
}

/// Samples grouped by family name, in name order.
#[derive(Debug, Default)]
pub struct Families {
    /// By name.
    pub map: BTreeMap<String, Family>,
}

impl Families {
    /// Adds a sample. A sample whose HELP or TYPE differs from its family's first sample is
    /// dropped and counted in the return value (Go's registry refuses such a scrape).
    pub fn add(&mut self, s: Sample) -> bool {
        let f = self.map.entry(s.name).or_default();
        match f.kind {
            None => {
                f.kind = Some(s.kind);
                f.help = s.help;
            }
            Some(k) if k != s.kind || f.help != s.help => return false,
            Some(_) => {}
        }
        let mut labels = s.labels;
        labels.sort();
        f.samples.push((labels, s.value));
        true
    }

    /// Writes one family (HELP, TYPE, samples sorted by label values).
    pub fn render_family(name: &str, f: &mut Family, out: &mut String) {
        f.samples.sort_by(|a, b| {
            for (x, y) in a.0.iter().zip(&b.0) {
                match x.1.cmp(&y.1) {
                    std::cmp::Ordering::Equal => continue,
                    o => return o,
                }
            }
            a.0.len().cmp(&b.0.len())
        });
        out.push_str("# HELP ");
        out.push_str(name);
        out.push(' ');
        escape_help(&f.help, out);
        out.push_str("\n# TYPE ");
        out.push_str(name);
        out.push(' ');
        out.push_str(f.kind.unwrap_or(Kind::Gauge).as_str());
        out.push('\n');
        for (labels, v) in &f.samples {
            out.push_str(name);
            if !labels.is_empty() {
                out.push('{');
                for (i, (k, val)) in labels.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(k);
                    out.push_str("=\"");
                    escape_label(val, out);
                    out.push('"');
                }
                out.push('}');
            }
            out.push(' ');
            out.push_str(&go_float(*v));
            out.push('\n');
        }
    }

    /// The whole exposition in one string (tests and small outputs).
    pub fn render(mut self) -> String {
        let mut out = String::new();
        for (name, f) in self.map.iter_mut() {
            Families::render_family(name, f, &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_float_known_answers() {
        // Each pair is what Go's strconv.FormatFloat(v, 'g', -1, 64) prints.
        for (v, want) in [
            (1.0, "1"),
            (0.0, "0"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (123456789.0, "1.23456789e+08"),
            (8640001.0, "8.640001e+06"),
            (25393071047.0, "2.5393071047e+10"),
            (0.5, "0.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.002927365, "0.002927365"),
            (-1.5, "-1.5"),
            (1e21, "1e+21"),
            (100000.0, "100000"),
            (1000000.0, "1e+06"),
            (f64::INFINITY, "+Inf"),
        ] {
            assert_eq!(go_float(v), want, "{v}");
        }
    }

    #[test]
    fn families_sort_like_client_golang() {
        let mut f = Families::default();
        for (i, v) in [("10", 1.0), ("2", 2.0)] {
            f.add(Sample {
                name: "b".into(),
                help: "h\\x".into(),
                kind: Kind::Counter,
                labels: vec![("z".into(), "q\"".into()), ("ifIndex".into(), i.into())],
                value: v,
            });
        }
        f.add(Sample {
            name: "a".into(),
            help: "h".into(),
            kind: Kind::Gauge,
            labels: vec![],
            value: 3.0,
        });
        assert_eq!(
            f.render(),
            "# HELP a h\n# TYPE a gauge\na 3\n# HELP b h\\\\x\n# TYPE b counter\nb{ifIndex=\"10\",z=\"q\\\"\"} 1\nb{ifIndex=\"2\",z=\"q\\\"\"} 2\n"
        );
    }
}
