//! Walks: GetNext or GetBulk down a subtree, with net-snmp's stopping rules.
//!
//! [`WalkState`] holds the rules and does no I/O: it says which request to send next and turns
//! each response into a [`WalkPage`]. [`Walk`] drives it over a [`Client`], page by page
//! ([`Walk::next_page`]) or as a [`Stream`] of varbinds.

use super::repetitions::{estimated_size, BulkSizer, Repetitions, LOCAL_BUDGET};
use super::Client;
use crate::codec::{Pdu, PduType, Version};
use crate::error::{Error, ErrorStatus, LimitReached, Result};
use crate::{Oid, VarBind};
use futures_core::Stream;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use tokio::time::Instant;

/// How a walk proceeds.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// `Some((non_repeaters, max_repetitions))` walks with GetBulk; `None` with GetNext.
    /// [`Repetitions::Adaptive`] lets the walk choose max-repetitions request by request
    /// ([`BulkSizer`]); [`Repetitions::Fixed`] asks for exactly that many every time.
    pub bulk: Option<(u32, Repetitions)>,
    /// Stop with an error when the agent returns an OID that does not increase (net-snmp's
    /// default; `-Cc` turns it off).
    pub check_increasing: bool,
    /// Stop before this OID instead of at the end of the subtree (`-CE`).
    pub end: Option<Oid>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            bulk: None,
            check_increasing: true,
            end: None,
        }
    }
}

/// Why a walk ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WalkEnd {
    /// The agent returned an OID past the subtree.
    SubtreeEnd,
    /// The agent returned an exception (endOfMibView, ...); the page includes that varbind.
    Exception,
    /// v1 agent answered noSuchName: the end of its MIB.
    EndOfMib,
    /// The agent returned an OID that does not increase; the page includes that varbind.
    NotIncreasing {
        /// The previous OID.
        previous: Oid,
        /// The offending OID.
        received: Oid,
    },
    /// The agent returned an error-status other than v1's noSuchName.
    Status {
        /// error-status.
        status: ErrorStatus,
        /// error-index.
        index: i32,
        /// The response varbinds.
        varbinds: Vec<VarBind>,
    },
}

/// One response's worth of a walk.
#[derive(Clone, Debug, Default)]
pub struct WalkPage {
    /// Varbinds inside the subtree, in order (an exception varbind inside the subtree is kept,
    /// as net-snmp prints it).
    pub varbinds: Vec<VarBind>,
    /// Set when this page is the last.
    pub end: Option<WalkEnd>,
}

/// Limits for a walk that collects into memory ([`Client::walk`], [`Walk::collect`]), or for a
/// stream that must not run forever. Both unset by default.
///
/// ```
/// use snmpkit::client::WalkLimit;
/// use std::time::Duration;
/// let limit = WalkLimit::count(10_000).and_deadline(Duration::from_secs(30));
/// assert_eq!(limit.max_varbinds, Some(10_000));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WalkLimit {
    /// Stop with [`Error::WalkLimit`] when the walk finds more than this many varbinds.
    pub max_varbinds: Option<usize>,
    /// Stop with [`Error::WalkLimit`] when the walk is still running this long after its first
    /// request.
    pub deadline: Option<Duration>,
}

impl WalkLimit {
    /// No limit: the walk runs to the end of the subtree.
    pub fn none() -> Self {
        WalkLimit::default()
    }

    /// At most `n` varbinds.
    pub fn count(n: usize) -> Self {
        WalkLimit {
            max_varbinds: Some(n),
            deadline: None,
        }
    }

    /// At most `d` from the first request to the last answer.
    pub fn deadline(d: Duration) -> Self {
        WalkLimit {
            max_varbinds: None,
            deadline: Some(d),
        }
    }

    /// This limit, also capped at `n` varbinds.
    pub fn and_count(mut self, n: usize) -> Self {
        self.max_varbinds = Some(n);
        self
    }

    /// This limit, also capped at `d` of time.
    pub fn and_deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }
}

