//! Owns what the app's forms mean, apart from how they are shown: reading amounts,
//! addresses and signers as typed, turning a form into the transaction module's request
//! ([`teachlink_web_app_tx::wire`]), the search box's targets, which escrow actions an
//! account may take, and the lumens' asset contract id. Pure, so it compiles and is tested
//! natively (`cargo test -p teachlink-web-app --lib`); the pages in Wasm call it.

use sha2::{Digest, Sha256};
use stellar_xdr::{
    Asset, ContractIdPreimage, Hash, HashIdPreimage, HashIdPreimageContractId, Limits, WriteXdr,
};
use teachlink_indexer::project::{Escrow, EscrowStatus};
use teachlink_indexer::Address;
use teachlink_web_app_tx::wire::{Mint, Resolution, Signer, Terms};

/// Stellar amounts have 7 decimals.
pub const DECIMALS: u32 = 7;
/// The escrow contract's longest dispute reason, in bytes (`MAX_REASON_LEN`).
pub const MAX_REASON_LEN: usize = 256;
const DAY: u64 = 86_400;

/// The page a search box entry leads to.
pub fn target_of(q: &str) -> Result<String, String> {
    if q.parse::<Address>().is_ok() {
        return Ok(format!("/users/{q}"));
    }
    if let Some(id) = q.strip_prefix(['t', 'T']) {
        if id.parse::<u64>().is_ok() {
            return Ok(format!("/tokens/{id}"));
        }
    }
    if q.parse::<u64>().is_ok() {
        return Ok(format!("/escrows/{q}"));
    }
    Err(format!(
        "{q:?} is not an account (G…), a contract (C…), an escrow number or a token (t42)"
    ))
}

/// A G… or C… address typed into the field `what`.
pub fn address(text: &str, what: &str) -> Result<Address, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "{what}: {:?} is not a Stellar address (G… or C…)",
            text.trim()
        )
    })
}

/// A decimal number with at most `decimals` fractional digits as an integer of its
/// smallest unit ("12.5" with 7 decimals is 125000000).
pub fn parse_fixed(text: &str, decimals: u32, what: &str) -> Result<i128, String> {
    let t = text.trim();
    let bad = || format!("{what}: {t:?} is not a number with at most {decimals} decimals");
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > decimals as usize
    {
        return Err(bad());
    }
    let scale = 10i128.pow(decimals);
    let whole: i128 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let mut frac_value: i128 = 0;
    for i in 0..decimals as usize {
        let digit = frac.as_bytes().get(i).map_or(0, |b| i128::from(b - b'0'));
        frac_value = frac_value * 10 + digit;
    }
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_value))
        .ok_or_else(bad)
}

/// The signers box: one `address [weight]` a line (weight 1 when left out).
pub fn parse_signers(text: &str) -> Result<Vec<(Address, u32)>, String> {
    let mut signers = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.split_whitespace();
        let a = address(parts.next().unwrap_or_default(), "Signer")?;
        let weight = match parts.next() {
            None => 1,
            Some(w) => w
                .parse::<u32>()
                .ok()
                .filter(|w| *w > 0)
                .ok_or_else(|| format!("Signer weight {w:?} is not a whole number above 0"))?,
        };
        if signers.iter().any(|(s, _)| *s == a) {
            return Err(format!("{a} is listed twice among the signers"));
        }
        signers.push((a, weight));
    }
    if signers.is_empty() {
        return Err("At least one signer must approve the payment.".into());
    }
    Ok(signers)
}

/// The pay form's fields, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PayInput {
    pub amount: String,
    pub token: String,
    pub signers: String,
    pub threshold: String,
    pub arbitrator: String,
    pub dispute_days: String,
    pub refund_days: String,
}

