//! Options shared by the manager commands, and their validation into a session.

use snmpkit::client::{Client, ClientOptions, Security, V3Security};
use snmpkit::codec::Version;
use snmpkit::format::OutputOptions;
use snmpkit::mib::{Mib, MibConfig};
use snmpkit::usm::{AuthProtocol, Credentials, PrivProtocol, SecurityLevel};
use snmpkit::Oid;
use std::sync::Arc;
use std::time::Duration;

/// Options every manager command takes, spelled as net-snmp spells them.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CommonArgs {
    /// SNMP version: 1, 2c or 3 (default 3, or snmp.conf's defVersion); v1 and v2c need -c.
    #[arg(short = 'v', value_name = "1|2c|3")]
    pub version: Option<String>,
    /// Community string (v1/v2c; no default, unless snmp.conf's defCommunity gives one).
    #[arg(short = 'c', value_name = "COMMUNITY")]
    pub community: Option<String>,
    /// Timeout in seconds (fractions allowed).
    #[arg(short = 't', value_name = "TIMEOUT")]
    pub timeout: Option<String>,
    /// Number of retries.
    #[arg(short = 'r', value_name = "RETRIES")]
    pub retries: Option<String>,
    /// Output options (net-snmp -O letters: n q Q v e x t U a s S f u b ...).
    #[arg(short = 'O', value_name = "OUTOPTS")]
    pub output: Vec<String>,
    /// Application options (-Cr10, -Cn1, -Cc, -Ci, -CI, -Cp, -Cf ...).
    #[arg(short = 'C', value_name = "APPOPTS")]
    pub app: Vec<String>,
    /// MIB modules to load (`ALL`, `+MOD`, `''` for none).
    #[arg(short = 'm', value_name = "MIBS")]
    pub mibs: Option<String>,
    /// MIB directories (`+DIR` adds to the default path).
    #[arg(short = 'M', value_name = "DIRS")]
    pub mib_dirs: Option<String>,
    /// Input options: `r` sends set/trap values without checking them against the MIB; the
    /// others are accepted for compatibility.
    #[arg(short = 'I', value_name = "INOPTS")]
    pub input: Vec<String>,
    /// Logging options (accepted for compatibility).
    #[arg(short = 'L', value_name = "LOGOPTS")]
    pub log: Vec<String>,
    /// Dump packets in hexadecimal to stderr.
    #[arg(short = 'd')]
    pub dump: bool,
    /// v3 security name.
    #[arg(short = 'u', value_name = "USER-NAME")]
    pub user: Option<String>,
    /// v3 security level: noAuthNoPriv, authNoPriv or authPriv.
    #[arg(short = 'l', value_name = "LEVEL")]
    pub level: Option<String>,
    /// v3 authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.
    #[arg(short = 'a', value_name = "PROTOCOL")]
    pub auth_protocol: Option<String>,
    /// v3 authentication passphrase.
    #[arg(short = 'A', value_name = "PASSPHRASE")]
    pub auth_pass: Option<String>,
    /// v3 privacy protocol: DES, AES, AES-192, AES-256, AES-192-C, AES-256-C.
    #[arg(short = 'x', value_name = "PROTOCOL")]
    pub priv_protocol: Option<String>,
    /// v3 privacy passphrase.
    #[arg(short = 'X', value_name = "PASSPHRASE")]
    pub priv_pass: Option<String>,
    /// v3 security (authoritative) engine ID, in hex; skips discovery.
    #[arg(short = 'e', value_name = "ENGINE-ID")]
    pub engine_id: Option<String>,
    /// v3 context engine ID, in hex.
    #[arg(short = 'E', value_name = "ENGINE-ID")]
    pub context_engine_id: Option<String>,
    /// v3 context name.
    #[arg(short = 'n', value_name = "CONTEXT")]
    pub context: Option<String>,
    /// v3 destination engine boots,time.
    #[arg(short = 'Z', value_name = "BOOTS,TIME")]
    pub boots_time: Option<String>,
    /// Print one JSON object per line instead of net-snmp text.
    #[arg(long = "json")]
    pub json: bool,
}