/// The rules of a walk without sockets or clocks: which request comes next, and what a
/// response means (net-snmp's subtree end, exceptions, v1 noSuchName as the end of the MIB,
/// "OID not increasing"). Feed it the responses of the requests it asks for.
///
/// GetBulk's max-repetitions come from a [`BulkSizer`]: fixed, or adapted to each response
/// ([`Repetitions::Adaptive`]: grown to the byte budget, following an agent's cap, halved on
/// tooBig, back to 10 after a timeout). They may also be changed between requests
/// ([`WalkState::set_max_repetitions`]); with a fixed size a tooBig answer halves it only when
/// shrinking is on ([`WalkState::shrink_on_too_big`]).
#[derive(Clone, Debug)]
pub struct WalkState {
    root: Oid,
    end_oid: Oid,
    last: Oid,
    /// non-repeaters and the sizer of a GetBulk walk.
    bulk: Option<(u32, BulkSizer)>,
    check_increasing: bool,
    version: Version,
    shrink_on_too_big: bool,
    done: bool,
    found: usize,
}

impl WalkState {
    /// A walk of `root`'s subtree for an agent spoken to with `version`. An adaptive walk
    /// starts with the budget of a local agent ([`LOCAL_BUDGET`]); [`WalkState::set_sizer`]
    /// gives it the agent's ([`BulkSizer::for_agent`], as [`Walk::new`] does).
    pub fn new(root: Oid, opts: &WalkOptions, version: Version) -> WalkState {
        let end_oid = opts.end.clone().unwrap_or_else(|| subtree_end(&root));
        WalkState {
            last: root.clone(),
            root,
            end_oid,
            bulk: opts
                .bulk
                .map(|(nr, reps)| (nr, BulkSizer::new(reps, LOCAL_BUDGET))),
            check_increasing: opts.check_increasing,
            version,
            shrink_on_too_big: false,
            done: false,
            found: 0,
        }
    }

    /// Replaces the sizer of a GetBulk walk (no effect on a GetNext walk).
    pub fn set_sizer(&mut self, sizer: BulkSizer) {
        if let Some(b) = &mut self.bulk {
            b.1 = sizer;
        }
    }

    /// The sizer of a GetBulk walk (`None` for GetNext), for example to lower its budget to
    /// the agent's msgMaxSize once known ([`BulkSizer::limit_message_size`]).
    pub fn sizer_mut(&mut self) -> Option<&mut BulkSizer> {
        self.bulk.as_mut().map(|b| &mut b.1)
    }

    /// After a timeout: whether an adaptive walk should ask again with fewer repetitions
    /// ([`BulkSizer::on_timeout`]), because a large response may be what got lost.
    pub fn back_off(&mut self) -> bool {
        !self.done && self.bulk.as_mut().is_some_and(|b| b.1.on_timeout())
    }

    /// Whether a tooBig answer to a GetBulk with a fixed max-repetitions halves it and asks
    /// again (instead of ending the walk with the error-status). An adaptive walk always does.
    pub fn shrink_on_too_big(&mut self, on: bool) {
        self.shrink_on_too_big = on;
    }

    /// The root being walked.
    pub fn root(&self) -> &Oid {
        &self.root
    }

    /// How many varbinds the walk has returned so far.
    pub fn found(&self) -> usize {
        self.found
    }

    /// Whether the walk has ended.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The max-repetitions of the next GetBulk (`None` for a GetNext walk).
    pub fn max_repetitions(&self) -> Option<u32> {
        self.bulk.as_ref().map(|b| b.1.max_repetitions())
    }

    /// Changes max-repetitions for the following requests (at least 1). No effect on a GetNext
    /// walk.
    pub fn set_max_repetitions(&mut self, n: u32) {
        if let Some(b) = &mut self.bulk {
            b.1.set(n);
        }
    }

    /// The next request (its request-id is left 0 for the sender to assign), or `None` once
    /// the walk has ended.
    pub fn request(&self) -> Option<Pdu> {
        if self.done {
            return None;
        }
        let oids = std::slice::from_ref(&self.last);
        Some(match &self.bulk {
            Some((nr, sizer)) => Pdu::get_bulk(0, clamp(*nr), clamp(sizer.max_repetitions()), oids),
            None => Pdu::request(PduType::GetNext, 0, oids),
        })
    }

