//! `snmpkit listen` as a program: JSON and text output, community filtering, an
//! snmptrapd.conf-style file, `--exec`, and the counts printed on SIGTERM / SIGINT.
//! net-snmp's `snmptrap` and `snmpinform` send, on loopback only.

use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout};

const WAIT: Duration = Duration::from_secs(20);

struct Listener {
    child: Child,
    stdout: Lines<BufReader<ChildStdout>>,
    stderr_head: String,
    /// `udp:127.0.0.1:P` / `udp6:[::1]:P`, as the listener reports them.
    addrs: Vec<String>,
    /// The rest of stderr, collected until the listener exits.
    tail: tokio::task::JoinHandle<String>,
}

async fn start(args: &[&str]) -> Listener {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_snmpkit"))
        .arg("listen")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start snmpkit listen");
    let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut stderr_head = String::new();
    let addrs = tokio::time::timeout(WAIT, async {
        while let Some(line) = err.next_line().await.unwrap() {
            stderr_head.push_str(&line);
            stderr_head.push('\n');
            if let Some(list) = line.strip_prefix("snmpkit listen: listening on ") {
                return list.split(", ").map(str::to_string).collect::<Vec<_>>();
            }
        }
        panic!("listener exited early: {stderr_head}");
    })
    .await
    .expect("listener did not start");
    let tail = tokio::spawn(async move {
        let mut s = String::new();
        while let Ok(Some(l)) = err.next_line().await {
            s.push_str(&l);
            s.push('\n');
        }
        s
    });
    Listener {
        stdout: BufReader::new(child.stdout.take().unwrap()).lines(),
        child,
        stderr_head,
        addrs,
        tail,
    }
}

impl Listener {
    async fn line(&mut self) -> String {
        tokio::time::timeout(WAIT, self.stdout.next_line())
            .await
            .expect("no output")
            .unwrap()
            .expect("stdout closed")
    }

    /// Sends `signal` and returns the exit code and everything written to stderr.
    async fn stop(mut self, signal: &str) -> (i32, String) {
        let pid = self.child.id().unwrap();
        let st = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        let status = tokio::time::timeout(WAIT, self.child.wait())
            .await
            .expect("listener did not exit")
            .unwrap();
        let tail = self.tail.await.unwrap();
        (
            status.code().unwrap_or(-1),
            format!("{}{tail}", self.stderr_head),
        )
    }
}

async fn send_ok(tool: &str, args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(tool)
        .args(["-m", "", "-M", "/dev/null"])
        .args(args)
        .env("SNMP_PERSISTENT_DIR", dir.path())
        .env("SNMPCONFPATH", dir.path())
        .env("MIBS", "")
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn json(line: &str) -> serde_json::Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
}