impl PayInput {
    /// The escrow's terms for `me` paying `creator` for `course`, at UNIX time `now`.
    pub fn terms(
        &self,
        me: Address,
        creator: Address,
        course: u64,
        now: u64,
    ) -> Result<Terms, String> {
        let amount = parse_fixed(&self.amount, DECIMALS, "Amount")?;
        if amount <= 0 {
            return Err("Amount: pay more than 0.".into());
        }
        if me == creator {
            return Err("You created this course: a learner pays for it, not its creator.".into());
        }
        let token = address(&self.token, "Paid in")?;
        let signers = parse_signers(&self.signers)?;
        let total: u64 = signers.iter().map(|(_, w)| u64::from(*w)).sum();
        let threshold = self
            .threshold
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|t| *t > 0 && u64::from(*t) <= total)
            .ok_or_else(|| {
                format!(
                    "Approvals needed: a whole number from 1 to the signers' total weight, {total}"
                )
            })?;
        let arbitrator = match self.arbitrator.trim() {
            "" => None,
            a => Some(address(a, "Arbitrator")?),
        };
        if arbitrator.is_some_and(|a| a == me || a == creator) {
            return Err("The arbitrator must be neither you nor the teacher.".into());
        }
        // The contract's bounds (`MIN_DISPUTE_TIMEOUT..=MAX_DISPUTE_TIMEOUT`); without an
        // arbitrator there is no dispute, so no timeout.
        let dispute_timeout = match arbitrator {
            None => 0,
            Some(_) => {
                let d = &self.dispute_days;
                let days = d
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|d| (1..=180).contains(d))
                    .ok_or_else(|| {
                        format!("Arbitrator's time: {d:?} is not a number of days from 1 to 180")
                    })?;
                days * DAY
            }
        };
        let refund_after = match self.refund_days.trim() {
            "" => None,
            d => {
                let days = d
                    .parse::<u64>()
                    .ok()
                    .filter(|d| *d > 0 && *d <= 3650)
                    .ok_or_else(|| {
                        format!("Refund after: {d:?} is not a number of days from 1 to 3650")
                    })?;
                Some(now + days * DAY)
            }
        };
        Ok(Terms {
            beneficiary: creator.to_string(),
            token: token.to_string(),
            amount: amount.to_string(),
            signers: signers
                .iter()
                .map(|(a, w)| Signer {
                    address: a.to_string(),
                    weight: *w,
                })
                .collect(),
            threshold,
            release_after: None,
            refund_after,
            arbitrator: arbitrator.map(|a| a.to_string()),
            dispute_timeout,
            course_id: course,
        })
    }
}

/// A dispute's reason as the contract takes it.
pub fn dispute_reason(text: &str) -> Result<String, String> {
    let why = text.trim();
    if why.is_empty() || why.len() > MAX_REASON_LEN {
        return Err(format!(
            "Reason: say why, in at most {MAX_REASON_LEN} bytes."
        ));
    }
    Ok(why.to_string())
}

/// The resolve form: `choice` is the select's value, `split` the teacher's share in %.
pub fn resolution(choice: &str, split: &str) -> Result<Resolution, String> {
    match choice {
        "ToBeneficiary" => Ok(Resolution::ToBeneficiary),
        "ToDepositor" => Ok(Resolution::ToDepositor),
        "Split" => match parse_fixed(split, 2, "Share to the teacher").map(u32::try_from) {
            Ok(Ok(bps)) if bps <= 10_000 => Ok(Resolution::Split(bps)),
            Ok(_) => Err("Share to the teacher: a percentage from 0 to 100.".into()),
            Err(e) => Err(e),
        },
        other => Err(format!("No such resolution: {other:?}.")),
    }
}

/// Licences a course can carry (the contract takes any symbol).
pub const LICENCES: [(&str, &str); 5] = [
    ("cc_by", "CC BY"),
    ("cc_by_sa", "CC BY-SA"),
    ("cc_by_nc", "CC BY-NC"),
    ("cc0", "CC0 (public domain)"),
    ("all_rights", "All rights reserved"),
];

fn is_symbol(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The mint form's fields, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MintInput {
    pub title: String,
    pub uri: String,
    /// 64 hex digits, or empty for the sha256 of the URI.
    pub hash: String,
    pub licence: String,
    /// Comma-separated.
    pub tags: String,
    pub transferable: bool,
    /// The royalty on resales, in %.
    pub royalty: String,
}