    /// Applies the response to the last [`request`](WalkState::request).
    pub fn on_response(&mut self, resp: Pdu) -> WalkPage {
        let mut page = WalkPage::default();
        if self.done {
            page.end = Some(WalkEnd::SubtreeEnd);
            return page;
        }
        if resp.error_status != 0 {
            let status = ErrorStatus::from_code(resp.error_status);
            if status == ErrorStatus::TooBig {
                let shrink = self.shrink_on_too_big;
                if let Some((_, sizer)) = &mut self.bulk {
                    let mr = sizer.max_repetitions();
                    if sizer.on_too_big() || (shrink && mr > 1 && !sizer.is_adaptive()) {
                        if !sizer.is_adaptive() {
                            sizer.set(mr / 2);
                        }
                        return page;
                    }
                }
            }
            self.done = true;
            page.end = Some(
                if status == ErrorStatus::NoSuchName && self.version == Version::V1 {
                    WalkEnd::EndOfMib
                } else {
                    WalkEnd::Status {
                        status,
                        index: resp.error_index,
                        varbinds: resp.varbinds,
                    }
                },
            );
            return page;
        }
        if resp.varbinds.is_empty() {
            self.done = true;
            page.end = Some(WalkEnd::SubtreeEnd);
            return page;
        }
        if let Some((nr, sizer)) = &mut self.bulk {
            // A fixed size ignores what came back: no need to measure it.
            if sizer.is_adaptive() {
                let repeated = resp.varbinds.get(*nr as usize..).unwrap_or(&[]);
                let bytes: usize = repeated.iter().map(estimated_size).sum();
                sizer.on_response(sizer.max_repetitions(), repeated.len(), bytes);
            }
        }
        // Like snmpbulkwalk, a page is read to its end: varbinds past the subtree are
        // skipped, and those after an exception are still delivered (an agent may send one
        // endOfMibView per repetition, and net-snmp prints each). The response's vector
        // becomes the page: the varbinds are judged in place, not moved one by one.
        let mut varbinds = resp.varbinds;
        let mut keep = varbinds.len();
        let mut skipped = 0;
        // The last OID that passed the increasing check, as an index into `varbinds`.
        let mut last: Option<usize> = None;
        for (i, vb) in varbinds.iter().enumerate() {
            if vb.oid >= self.end_oid {
                page.end.get_or_insert(WalkEnd::SubtreeEnd);
                skipped += 1;
                continue;
            }
            self.found += 1;
            if page.end.is_some() {
                continue;
            }
            if vb.value.is_exception() {
                page.end = Some(WalkEnd::Exception);
                continue;
            }
            let previous = last.map_or(&self.last, |j| &varbinds[j].oid);
            if self.check_increasing && vb.oid <= *previous {
                page.end = Some(WalkEnd::NotIncreasing {
                    previous: previous.clone(),
                    received: vb.oid.clone(),
                });
                keep = i + 1;
                break;
            }
            last = Some(i);
        }
        if let Some(j) = last {
            self.last.clone_from(&varbinds[j].oid);
        }
        varbinds.truncate(keep);
        if skipped > 0 {
            let end = &self.end_oid;
            varbinds.retain(|vb| vb.oid < *end);
        }
        page.varbinds = varbinds;
        if page.end.is_some() {
            self.done = true;
        }
        page
    }

    /// Ends the walk here (after an error the caller saw).
    pub fn finish(&mut self) {
        self.done = true;
    }
}

fn clamp(v: u32) -> i32 {
    v.min(i32::MAX as u32) as i32
}

type Pending<T> = Pin<Box<dyn Future<Output = Result<T>> + Send>>;

/// Where a [`Walk`] used as a stream stands.
enum Phase {
    /// Walking (a request may be in flight).
    Walking,
    /// The subtree was empty: a Get of the root itself, as net-snmp falls back to.
    Fallback(Pending<Vec<VarBind>>),
    /// Nothing more to yield.
    Done,
}