/// Checks `received_at` is RFC 3339 UTC (`YYYY-MM-DDTHH:MM:SS.ffffffZ`) and removes it.
fn take_time(v: &mut serde_json::Value) {
    let t = v
        .as_object_mut()
        .unwrap()
        .remove("received_at")
        .expect("received_at");
    let t = t.as_str().unwrap();
    let b = t.as_bytes();
    assert_eq!(b.len(), 27, "{t}");
    assert!(t.starts_with("20") && t.ends_with('Z'), "{t}");
    for (i, c) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
    ] {
        assert_eq!(b[i], c, "{t}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_with_community_filter_over_ipv4_and_ipv6() {
    let mut l = start(&["--json", "-c", "secret", "udp:127.0.0.1:0", "udp6:[::1]:0"]).await;
    assert_eq!(l.addrs.len(), 2);
    let (v4, v6) = (l.addrs[0].clone(), l.addrs[1].clone());
    assert!(
        v4.starts_with("udp:127.0.0.1:") && v6.starts_with("udp6:[::1]:"),
        "{v4} {v6}"
    );
    // The rejected trap goes first on the same socket, so it is counted before the
    // accepted one is printed.
    send_ok(
        "snmptrap",
        &["-v2c", "-c", "public", &v4, "1", "1.3.6.1.6.3.1.1.5.1"],
    )
    .await;
    send_ok(
        "snmptrap",
        &[
            "-v1",
            "-c",
            "secret",
            &v4,
            "1.3.6.1.4.1.8072",
            "192.0.2.7",
            "6",
            "17",
            "300",
            "1.3.6.1.2.1.2.2.1.1.2",
            "i",
            "2",
        ],
    )
    .await;
    send_ok(
        "snmpinform",
        &[
            "-v2c",
            "-c",
            "secret",
            &v6,
            "55",
            "1.3.6.1.6.3.1.1.5.4",
            "1.3.6.1.2.1.1.5.0",
            "s",
            "r1",
        ],
    )
    .await;
    let mut got = vec![json(&l.line().await), json(&l.line().await)];
    got.sort_by_key(|v| v["version"].as_str().unwrap().to_string());
    for v in &mut got {
        take_time(v);
    }
    let source_v4 = got[0]["source"].as_str().unwrap().to_string();
    assert!(source_v4.starts_with("127.0.0.1:"), "{source_v4}");
    let source_v6 = got[1]["source"].as_str().unwrap().to_string();
    assert!(source_v6.starts_with("[::1]:"), "{source_v6}");
    assert_eq!(
        got[0],
        serde_json::json!({
            "source": source_v4, "version": "1", "pdu": "TrapV1", "community": "secret",
            "trap_oid": ".1.3.6.1.4.1.8072.0.17", "trap_name": "NET-SNMP-MIB::netSnmp.0.17",
            "uptime": 300, "enterprise": ".1.3.6.1.4.1.8072", "agent_addr": "192.0.2.7",
            "generic_trap": 6, "specific_trap": 17,
            "varbinds": [{"oid": ".1.3.6.1.2.1.2.2.1.1.2", "name": "IF-MIB::ifIndex.2", "type": "INTEGER", "value": 2}],
        })
    );
    assert_eq!(
        got[1],
        serde_json::json!({
            "source": source_v6, "version": "2c", "pdu": "Inform", "community": "secret",
            "trap_oid": ".1.3.6.1.6.3.1.1.5.4", "trap_name": "IF-MIB::linkUp", "uptime": 55,
            "enterprise": null, "agent_addr": null, "generic_trap": null, "specific_trap": null,
            "varbinds": [
                {"oid": ".1.3.6.1.2.1.1.3.0", "name": "DISMAN-EVENT-MIB::sysUpTimeInstance", "type": "Timeticks", "value": 55},
                {"oid": ".1.3.6.1.6.3.1.1.4.1.0", "name": "SNMPv2-MIB::snmpTrapOID.0", "type": "OID", "value": ".1.3.6.1.6.3.1.1.5.4", "display": "IF-MIB::linkUp"},
                {"oid": ".1.3.6.1.2.1.1.5.0", "name": "SNMPv2-MIB::sysName.0", "type": "STRING", "value": "r1", "hex": "7231"},
            ],
        })
    );
    let (code, stderr) = l.stop("-TERM").await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("3 received, 2 decoded, 1 dropped (bad community: 1)"),
        "{stderr}"
    );
    assert!(stderr.contains("1 informs acknowledged"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_block() {
    // Without MIBs, so the expected text does not depend on the built-in modules.
    let mut l = start(&["-m", "", "udp:127.0.0.1:0"]).await;
    let to = l.addrs[0].clone();
    send_ok(
        "snmptrap",
        &[
            "-v2c",
            "-c",
            "public",
            &to,
            "4321",
            "1.3.6.1.6.3.1.1.5.3",
            "1.3.6.1.2.1.2.2.1.1.2",
            "i",
            "2",
            "1.3.6.1.2.1.2.2.1.2.2",
            "s",
            "eth0",
        ],
    )
    .await;
    let head = l.line().await;
    let (time, rest) = head.split_once(' ').unwrap();
    assert!(time.ends_with('Z') && time.len() == 27, "{head}");
    assert!(rest.starts_with("127.0.0.1:"), "{head}");
    assert!(
        rest.ends_with(" SNMPv2c TrapV2 community \"public\""),
        "{head}"
    );
    let mut block = Vec::new();
    loop {
        let line = l.line().await;
        if line.is_empty() {
            break;
        }
        block.push(line);
    }
    assert_eq!(
        block,
        [
            "  snmpTrapOID iso.3.6.1.6.3.1.1.5.3",
            "  uptime Timeticks: (4321) 0:00:43.21",
            "  iso.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2",
            "  iso.3.6.1.2.1.2.2.1.2.2 = STRING: \"eth0\"",
        ]
    );
    let (code, stderr) = l.stop("-INT").await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("1 received, 1 decoded, 0 dropped"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snmptrapd_conf_and_exec_handler() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("snmptrapd.conf");
    let out = dir.path().join("handled.jsonl");
    std::fs::write(
        &conf,
        "# existing snmptrapd.conf\n\
         authCommunity log,execute,net lab\n\
         traphandle default /usr/local/bin/handler\n",
    )
    .unwrap();
    let exec = format!("cat >> '{}'", out.display());
    let mut l = start(&[
        "-C",
        conf.to_str().unwrap(),
        "--json",
        "--exec",
        &exec,
        "127.0.0.1:0",
    ])
    .await;
    assert!(
        l.stderr_head
            .contains("line 3: unsupported directive \"traphandle\" ignored"),
        "{}",
        l.stderr_head
    );
    let to = l.addrs[0].clone();
    send_ok(
        "snmptrap",
        &["-v2c", "-c", "public", &to, "1", "1.3.6.1.6.3.1.1.5.1"],
    )
    .await;
    send_ok(
        "snmptrap",
        &["-v2c", "-c", "lab", &to, "2", "1.3.6.1.6.3.1.1.5.2"],
    )
    .await;
    let printed = json(&l.line().await);
    assert_eq!(printed["community"], "lab");
    // The handler runs apart from printing: wait for its output file.
    let handled = tokio::time::timeout(WAIT, async {
        loop {
            if let Ok(s) = std::fs::read_to_string(&out) {
                if s.ends_with('\n') {
                    return s;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("handler did not run");
    assert_eq!(handled.lines().count(), 1, "{handled}");
    assert_eq!(json(handled.trim_end()), printed);
    let (code, stderr) = l.stop("-TERM").await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("(bad community: 1)"), "{stderr}");
    assert!(
        stderr.contains("exec: 1 run, 0 failed, 0 dropped"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_address_fails_with_exit_1() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_snmpkit"))
        .args(["listen", "tcp:127.0.0.1:1162"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("only UDP"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_users_from_snmptrapd_conf_and_persistent_engine() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("snmptrapd.conf");
    let state = dir.path().join("engine.state");
    std::fs::write(
        &conf,
        "createUser -e 0x8000000001020301 alice MD5 alicepass1 DES aliceprivpass\n\
         createUser carol SHA-256 carolauthpass AES-256 carolprivpass\n\
         authUser log,execute alice\n",
    )
    .unwrap();
    let args = [
        "--json",
        "-C",
        conf.to_str().unwrap(),
        "--state-file",
        state.to_str().unwrap(),
        "udp:127.0.0.1:0",
    ];
    let mut l = start(&args).await;
    let engine_line = l
        .stderr_head
        .lines()
        .find(|s| s.contains("SNMPv3 engine ID"))
        .expect("engine ID on stderr")
        .to_string();
    assert!(engine_line.ends_with("engine boots 1"), "{engine_line}");
    let engine_id = engine_line
        .split("engine ID 0x")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .unwrap()
        .to_string();
    let to = l.addrs[0].clone();
    send_ok(
        "snmptrap",
        &[
            "-v3",
            "-e",
            "0x8000000001020301",
            "-u",
            "alice",
            "-l",
            "authPriv",
            "-a",
            "MD5",
            "-A",
            "alicepass1",
            "-x",
            "DES",
            "-X",
            "aliceprivpass",
            &to,
            "77",
            "1.3.6.1.6.3.1.1.5.3",
        ],
    )
    .await;
    let mut v = json(&l.line().await);
    take_time(&mut v);
    v.as_object_mut().unwrap().remove("source");
    assert_eq!(
        v,
        serde_json::json!({
            "version": "3", "pdu": "TrapV2", "user": "alice", "context": "",
            "engine_id": "8000000001020301", "trap_oid": ".1.3.6.1.6.3.1.1.5.3",
            "trap_name": "IF-MIB::linkDown", "uptime": 77,
            "enterprise": null, "agent_addr": null, "generic_trap": null, "specific_trap": null,
            "varbinds": [
                {"oid": ".1.3.6.1.2.1.1.3.0", "name": "DISMAN-EVENT-MIB::sysUpTimeInstance", "type": "Timeticks", "value": 77},
                {"oid": ".1.3.6.1.6.3.1.1.4.1.0", "name": "SNMPv2-MIB::snmpTrapOID.0", "type": "OID", "value": ".1.3.6.1.6.3.1.1.5.3", "display": "IF-MIB::linkDown"},
            ],
        })
    );
    send_ok(
        "snmpinform",
        &[
            "-v3",
            "-u",
            "carol",
            "-l",
            "authPriv",
            "-a",
            "SHA-256",
            "-A",
            "carolauthpass",
            "-x",
            "AES-256",
            "-X",
            "carolprivpass",
            "-n",
            "lab",
            &to,
            "78",
            "1.3.6.1.6.3.1.1.5.4",
        ],
    )
    .await;
    let v = json(&l.line().await);
    assert_eq!(
        (&v["pdu"], &v["user"], &v["context"], &v["engine_id"]),
        (
            &serde_json::json!("Inform"),
            &serde_json::json!("carol"),
            &serde_json::json!("lab"),
            &serde_json::json!(engine_id)
        )
    );
    let (code, stderr) = l.stop("-TERM").await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("2 decoded"), "{stderr}");
    // The next start keeps the engine ID and counts one more boot.
    let l = start(&args).await;
    assert!(
        l.stderr_head
            .contains(&format!("engine ID 0x{engine_id}, engine boots 2")),
        "{}",
        l.stderr_head
    );
    let (code, _) = l.stop("-INT").await;
    assert_eq!(code, 0);
}

/// With the built-in MIBs the listener names the notification and its objects, and shows
/// enumerations: linkDown, ifIndex, down(2).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_down_is_named_and_decoded() {
    let mut l = start(&["udp:127.0.0.1:0"]).await;
    let to = l.addrs[0].clone();
    send_ok(
        "snmptrap",
        &[
            "-v2c",
            "-c",
            "public",
            &to,
            "100",
            "1.3.6.1.6.3.1.1.5.3",
            "1.3.6.1.2.1.2.2.1.1.2",
            "i",
            "2",
            "1.3.6.1.2.1.2.2.1.7.2",
            "i",
            "2",
            "1.3.6.1.2.1.2.2.1.8.2",
            "i",
            "2",
        ],
    )
    .await;
    let _head = l.line().await;
    let mut block = Vec::new();
    loop {
        let line = l.line().await;
        if line.is_empty() {
            break;
        }
        block.push(line);
    }
    assert_eq!(
        block,
        [
            "  snmpTrapOID IF-MIB::linkDown",
            "  uptime Timeticks: (100) 0:00:01.00",
            "  IF-MIB::ifIndex.2 = INTEGER: 2",
            "  IF-MIB::ifAdminStatus.2 = INTEGER: down(2)",
            "  IF-MIB::ifOperStatus.2 = INTEGER: down(2)",
        ]
    );
    let (code, _) = l.stop("-INT").await;
    assert_eq!(code, 0);
}

/// v2c SNMPv2-Trap datagrams numbered 0..n, encoded apart from the listener under test (the
/// listener decodes them; net-snmp's tools send the informs the tests check).
fn v2c_traps(n: u32) -> Vec<Vec<u8>> {
    use snmpkit::codec::{AnyPdu, CommunityMessage, Pdu, PduType, Version};
    use snmpkit::{Oid, Value, VarBind};
    let oid = |s: &str| s.parse::<Oid>().unwrap();
    (0..n)
        .map(|i| {
            CommunityMessage {
                version: Version::V2c,
                community: b"public".to_vec(),
                pdu: AnyPdu::Pdu(Pdu {
                    pdu_type: PduType::TrapV2,
                    request_id: i as i32,
                    error_status: 0,
                    error_index: 0,
                    varbinds: vec![
                        VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(i)),
                        VarBind::new(
                            oid("1.3.6.1.6.3.1.1.4.1.0"),
                            Value::ObjectIdentifier(oid("1.3.6.1.6.3.1.1.5.1")),
                        ),
                        VarBind::new(
                            oid("1.3.6.1.2.1.1.5.0"),
                            Value::OctetString(vec![b'x'; 200]),
                        ),
                    ],
                }),
            }
            .encode()
        })
        .collect()
}

fn summary_count(stderr: &str, after: &str) -> u64 {
    let line = stderr
        .lines()
        .find(|l| l.contains(" received, "))
        .unwrap_or_else(|| panic!("no summary: {stderr}"));
    let at = line
        .find(after)
        .unwrap_or_else(|| panic!("no {after:?} in {line}"));
    line[..at]
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count before {after:?} in {line}"))
}

/// D2: a reader that does not read stdout stalled the whole listener: traps were lost
/// uncounted, an inform was never acknowledged and SIGTERM waited for the reader. Now output
/// waits in its own bounded queue, and only there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_stdout_still_acknowledges_informs_and_obeys_sigterm() {
    // Our end of the stdout pipe is never read: once ~64 KiB are written it is full.
    let l = start(&["--json", "udp:127.0.0.1:0"]).await;
    let to = l.addrs[0].strip_prefix("udp:").unwrap().to_string();
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let traps = v2c_traps(3000);
    for t in &traps {
        sock.send_to(t, &to).unwrap();
    }
    // net-snmp's snmpinform gets its acknowledgement although stdout is blocked.
    send_ok(
        "snmpinform",
        &[
            "-v2c",
            "-c",
            "public",
            &l.addrs[0],
            "5",
            "1.3.6.1.6.3.1.1.5.2",
        ],
    )
    .await;
    // And SIGTERM ends the listener while stdout is still blocked.
    let (code, stderr) = l.stop("-TERM").await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        summary_count(&stderr, " informs acknowledged") >= 1,
        "{stderr}"
    );
    // What could not be written is counted, not silently lost.
    assert!(summary_count(&stderr, " not printed") > 0, "{stderr}");
}

/// D4: a SIGTERM or SIGINT sent as soon as the listener says it is listening killed it (exit
/// -1), because the handlers were installed after the announcement. Now they come first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signal_right_after_readiness_stops_cleanly() {
    for sig in ["-TERM", "-INT", "-TERM", "-INT", "-TERM"] {
        let l = start(&["udp:127.0.0.1:0"]).await;
        let (code, stderr) = l.stop(sig).await;
        assert_eq!(code, 0, "{sig}: {stderr}");
        assert!(stderr.contains(" received, "), "{sig}: {stderr}");
    }
}

/// D5: datagrams lost in the kernel's receive buffer were invisible ("0 dropped"). The
/// listener is paused (SIGSTOP) with a small --rcvbuf while traps arrive, so the kernel must
/// drop most of them; afterwards what was received plus what the kernel lost is what was sent.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kernel_receive_buffer_drops_are_counted() {
    let l = start(&["--rcvbuf", "4096", "--json", "udp:127.0.0.1:0"]).await;
    let to = l.addrs[0].strip_prefix("udp:").unwrap().to_string();
    let pid = l.child.id().unwrap().to_string();
    let kill = |sig: &str| {
        let st = std::process::Command::new("kill")
            .args([sig, &pid])
            .status()
            .unwrap();
        assert!(st.success());
    };
    kill("-STOP");
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let traps = v2c_traps(300);
    for t in &traps {
        sock.send_to(t, &to).unwrap();
    }
    kill("-CONT");
    let (code, stderr) = l.stop("-TERM").await;
    assert_eq!(code, 0, "{stderr}");
    let received = summary_count(&stderr, " received, ");
    let lost = summary_count(&stderr, " lost in the kernel");
    assert!(lost > 0, "{stderr}");
    assert_eq!(received + lost, 300, "{stderr}");
}
