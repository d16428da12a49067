//! Owns the genesis ledger: the root account, the network's ConfigSetting entries (so the
//! simulator's `NetworkConfig::load_from_snapshot` and the fee code see a real network), and
//! the cost model the pinned host was calibrated with.

use ed25519_dalek::SigningKey;
use soroban_env_host::budget::Budget;
use soroban_env_host::xdr::{
    AccountEntry, AccountEntryExt, AccountId, ConfigSettingContractBandwidthV0,
    ConfigSettingContractComputeV0, ConfigSettingContractEventsV0,
    ConfigSettingContractExecutionLanesV0, ConfigSettingContractHistoricalDataV0,
    ConfigSettingContractLedgerCostExtV0, ConfigSettingContractLedgerCostV0,
    ConfigSettingContractParallelComputeV0, ConfigSettingEntry, ConfigSettingScpTiming,
    ContractCostParamEntry, ContractCostParams, ContractCostType, EvictionIterator, ExtensionPoint,
    LedgerEntry, LedgerEntryData, LedgerEntryExt, PublicKey, SequenceNumber, StateArchivalSettings,
    String32, Thresholds, Uint256, VecM,
};

use crate::config::Config;
use crate::error::{LocalnetError, Result};
use crate::state::{key_of, LedgerState};

/// Total lumens in stroops (100 billion XLM), all held by the root account at genesis.
pub const TOTAL_COINS: i64 = 1_000_000_000_000_000_000;

/// The root account's key: as in stellar-core, its seed is sha256(network passphrase), so any
/// tool that knows the passphrase can derive it.
pub fn root_key(config: &Config) -> SigningKey {
    SigningKey::from_bytes(&config.network_id())
}

/// The XDR account id of an ed25519 public key.
pub fn account_id(key: &ed25519_dalek::VerifyingKey) -> AccountId {
    AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(key.to_bytes())))
}

/// A plain account entry with the master key as its only signer (weight 1, thresholds 0).
pub fn account_entry(id: AccountId, balance: i64, seq: i64, ledger: u32) -> LedgerEntry {
    LedgerEntry {
        last_modified_ledger_seq: ledger,
        data: LedgerEntryData::Account(AccountEntry {
            account_id: id,
            balance,
            seq_num: SequenceNumber(seq),
            num_sub_entries: 0,
            inflation_dest: None,
            flags: 0,
            home_domain: String32::default(),
            thresholds: Thresholds([1, 0, 0, 0]),
            signers: VecM::default(),
            ext: AccountEntryExt::V0,
        }),
        ext: LedgerEntryExt::V0,
    }
}

/// The cost model parameters the host ships as its defaults (the calibration the public
/// network's ConfigSetting entries carry). The host keeps them private but prints them in its
/// budget's `Debug` table (one row per cost type: name, iterations, input, cpu, mem, then the
/// CPU constant and scaled linear terms and the memory ones), so they are read from there. The
/// host is pinned to one exact version, and a unit test checks known values; charging cannot be
/// used to measure them because the default budget's limit is below some types' linear cost.
pub fn default_cost_params() -> Result<(ContractCostParams, ContractCostParams)> {
    let table = format!("{:?}", Budget::default());
    let mut cpu = Vec::new();
    let mut mem = Vec::new();
    for ty in ContractCostType::variants() {
        let name = format!("{ty:?}");
        let row = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name.as_str()))
            .ok_or_else(|| LocalnetError::Genesis(format!("no cost row for {name}")))?;
        let cols: Vec<&str> = row.split_whitespace().collect();
        let num = |i: usize| -> Result<i64> {
            cols.get(i)
                .and_then(|v| v.parse::<i64>().ok())
                .ok_or_else(|| LocalnetError::Genesis(format!("bad cost row for {name}: {row}")))
        };
        let n = cols.len();
        if n < 9 {
            return Err(LocalnetError::Genesis(format!("short cost row: {row}")));
        }
        cpu.push(param(num(n - 4)?, num(n - 3)?));
        mem.push(param(num(n - 2)?, num(n - 1)?));
    }
    Ok((
        ContractCostParams(cpu.try_into().map_err(LocalnetError::Xdr)?),
        ContractCostParams(mem.try_into().map_err(LocalnetError::Xdr)?),
    ))
}

fn param(const_term: i64, linear_term: i64) -> ContractCostParamEntry {
    ContractCostParamEntry {
        ext: ExtensionPoint::V0,
        const_term,
        linear_term,
    }
}

