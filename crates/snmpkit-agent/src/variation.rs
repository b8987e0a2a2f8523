//! snmpsim's variation modules, as far as a lab agent needs them.
//!
//! An `.snmprec` line whose tag reads `TAG:MODULE` (`65:numeric`, `4:writecache`) hands its
//! value to a module of snmpsim's instead of serving it as it is; the value is then the
//! module's parameters, `key=value` pairs separated by commas (snmpsim splits on `,,,`, `,,`
//! or `,` and `===`, `==` or `=`, the longest that occurs, so values may hold the shorter).
//!
//! - `numeric` is simulated: the value moves with time (see [`Numeric`]).
//! - `writecache` is simulated: the value (`value=` or `hexvalue=`) can be Set to any value
//!   of the same type, per device.
//! - `error`, `delay`, `notification`, `multiplex`, `redis`, `sql` and `subprocess` are not:
//!   their line serves its `value=` / `hexvalue=` (when it has one) as a plain value, and the
//!   recording gets one warning per module naming how many lines it served and skipped.

use snmpkit::Value;

/// What a line with a variation module becomes.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Variation {
    /// `numeric`: a number that moves with time.
    Numeric(Numeric),
    /// `writecache`: a value a Set may change (to another value of the same type).
    WriteCache,
}

/// snmpsim's `numeric` module. At `t` seconds since the device started (the time of day with
/// `atime`), the value is `function(t × rate)` (the identity without `function`), times
/// `scale`, plus `offset`, plus a random deviation in `[-deviation, deviation)`, plus
/// `initial`; below `min` it is `min`; above `max` it is `max`, or with `wrap`
/// `value mod max + min`. The result is truncated to an integer of the line's type.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Numeric {
    /// The value at time zero (`initial`, default `min`).
    pub initial: f64,
    /// Lower bound (`min`, default 0).
    pub min: f64,
    /// Upper bound (`max`, default 2^32-1, or 2^64-1 for Counter64).
    pub max: f64,
    /// Units per second (`rate`, default 1).
    pub rate: f64,
    /// Wrap past `max` instead of sticking there (`wrap`).
    pub wrap: bool,
    /// `scale`.
    pub scale: Option<f64>,
    /// `offset`.
    pub offset: f64,
    /// `deviation`.
    pub deviation: f64,
    /// `atime`: t is the time of day (seconds since the Unix epoch).
    pub absolute_time: bool,
    /// `function=NAME%ARG%...` (a function of Python's `math`; an argument `<time>` is
    /// `t × rate`); `None`: the identity of `t × rate`.
    pub function: Option<(MathFn, Vec<FnArg>)>,
    /// `cumulative`: each read adds the step (never negative; `offset` counts per second
    /// since the last read) to the value the previous read returned, so the value never
    /// goes down until it wraps.
    pub cumulative: bool,
}

/// The `math` functions `numeric` may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MathFn {
    /// sin
    Sin,
    /// cos
    Cos,
    /// tan
    Tan,
    /// log (one argument: natural; two: with that base)
    Log,
    /// log10
    Log10,
    /// exp
    Exp,
    /// sqrt
    Sqrt,
    /// fabs
    Fabs,
    /// floor
    Floor,
    /// ceil
    Ceil,
    /// pow
    Pow,
}

/// An argument of a `numeric` function.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FnArg {
    /// `<time>`: t × rate.
    Time,
    /// A number.
    Number(f64),
}

impl MathFn {
    fn by_name(s: &str) -> Option<MathFn> {
        Some(match s {
            "sin" => MathFn::Sin,
            "cos" => MathFn::Cos,
            "tan" => MathFn::Tan,
            "log" => MathFn::Log,
            "log10" => MathFn::Log10,
            "exp" => MathFn::Exp,
            "sqrt" => MathFn::Sqrt,
            "fabs" => MathFn::Fabs,
            "floor" => MathFn::Floor,
            "ceil" => MathFn::Ceil,
            "pow" => MathFn::Pow,
            _ => return None,
        })
    }

    fn apply(self, a: &[f64]) -> f64 {
        let x = a.first().copied().unwrap_or(0.0);
        let y = a.get(1).copied();
        match self {
            MathFn::Sin => x.sin(),
            MathFn::Cos => x.cos(),
            MathFn::Tan => x.tan(),
            MathFn::Log => match y {
                Some(b) => x.log(b),
                None => x.ln(),
            },
            MathFn::Log10 => x.log10(),
            MathFn::Exp => x.exp(),
            MathFn::Sqrt => x.sqrt(),
            MathFn::Fabs => x.abs(),
            MathFn::Floor => x.floor(),
            MathFn::Ceil => x.ceil(),
            MathFn::Pow => x.powf(y.unwrap_or(1.0)),
        }
    }
}