impl MintInput {
    pub fn mint(&self) -> Result<Mint, String> {
        let title = self.title.trim().to_string();
        if title.is_empty() || title.len() > 128 {
            return Err("Title: between 1 and 128 bytes.".into());
        }
        let uri = self.uri.trim().to_string();
        if uri.is_empty() || uri.len() > 256 {
            return Err("URI: between 1 and 256 bytes.".into());
        }
        let tags: Vec<String> = self
            .tags
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        if tags.len() > 8 || !tags.iter().all(|t| is_symbol(t)) {
            return Err("Tags: at most 8, each letters, digits or _ (up to 32).".into());
        }
        let royalty_bps = u32::try_from(parse_fixed(&self.royalty, 2, "Royalty")?)
            .ok()
            .filter(|bps| *bps <= 10_000)
            .ok_or("Royalty: a percentage from 0 to 100.")?;
        Ok(Mint {
            title,
            content_hash: content_hash(&self.hash, &uri)?,
            uri,
            licence: self.licence.clone(),
            tags,
            transferable: self.transferable,
            royalty_bps,
        })
    }
}

/// The content hash: 64 hex digits as given, or the sha256 of the URI when left empty.
fn content_hash(given: &str, uri: &str) -> Result<[u8; 32], String> {
    let given = given.trim();
    if given.is_empty() {
        return Ok(Sha256::digest(uri.as_bytes()).into());
    }
    hex::decode(given)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| "Content hash: 64 hex digits (a sha256), or empty to use the URI's.".into())
}

/// The lumens' Stellar Asset Contract id (`C…`) on the network with this passphrase: the
/// pay form's default token. Derived: sha256 of the `ContractId` preimage for
/// `Asset::Native`.
pub fn native_asset_contract(passphrase: &str) -> Option<String> {
    let preimage = HashIdPreimage::ContractId(HashIdPreimageContractId {
        network_id: Hash(Sha256::digest(passphrase.as_bytes()).into()),
        contract_id_preimage: ContractIdPreimage::Asset(Asset::Native),
    });
    let bytes = preimage.to_xdr(Limits::none()).ok()?;
    Some(Address::Contract(Sha256::digest(&bytes).into()).to_string())
}

/// What the connected account may do on an escrow now, by the contract's rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Allowed {
    pub approve: bool,
    pub release: bool,
    /// Release once this time (UNIX seconds) has passed.
    pub release_wait: Option<u64>,
    pub dispute: bool,
    /// The arbitrator, before the dispute deadline.
    pub resolve: bool,
    /// The learner or the teacher, from the dispute deadline: the default outcome.
    pub settle: bool,
}

impl Allowed {
    pub fn of(e: &Escrow, me: &Address, now: u64) -> Allowed {
        let Some(t) = &e.terms else {
            return Allowed::default();
        };
        let open = e.status == EscrowStatus::Open;
        let signer = t.signers.iter().any(|s| s.address == *me);
        let approved = e.approvals.iter().any(|a| a.signer == *me);
        let depositor = e.depositor == Some(*me);
        let beneficiary = e.beneficiary == Some(*me);
        let party = depositor || beneficiary || signer;
        let met = e.approved_weight >= t.threshold;
        let wait = t.release_after.filter(|at| now < *at);
        let disputed = e.status == EscrowStatus::Disputed;
        // The contract refuses `resolve` from the deadline on and `settle_dispute` before.
        let expired = e.dispute_deadline.is_some_and(|at| now >= at);
        Allowed {
            approve: open && signer && !approved,
            release: open && party && met && wait.is_none(),
            release_wait: (open && party && met).then_some(wait).flatten(),
            dispute: open && (depositor || beneficiary) && t.arbitrator.is_some(),
            resolve: disputed && !expired && t.arbitrator == Some(*me),
            settle: disputed && expired && (depositor || beneficiary),
        }
    }

    pub fn any(&self) -> bool {
        self.approve || self.release || self.dispute || self.resolve || self.settle
    }
}