/// A walk in progress over a [`Client`].
///
/// Use it page by page with [`Walk::next_page`] (what the CLI does), or as a
/// [`Stream`] of `Result<VarBind>`: instances inside the subtree in order, exception values
/// left out, an empty subtree answered by a Get of the root (as net-snmp does), and the walk's
/// failures (timeouts, "OID not increasing", an error-status, a [`WalkLimit`]) as a last `Err`.
/// Memory stays at one response however large the subtree. Use one style per walk.
///
/// ```no_run
/// # async fn f() -> snmpkit::Result<()> {
/// use snmpkit::{Client, ClientOptions, Oid, Security};
/// use std::future::poll_fn;
/// use std::pin::Pin;
/// use futures_core::Stream;
///
/// let client = Client::connect("127.0.0.1:161", Security::v2c("public"), ClientOptions::default()).await?;
/// let mut walk = client.bulk_walk_stream(&"1.3.6.1.2.1.2.2".parse::<Oid>().unwrap());
/// // Any Stream combinator works (futures::StreamExt::next, tokio_stream, ...); poll_fn needs none.
/// while let Some(vb) = poll_fn(|cx| Pin::new(&mut walk).poll_next(cx)).await {
///     let vb = vb?;
///     println!("{} = {:?}", vb.oid, vb.value);
/// }
/// # Ok(()) }
/// ```
pub struct Walk {
    client: Client,
    state: WalkState,
    limit: WalkLimit,
    deadline: Option<Instant>,
    buffered: VecDeque<VarBind>,
    /// The end that a page reported, to turn into the stream's last item.
    end: Option<WalkEnd>,
    phase: Phase,
    inflight: Option<Pending<Pdu>>,
    yielded: usize,
    /// Send the next request as soon as a response is in (see [`Walk::prefetch`]).
    prefetch: bool,
}

impl Walk {
    /// Starts a walk of `root`'s subtree. The client's options supply the walk deadline and
    /// whether a tooBig answer shrinks a fixed max-repetitions; an adaptive walk sizes its
    /// requests for the client's agent ([`BulkSizer::for_agent`]).
    pub fn new(client: Client, root: Oid, opts: WalkOptions) -> Walk {
        let mut state = WalkState::new(root, &opts, client.version());
        state.shrink_on_too_big(client.options().too_big_recovery);
        if let Some((_, reps)) = opts.bulk {
            state.set_sizer(BulkSizer::for_agent(
                reps,
                client.target(),
                client.agent_max_size(),
            ));
        }
        let limit = WalkLimit {
            max_varbinds: None,
            deadline: client.options().walk_deadline,
        };
        Walk {
            client,
            state,
            limit,
            deadline: None,
            buffered: VecDeque::new(),
            end: None,
            phase: Phase::Walking,
            inflight: None,
            yielded: 0,
            prefetch: false,
        }
    }

    /// Sends each request as soon as the previous response is in, before the caller has
    /// handled that page, so the agent works on the next page while the caller prints this
    /// one (what `bulkwalk` does). The varbinds and their order do not change; a walk dropped
    /// with a request out forgets it. Off by default.
    pub fn prefetch(mut self, on: bool) -> Walk {
        self.prefetch = on;
        self
    }

    /// With prefetch on, sends the next request now.
    fn start_prefetch(&mut self) {
        if self.prefetch {
            self.send_ahead();
        }
    }

    /// Sends the next request now, if none is out and the walk has not ended, without
    /// waiting for the answer, which the next page (or stream item) picks up. A caller can
    /// overlap its own setup with the agent's first response this way (`bulkwalk` loads its
    /// MIBs meanwhile). The request's future is polled once here, which puts the datagram on
    /// the wire, and again, with the caller's waker, when the page is asked for.
    pub fn send_ahead(&mut self) {
        if self.inflight.is_some() || self.state.is_done() {
            return;
        }
        self.start_clock();
        if let Some(pdu) = self.next_request() {
            let mut fut = self.send(pdu);
            let mut cx = Context::from_waker(Waker::noop());
            self.inflight = Some(match fut.as_mut().poll(&mut cx) {
                Poll::Ready(r) => Box::pin(std::future::ready(r)),
                Poll::Pending => fut,
            });
        }
    }

    /// Applies `limit` (replacing the client's walk deadline when it sets one).
    pub fn with_limit(mut self, limit: WalkLimit) -> Walk {
        if limit.max_varbinds.is_some() {
            self.limit.max_varbinds = limit.max_varbinds;
        }
        if limit.deadline.is_some() {
            self.limit.deadline = limit.deadline;
        }
        self
    }

