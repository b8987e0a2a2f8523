//! The interface model with synthetic passes and synthetic time.

use super::*;
use crate::Oid;

/// One interface as a synthetic agent reports it.
#[derive(Clone)]
struct If {
    index: u32,
    name: &'static str,
    descr: &'static str,
    admin: i64,
    oper: i64,
    /// HC octets (in, out), when the agent has ifXTable.
    hc: Option<(u64, u64)>,
    /// 32-bit octets (in, out).
    octets: (u32, u32),
    errors: (u32, u32),
    speed: u32,
    high_speed: u32,
    last_change: u32,
}

fn iface(index: u32, name: &'static str) -> If {
    If {
        index,
        name,
        descr: "descr",
        admin: 1,
        oper: 1,
        hc: Some((0, 0)),
        octets: (0, 0),
        errors: (0, 0),
        speed: 1_000_000_000,
        high_speed: 1000,
        last_change: 0,
    }
}

fn record(at: Instant, uptime: u32, ifs: &[If]) -> Record {
    let mut samples = Vec::new();
    let mut push = |arcs: Vec<u32>, value: Value| {
        samples.push(Sample {
            varbind: VarBind::new(Oid::from_slice(&arcs), value),
            received: at,
            rate: None,
        })
    };
    push(SYS_UPTIME_0.to_vec(), Value::TimeTicks(uptime));
    push(SYS_NAME_0.to_vec(), Value::OctetString(b"rtr".to_vec()));
    push(
        SYS_DESCR_0.to_vec(),
        Value::OctetString(b"a router".to_vec()),
    );
    let col = |entry: &[u32], c: u32, i: u32| {
        let mut v = entry.to_vec();
        v.extend([c, i]);
        v
    };
    for f in ifs {
        let i = f.index;
        push(
            col(&IF_ENTRY, 2, i),
            Value::OctetString(f.descr.as_bytes().to_vec()),
        );
        push(col(&IF_ENTRY, 5, i), Value::Gauge32(f.speed));
        push(col(&IF_ENTRY, 7, i), Value::Integer(f.admin));
        push(col(&IF_ENTRY, 8, i), Value::Integer(f.oper));
        push(col(&IF_ENTRY, 9, i), Value::TimeTicks(f.last_change));
        push(col(&IF_ENTRY, 10, i), Value::Counter32(f.octets.0));
        push(col(&IF_ENTRY, 14, i), Value::Counter32(f.errors.0));
        push(col(&IF_ENTRY, 16, i), Value::Counter32(f.octets.1));
        push(col(&IF_ENTRY, 20, i), Value::Counter32(f.errors.1));
        if !f.name.is_empty() {
            push(
                col(&IFX_ENTRY, 1, i),
                Value::OctetString(f.name.as_bytes().to_vec()),
            );
        }
        if let Some((hin, hout)) = f.hc {
            push(col(&IFX_ENTRY, 6, i), Value::Counter64(hin));
            push(col(&IFX_ENTRY, 10, i), Value::Counter64(hout));
        }
        push(col(&IFX_ENTRY, 15, i), Value::Gauge32(f.high_speed));
        push(
            col(&IFX_ENTRY, 18, i),
            Value::OctetString(b"uplink".to_vec()),
        );
    }
    Record {
        target: "rtr:161".into(),
        time: SystemTime::now(),
        duration: Duration::from_millis(3),
        error: None,
        samples,
        cycle: 0,
    }
}

fn timeout(at: Instant) -> Record {
    let mut r = record(at, 0, &[]);
    r.samples.clear();
    r.error = Some("Timeout: No Response from rtr:161".into());
    r
}

const S: Duration = Duration::from_secs(1);