/// `-C` application flags as the manager commands understand them.
#[derive(Clone, Debug)]
pub struct AppFlags {
    /// -Cf: do not fix errors and retry (get/getnext).
    pub dont_fix: bool,
    /// -Cn N: non-repeaters.
    pub non_repeaters: u32,
    /// -Cr N: max-repetitions.
    pub max_repetitions: u32,
    /// Whether -Cr was given (without it, walks choose max-repetitions themselves).
    pub max_repetitions_given: bool,
    /// -Cc: do not check that OIDs increase.
    pub no_check: bool,
    /// -Ci: include the requested OID (Get it first).
    pub include_requested: bool,
    /// -CI: do not Get the root when the walk finds nothing.
    pub dont_get_single: bool,
    /// -Cp: print the number of variables found.
    pub print_count: bool,
    /// -Ct: print the traversal time.
    pub print_time: bool,
    /// -CE OID: end the walk here.
    pub end: Option<String>,
    /// -Cq (set): quiet, do not echo.
    pub quiet: bool,
}

impl Default for AppFlags {
    fn default() -> Self {
        AppFlags {
            dont_fix: false,
            non_repeaters: 0,
            max_repetitions: 10,
            max_repetitions_given: false,
            no_check: false,
            include_requested: false,
            dont_get_single: false,
            print_count: false,
            print_time: false,
            end: None,
            quiet: false,
        }
    }
}

impl AppFlags {
    /// Parses every `-C` argument (letters may be combined; `r`/`n` take a number, `E` an OID).
    pub fn parse(args: &[String], prog: &str) -> Result<AppFlags, String> {
        let mut f = AppFlags::default();
        for a in args {
            let mut chars = a.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                match c {
                    'f' => f.dont_fix = true,
                    'c' => f.no_check = true,
                    'i' => f.include_requested = true,
                    'I' => f.dont_get_single = true,
                    'p' => f.print_count = true,
                    't' => f.print_time = true,
                    'q' => f.quiet = true,
                    'n' | 'r' => {
                        let rest = &a[i + 1..];
                        let digits: String =
                            rest.chars().take_while(|d| d.is_ascii_digit()).collect();
                        if digits.is_empty() {
                            return Err(format!("{prog}: No number given -- error."));
                        }
                        let n: u32 = digits
                            .parse()
                            .map_err(|_| format!("{prog}: Bad number for -C{c}: {digits}"))?;
                        if c == 'n' {
                            f.non_repeaters = n;
                        } else {
                            f.max_repetitions = n;
                            f.max_repetitions_given = true;
                        }
                        for _ in 0..digits.len() {
                            chars.next();
                        }
                    }
                    'E' => {
                        f.end = Some(a[i + 1..].to_string());
                        break;
                    }
                    other => return Err(format!("{prog}: Unknown flag passed to -C: {other}")),
                }
            }
        }
        Ok(f)
    }
}

/// Everything a manager command needs, validated.
pub struct Session {
    /// The client.
    pub client: Client,
    /// Output options.
    pub output: OutputOptions,
    /// -C flags.
    pub app: AppFlags,
    /// --json.
    pub json: bool,
    /// The program name used in messages (`snmpget`, ...).
    pub prog: &'static str,
    /// The MIBs loaded for names in and out.
    pub mib: Arc<Mib>,
}

/// An error that ends the command before any request: message and exit code.
pub struct Fatal(pub String, pub i32);

fn parse_version(v: &str) -> Result<Version, Fatal> {
    match v {
        "1" => Ok(Version::V1),
        "2c" | "2C" => Ok(Version::V2c),
        "3" => Ok(Version::V3),
        other => Err(Fatal(
            format!("Invalid version specified after -v flag: {other}"),
            1,
        )),
    }
}

impl CommonArgs {
    /// Loads the MIBs `-m`, `-M`, `MIBS` and `MIBDIRS` ask for (the built-in modules when
    /// none of them is given), printing load warnings to stderr.
    pub fn load_mib(&self) -> Arc<Mib> {
        load_mib(self.mibs.as_deref(), self.mib_dirs.as_deref())
    }

    /// Whether `set`/`trap` values are checked against the MIB (not with `-Ir`).
    pub fn checks_values(&self) -> bool {
        !self.input.iter().any(|i| i.contains('r'))
    }

    /// The checks net-snmp makes while reading the command line, before any OID is parsed:
    /// a valid version, and a community for v1/v2c (from -c or snmp.conf's defCommunity).
    pub fn precheck(&self) -> Result<(), Fatal> {
        let merged = self.with_conf_defaults(&super::snmpconf::load());
        let version = parse_version(merged.version.as_deref().unwrap_or("3"))?;
        if version != Version::V3 && merged.community.is_none() {
            return Err(Fatal("No community name specified.".into(), 1));
        }
        Ok(())
    }

    /// Validates the options and resolves the agent, building a session.
    pub async fn session(
        &self,
        agent: &str,
        prog: &'static str,
        mib: Arc<Mib>,
    ) -> Result<Session, Fatal> {
        self.session_port(agent, prog, 161, mib).await
    }