    /// How many varbinds the walk has returned so far.
    pub fn found(&self) -> usize {
        self.state.found()
    }

    /// The root being walked.
    pub fn root(&self) -> &Oid {
        self.state.root()
    }

    /// The sans-I/O state, for example to change max-repetitions between pages.
    pub fn state_mut(&mut self) -> &mut WalkState {
        &mut self.state
    }

    fn start_clock(&mut self) {
        if self.deadline.is_none() {
            if let Some(d) = self.limit.deadline {
                self.deadline = Some(Instant::now() + d);
            }
        }
    }

    fn deadline_error(&self) -> Error {
        Error::WalkLimit(LimitReached::Deadline(
            self.limit.deadline.unwrap_or_default(),
        ))
    }

    /// The walk's next request, sized within the agent's msgMaxSize once it is known.
    fn next_request(&mut self) -> Option<Pdu> {
        if let Some(max) = self.client.agent_max_size() {
            if let Some(sizer) = self.state.sizer_mut() {
                sizer.limit_message_size(max);
            }
        }
        self.state.request()
    }

    /// Sends `pdu`, bounded by the walk's deadline.
    fn send(&self, pdu: Pdu) -> Pending<Pdu> {
        let client = self.client.clone();
        let deadline = self.deadline;
        let late = self.deadline_error();
        Box::pin(async move {
            match deadline {
                Some(d) => tokio::time::timeout_at(d, client.request(pdu))
                    .await
                    .unwrap_or(Err(late)),
                None => client.request(pdu).await,
            }
        })
    }

    /// The Get of the root that answers an empty subtree, bounded by the walk's deadline.
    fn fallback(&self) -> Pending<Vec<VarBind>> {
        let client = self.client.clone();
        let root = self.state.root().clone();
        let deadline = self.deadline;
        let late = self.deadline_error();
        Box::pin(async move {
            let get = client.get(std::slice::from_ref(&root));
            match deadline {
                Some(d) => tokio::time::timeout_at(d, get).await.unwrap_or(Err(late)),
                None => get.await,
            }
        })
    }

    /// Fetches and filters the next response. Transport errors, timeouts and the walk's
    /// deadline are `Err`; the walk's own ending conditions are reported in [`WalkPage::end`].
    pub async fn next_page(&mut self) -> Result<WalkPage> {
        if !self.buffered.is_empty() {
            return Ok(WalkPage {
                varbinds: self.buffered.drain(..).collect(),
                end: if self.state.is_done() {
                    self.end.clone()
                } else {
                    None
                },
            });
        }
        self.start_clock();
        let fut = match self.inflight.take() {
            Some(f) => f,
            None => match self.next_request() {
                Some(pdu) => self.send(pdu),
                None => {
                    return Ok(WalkPage {
                        varbinds: Vec::new(),
                        end: Some(WalkEnd::SubtreeEnd),
                    })
                }
            },
        };
        let mut fut = fut;
        loop {
            match fut.await {
                Ok(resp) => {
                    let page = self.state.on_response(resp);
                    self.start_prefetch();
                    return Ok(page);
                }
                Err(e) if e.is_timeout() && self.state.back_off() => match self.next_request() {
                    Some(pdu) => fut = self.send(pdu),
                    None => return Err(e),
                },
                Err(e) => {
                    self.state.finish();
                    return Err(e);
                }
            }
        }
    }

