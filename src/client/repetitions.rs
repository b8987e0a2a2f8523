//! How many repetitions a GetBulk asks for: exactly what the caller said
//! ([`Repetitions::Fixed`], `-Cr N`), or chosen request by request ([`Repetitions::Adaptive`],
//! the default) by a [`BulkSizer`].
//!
//! The policy is described on [`BulkSizer`].

use crate::VarBind;
use std::net::SocketAddr;

/// The GetBulk max-repetitions a bulk walk, table read or poll walk uses.
///
/// ```
/// use snmpkit::client::Repetitions;
/// assert_eq!(Repetitions::default(), Repetitions::Adaptive);
/// assert_eq!(Repetitions::fixed(0), Repetitions::Fixed(1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Repetitions {
    /// Chosen request by request by a [`BulkSizer`] (what snmpkit does without `-Cr`).
    #[default]
    Adaptive,
    /// Exactly this many in every request (`-Cr N`), at least 1.
    Fixed(u32),
}

impl Repetitions {
    /// `Fixed(n)`, with 0 taken as 1.
    pub fn fixed(n: u32) -> Repetitions {
        Repetitions::Fixed(n.max(1))
    }

    /// The fixed number, if any.
    pub fn as_fixed(&self) -> Option<u32> {
        match self {
            Repetitions::Fixed(n) => Some(*n),
            Repetitions::Adaptive => None,
        }
    }
}

/// The byte budget of a response from an agent on a loopback address whose msgMaxSize is not
/// known (SNMPv1/v2c): large enough that net-snmp's default cap of 100 varbinds per GetBulk
/// response, not the budget, is what limits a walk of snmpd.
pub const LOCAL_BUDGET: usize = 16 * 1024;

/// The largest datagram that crosses a 1500-byte Ethernet path unfragmented: 1472 bytes of
/// UDP payload over IPv4, 1452 over IPv6.
fn path_limit(target: &SocketAddr) -> usize {
    if target.is_ipv4() {
        1472
    } else {
        1452
    }
}

/// What a message carries besides its varbinds, kept out of the budget: the header,
/// community or USM parameters, the PDU fields and their lengths. Generous for v1/v2c, and
/// enough for SNMPv3 with the longest usual engine IDs, user names and privacy parameters.
const MESSAGE_OVERHEAD: usize = 200;

/// Chooses GetBulk max-repetitions request by request. Sans-I/O: the caller reports each
/// response and asks for the next size.
///
/// The sizer is the one place the policy lives; bulk walks, table reads and poll walks all use
/// it. It does no I/O and takes no clock: feed it what each response held. The policy:
/// - start above snmpbulkwalk's 10 ([`BulkSizer::START`]), less where the byte budget is small;
/// - after a response that came back full, double, but never past what fits the byte budget,
///   judged by the size of the repetitions received so far. The budget is the agent's
///   msgMaxSize when it is known (SNMPv3 learns it), and never more than a 1472-byte path
///   carries when the agent is remote (not on a loopback address); a local agent gets
///   [`LOCAL_BUDGET`] unless its msgMaxSize is smaller, so it answers as much as it allows;
/// - after a response with fewer repetitions than asked, ask for what came back: a cap of the
///   agent's (net-snmp's `maxGetbulkRepeats`, `maxGetbulkResponses`) becomes a ceiling, a
///   response cut to the agent's message size only sets the next request;
/// - tooBig halves the request and makes the half a ceiling;
/// - a timeout drops to 10 ([`BulkSizer::AFTER_TIMEOUT`]) and halves the ceiling: a large
///   response may be what got lost.
///
/// None of this changes which varbinds a walk delivers, only how many round trips it takes.
///
/// ```
/// use snmpkit::client::{BulkSizer, Repetitions};
/// let mut s = BulkSizer::new(Repetitions::Adaptive, 16 * 1024);
/// assert_eq!(s.max_repetitions(), BulkSizer::START);
/// // A full response of 25 repetitions, 40 bytes each: double.
/// s.on_response(25, 25, 25 * 40);
/// assert_eq!(s.max_repetitions(), 50);
/// // The agent answered 20 of 50, far below the budget: a cap, followed from now on.
/// s.on_response(50, 20, 20 * 40);
/// s.on_response(20, 20, 20 * 40);
/// assert_eq!(s.max_repetitions(), 20);
/// // An explicit size never changes.
/// let mut f = BulkSizer::new(Repetitions::Fixed(7), 16 * 1024);
/// f.on_response(7, 7, 7 * 40);
/// assert_eq!(f.max_repetitions(), 7);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkSizer {
    adaptive: bool,
    current: u32,
    /// Bytes of repetitions a response may carry.
    budget: usize,
    /// Never ask for more than this (an agent's cap, half a tooBig request).
    ceiling: u32,
}