    /// Like [`CommonArgs::session`] with another default port (162 for notifications).
    pub async fn session_port(
        &self,
        agent: &str,
        prog: &'static str,
        default_port: u16,
        mib: Arc<Mib>,
    ) -> Result<Session, Fatal> {
        let merged = self.with_conf_defaults(&super::snmpconf::load());
        merged.build_session(agent, prog, default_port, mib).await
    }

    /// Fills options the command line left out from snmp.conf defaults.
    pub fn with_conf_defaults(&self, d: &super::snmpconf::ConfDefaults) -> CommonArgs {
        let mut a = self.clone();
        let fill = |slot: &mut Option<String>, v: &Option<String>| {
            if slot.is_none() {
                slot.clone_from(v);
            }
        };
        fill(&mut a.version, &d.version);
        fill(&mut a.community, &d.community);
        fill(&mut a.user, &d.security_name);
        fill(&mut a.level, &d.security_level);
        fill(&mut a.auth_protocol, &d.auth_type);
        fill(&mut a.auth_pass, &d.auth_passphrase);
        fill(&mut a.priv_protocol, &d.priv_type);
        fill(&mut a.priv_pass, &d.priv_passphrase);
        fill(&mut a.context, &d.context);
        fill(&mut a.engine_id, &d.security_engine_id);
        fill(&mut a.context_engine_id, &d.context_engine_id);
        fill(&mut a.timeout, &d.timeout);
        fill(&mut a.retries, &d.retries);
        a
    }

    /// The security and the timeouts/retries these options ask for (`-v -c -t -r -d` and the
    /// v3 options), validated, without resolving any agent.
    pub fn client_settings(&self, prog: &str) -> Result<(Security, ClientOptions), Fatal> {
        // net-snmp 5.9 defaults to SNMPv3 when neither -v nor defVersion says otherwise.
        let version = parse_version(self.version.as_deref().unwrap_or("3"))?;
        let timeout = match &self.timeout {
            None => Duration::from_secs(1),
            Some(t) => {
                let secs: f64 = t
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s >= 0.0 && *s < 1e9)
                    .ok_or_else(|| Fatal(format!("Invalid timeout: {t}"), 1))?;
                Duration::from_secs_f64(secs)
            }
        };
        let retries = match &self.retries {
            None => 5,
            Some(r) => r
                .parse::<u32>()
                .map_err(|_| Fatal(format!("Invalid number of retries: {r}"), 1))?,
        };
        let security = match version {
            Version::V1 | Version::V2c => Security::Community {
                version,
                // net-snmp has no default community: -c, or snmp.conf's defCommunity.
                community: self
                    .community
                    .clone()
                    .ok_or_else(|| Fatal("No community name specified.".into(), 1))?
                    .into_bytes(),
            },
            Version::V3 => Security::Usm(Box::new(self.v3_security(prog)?)),
        };
        let options = ClientOptions::builder()
            .timeout(timeout)
            .retries(retries)
            .dump_packets(self.dump)
            // net-snmp's tools report tooBig instead of splitting.
            .too_big_recovery(false)
            .build();
        Ok((security, options))
    }

    async fn build_session(
        &self,
        agent: &str,
        prog: &'static str,
        default_port: u16,
        mib: Arc<Mib>,
    ) -> Result<Session, Fatal> {
        let mut output = OutputOptions::default();
        for o in &self.output {
            output.parse_flags(o).map_err(|e| Fatal(e.to_string(), 1))?;
        }
        let app = AppFlags::parse(&self.app, prog).map_err(|e| Fatal(e, 1))?;
        let (security, options) = self.client_settings(prog)?;
        let client = Client::connect_port(agent, default_port, security, options)
            .await
            .map_err(|e| Fatal(format!("{prog}: {e}"), 1))?;
        Ok(Session {
            client,
            output,
            app,
            json: self.json,
            prog,
            mib,
        })
    }
}