#[test]
fn hc_rates_names_and_utilisation() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new("rtr:161", 4);
    let mut a = iface(2, "Gi0/1");
    let b = If {
        name: "",
        descr: "Serial0",
        hc: None,
        speed: 2_048_000,
        ..iface(3, "")
    };
    t.update(record(t0, 100, &[a.clone(), b.clone()]));
    assert_eq!(t.width(), CounterWidth::High);
    let i = t.interface(2).unwrap();
    assert_eq!((i.name.as_str(), i.alias.as_str()), ("Gi0/1", "uplink"));
    assert_eq!(i.in_bps(), None, "no rate from one pass");
    assert_eq!(
        t.interface(3).unwrap().name,
        "Serial0",
        "ifDescr without ifName"
    );
    assert_eq!(t.sys_name(), Some("rtr"));
    // One second later: +125,000 octets each way = 1 Mb/s, HC counters used.
    a.hc = Some((125_000, 250_000));
    a.octets = (7, 7);
    a.errors = (3, 1);
    t.update(record(t0 + S, 200, &[a.clone(), b]));
    let i = t.interface(2).unwrap();
    assert_eq!(i.in_bps(), Some(1_000_000.0));
    assert_eq!(i.out_bps(), Some(2_000_000.0));
    assert!(i.counter(CounterKind::InOctets).unwrap().wide);
    assert_eq!(i.errors_per_sec(), Some(4.0));
    assert_eq!(i.utilisation(), Some(0.2));
    assert_eq!(i.history.len(), 2);
    assert_eq!(i.history[0], None);
    assert_eq!(i.history[1], Some((1_000_000.0, 2_000_000.0)));
    assert_eq!(t.interface(3).unwrap().in_bps(), Some(0.0));
    assert_eq!(t.interface(3).unwrap().speed_bps(), Some(2_048_000.0));
    // History is bounded.
    for k in 2..10u64 {
        a.hc = Some((125_000 * k, 250_000 * k));
        t.update(record(
            t0 + S * k as u32,
            100 + 100 * k as u32,
            &[a.clone()],
        ));
    }
    assert_eq!(t.interface(2).unwrap().history.len(), 4);
    assert_eq!(t.passes(), (10, 10));
}

#[test]
fn counter32_wrap_on_an_agent_without_ifxtable() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new("old:161", 8);
    let mut a = If {
        hc: None,
        octets: (u32::MAX - 49_999, 10),
        ..iface(1, "")
    };
    t.update(record(t0, 100, &[a.clone()]));
    assert_eq!(t.width(), CounterWidth::Low);
    // +125,000 through the wrap in 1 s.
    a.octets = (75_000, 125_010);
    t.update(record(t0 + S, 200, &[a]));
    let i = t.interface(1).unwrap();
    assert_eq!(i.in_bps(), Some(1_000_000.0));
    assert_eq!(i.out_bps(), Some(1_000_000.0));
    assert!(!i.counter(CounterKind::InOctets).unwrap().wide);
}

#[test]
fn a_restart_is_a_gap_not_a_spike() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new("rtr:161", 16);
    let mut a = iface(1, "eth0");
    a.hc = Some((10_000_000, 10_000_000));
    t.update(record(t0, 500_000, &[a.clone()]));
    a.hc = Some((10_125_000, 10_125_000));
    t.update(record(t0 + S, 500_100, &[a.clone()]));
    assert_eq!(t.interface(1).unwrap().in_bps(), Some(1e6));
    // Reboot: sysUpTime back, counters back near zero.
    a.hc = Some((1_000, 1_000));
    t.update(record(t0 + S * 2, 100, &[a.clone()]));
    let i = t.interface(1).unwrap();
    assert_eq!(t.restarts(), 1);
    assert_eq!(i.in_bps(), None);
    assert_eq!(i.history.back(), Some(&None), "a gap");
    // A counter reset without a reboot (counter going backwards) is a gap too.
    a.hc = Some((126_000, 126_000));
    t.update(record(t0 + S * 3, 200, &[a.clone()]));
    assert_eq!(t.interface(1).unwrap().in_bps(), Some(1e6));
    a.hc = Some((5, 5));
    t.update(record(t0 + S * 4, 300, &[a]));
    let i = t.interface(1).unwrap();
    assert_eq!(i.in_bps(), None);
    assert_eq!(i.history.back(), Some(&None));
    let max = i.history.iter().flatten().map(|p| p.0).fold(0f32, f32::max);
    assert_eq!(max, 1e6, "never a spike");
}