/// The network's ConfigSetting entries. Limits and fee rates follow the public network's
/// (so a contract that fits here fits there); TTLs come from `config`.
pub fn config_settings(config: &Config) -> Result<Vec<ConfigSettingEntry>> {
    let (cpu, mem) = default_cost_params()?;
    let window: Vec<u64> = vec![0; 30];
    Ok(vec![
        ConfigSettingEntry::ContractMaxSizeBytes(131_072),
        ConfigSettingEntry::ContractComputeV0(ConfigSettingContractComputeV0 {
            ledger_max_instructions: 600_000_000,
            tx_max_instructions: 100_000_000,
            fee_rate_per_instructions_increment: 25,
            tx_memory_limit: 41_943_040,
        }),
        ConfigSettingEntry::ContractLedgerCostV0(ConfigSettingContractLedgerCostV0 {
            ledger_max_disk_read_entries: 1_000,
            ledger_max_disk_read_bytes: 7_000_000,
            ledger_max_write_ledger_entries: 500,
            ledger_max_write_bytes: 700_000,
            tx_max_disk_read_entries: 100,
            tx_max_disk_read_bytes: 200_000,
            tx_max_write_ledger_entries: 50,
            tx_max_write_bytes: 132_096,
            fee_disk_read_ledger_entry: 6_250,
            fee_write_ledger_entry: 10_000,
            fee_disk_read1_kb: 1_786,
            soroban_state_target_size_bytes: 3_000_000_000,
            rent_fee1_kb_soroban_state_size_low: 1_000,
            rent_fee1_kb_soroban_state_size_high: 10_000,
            soroban_state_rent_fee_growth_factor: 5_000,
        }),
        ConfigSettingEntry::ContractHistoricalDataV0(ConfigSettingContractHistoricalDataV0 {
            fee_historical1_kb: 16_235,
        }),
        ConfigSettingEntry::ContractEventsV0(ConfigSettingContractEventsV0 {
            tx_max_contract_events_size_bytes: 16_384,
            fee_contract_events1_kb: 10_000,
        }),
        ConfigSettingEntry::ContractBandwidthV0(ConfigSettingContractBandwidthV0 {
            ledger_max_txs_size_bytes: 1_048_576,
            tx_max_size_bytes: 132_096,
            fee_tx_size1_kb: 1_624,
        }),
        ConfigSettingEntry::ContractCostParamsCpuInstructions(cpu),
        ConfigSettingEntry::ContractCostParamsMemoryBytes(mem),
        ConfigSettingEntry::ContractDataKeySizeBytes(250),
        ConfigSettingEntry::ContractDataEntrySizeBytes(131_072),
        ConfigSettingEntry::StateArchival(StateArchivalSettings {
            max_entry_ttl: config.max_entry_ttl,
            min_temporary_ttl: config.min_temporary_ttl,
            min_persistent_ttl: config.min_persistent_ttl,
            persistent_rent_rate_denominator: 1_402,
            temp_rent_rate_denominator: 2_804,
            max_entries_to_archive: 1_000,
            live_soroban_state_size_window_sample_size: 30,
            live_soroban_state_size_window_sample_period: 64,
            eviction_scan_size: 100_000,
            starting_eviction_scan_level: 6,
        }),
        ConfigSettingEntry::ContractExecutionLanes(ConfigSettingContractExecutionLanesV0 {
            ledger_max_tx_count: 1_000,
        }),
        ConfigSettingEntry::LiveSorobanStateSizeWindow(
            window.try_into().map_err(LocalnetError::Xdr)?,
        ),
        ConfigSettingEntry::EvictionIterator(EvictionIterator {
            bucket_list_level: 6,
            is_curr_bucket: true,
            bucket_file_offset: 0,
        }),
        ConfigSettingEntry::ContractParallelComputeV0(ConfigSettingContractParallelComputeV0 {
            ledger_max_dependent_tx_clusters: 1,
        }),
        ConfigSettingEntry::ContractLedgerCostExtV0(ConfigSettingContractLedgerCostExtV0 {
            tx_max_footprint_entries: 100,
            fee_write1_kb: 3_500,
        }),
        ConfigSettingEntry::ScpTiming(ConfigSettingScpTiming {
            ledger_target_close_time_milliseconds: config
                .close_interval
                .map_or(1_000, |d| u32::try_from(d.as_millis()).unwrap_or(u32::MAX)),
            nomination_timeout_initial_milliseconds: 1_000,
            nomination_timeout_increment_milliseconds: 1_000,
            ballot_timeout_initial_milliseconds: 1_000,
            ballot_timeout_increment_milliseconds: 1_000,
        }),
    ])
}

/// The state of ledger 1: config settings and the root account holding every lumen.
pub fn genesis_state(config: &Config) -> Result<LedgerState> {
    let mut state = LedgerState::default();
    for setting in config_settings(config)? {
        let entry = LedgerEntry {
            last_modified_ledger_seq: 1,
            data: LedgerEntryData::ConfigSetting(setting),
            ext: LedgerEntryExt::V0,
        };
        state.put(key_of(&entry), entry, None);
    }
    let root = account_entry(
        account_id(&root_key(config).verifying_key()),
        TOTAL_COINS,
        0,
        1,
    );
    state.put(key_of(&root), root, None);
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_params_cover_every_cost_type() {
        let (cpu, mem) = default_cost_params().expect("probe");
        assert_eq!(cpu.0.len(), ContractCostType::variants().len());
        assert_eq!(mem.0.len(), ContractCostType::variants().len());
        // WasmInsnExec is 4 CPU instructions per fuel with no linear term.
        let wasm = &cpu.0[ContractCostType::WasmInsnExec as usize];
        assert_eq!((wasm.const_term, wasm.linear_term), (4, 0));
        // Values from the host's calibration table: a large linear term must survive intact.
        let pairing = &cpu.0[ContractCostType::Bls12381Pairing as usize];
        assert_eq!(
            (pairing.const_term, pairing.linear_term),
            (10_558_948, 632_860_943)
        );
        // And the table must agree with what the host charges.
        let budget =
            Budget::try_from_configs(u64::MAX, u64::MAX, cpu.clone(), mem.clone()).expect("budget");
        let reference = Budget::default();
        for ty in [
            ContractCostType::MemAlloc,
            ContractCostType::ComputeSha256Hash,
        ] {
            budget.charge(ty, Some(1_000)).expect("charge");
            reference.charge(ty, Some(1_000)).expect("charge");
        }
        assert_eq!(
            budget.get_cpu_insns_consumed().unwrap(),
            reference.get_cpu_insns_consumed().unwrap()
        );
        assert_eq!(
            budget.get_mem_bytes_consumed().unwrap(),
            reference.get_mem_bytes_consumed().unwrap()
        );
    }
}
