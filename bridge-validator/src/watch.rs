//! Owns reading the source chain: pages of the source bridge's events through the indexer's
//! RPC client and decoder, turned into the statements this validator must attest to the
//! destination bridge.

use std::str::FromStr;

use teachlink_indexer::decode::{ContractKind, Decoded, Decoder};
use teachlink_indexer::sync::{RpcClient, Start};
use teachlink_indexer::{Address, EventId, TeachLinkEvent};
use teachlink_sdk::tx;

use crate::digest::InboundMessage;
use crate::error::{Error, Result};
use crate::statement::Statement;

/// Events per getEvents page.
const PAGE: u32 = 200;

/// What one page gave.
#[derive(Debug, Default)]
pub struct Page {
    pub statements: Vec<Statement>,
    /// Where the next page starts.
    pub cursor: Option<String>,
    /// Locked transfers to the destination that can never be released there (a recipient
    /// that is not a Stellar address): the sender refunds them after the timeout.
    pub undeliverable: u64,
}

/// The source side of one direction.
pub struct Watcher {
    rpc: RpcClient,
    bridge: String,
    /// The source bridge's contract id, named by every message.
    bridge_id: [u8; 32],
    decoder: Decoder,
    /// This direction's chains and the destination's token.
    source_chain: u32,
    dest_chain: u32,
    dest_token: String,
}

impl Watcher {
    pub fn new(
        rpc_url: &str,
        bridge: &str,
        source_chain: u32,
        dest_chain: u32,
        dest_token: String,
    ) -> Result<Self> {
        let address = Address::from_str(bridge)
            .map_err(|e| Error::Misconfigured(format!("source bridge: {e}")))?;
        let bridge_id = crate::digest::bridge_id(&tx::parse_address(bridge, "source bridge")?)?;
        Ok(Watcher {
            rpc: RpcClient::new(rpc_url)?,
            bridge: bridge.to_string(),
            bridge_id,
            decoder: Decoder::with_contracts([(address, ContractKind::Bridge)]),
            source_chain,
            dest_chain,
            dest_token,
        })
    }

    /// The chain this direction releases to.
    pub fn dest_chain(&self) -> u32 {
        self.dest_chain
    }

    /// The oldest ledger the source RPC still serves: where a first run starts.
    pub async fn oldest_ledger(&self) -> Result<u32> {
        Ok(self.rpc.get_health().await?.oldest_ledger)
    }

    /// The next page after `cursor` (or from `start_ledger` on a first run).
    pub async fn next_page(&mut self, cursor: Option<&str>, start_ledger: u32) -> Result<Page> {
        let from = match cursor {
            Some(c) => Start::After(
                EventId::from_str(c).map_err(|e| Error::Invalid(format!("cursor: {e}")))?,
            ),
            None => Start::Ledger(start_ledger),
        };
        let page = self
            .rpc
            .get_events(std::slice::from_ref(&self.bridge), from, PAGE)
            .await?;
        let mut out = Page {
            cursor: page
                .cursor
                .clone()
                .filter(|c| !c.is_empty())
                .or_else(|| page.events.last().map(|e| e.id.clone()))
                .or_else(|| cursor.map(str::to_string)),
            ..Page::default()
        };
        for raw in page.events {
            let event = match self.decoder.decode(raw) {
                Decoded::Event(e) => e,
                Decoded::Unknown(raw, reason) => {
                    tracing::warn!(id = %raw.id, %reason, "undecodable source bridge event skipped");
                    continue;
                }
            };
            match event.body {
                TeachLinkEvent::BridgeLocked {
                    nonce,
                    dest_chain,
                    amount,
                    recipient,
                    expires_at,
                    ..
                } if dest_chain == self.dest_chain => {
                    let text = String::from_utf8(recipient.0.clone()).unwrap_or_default();
                    match tx::parse_address(&text, "recipient") {
                        Ok(_) => out.statements.push(Statement::Inbound {
                            message: InboundMessage {
                                source_chain: self.source_chain,
                                source_bridge: self.bridge_id,
                                dest_chain,
                                nonce,
                                token: self.dest_token.clone(),
                                amount,
                                recipient: text,
                                expires_at,
                            },
                        }),
                        Err(_) => {
                            tracing::warn!(nonce, recipient = %hex::encode(&recipient.0),
                                "locked for a recipient that is not a Stellar address; the sender can refund it");
                            out.undeliverable += 1;
                        }
                    }
                }
                // The event does not name the source bridge: the daemon checks, before it
                // attests, that the marker is the destination bridge's (`Daemon::advance`).
                TeachLinkEvent::BridgeCompleted {
                    nonce,
                    source_chain,
                    ..
                } if source_chain == self.dest_chain => {
                    out.statements.push(Statement::Completion { nonce });
                }
                _ => {}
            }
        }
        Ok(out)
    }
}
