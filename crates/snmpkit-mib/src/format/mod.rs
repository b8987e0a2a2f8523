//! Rendering of values and varbinds: net-snmp-compatible text, and JSON.
//!
//! The text follows net-snmp 5.9's `snprint_variable` rules, checked byte for byte against
//! `snmpget` (see `tests/format_netsnmp.rs`): when a string prints as `STRING: "..."` or as
//! `Hex-STRING:` with 16 octets a line, the Timeticks forms, the Opaque sub-types, and the
//! `-O` flags, which net-snmp applies as toggles in the order given.
//!
//! With MIBs, a value is rendered by the syntax of the object its varbind names
//! ([`format_value_for`], used by [`format_varbind`]): enumerations (`INTEGER: up(1)`),
//! DISPLAY-HINTs (`STRING: lab-router`, `STRING: 0:c:29:5a:1b:3c`, DateAndTime), UNITS,
//! BITS with their names, and net-snmp's `Wrong Type (should be ...): ` for a value whose type
//! is not the object's. Checked line for line against snmpget/snmpwalk loading the same
//! modules (`tests/mib_output.rs`).

mod hint;
mod input;
mod json;
mod table;
mod text;

pub use hint::{display_integer, display_octets};
pub use input::{
    parse_octets_with_hint, parse_value, parse_value_unchecked, InputError, TYPE_LETTERS,
};
pub use json::{
    push_i64, push_json_oid, push_json_str, push_u64, write_varbind_json_rate, ObjectWriter,
};
pub use json::{table_row_json, value_json, varbind_json, write_varbind_json};
pub use table::{render_table, PrintedRow, TableLayout};
pub use text::{format_oid, format_value, format_value_for, format_varbind, VarBindFormatter};

/// How OIDs are printed (`-On`, `-Of`, `-Os`, `-OS`, `-Ou`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OidFormat {
    /// `MODULE::name.index` (net-snmp's default, `-OS`).
    #[default]
    Module,
    /// `name.index` (`-Os`).
    Suffix,
    /// `.iso.org.dod...` (`-Of`).
    Full,
    /// `.1.3.6.1...` (`-On`).
    Numeric,
    /// UCD style, `system.sysName.0` (`-Ou`).
    Ucd,
}

/// How octet strings are printed (`-Oa`, `-Ox`, or guessed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StringFormat {
    /// Printable bytes as `STRING: "..."`, anything else as `Hex-STRING:`.
    #[default]
    Guess,
    /// Always as text, non-printable bytes as `.` (`-Oa`).
    Ascii,
    /// Always as hex (`-Ox`).
    Hex,
}

/// net-snmp's `-O` output options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutputOptions {
    /// How OIDs print.
    pub oid_format: OidFormat,
    /// How strings print.
    pub string_format: StringFormat,
    /// `-Oq`: no `=` and no type prefixes.
    pub quick: bool,
    /// `-OQ`: like quick, but keep the ` = `.
    pub quick_equals: bool,
    /// `-Ov`: values only.
    pub bare_value: bool,
    /// `-Oe`: enums as numbers.
    pub numeric_enums: bool,
    /// `-Ot`: timeticks as a bare number.
    pub numeric_timeticks: bool,
    /// `-OT`: text beside hex strings.
    pub hex_text: bool,
    /// `-OU`: no UNITS.
    pub no_units: bool,
    /// `-Ob`: do not break table indexes down.
    pub dont_breakdown: bool,
    /// `-OE`: escape quotes in string indexes.
    pub escape_quotes: bool,
    /// `-OX`: extended index format.
    pub extended_index: bool,
    /// `-O0`: two-digit hex in display hints.
    pub two_digit_hex: bool,
    /// `-Ih`: ignore DISPLAY-HINTs (net-snmp applies this to output too).
    pub no_display_hint: bool,
}

/// An invalid `-O` flag, worded as net-snmp words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Unknown output option passed to -O: {0}.")]
pub struct FormatError(pub char);

impl OutputOptions {
    /// Applies one `-O` argument. Letters are applied in order; most are toggles, as in
    /// net-snmp (`-OqQ` ends up with neither quick form).
    pub fn parse_flags(&mut self, s: &str) -> Result<(), FormatError> {
        for c in s.chars() {
            match c {
                '0' => self.two_digit_hex ^= true,
                'a' => self.string_format = StringFormat::Ascii,
                'b' => self.dont_breakdown ^= true,
                'e' => self.numeric_enums ^= true,
                'E' => self.escape_quotes ^= true,
                'f' => self.oid_format = OidFormat::Full,
                'n' => self.oid_format = OidFormat::Numeric,
                'q' => self.quick ^= true,
                'Q' => {
                    self.quick_equals ^= true;
                    self.quick ^= true;
                }
                's' => self.oid_format = OidFormat::Suffix,
                'S' => self.oid_format = OidFormat::Module,
                't' => self.numeric_timeticks ^= true,
                'T' => self.hex_text ^= true,
                'u' => self.oid_format = OidFormat::Ucd,
                'U' => self.no_units ^= true,
                'v' => self.bare_value ^= true,
                'x' => self.string_format = StringFormat::Hex,
                'X' => self.extended_index ^= true,
                // -Op takes a printf precision as the rest of the argument.
                'p' => break,
                other => return Err(FormatError(other)),
            }
        }
        Ok(())
    }
}

/// The `Reason:` text net-snmp prints for an error-status (its `snmp_errstring`); see
/// [`ErrorStatus`](crate::ErrorStatus), which owns the wording.
pub fn error_status_text(status: i32) -> &'static str {
    crate::ErrorStatus::from_code(status).text()
}

/// The error-status name alone (`noSuchName`, `wrongType`, ...), for JSON and logs.
pub fn error_status_name(status: i32) -> &'static str {
    crate::ErrorStatus::from_code(status).name()
}

pub use snmpkit_proto::codec::{decode_opaque, OpaqueValue};