    /// Runs the walk to its end and returns the instances found (exception values dropped),
    /// within the walk's limits. An empty subtree falls back to a Get of the root.
    pub async fn collect(mut self) -> Result<Vec<VarBind>> {
        let mut out = Vec::new();
        while let Some(vb) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            out.push(vb?);
        }
        Ok(out)
    }

    /// The stream's next varbinds, a response's worth at a time: waits for the next item as
    /// [`Stream::poll_next`] does, then adds every varbind already received with it (the rest
    /// of its page), within the walk's count limit. `None` at the end; errors as the stream
    /// gives them. For bindings that hand a walk over per response rather than per varbind.
    pub async fn next_chunk(&mut self) -> Option<Result<Vec<VarBind>>> {
        let first = match std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await? {
            Ok(vb) => vb,
            Err(e) => return Some(Err(e)),
        };
        let room = match self.limit.max_varbinds {
            Some(max) => max.saturating_sub(self.yielded),
            None => usize::MAX,
        };
        let n = self.buffered.len().min(room);
        self.yielded += n;
        // The first item goes back in front of the rest (its slot is free), and the page
        // leaves in one piece: no move per varbind.
        self.buffered.push_front(first);
        let out: Vec<VarBind> = if n + 1 == self.buffered.len() {
            Vec::from(std::mem::take(&mut self.buffered))
        } else {
            // The count limit falls inside this page: the next poll reports it.
            self.buffered.drain(..=n).collect()
        };
        Some(Ok(out))
    }

    /// The error a page's end means for the stream, if any.
    fn end_error(end: &WalkEnd) -> Option<Error> {
        match end {
            WalkEnd::NotIncreasing { previous, received } => Some(Error::NotIncreasing {
                previous: Box::new(previous.clone()),
                received: Box::new(received.clone()),
            }),
            WalkEnd::Status {
                status,
                index,
                varbinds,
            } => Some(Error::Status {
                status: *status,
                index: *index,
                varbinds: varbinds.clone(),
            }),
            _ => None,
        }
    }

    /// Counts one yielded varbind against the limit.
    fn count(&mut self, vb: VarBind) -> Poll<Option<Result<VarBind>>> {
        if let Some(max) = self.limit.max_varbinds {
            if self.yielded >= max {
                self.phase = Phase::Done;
                self.buffered.clear();
                return Poll::Ready(Some(Err(Error::WalkLimit(LimitReached::Count(max)))));
            }
        }
        self.yielded += 1;
        Poll::Ready(Some(Ok(vb)))
    }
}

impl Stream for Walk {
    type Item = Result<VarBind>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(vb) = this.buffered.pop_front() {
                return this.count(vb);
            }
            match &mut this.phase {
                Phase::Done => return Poll::Ready(None),
                Phase::Fallback(f) => {
                    let r = match f.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(r) => r,
                    };
                    this.phase = Phase::Done;
                    match r {
                        Ok(vbs) => this
                            .buffered
                            .extend(vbs.into_iter().filter(|v| !v.value.is_exception())),
                        // net-snmp prints nothing when the fallback Get is refused.
                        Err(Error::Status { .. }) => {}
                        Err(e) => return Poll::Ready(Some(Err(e))),
                    }
                }
                Phase::Walking => {
                    if this.inflight.is_none() {
                        if this.state.is_done() {
                            this.phase = Phase::Done;
                            if let Some(e) = this.end.as_ref().and_then(Walk::end_error) {
                                return Poll::Ready(Some(Err(e)));
                            }
                            if this.state.found() == 0 {
                                this.phase = Phase::Fallback(this.fallback());
                            }
                            continue;
                        }
                        this.start_clock();
                        match this.next_request() {
                            Some(pdu) => this.inflight = Some(this.send(pdu)),
                            None => continue,
                        }
                    }
                    let r = match this.inflight.as_mut().map(|f| f.as_mut().poll(cx)) {
                        Some(Poll::Ready(r)) => r,
                        Some(Poll::Pending) => return Poll::Pending,
                        None => continue,
                    };
                    this.inflight = None;
                    match r {
                        Ok(resp) => {
                            let page = this.state.on_response(resp);
                            this.buffered.extend(
                                page.varbinds
                                    .into_iter()
                                    .filter(|v| !v.value.is_exception()),
                            );
                            if page.end.is_some() {
                                this.end = page.end;
                            }
                            this.start_prefetch();
                        }
                        Err(e) => {
                            this.state.finish();
                            this.phase = Phase::Done;
                            return Poll::Ready(Some(Err(e)));
                        }
                    }
                }
            }
        }
    }
}

/// The first OID after `root`'s subtree: the root with its last arc incremented (net-snmp's
/// end_oid). An all-ones last arc or an empty root has no successor: walk to the end.
pub(crate) fn subtree_end(root: &Oid) -> Oid {
    let mut end = root.clone();
    match end.pop() {
        Some(last) if last < u32::MAX => {
            end.push(last + 1);
            end
        }
        Some(_) => subtree_end(&end),
        None => Oid::from_slice(&[u32::MAX; 128]),
    }
}