// Natively: `cargo test -p teachlink-web-app --lib` (the suite's `cargo test --workspace`).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use teachlink_indexer::decode::Signer as EscrowSigner;
    use teachlink_indexer::project::{Approval, EscrowTerms, Stamp};
    use teachlink_indexer::{EventId, Hash32};

    use super::*;

    const G1: &str = "GAAZI4TCR3TY5OJHCTJC2A4QSY6CJWJH5IAJTGKIN2ER7LBNVKOCCWN7";

    fn account(n: u8) -> Address {
        Address::Account([n; 32])
    }

    #[test]
    fn the_search_box_finds_accounts_escrows_and_tokens() {
        assert_eq!(target_of(G1).unwrap(), format!("/users/{G1}"));
        assert_eq!(target_of("42").unwrap(), "/escrows/42");
        assert_eq!(target_of("t7").unwrap(), "/tokens/7");
        assert_eq!(target_of("T7").unwrap(), "/tokens/7");
        assert!(target_of("hello")
            .unwrap_err()
            .contains("\"hello\" is not an account"));
        assert!(target_of("t-1").is_err());
        assert!(target_of("").is_err());
    }

    #[test]
    fn amounts_are_read_as_fixed_point() {
        assert_eq!(parse_fixed("10", 7, "a").unwrap(), 100_000_000);
        assert_eq!(parse_fixed("0.5", 7, "a").unwrap(), 5_000_000);
        assert_eq!(parse_fixed(".5", 7, "a").unwrap(), 5_000_000);
        assert_eq!(parse_fixed("12.5", 7, "a").unwrap(), 125_000_000);
        assert_eq!(parse_fixed("2.25", 2, "r").unwrap(), 225);
        assert_eq!(parse_fixed(" 40 ", 2, "r").unwrap(), 4_000);
        let e = parse_fixed("1.123", 2, "Royalty").unwrap_err();
        assert_eq!(
            e,
            "Royalty: \"1.123\" is not a number with at most 2 decimals"
        );
        for bad in ["-1", "", ".", "1e3", "1.2.3", "1,5", "+1"] {
            assert!(parse_fixed(bad, 7, "a").is_err(), "{bad:?}");
        }
        // Past i128: refused, not wrapped.
        assert!(parse_fixed(&"9".repeat(40), 7, "a").is_err());
    }

    #[test]
    fn signers_are_one_address_and_weight_a_line() {
        let a = account(1).to_string();
        let b = account(2).to_string();
        let text = format!("{a}\n  {b} 3 \n\n");
        assert_eq!(
            parse_signers(&text).unwrap(),
            vec![(account(1), 1), (account(2), 3)]
        );
        assert!(parse_signers(&format!("{a} 0"))
            .unwrap_err()
            .contains("not a whole number above 0"));
        assert!(parse_signers(&format!("{a}\n{a} 2"))
            .unwrap_err()
            .contains("listed twice"));
        assert!(parse_signers("nobody 1")
            .unwrap_err()
            .starts_with("Signer: \"nobody\" is not a Stellar address"));
        assert_eq!(
            parse_signers(" \n ").unwrap_err(),
            "At least one signer must approve the payment."
        );
    }

    fn pay(signers: &str) -> PayInput {
        PayInput {
            amount: "12.5".into(),
            token: native_asset_contract("Standalone Network ; February 2017").unwrap(),
            signers: signers.into(),
            threshold: "1".into(),
            arbitrator: String::new(),
            dispute_days: "14".into(),
            refund_days: "30".into(),
        }
    }

    #[test]
    fn the_pay_form_becomes_the_escrow_terms() {
        let (me, teacher, arbitrator) = (account(1), account(2), account(3));
        let form = pay(&format!("{teacher} 1"));
        let terms = form.terms(me, teacher, 7, 1_000).unwrap();
        assert_eq!(
            terms,
            Terms {
                beneficiary: teacher.to_string(),
                token: form.token.clone(),
                amount: "125000000".into(),
                signers: vec![Signer {
                    address: teacher.to_string(),
                    weight: 1
                }],
                threshold: 1,
                release_after: None,
                refund_after: Some(1_000 + 30 * DAY),
                arbitrator: None,
                dispute_timeout: 0,
                course_id: 7,
            }
        );
        // An arbitrator brings the dispute timeout; no refund date when left empty.
        let with = PayInput {
            arbitrator: arbitrator.to_string(),
            refund_days: " ".into(),
            ..form.clone()
        };
        let terms = with.terms(me, teacher, 7, 1_000).unwrap();
        assert_eq!(terms.arbitrator, Some(arbitrator.to_string()));
        assert_eq!(terms.dispute_timeout, 14 * DAY);
        assert_eq!(terms.refund_after, None);
    }

    #[test]
    fn the_pay_form_refuses_each_bad_field() {
        let (me, teacher) = (account(1), account(2));
        let form = pay(&format!("{teacher} 1"));
        let refused = |f: PayInput| f.terms(me, teacher, 7, 1_000).unwrap_err();
        assert_eq!(
            refused(PayInput {
                amount: "0".into(),
                ..form.clone()
            }),
            "Amount: pay more than 0."
        );
        assert!(refused(PayInput {
            amount: "-3".into(),
            ..form.clone()
        })
        .starts_with("Amount:"));
        assert!(refused(PayInput {
            token: "XLM".into(),
            ..form.clone()
        })
        .starts_with("Paid in:"));
        assert!(refused(PayInput {
            threshold: "2".into(),
            ..form.clone()
        })
        .contains("total weight, 1"));
        assert!(refused(PayInput {
            threshold: "0".into(),
            ..form.clone()
        })
        .starts_with("Approvals needed"));
        assert_eq!(
            refused(PayInput {
                arbitrator: teacher.to_string(),
                ..form.clone()
            }),
            "The arbitrator must be neither you nor the teacher."
        );
        let arbitrated = PayInput {
            arbitrator: account(3).to_string(),
            ..form.clone()
        };
        assert!(refused(PayInput {
            dispute_days: "181".into(),
            ..arbitrated.clone()
        })
        .contains("from 1 to 180"));
        assert!(refused(PayInput {
            dispute_days: "0".into(),
            ..arbitrated
        })
        .contains("from 1 to 180"));
        assert!(refused(PayInput {
            refund_days: "3651".into(),
            ..form.clone()
        })
        .contains("from 1 to 3650"));
        assert_eq!(
            form.terms(teacher, teacher, 7, 1_000).unwrap_err(),
            "You created this course: a learner pays for it, not its creator."
        );
    }

    #[test]
    fn disputes_and_resolutions_are_checked_before_sending() {
        assert_eq!(dispute_reason("  broken link ").unwrap(), "broken link");
        assert!(dispute_reason("   ").is_err());
        assert!(dispute_reason(&"x".repeat(MAX_REASON_LEN + 1)).is_err());
        assert!(dispute_reason(&"x".repeat(MAX_REASON_LEN)).is_ok());
        assert_eq!(resolution("Split", "40").unwrap(), Resolution::Split(4_000));
        assert_eq!(
            resolution("Split", "12.34").unwrap(),
            Resolution::Split(1_234)
        );
        assert_eq!(
            resolution("ToDepositor", "").unwrap(),
            Resolution::ToDepositor
        );
        assert_eq!(
            resolution("ToBeneficiary", "x").unwrap(),
            Resolution::ToBeneficiary
        );
        assert_eq!(
            resolution("Split", "100.01").unwrap_err(),
            "Share to the teacher: a percentage from 0 to 100."
        );
        assert!(resolution("Split", "half")
            .unwrap_err()
            .starts_with("Share to the teacher"));
        assert_eq!(
            resolution("Coin", "").unwrap_err(),
            "No such resolution: \"Coin\"."
        );
    }

    fn mint_input() -> MintInput {
        MintInput {
            title: " Zero-knowledge proofs ".into(),
            uri: "ipfs://x".into(),
            hash: String::new(),
            licence: "cc_by".into(),
            tags: "zk, crypto,".into(),
            transferable: true,
            royalty: "5".into(),
        }
    }

    #[test]
    fn the_mint_form_becomes_the_content_token() {
        let m = mint_input().mint().unwrap();
        assert_eq!(m.title, "Zero-knowledge proofs");
        assert_eq!(m.tags, vec!["zk".to_string(), "crypto".to_string()]);
        assert_eq!(m.royalty_bps, 500);
        // Empty hash: the URI's sha256.
        assert_eq!(
            m.content_hash,
            <[u8; 32]>::from(Sha256::digest(b"ipfs://x"))
        );
        let given = MintInput {
            hash: "ab".repeat(32),
            ..mint_input()
        };
        assert_eq!(given.mint().unwrap().content_hash, [0xab; 32]);
        let refused = |m: MintInput| m.mint().unwrap_err();
        assert!(refused(MintInput {
            title: " ".into(),
            ..mint_input()
        })
        .starts_with("Title"));
        assert!(refused(MintInput {
            uri: "u".repeat(257),
            ..mint_input()
        })
        .starts_with("URI"));
        assert!(refused(MintInput {
            hash: "ab".repeat(31),
            ..mint_input()
        })
        .starts_with("Content hash"));
        assert!(refused(MintInput {
            tags: "a b".into(),
            ..mint_input()
        })
        .starts_with("Tags"));
        assert!(refused(MintInput {
            tags: "a,b,c,d,e,f,g,h,i".into(),
            ..mint_input()
        })
        .starts_with("Tags"));
        assert!(refused(MintInput {
            royalty: "101".into(),
            ..mint_input()
        })
        .starts_with("Royalty"));
    }

    #[test]
    fn the_native_token_is_the_sdks() {
        for passphrase in [
            "Standalone Network ; February 2017",
            "Test SDF Network ; September 2015",
            "Public Global Stellar Network ; September 2015",
        ] {
            assert_eq!(
                native_asset_contract(passphrase).unwrap(),
                teachlink_sdk::tx::native_asset_contract_id(passphrase).unwrap(),
                "{passphrase}"
            );
        }
    }

    fn escrow(status: EscrowStatus, arbitrator: Option<Address>) -> Escrow {
        Escrow {
            id: 4,
            contract: Address::Contract([9; 32]),
            depositor: Some(account(1)),
            beneficiary: Some(account(2)),
            terms: Some(EscrowTerms {
                token: Address::Contract([8; 32]),
                amount: 10,
                signers: vec![EscrowSigner {
                    address: account(2),
                    weight: 1,
                }],
                threshold: 1,
                release_after: None,
                refund_after: None,
                arbitrator,
                dispute_timeout: 0,
                course_id: 2,
            }),
            approvals: Vec::new(),
            approved_weight: 0,
            status,
            history: Vec::new(),
            dispute_reason: None,
            dispute_deadline: None,
            resolution: None,
            paid_to_beneficiary: 0,
            returned_to_depositor: 0,
        }
    }

    #[test]
    fn each_account_is_offered_only_what_the_contract_allows() {
        let (learner, teacher, judge, stranger) = (account(1), account(2), account(3), account(4));
        let open = escrow(EscrowStatus::Open, Some(judge));
        // The learner is no signer: nothing before approval but a dispute.
        let a = Allowed::of(&open, &learner, 0);
        assert!(!a.approve && !a.release && a.dispute && !a.resolve && !a.settle);
        assert!(Allowed::of(&open, &teacher, 0).approve);
        assert!(!Allowed::of(&open, &stranger, 0).any());
        assert!(!Allowed::of(&open, &judge, 0).any());
        // Approved: the teacher may release, and is not asked to approve again.
        let mut approved = open.clone();
        approved.approved_weight = 1;
        approved.approvals.push(Approval {
            signer: teacher,
            weight: 1,
            approved_weight: 1,
            stamp: Stamp {
                event: EventId { toid: 1, index: 0 },
                ledger: 1,
                at: 0,
                tx_hash: Hash32([0; 32]),
            },
        });
        let a = Allowed::of(&approved, &teacher, 0);
        assert!(a.release && !a.approve);
        assert!(Allowed::of(&approved, &learner, 0).release);
        // A release date still ahead: the wait, not the button.
        let mut later = approved.clone();
        later.terms.as_mut().unwrap().release_after = Some(100);
        let a = Allowed::of(&later, &learner, 50);
        assert!(!a.release && a.release_wait == Some(100));
        assert!(Allowed::of(&later, &learner, 100).release);
        // Disputed: the arbitrator resolves until the deadline, the parties settle after.
        let mut disputed = escrow(EscrowStatus::Disputed, Some(judge));
        disputed.dispute_deadline = Some(1_000);
        assert!(Allowed::of(&disputed, &judge, 999).resolve);
        assert!(!Allowed::of(&disputed, &judge, 1_000).any());
        assert!(!Allowed::of(&disputed, &learner, 999).any());
        assert!(Allowed::of(&disputed, &learner, 1_000).settle);
        assert!(Allowed::of(&disputed, &teacher, 1_000).settle);
        // Without an arbitrator there is no dispute; without terms, nothing.
        assert!(!Allowed::of(&escrow(EscrowStatus::Open, None), &learner, 0).dispute);
        let mut unknown = open;
        unknown.terms = None;
        assert_eq!(Allowed::of(&unknown, &teacher, 0), Allowed::default());
    }
}