impl Numeric {
    /// The value at `t` seconds (since the device started, or since the epoch with
    /// `absolute_time`), shaped as `like` (the line's type). `noise` is a random number in
    /// `[0, 1)` for `deviation`.
    pub fn value_at(&self, t: f64, noise: f64, like: &Value) -> Value {
        shape(self.raw_at(t, noise, None).trunc(), like)
    }

    /// A number [`Numeric::raw_at`] returned, shaped as `like`.
    pub(crate) fn value_at_raw(&self, v: f64, like: &Value) -> Value {
        shape(v.trunc(), like)
    }

    /// The number at `t`; `previous` is the cumulative state (value, time of the last read).
    pub(crate) fn raw_at(&self, t: f64, noise: f64, previous: Option<(f64, f64)>) -> f64 {
        let x = t * self.rate;
        let mut v = match &self.function {
            None => x,
            Some((f, args)) => {
                let a: Vec<f64> = if args.is_empty() {
                    vec![x]
                } else {
                    args.iter()
                        .map(|a| match a {
                            FnArg::Time => x,
                            FnArg::Number(n) => *n,
                        })
                        .collect()
                };
                f.apply(&a)
            }
        };
        if let Some(s) = self.scale {
            v *= s;
        }
        let base = match previous {
            Some((value, when)) if self.cumulative => {
                v += self.offset * (t - when).max(0.0) * self.rate;
                value
            }
            _ => {
                v += self.offset;
                self.initial
            }
        };
        if self.deviation > 0.0 {
            v += (noise * 2.0 - 1.0) * self.deviation;
        }
        if self.cumulative {
            v = v.max(0.0);
        }
        v += base;
        if !v.is_finite() || v < self.min {
            v = self.min;
        } else if v > self.max {
            v = if self.wrap && self.max > 0.0 {
                v % self.max + self.min
            } else {
                self.max
            };
        }
        v
    }
}

/// A number as a value of `like`'s type (saturating at the type's bounds).
fn shape(v: f64, like: &Value) -> Value {
    match like {
        Value::Integer(_) => Value::Integer(v as i64),
        Value::Counter32(_) => Value::Counter32(v as u32),
        Value::Gauge32(_) => Value::Gauge32(v as u32),
        Value::TimeTicks(_) => Value::TimeTicks(v as u32),
        Value::Counter64(_) => Value::Counter64(v as u64),
        other => other.clone(),
    }
}

/// snmpsim's `split`: on the separator tripled, doubled or single, the first that occurs.
pub(crate) fn split(s: &str, sep: char) -> Vec<&str> {
    for n in [3, 2, 1] {
        let pat = sep.to_string().repeat(n);
        if s.contains(&pat) {
            return s.split(pat.as_str()).collect();
        }
    }
    vec![s]
}

/// A module's `key=value` parameters, in order.
pub(crate) fn params(value: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for item in split(value, ',') {
        match split(item, '=').as_slice() {
            [k, v] => out.push((k.to_string(), v.to_string())),
            _ => {
                return Err(format!(
                    "bad module parameter {item:?} (expected KEY=VALUE)"
                ))
            }
        }
    }
    Ok(out)
}

/// Reads `numeric`'s parameters for a line of type `like` (`is64`: Counter64).
pub(crate) fn numeric(params: &[(String, String)], is64: bool) -> Result<Numeric, String> {
    let mut n = Numeric {
        initial: f64::NAN,
        min: 0.0,
        max: if is64 {
            u64::MAX as f64
        } else {
            f64::from(u32::MAX)
        },
        rate: 1.0,
        wrap: false,
        scale: None,
        offset: 0.0,
        deviation: 0.0,
        absolute_time: false,
        function: None,
        cumulative: false,
    };
    for (k, v) in params {
        let num = || -> Result<f64, String> {
            v.trim()
                .parse::<f64>()
                .map_err(|_| format!("numeric: {k}={v:?} is not a number"))
        };
        match k.as_str() {
            "initial" => n.initial = num()?,
            "min" => n.min = num()?,
            "max" => n.max = num()?,
            "rate" => n.rate = num()?,
            // snmpsim takes the presence of these keys (any value) as the flag.
            "wrap" => n.wrap = true,
            "atime" => n.absolute_time = true,
            "scale" => n.scale = Some(num()?),
            "offset" => n.offset = num()?,
            "deviation" => n.deviation = num()?.abs(),
            "function" => {
                let parts = split(v, '%');
                let f = parts
                    .first()
                    .and_then(|f| MathFn::by_name(f))
                    .ok_or_else(|| format!("numeric: unsupported function {v:?}"))?;
                let mut args = Vec::new();
                for a in parts.iter().skip(1) {
                    args.push(if *a == "<time>" {
                        FnArg::Time
                    } else {
                        FnArg::Number(
                            a.parse()
                                .map_err(|_| format!("numeric: bad function argument {a:?}"))?,
                        )
                    });
                }
                n.function = Some((f, args));
            }
            "cumulative" => n.cumulative = true,
            _ => return Err(format!("numeric: unknown parameter {k:?}")),
        }
    }
    if n.initial.is_nan() {
        n.initial = n.min;
    }
    Ok(n)
}

