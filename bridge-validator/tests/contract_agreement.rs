//! The daemon's digests and error codes equal the bridge contract's own: a signature the
//! daemon makes is one the contract verifies, and the codes it acts on mean what it thinks.

use soroban_sdk::{xdr::ToXdr, Address, BytesN, Env};
use teachlink_bridge::{Error as BridgeError, InboundMessage as ContractMessage};
use teachlink_sdk::tx;
use teachlink_validator::chain::{codes, error_name};
use teachlink_validator::digest::{
    bridge_id, completion_digest, message_digest, registration_digest, InboundMessage,
};

const BRIDGE: &str = "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC";
const TOKEN: &str = "CAS3J7GYLGXMF6TDJBBYYSE3HQ6BBSMLNUQ34T6TZMYMW2EVH34XOWMA";
const RECIPIENT: &str = "GAAZI4TCR3TY5OJHCTJC2A4QSY6CJWJH5IAJTGKIN2ER7LBNVKOCCWN7";

#[test]
fn digests_equal_the_contracts() {
    let env = Env::default();
    let bridge = Address::from_str(&env, BRIDGE);
    let ours = InboundMessage {
        source_chain: 1,
        source_bridge: [0xB1; 32],
        dest_chain: 2,
        nonce: u64::MAX - 3,
        token: TOKEN.into(),
        amount: i128::MAX - 5,
        recipient: RECIPIENT.into(),
        expires_at: 1_800_000_000,
    };
    let theirs = ContractMessage {
        source_chain: 1,
        source_bridge: BytesN::from_array(&env, &[0xB1; 32]),
        dest_chain: 2,
        nonce: u64::MAX - 3,
        token: Address::from_str(&env, TOKEN),
        amount: i128::MAX - 5,
        recipient: Address::from_str(&env, RECIPIENT),
        expires_at: 1_800_000_000,
    };
    let bridge_sc = tx::parse_address(BRIDGE, "bridge").unwrap();
    let contract = |d: BytesN<32>| d.to_array();

    assert_eq!(
        message_digest(&bridge_sc, &ours).unwrap(),
        contract(teachlink_bridge::message_digest(&env, &bridge, &theirs))
    );
    assert_eq!(
        completion_digest(&bridge_sc, 42).unwrap(),
        contract(teachlink_bridge::completion_digest(&env, &bridge, 42))
    );
    let recipient_sc = tx::parse_address(RECIPIENT, "validator").unwrap();
    assert_eq!(
        registration_digest(&bridge_sc, &recipient_sc).unwrap(),
        contract(teachlink_bridge::registration_digest(
            &env,
            &bridge,
            &Address::from_str(&env, RECIPIENT)
        ))
    );

    // Any field changes the digest, the source bridge too.
    let mut other = ours.clone();
    other.amount -= 1;
    assert_ne!(
        message_digest(&bridge_sc, &other).unwrap(),
        message_digest(&bridge_sc, &ours).unwrap()
    );
    let mut redeployed = ours.clone();
    redeployed.source_bridge[0] ^= 1;
    assert_ne!(
        message_digest(&bridge_sc, &redeployed).unwrap(),
        message_digest(&bridge_sc, &ours).unwrap()
    );
    // The id a message names is the bridge's contract id: the last 32 bytes of the
    // contract's own XDR of its address (ScVal::Address(ScAddress::Contract(id))).
    let xdr = bridge.clone().to_xdr(&env);
    let mut contract_id = [0u8; 32];
    xdr.slice(xdr.len() - 32..)
        .copy_into_slice(&mut contract_id);
    assert_eq!(bridge_id(&bridge_sc).unwrap(), contract_id);
}

#[test]
fn error_codes_equal_the_contracts() {
    let pairs = [
        (codes::VALIDATOR_NOT_ACTIVE, BridgeError::ValidatorNotActive),
        (codes::TRANSFER_NOT_FOUND, BridgeError::TransferNotFound),
        (codes::TRANSFER_NOT_PENDING, BridgeError::TransferNotPending),
        (codes::WRONG_DESTINATION, BridgeError::WrongDestination),
        (codes::WRONG_TOKEN, BridgeError::WrongToken),
        (codes::MESSAGE_EXPIRED, BridgeError::MessageExpired),
        (codes::ALREADY_COMPLETED, BridgeError::AlreadyCompleted),
        (codes::QUORUM_NOT_REACHED, BridgeError::QuorumNotReached),
        (
            codes::INSUFFICIENT_LIQUIDITY,
            BridgeError::InsufficientLiquidity,
        ),
        (codes::ALREADY_SLASHED, BridgeError::AlreadySlashed),
        (codes::PAUSED, BridgeError::Paused),
        (codes::ACTIVE_SET_TOO_SMALL, BridgeError::ActiveSetTooSmall),
        (codes::WRONG_SOURCE_BRIDGE, BridgeError::WrongSourceBridge),
    ];
    for (ours, theirs) in pairs {
        assert_eq!(ours, theirs as u32);
        assert_eq!(error_name(ours), format!("{theirs:?}"));
    }
}