#[test]
fn a_silent_agent_keeps_the_last_values_and_comes_back() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new("rtr:161", 16);
    let mut a = iface(1, "eth0");
    t.update(record(t0, 100, &[a.clone()]));
    a.hc = Some((125_000, 125_000));
    t.update(record(t0 + S, 200, &[a.clone()]));
    t.update(timeout(t0 + S * 3));
    assert_eq!(t.error(), Some("Timeout: No Response from rtr:161"));
    let i = t.interface(1).unwrap();
    assert_eq!(i.in_bps(), Some(1e6), "last values kept");
    assert_eq!(i.history.back(), Some(&None));
    assert_eq!(t.passes(), (3, 2));
    // Back after 3 s: the rate spans the whole silence.
    a.hc = Some((500_000, 500_000));
    t.update(record(t0 + S * 4, 500, &[a]));
    assert_eq!(t.error(), None);
    assert_eq!(t.interface(1).unwrap().in_bps(), Some(1e6));
}

#[test]
fn interfaces_appear_and_disappear() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new("rtr:161", 16);
    t.update(record(t0, 100, &[iface(1, "a"), iface(2, "b")]));
    t.update(record(t0 + S, 200, &[iface(1, "a"), iface(7, "tun7")]));
    let names: Vec<&str> = t.interfaces().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["a", "tun7"]);
    assert_eq!(t.churn(), (1, 1));
    assert_eq!(t.interface(7).unwrap().in_bps(), None);
}

#[test]
fn status_changes_are_kept_and_timed() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new("rtr:161", 16);
    let mut a = iface(2, "Gi0/1");
    a.last_change = 1_200;
    t.update(record(t0, 10_000, &[a.clone()]));
    let i = t.interface(2).unwrap();
    assert!(!i.is_down());
    // From ifLastChange: (10000 - 1200) hundredths.
    assert_eq!(
        i.since_change(t0, t.uptime_ticks()),
        Some(Duration::from_secs(88))
    );
    a.admin = 2;
    a.oper = 2;
    t.update(record(t0 + S, 10_100, &[a.clone()]));
    let i = t.interface(2).unwrap();
    assert!(i.is_down());
    assert_eq!(i.changes.len(), 1);
    assert_eq!(i.changes[0].from, (Some(1), Some(1)));
    assert_eq!(i.changes[0].to, (Some(2), Some(2)));
    assert_eq!(
        i.since_change(t0 + S * 5, t.uptime_ticks()),
        Some(Duration::from_secs(4))
    );
    for k in 2..20u32 {
        a.oper = if k % 2 == 0 { 1 } else { 2 };
        t.update(record(t0 + S * k, 10_000 + 100 * k, &[a.clone()]));
    }
    assert_eq!(t.interface(2).unwrap().changes.len(), CHANGES_KEPT);
}

#[test]
fn speed_falls_back_to_ifhighspeed() {
    let mut i = Interface::new(1);
    i.speed = Some(u64::from(u32::MAX));
    i.high_speed = Some(100_000);
    assert_eq!(i.speed_bps(), Some(1e11));
    i.speed = Some(0);
    i.high_speed = Some(0);
    assert_eq!(i.speed_bps(), None);
}

#[test]
fn si_formatting() {
    for (v, want) in [
        (0.0, "0 b/s"),
        (950.0, "950 b/s"),
        (999.7, "1.00 kb/s"),
        (1_000_000.0, "1.00 Mb/s"),
        (1_049_000.0, "1.05 Mb/s"),
        (12_345_678.0, "12.3 Mb/s"),
        (250_000.0, "250 kb/s"),
        (4e10, "40.0 Gb/s"),
    ] {
        assert_eq!(format_bits(v), want, "{v}");
    }
    assert_eq!(format_duration(Duration::from_secs(65)), "01:05");
    assert_eq!(format_duration(Duration::from_secs(90_061)), "1d 01:01:01");
}
