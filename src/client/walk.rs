//! Walks: GetNext or GetBulk down a subtree, page by page, with net-snmp's stopping rules.

use super::Client;
use crate::codec::{Pdu, PduType, Version};
use crate::error::{Error, ErrorStatus, Result};
use crate::{Oid, Value, VarBind};

/// How a walk proceeds.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// `Some((non_repeaters, max_repetitions))` walks with GetBulk; `None` with GetNext.
    pub bulk: Option<(u32, u32)>,
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

/// A walk in progress. Call [`Walk::next_page`] until a page has `end` set.
pub struct Walk {
    client: Client,
    root: Oid,
    end_oid: Oid,
    last: Oid,
    opts: WalkOptions,
    done: bool,
    found: usize,
}

impl Walk {
    /// Starts a walk of `root`'s subtree.
    pub fn new(client: Client, root: Oid, opts: WalkOptions) -> Walk {
        let end_oid = opts.end.clone().unwrap_or_else(|| subtree_end(&root));
        Walk {
            client,
            last: root.clone(),
            root,
            end_oid,
            opts,
            done: false,
            found: 0,
        }
    }

    /// How many varbinds the walk has returned so far.
    pub fn found(&self) -> usize {
        self.found
    }

    /// The root being walked.
    pub fn root(&self) -> &Oid {
        &self.root
    }

    /// Fetches and filters the next response. Transport errors and timeouts are `Err`; the
    /// walk's own ending conditions are reported in [`WalkPage::end`].
    pub async fn next_page(&mut self) -> Result<WalkPage> {
        if self.done {
            return Ok(WalkPage {
                varbinds: Vec::new(),
                end: Some(WalkEnd::SubtreeEnd),
            });
        }
        let oids = [self.last.clone()];
        let pdu = match self.opts.bulk {
            Some((nr, mr)) => Pdu::get_bulk(
                0,
                nr.min(i32::MAX as u32) as i32,
                mr.min(i32::MAX as u32) as i32,
                &oids,
            ),
            None => Pdu::request(PduType::GetNext, 0, &oids),
        };
        let resp = match self.client.request(pdu).await {
            Ok(r) => r,
            Err(e) => {
                self.done = true;
                return Err(e);
            }
        };
        let mut page = WalkPage::default();
        if resp.error_status != 0 {
            self.done = true;
            page.end = Some(
                if resp.error_status == 2 && self.client.version() == Version::V1 {
                    WalkEnd::EndOfMib
                } else {
                    WalkEnd::Status {
                        status: resp.error_status.into(),
                        index: resp.error_index,
                        varbinds: resp.varbinds,
                    }
                },
            );
            return Ok(page);
        }
        if resp.varbinds.is_empty() {
            self.done = true;
            page.end = Some(WalkEnd::SubtreeEnd);
            return Ok(page);
        }
        for vb in resp.varbinds {
            if vb.oid >= self.end_oid {
                page.end = Some(WalkEnd::SubtreeEnd);
                break;
            }
            let exception = vb.value.is_exception();
            let oid = vb.oid.clone();
            page.varbinds.push(vb);
            self.found += 1;
            if exception {
                page.end = Some(WalkEnd::Exception);
                break;
            }
            if self.opts.check_increasing && oid <= self.last {
                page.end = Some(WalkEnd::NotIncreasing {
                    previous: self.last.clone(),
                    received: oid,
                });
                break;
            }
            self.last = oid;
        }
        if page.end.is_some() {
            self.done = true;
        }
        Ok(page)
    }

    /// Runs the walk to its end and returns the instances found (exception values dropped).
    /// An empty subtree falls back to a Get of the root.
    pub async fn collect(mut self) -> Result<Vec<VarBind>> {
        let mut out = Vec::new();
        loop {
            let page = self.next_page().await?;
            out.extend(
                page.varbinds
                    .into_iter()
                    .filter(|v| !v.value.is_exception()),
            );
            match page.end {
                None => continue,
                Some(WalkEnd::NotIncreasing { previous, received }) => {
                    return Err(Error::NotIncreasing {
                        previous: Box::new(previous),
                        received: Box::new(received),
                    })
                }
                Some(WalkEnd::Status {
                    status,
                    index,
                    varbinds,
                }) => {
                    return Err(Error::Status {
                        status,
                        index,
                        varbinds,
                    })
                }
                Some(_) => break,
            }
        }
        if self.found == 0 {
            match self.client.get(std::slice::from_ref(&self.root)).await {
                Ok(vbs) => out.extend(vbs.into_iter().filter(|v| !is_absent(&v.value))),
                Err(Error::Status { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}

fn is_absent(v: &Value) -> bool {
    v.is_exception()
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