/// The plain value a module's line carries (`value=` or `hexvalue=`), if any: the text of
/// `value`, or `hexvalue`'s octets re-encoded as hex with `x` (the caller reads it with the
/// line's type as snmpsim would).
pub(crate) fn carried_value(params: &[(String, String)]) -> Option<(bool, &str)> {
    params.iter().rev().find_map(|(k, v)| match k.as_str() {
        "value" => Some((false, v.as_str())),
        "hexvalue" => Some((true, v.as_str())),
        _ => None,
    })
}

/// The modules whose lines serve their recorded value without simulating the module.
pub const NOT_SIMULATED: &[&str] = &[
    "error",
    "delay",
    "notification",
    "multiplex",
    "redis",
    "sql",
    "subprocess",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str, is64: bool) -> Numeric {
        numeric(&params(s).unwrap(), is64).unwrap()
    }

    #[test]
    fn numeric_moves_at_its_rate_and_wraps() {
        let n = num("initial=100,rate=10", false);
        assert_eq!(
            n.value_at(0.0, 0.0, &Value::Counter32(0)),
            Value::Counter32(100)
        );
        assert_eq!(
            n.value_at(2.5, 0.0, &Value::Counter32(0)),
            Value::Counter32(125)
        );
        // Without wrap a value sticks at max; with wrap it starts again from min.
        let stick = num("initial=4294967290,rate=10", false);
        assert_eq!(
            stick.value_at(1.0, 0.0, &Value::Counter32(0)),
            Value::Counter32(u32::MAX)
        );
        let wrap = num("initial=4294967290,rate=10,wrap=1", false);
        assert_eq!(
            wrap.value_at(1.0, 0.0, &Value::Counter32(0)),
            Value::Counter32(5)
        );
        let small = num("min=10,max=20,rate=3,wrap=1", false);
        assert_eq!(
            small.value_at(4.0, 0.0, &Value::Gauge32(0)),
            Value::Gauge32(12)
        );
        // Counter64's default max is 2^64-1.
        let big = num("initial=5000000000,rate=1", true);
        assert_eq!(
            big.value_at(1.0, 0.0, &Value::Counter64(0)),
            Value::Counter64(5_000_000_001)
        );
        // TimeTicks as snmpsim records them: rate=100.
        let ticks = num("initial=500,rate=100", false);
        assert_eq!(
            ticks.value_at(3.0, 0.0, &Value::TimeTicks(0)),
            Value::TimeTicks(800)
        );
    }

    #[test]
    fn numeric_functions_scale_offset_deviation() {
        let s = num(
            "function=sin%<time>,rate=1,scale=100,offset=100,min=0",
            false,
        );
        assert_eq!(
            s.value_at(0.0, 0.0, &Value::Gauge32(0)),
            Value::Gauge32(100)
        );
        let v = num("function=pow%2%3", false);
        assert_eq!(v.value_at(9.0, 0.0, &Value::Integer(0)), Value::Integer(8));
        let d = num("initial=50,rate=0,deviation=10", false);
        assert_eq!(d.value_at(1.0, 0.0, &Value::Integer(0)), Value::Integer(40));
        assert_eq!(d.value_at(1.0, 0.5, &Value::Integer(0)), Value::Integer(50));
        assert!(numeric(&params("function=nope").unwrap(), false).is_err());
        assert!(numeric(&params("rate=fast").unwrap(), false).is_err());
        // cumulative: each read adds to the last value.
        let c = num("rate=2,cumulative=1", false);
        let first = c.raw_at(1.0, 0.0, None);
        assert_eq!(first, 2.0);
        assert_eq!(c.raw_at(2.0, 0.0, Some((first, 1.0))), 6.0);
        assert!(params("rate").is_err());
    }

    #[test]
    fn snmpsim_split_prefers_the_longest_separator() {
        assert_eq!(split("a,b", ','), ["a", "b"]);
        assert_eq!(split("a,,b,c", ','), ["a", "b,c"]);
        assert_eq!(
            params("value=a,b,,op=get").unwrap(),
            [
                ("value".to_string(), "a,b".to_string()),
                ("op".into(), "get".into())
            ]
        );
        assert_eq!(
            carried_value(&params("hexvalue=0a0b").unwrap()),
            Some((true, "0a0b"))
        );
        assert_eq!(carried_value(&params("dir=x").unwrap()), None);
    }
}