impl BulkSizer {
    /// Where an adaptive walk starts, when the budget allows.
    pub const START: u32 = 25;
    /// What an adaptive walk asks for after a timeout: snmpbulkwalk's default.
    pub const AFTER_TIMEOUT: u32 = 10;
    /// The most an adaptive walk ever asks for in one request.
    pub const MAX: u32 = 1000;
    /// A repetition is assumed at least this large before any has been seen.
    const FIRST_GUESS: usize = 64;

    /// A sizer for `reps` whose responses should fit `budget` bytes of varbinds (ignored for
    /// [`Repetitions::Fixed`]). Most callers want [`BulkSizer::for_agent`].
    pub fn new(reps: Repetitions, budget: usize) -> BulkSizer {
        match reps {
            Repetitions::Fixed(n) => BulkSizer {
                adaptive: false,
                current: n.max(1),
                budget,
                ceiling: u32::MAX,
            },
            Repetitions::Adaptive => {
                let budget = budget.max(256);
                let first = fit(budget, Self::FIRST_GUESS);
                BulkSizer {
                    adaptive: true,
                    current: Self::START.min(first).max(1),
                    budget,
                    ceiling: Self::MAX,
                }
            }
        }
    }

    /// A sizer for `reps` against the agent at `target`, whose msgMaxSize is `agent_max_size`
    /// when known: the budget is that size (or [`LOCAL_BUDGET`] on a loopback address), and
    /// never more than a 1472-byte path for an agent elsewhere, less the message overhead.
    pub fn for_agent(
        reps: Repetitions,
        target: SocketAddr,
        agent_max_size: Option<usize>,
    ) -> BulkSizer {
        BulkSizer::new(reps, budget_for(target, agent_max_size))
    }

    /// Whether the size is chosen here (not fixed by the caller).
    pub fn is_adaptive(&self) -> bool {
        self.adaptive
    }

    /// The max-repetitions of the next request.
    pub fn max_repetitions(&self) -> u32 {
        self.current
    }

    /// The byte budget of a response's repetitions.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Lowers the budget to what an agent of msgMaxSize `max` can send (learned after the
    /// first exchange with an SNMPv3 agent). No effect on a fixed size.
    pub fn limit_message_size(&mut self, max: usize) {
        if self.adaptive {
            self.budget = self
                .budget
                .min(max.saturating_sub(MESSAGE_OVERHEAD).max(256));
        }
    }

    /// Sets the size of the next request (an adaptive sizer goes on adapting from there).
    pub fn set(&mut self, n: u32) {
        self.current = n.max(1);
    }

    /// A response to a request for `asked` repetitions held `repetitions` of them, about
    /// `bytes` bytes together (non-repeaters not counted; for a request with several
    /// repeaters, a repetition is one varbind of each).
    pub fn on_response(&mut self, asked: u32, repetitions: usize, bytes: usize) {
        if !self.adaptive || repetitions == 0 {
            return;
        }
        let got = u32::try_from(repetitions).unwrap_or(u32::MAX);
        let per = (bytes / repetitions).max(1);
        let fits = fit(self.budget, per);
        let next = if got < asked {
            // Fewer than asked: a cap when the response is far from the budget, else the
            // agent's message size (which depends on the values, so no ceiling).
            if bytes < self.budget / 2 {
                self.ceiling = self.ceiling.min(got);
            }
            got
        } else {
            asked.saturating_mul(2)
        };
        self.current = next.min(fits).min(self.ceiling).clamp(1, Self::MAX);
    }

    /// A tooBig answer: whether to ask again with fewer repetitions (halved, and the half
    /// kept as a ceiling). Always false for a fixed size and at 1.
    pub fn on_too_big(&mut self) -> bool {
        if !self.adaptive || self.current <= 1 {
            return false;
        }
        self.current /= 2;
        self.ceiling = self.ceiling.min(self.current);
        true
    }

    /// A timeout: whether to ask again with fewer repetitions ([`BulkSizer::AFTER_TIMEOUT`]),
    /// because a large response may be what got lost. False for a fixed size or a small one.
    pub fn on_timeout(&mut self) -> bool {
        if !self.adaptive || self.current <= Self::AFTER_TIMEOUT {
            return false;
        }
        self.ceiling = (self.current / 2).max(Self::AFTER_TIMEOUT);
        self.current = Self::AFTER_TIMEOUT;
        true
    }
}