impl CommonArgs {
    /// Builds USM settings from `-u -l -a -A -x -X -e -E -n -Z`, with net-snmp's defaults
    /// (noAuthNoPriv, MD5, DES). Passphrases under 8 characters are refused here, before
    /// anything is sent.
    pub fn v3_security(&self, prog: &str) -> Result<V3Security, Fatal> {
        let user = self
            .user
            .clone()
            .ok_or_else(|| Fatal(format!("{prog}: No securityName specified"), 1))?;
        let level = parse_or(
            &self.level,
            SecurityLevel::NoAuthNoPriv,
            "security level",
            'l',
        )?;
        let auth = parse_or(
            &self.auth_protocol,
            AuthProtocol::Md5,
            "authentication protocol",
            'a',
        )?;
        let privacy = parse_or(
            &self.priv_protocol,
            PrivProtocol::Des,
            "privacy protocol",
            'x',
        )?;
        let short = |which: &str| {
            Fatal(
                format!(
                    "Error: passphrase chosen is below the length requirements of the USM (min=8).\n\
                     {prog}: (The supplied password length is too short.)\n\
                     Error generating a key (Ku) from the supplied {which} pass phrase."
                ),
                1,
            )
        };
        let mut creds = Credentials::new(user.into_bytes());
        if level >= SecurityLevel::AuthNoPriv {
            let pass = self.auth_pass.clone().ok_or_else(|| {
                Fatal(
                    format!("{prog}: No authentication passphrase specified (-A)"),
                    1,
                )
            })?;
            if pass.len() < 8 {
                return Err(short("authentication"));
            }
            creds = creds.auth(auth, pass.as_bytes());
        }
        if level == SecurityLevel::AuthPriv {
            let pass = self
                .priv_pass
                .clone()
                .ok_or_else(|| Fatal(format!("{prog}: No privacy passphrase specified (-X)"), 1))?;
            if pass.len() < 8 {
                return Err(short("privacy"));
            }
            creds = creds.privacy(privacy, pass.as_bytes());
        }
        let hex_arg = |v: &Option<String>, flag: &str| -> Result<Option<Vec<u8>>, Fatal> {
            match v {
                None => Ok(None),
                Some(h) => parse_hex_id(h)
                    .map(Some)
                    .ok_or_else(|| Fatal(format!("Bad engine ID value after -{flag} flag."), 1)),
            }
        };
        let boots_time = match &self.boots_time {
            None => None,
            Some(z) => {
                let bad = || Fatal(format!("Bad boots,time value after -Z flag: {z}"), 1);
                let (b, t) = z.split_once(',').ok_or_else(bad)?;
                Some((
                    b.trim().parse().map_err(|_| bad())?,
                    t.trim().parse().map_err(|_| bad())?,
                ))
            }
        };
        let mut v3 = V3Security::new(creds);
        v3.level = level;
        v3.engine_id = hex_arg(&self.engine_id, "e")?;
        v3.context_engine_id = hex_arg(&self.context_engine_id, "E")?;
        v3.context_name = self.context.clone().unwrap_or_default().into_bytes();
        v3.boots_time = boots_time;
        Ok(v3)
    }
}

/// Loads MIBs for `-m MODULES` and `-M DIRS` (with `MIBS`/`MIBDIRS`; the built-in modules
/// when none is given), printing load warnings to stderr.
pub fn load_mib(modules: Option<&str>, dirs: Option<&str>) -> Arc<Mib> {
    let mut cfg = MibConfig::from_env();
    if let Some(m) = modules {
        cfg = cfg.with_modules(m);
    }
    if let Some(d) = dirs {
        cfg = cfg.with_dirs(d);
    }
    let (mib, warnings) = Mib::load(&cfg);
    for w in warnings {
        eprintln!("{w}");
    }
    Arc::new(mib)
}

/// Parses an optional option value, with net-snmp's default when it is absent and its
/// "Invalid ... specified after -X flag" wording when it does not parse.
fn parse_or<T: std::str::FromStr>(
    v: &Option<String>,
    default: T,
    what: &str,
    flag: char,
) -> Result<T, Fatal> {
    match v {
        None => Ok(default),
        Some(s) => s.parse().map_err(|_| {
            Fatal(
                format!("Invalid {what} specified after -{flag} flag: {s}"),
                1,
            )
        }),
    }
}

/// An engine ID in hex, with or without `0x`; 5 to 32 octets (RFC 3411).
fn parse_hex_id(s: &str) -> Option<Vec<u8>> {
    snmpkit::engine::EngineId::parse_hex(s).ok().map(Vec::from)
}

/// Parses an OID argument: a name (`sysName.0`, `IF-MIB::ifDescr.2`, `vacmGroupName.3."x"`)
/// or a numeric OID, with net-snmp's "Unknown Object Identifier" error.
pub fn parse_oid(s: &str, mib: &Mib) -> Result<Oid, Fatal> {
    if let Ok(o) = s.parse::<Oid>() {
        return Ok(o);
    }
    mib.resolve(s).map_err(|e| {
        let msg = e.to_string();
        if msg.starts_with(s) {
            Fatal(msg, 1)
        } else {
            Fatal(format!("{s}: {msg}"), 1)
        }
    })
}
