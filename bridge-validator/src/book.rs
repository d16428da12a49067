//! Owns the attestations a daemon knows: its own and the verified ones pulled from peers,
//! grouped by transfer, and the equivocation evidence that falls out of them. The gossip
//! server serves it to peers; only the daemon loop writes it.

use std::collections::BTreeMap;

use crate::statement::{Signed, Statement, TransferKey};

/// Statements kept per (transfer, validator): the first, and one conflicting one as
/// evidence. A faulty validator cannot grow the book by signing more variants.
const PER_VALIDATOR: usize = 2;

/// What adding a verified attestation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Added {
    New,
    Known,
    /// The validator signed two different statements about one transfer: the evidence
    /// `slash` takes.
    Equivocation(Box<(Signed, Signed)>),
}

/// Verified attestations by transfer.
#[derive(Debug, Default)]
pub struct Book {
    transfers: BTreeMap<TransferKey, Vec<Signed>>,
}

impl Book {
    /// Adds an attestation whose signature the caller has verified.
    pub fn add(&mut self, signed: Signed) -> Added {
        let held = self.transfers.entry(signed.statement.key()).or_default();
        if held.contains(&signed) {
            return Added::Known;
        }
        let mut by_same = held.iter().filter(|s| s.validator == signed.validator);
        let earlier = by_same.next().cloned();
        let count = 1 + by_same.count();
        match earlier {
            None => {
                held.push(signed);
                Added::New
            }
            Some(first) if first.statement != signed.statement => {
                if count < PER_VALIDATOR {
                    held.push(signed.clone());
                }
                Added::Equivocation(Box::new((first, signed)))
            }
            // Same statement, another signature (ed25519 signatures are deterministic, so
            // only a different key or a malleated one gets here): keep the first.
            Some(_) => Added::Known,
        }
    }

    /// Everything known about one transfer.
    pub fn about(&self, key: &TransferKey) -> Vec<Signed> {
        self.transfers.get(key).cloned().unwrap_or_default()
    }

    /// The attestations of exactly `statement`, one per validator.
    pub fn attesting(&self, statement: &Statement) -> Vec<Signed> {
        let mut seen = std::collections::BTreeSet::new();
        self.transfers
            .get(&statement.key())
            .into_iter()
            .flatten()
            .filter(|s| &s.statement == statement && seen.insert(s.validator.clone()))
            .cloned()
            .collect()
    }

    /// Whether `validator` has attested anything about `key`.
    pub fn has_from(&self, key: &TransferKey, validator: &str) -> bool {
        self.transfers
            .get(key)
            .is_some_and(|held| held.iter().any(|s| s.validator == validator))
    }

    /// Drops a finished transfer.
    pub fn forget(&mut self, key: &TransferKey) {
        self.transfers.remove(key);
    }

    pub fn transfers(&self) -> usize {
        self.transfers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::InboundMessage;

    fn message(amount: i128) -> Statement {
        Statement::Inbound {
            message: InboundMessage {
                source_chain: 1,
                source_bridge: [0xB1; 32],
                dest_chain: 2,
                nonce: 7,
                token: "CAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2KM".into(),
                amount,
                recipient: "GAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAWHF".into(),
                expires_at: 100,
            },
        }
    }

    fn signed(statement: Statement, validator: &str, byte: u8) -> Signed {
        Signed {
            statement,
            validator: validator.into(),
            signature: [byte; 64],
        }
    }

    #[test]
    fn one_statement_per_validator_and_conflicts_are_evidence() {
        let mut book = Book::default();
        let honest = message(5);
        assert_eq!(book.add(signed(honest.clone(), "A", 1)), Added::New);
        assert_eq!(book.add(signed(honest.clone(), "A", 1)), Added::Known);
        assert_eq!(book.add(signed(honest.clone(), "B", 2)), Added::New);
        assert_eq!(book.attesting(&honest).len(), 2);

        let forged = message(500);
        match book.add(signed(forged.clone(), "B", 3)) {
            Added::Equivocation(pair) => {
                assert_eq!(pair.0.statement, honest);
                assert_eq!(pair.1.statement, forged);
                assert_eq!(pair.0.validator, "B");
            }
            other => panic!("expected equivocation, got {other:?}"),
        }
        // The forged one is kept as evidence for peers but never counts for the honest one.
        assert_eq!(book.attesting(&honest).len(), 2);
        assert_eq!(book.attesting(&forged).len(), 1);
        // A third variant is reported but not stored: the book stays bounded.
        assert!(matches!(
            book.add(signed(message(501), "B", 4)),
            Added::Equivocation(_)
        ));
        assert_eq!(book.about(&honest.key()).len(), 3);

        book.forget(&honest.key());
        assert_eq!(book.transfers(), 0);
        assert!(!book.has_from(&honest.key(), "A"));
    }
}