/// How many repetitions of `per` bytes fit `budget`.
fn fit(budget: usize, per: usize) -> u32 {
    u32::try_from(budget / per.max(1))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// The byte budget of responses from `target` (see [`BulkSizer::for_agent`]).
pub fn budget_for(target: SocketAddr, agent_max_size: Option<usize>) -> usize {
    let mut limit = if target.ip().is_loopback() {
        LOCAL_BUDGET + MESSAGE_OVERHEAD
    } else {
        path_limit(&target)
    };
    if let Some(max) = agent_max_size {
        limit = limit.min(max);
    }
    limit.saturating_sub(MESSAGE_OVERHEAD).max(256)
}

/// About how many bytes a varbind takes in a response (tags, lengths, arcs, value).
pub(crate) fn estimated_size(vb: &VarBind) -> usize {
    let arcs: usize = vb
        .oid
        .arcs()
        .iter()
        .map(|a| match a {
            0..=127 => 1,
            128..=16383 => 2,
            _ => 5,
        })
        .sum();
    let value = vb.value.as_bytes().map_or(6, <[u8]>::len);
    6 + arcs + value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> SocketAddr {
        "127.0.0.1:161".parse().unwrap()
    }

    fn remote() -> SocketAddr {
        "192.0.2.1:161".parse().unwrap()
    }

    #[test]
    fn remote_agents_get_a_path_sized_budget_and_local_ones_a_large_one() {
        assert_eq!(budget_for(remote(), None), 1472 - MESSAGE_OVERHEAD);
        let v6: SocketAddr = "[2001:db8::1]:161".parse().unwrap();
        assert_eq!(budget_for(v6, None), 1452 - MESSAGE_OVERHEAD);
        assert_eq!(budget_for(local(), None), LOCAL_BUDGET);
        // The agent's msgMaxSize wins when smaller.
        assert_eq!(budget_for(local(), Some(1000)), 1000 - MESSAGE_OVERHEAD);
        // A remote start leaves room for larger varbinds than usual.
        let s = BulkSizer::for_agent(Repetitions::Adaptive, remote(), None);
        assert!(s.max_repetitions() < BulkSizer::START && s.max_repetitions() > 10);
        assert_eq!(
            BulkSizer::for_agent(Repetitions::Adaptive, local(), None).max_repetitions(),
            BulkSizer::START
        );
    }

    #[test]
    fn full_responses_double_up_to_the_budget() {
        let mut s = BulkSizer::new(Repetitions::Adaptive, 1000);
        let mut asked = s.max_repetitions();
        for _ in 0..10 {
            let n = asked as usize;
            s.on_response(asked, n, n * 20);
            asked = s.max_repetitions();
        }
        assert_eq!(asked, 50, "1000 bytes of 20-byte repetitions");
    }

    #[test]
    fn a_cap_becomes_a_ceiling_but_a_size_cut_does_not() {
        let mut s = BulkSizer::new(Repetitions::Adaptive, LOCAL_BUDGET);
        s.on_response(25, 25, 25 * 30);
        s.on_response(50, 5, 5 * 30);
        assert_eq!(s.max_repetitions(), 5);
        s.on_response(5, 5, 5 * 30);
        assert_eq!(s.max_repetitions(), 5, "never above the agent's cap again");

        let mut s = BulkSizer::new(Repetitions::Adaptive, 2000);
        // 40 of 50 asked, 1900 bytes: cut to the message size.
        s.on_response(50, 40, 1900);
        assert_eq!(s.max_repetitions(), 40);
        // Smaller values later: it may grow again.
        s.on_response(40, 40, 400);
        assert_eq!(s.max_repetitions(), 80);
    }

    #[test]
    fn too_big_halves_and_timeouts_fall_back_to_ten() {
        let mut s = BulkSizer::new(Repetitions::Adaptive, LOCAL_BUDGET);
        s.set(200);
        assert!(s.on_too_big());
        assert_eq!(s.max_repetitions(), 100);
        s.on_response(100, 100, 100 * 10);
        assert_eq!(s.max_repetitions(), 100, "the half is a ceiling");
        assert!(s.on_timeout());
        assert_eq!(s.max_repetitions(), 10);
        assert!(!s.on_timeout(), "10 is as low as a timeout goes");
        s.set(1);
        assert!(!s.on_too_big());
    }

    #[test]
    fn fixed_sizes_stay_what_the_caller_asked() {
        let mut s = BulkSizer::for_agent(Repetitions::Fixed(10), remote(), Some(484));
        assert!(!s.is_adaptive());
        s.on_response(10, 3, 30);
        s.limit_message_size(484);
        assert!(!s.on_too_big() && !s.on_timeout());
        assert_eq!(s.max_repetitions(), 10);
    }

    #[test]
    fn a_small_agent_message_size_lowers_the_budget() {
        let mut s = BulkSizer::for_agent(Repetitions::Adaptive, local(), None);
        s.limit_message_size(484);
        assert_eq!(s.budget(), 284);
        s.on_response(25, 25, 25 * 40);
        assert_eq!(s.max_repetitions(), 7);
    }
}
