//! JetStream as the destination of a [`Forwarder`] (the notification pipeline's queue, which
//! may be a spool on disk): [`Broker::forwarder`].

use super::*;
use crate::notify::pipeline::forwarder::{Delivery, Destination};
use std::future::Future;
use std::pin::Pin;

/// The record a notification is queued as for [`Broker::forwarder`]: its `Nats-Msg-Id`, a
/// newline, then the payload (the `listen --json` object). The id travels with the payload
/// through the spool, so a message sent again after a restart keeps the id of its first try.
pub fn spool_record(msg_id: &str, payload: &[u8]) -> Vec<u8> {
    let mut r = Vec::with_capacity(msg_id.len() + 1 + payload.len());
    r.extend_from_slice(msg_id.as_bytes());
    r.push(b'\n');
    r.extend_from_slice(payload);
    r
}

/// Splits a [`spool_record`] into its id and payload (a record without a newline is all
/// payload, with no id).
fn split_record(r: &[u8]) -> (Option<&str>, &[u8]) {
    match r.iter().position(|&b| b == b'\n') {
        Some(i) => match std::str::from_utf8(&r[..i]) {
            Ok(id) if !id.is_empty() => (Some(id), &r[i + 1..]),
            _ => (None, &r[i + 1..]),
        },
        None => (None, r),
    }
}

pub(super) struct JetStreamDestination {
    pub(super) client: async_nats::Client,
    pub(super) js: jetstream::Context,
    pub(super) subject: String,
}

impl Destination for JetStreamDestination {
    fn deliver<'a>(
        &'a self,
        records: &'a [Vec<u8>],
    ) -> Pin<Box<dyn Future<Output = Delivery> + Send + 'a>> {
        Box::pin(async move {
            if self.client.connection_state() != State::Connected {
                return Delivery::Retry("NATS server unreachable".into());
            }
            // Every message of the batch is sent, then every acknowledgement awaited: one
            // round trip for the batch, not one per message.
            let mut acks = FuturesUnordered::new();
            for r in records {
                let (id, payload) = split_record(r);
                let mut m = PublishMessage::build().payload(Bytes::copy_from_slice(payload));
                if let Some(id) = id {
                    m = m.message_id(id);
                }
                match self.js.send_publish(self.subject.clone(), m).await {
                    Ok(fut) => acks.push(fut.into_future()),
                    Err(e) => return Delivery::Retry(format!("NATS publish: {e}")),
                }
            }
            while let Some(a) = acks.next().await {
                if let Err(e) = a {
                    return Delivery::Retry(format!("JetStream did not store a message: {e}"));
                }
            }
            Delivery::Delivered
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_record_keeps_its_message_id_apart_from_the_payload() {
        let r = spool_record("inform-42", b"{\"a\":1}");
        assert_eq!(split_record(&r), (Some("inform-42"), &b"{\"a\":1}"[..]));
        assert_eq!(split_record(b"no id"), (None, &b"no id"[..]));
        assert_eq!(split_record(b"\n{}"), (None, &b"{}"[..]));
    }
}
