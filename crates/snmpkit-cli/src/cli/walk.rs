//! `walk` and `bulkwalk`, with net-snmp's output and stopping rules.

use super::config::{parse_oid, Fatal};
use super::request::{print_status_error, print_varbinds, report_error, Printer, RequestArgs};
use snmpkit::client::{Repetitions, Walk, WalkEnd, WalkOptions, WalkPage};
use snmpkit::format::format_oid;
use snmpkit::{Error, Oid};
use std::collections::VecDeque;
use std::time::Instant;

/// Runs walk (GetNext) or bulkwalk (GetBulk).
pub async fn run(a: RequestArgs, bulk: bool) -> i32 {
    let prog = super::prog();
    if let Err(Fatal(m, c)) = a.common.precheck() {
        eprintln!("{m}");
        return c;
    }
    if a.args.len() > 1 {
        eprintln!("{prog}: only one OID may be walked");
        return 1;
    }
    // With the default MIBs (which load without warnings), a numeric root (or none) and no
    // named -CE, the MIBs are needed only to print: they load on another thread while the
    // first request is out.
    let numeric = |o: &str| o.parse::<Oid>().is_ok();
    let default_mibs = a.common.mibs.is_none()
        && a.common.mib_dirs.is_none()
        && ["MIBS", "MIBDIRS"]
            .iter()
            .all(|v| std::env::var_os(v).is_none());
    let early = default_mibs
        && a.args.first().is_none_or(|o| numeric(o))
        && super::config::AppFlags::parse(&a.common.app, prog)
            .is_ok_and(|f| f.end.as_deref().is_none_or(numeric));
    let (mib, loading) = if early {
        let common = a.common.clone();
        let loading = std::thread::spawn(move || common.load_mib());
        (
            std::sync::Arc::new(snmpkit::mib::Mib::none()),
            Some(loading),
        )
    } else {
        (a.common.load_mib(), None)
    };
    // net-snmp walks mib-2 when no OID is given.
    let root: Oid = match a.args.first() {
        Some(s) => match parse_oid(s, &mib) {
            Ok(o) => o,
            Err(Fatal(m, c)) => {
                eprintln!("{m}");
                return c;
            }
        },
        None => Oid::from_slice(&[1, 3, 6, 1, 2, 1]),
    };
    let mut s = match a.common.session(&a.agent, prog, mib).await {
        Ok(s) => s,
        Err(Fatal(m, c)) => {
            eprintln!("{m}");
            return c;
        }
    };
    if bulk && s.client.version() == snmpkit::codec::Version::V1 {
        eprintln!("{prog}: Cannot send V2 PDU on V1 session");
        return 1;
    }
    let end = match &s.app.end {
        Some(e) => match parse_oid(e, &s.mib) {
            Ok(o) => Some(o),
            Err(Fatal(m, c)) => {
                eprintln!("{m}");
                return c;
            }
        },
        None => None,
    };
    // Without -Cr the walk sizes its requests to the agent (issue 13); -Cr is used exactly.
    let reps = if s.app.max_repetitions_given {
        Repetitions::fixed(s.app.max_repetitions)
    } else {
        Repetitions::Adaptive
    };
    let opts = WalkOptions {
        bulk: bulk.then_some((s.app.non_repeaters, reps)),
        check_increasing: !s.app.no_check,
        end,
    };
    let started = Instant::now();
    // The agent works on the next page while this one is printed.
    let mut walk = Walk::new(s.client.clone(), root.clone(), opts).prefetch(true);
    // Pages read before they can be printed: while the MIBs load, the walk goes on (a few
    // pages at most, as long as loading takes), after -Ci's Get as net-snmp orders them.
    let mut ahead: VecDeque<Result<WalkPage, Error>> = VecDeque::new();
    if let Some(loading) = loading {
        if !s.app.include_requested {
            walk.send_ahead();
            while !loading.is_finished() && ahead.len() < 64 {
                let page = walk.next_page().await;
                let last = !matches!(&page, Ok(p) if p.end.is_none());
                ahead.push_back(page);
                if last {
                    break;
                }
            }
        }
        s.mib = loading.join().unwrap_or_else(|_| a.common.load_mib());
    }
    // Like net-snmp, varbinds printed by the -Ci Get and by the fallback Get count as found.
    let mut extra = 0;
    if s.app.include_requested {
        match get_and_print(&s, &root).await {
            Ok(n) => extra += n,
            Err(c) => return c,
        }
    }
    let mut exit = 0;
    let mut ok = true;
    let mut printer = Printer::new(&s);
    loop {
        let next = match ahead.pop_front() {
            Some(page) => page,
            None => walk.next_page().await,
        };
        let page = match next {
            Ok(p) => p,
            Err(e) => {
                printer.flush();
                exit = report_error(&s, &e, false);
                ok = false;
                break;
            }
        };
        if s.json && page.end == Some(WalkEnd::Exception) {
            // In JSON a walk lists only the instances found: the endOfMibView that ends it
            // is not an object of the agent's, so it gets no line.
            let found: Vec<_> = page
                .varbinds
                .iter()
                .filter(|vb| !vb.value.is_exception())
                .cloned()
                .collect();
            printer.print_page(&found);
        } else {
            printer.print_page(&page.varbinds);
        }
        if page.end.is_some() {
            // What the walk prints at its end (End of MIB, errors, -Cp) follows its lines.
            printer.flush();
        }
        match page.end {
            None => continue,
            Some(WalkEnd::EndOfMib) => {
                if !s.json {
                    super::out::line("End of MIB");
                }
                break;
            }
            Some(WalkEnd::NotIncreasing { previous, received }) => {
                eprintln!(
                    "Error: OID not increasing: {} >= {}",
                    format_oid(&previous, &s.output, &s.mib),
                    format_oid(&received, &s.output, &s.mib)
                );
                exit = 1;
                break;
            }
            Some(WalkEnd::Status {
                status,
                index,
                varbinds,
            }) => {
                print_status_error(&s, status.code(), index, &varbinds, true);
                exit = 2;
                ok = false;
                break;
            }
            Some(_) => break,
        }
    }
    if walk.found() + extra == 0 && ok && !s.app.dont_get_single {
        match get_and_print(&s, &root).await {
            Ok(n) => extra += n,
            Err(c) => return c,
        }
    }
    // With --json, stdout carries only JSON lines: -Cp and -Ct go to stderr.
    let report = |line: String| {
        if s.json {
            eprintln!("{line}");
        } else {
            super::out::line(&line);
        }
    };
    if s.app.print_count {
        report(format!("Variables found: {}", walk.found() + extra));
    }
    if s.app.print_time {
        report(format!(
            "Total traversal time = {:.6} seconds",
            started.elapsed().as_secs_f64()
        ));
    }
    exit
}

/// net-snmp's snmp_get_and_print: a Get whose answer is printed only when it has no error.
/// Returns how many varbinds it printed, or an exit code if the request itself failed.
async fn get_and_print(s: &super::Session, oid: &Oid) -> Result<usize, i32> {
    match s.client.get(std::slice::from_ref(oid)).await {
        Ok(vbs) => {
            print_varbinds(s, &vbs);
            Ok(vbs.len())
        }
        Err(Error::Status { .. }) => Ok(0),
        Err(e) => Err(report_error(s, &e, false)),
    }
}
