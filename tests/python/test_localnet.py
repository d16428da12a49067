"""Drives TeachLink's localnet with the Python `stellar-sdk` from PyPI (`SorobanServer`), a
second client none of us wrote: health, network, ledgers, friendbot, a native-asset transfer
prepared, signed, sent and polled, a TeachLink contract call, events with and without topics,
transactions, ledgers, a fee-bumped transaction, and wrongly signed ones refused.

Run by `cargo test -p teachlink-localnet --test python_sdk`, which passes the localnet binary
in TEACHLINK_LOCALNET_BIN; the contracts' Wasm must be built (scripts/build-contracts.sh).
"""

import json
import os
import pathlib
import socket
import subprocess
import tempfile
import time
import unittest

import requests
from stellar_sdk import (
    Asset,
    Keypair,
    Network,
    SorobanServer,
    TransactionBuilder,
    scval,
)
from stellar_sdk import xdr as sx
from stellar_sdk.soroban_rpc import (
    EventFilter,
    EventFilterType,
    GetTransactionStatus,
    SendTransactionStatus,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
BIN = os.environ.get("TEACHLINK_LOCALNET_BIN", str(TARGET / "debug" / "teachlink-localnet"))
WASM_DIR = TARGET / "wasm32v1-none" / "contract"
AMOUNT = 10_000_000  # 1 XLM in stroops


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def poll(server, tx_hash):
    """poll_transaction as a wallet calls it: its first answers are NOT_FOUND."""
    return server.poll_transaction(tx_hash, max_attempts=100, sleep_strategy=lambda _: 0.1)


def balance(server, account_id):
    key = sx.LedgerKey(
        sx.LedgerEntryType.ACCOUNT,
        account=sx.LedgerKeyAccount(Keypair.from_public_key(account_id).xdr_account_id()),
    )
    entries = server.get_ledger_entries([key]).entries
    return sx.LedgerEntryData.from_xdr(entries[0].xdr).account.balance.int64


def result_code(result_xdr):
    return sx.TransactionResult.from_xdr(result_xdr).result.code


class Localnet(unittest.TestCase):
    """One localnet for the whole class; the steps run in order and share what they made."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        deployment = pathlib.Path(cls.tmp.name) / "deployment.json"
        port = free_port()
        cls.node = subprocess.Popen(
            [
                BIN,
                "--port", str(port),
                "--ledger-close-ms", "200",
                "--deploy-teachlink", str(WASM_DIR),
                "--deployment-file", str(deployment),
            ],
            stdout=subprocess.DEVNULL,
        )
        cls.server = SorobanServer(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 120
        while not deployment.exists():
            if cls.node.poll() is not None:
                raise RuntimeError(f"{BIN} exited with {cls.node.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("localnet wrote no deployment file in 120 s")
            time.sleep(0.1)
        # The file is written in one call; wait until it parses.
        while True:
            try:
                cls.deployment = json.loads(deployment.read_text())
                break
            except json.JSONDecodeError:
                time.sleep(0.05)
        cls.passphrase = cls.server.get_network().passphrase
        cls.native = Asset.native().contract_id(cls.passphrase)
        cls.alice, cls.bob, cls.carol = Keypair.random(), Keypair.random(), Keypair.random()

    @classmethod
    def tearDownClass(cls):
        cls.node.terminate()
        cls.node.wait(timeout=30)
        cls.tmp.cleanup()

    def invoke(self, source, contract_id, function, args, signer=None):
        """Builds, prepares (simulates), signs, sends and polls a contract call."""
        tx = (
            TransactionBuilder(self.server.load_account(source.public_key), self.passphrase, 100)
            .append_invoke_contract_function_op(contract_id, function, args)
            .set_timeout(60)
            .build()
        )
        prepared = self.server.prepare_transaction(tx)
        prepared.sign(signer or source)
        return prepared

    def send_and_poll(self, envelope):
        sent = self.server.send_transaction(envelope)
        self.assertEqual(sent.status, SendTransactionStatus.PENDING, sent)
        got = poll(self.server, sent.hash)
        self.assertEqual(got.transaction_hash, sent.hash)
        return got

    def transfer(self, source, to, amount):
        return self.invoke(
            source,
            self.native,
            "transfer",
            [scval.to_address(source.public_key), scval.to_address(to), scval.to_int128(amount)],
        )

    def test_01_health_network_and_ledgers(self):
        health = self.server.get_health()
        self.assertEqual(health.status, "healthy")
        network = self.server.get_network()
        self.assertEqual(network.passphrase, Network.STANDALONE_NETWORK_PASSPHRASE)
        self.assertTrue(network.friendbot_url.endswith("/friendbot"), network)
        latest = self.server.get_latest_ledger()
        self.assertGreaterEqual(latest.sequence, health.latest_ledger)
        header = sx.LedgerHeader.from_xdr(latest.header_xdr)
        self.assertEqual(header.ledger_seq.uint32, latest.sequence)
        self.assertEqual(self.server.get_version_info().protocol_version, network.protocol_version)
        self.assertGreaterEqual(self.server.get_fee_stats().inclusion_fee.min, 100)

    def test_02_friendbot_funds_accounts(self):
        url = self.server.get_network().friendbot_url
        for kp in (self.alice, self.bob, self.carol):
            r = requests.get(url, params={"addr": kp.public_key}, timeout=60)
            self.assertEqual(r.status_code, 200, r.text)
            self.assertTrue(r.json()["successful"])
        self.assertEqual(balance(self.server, self.alice.public_key), 10_000 * AMOUNT)
        again = requests.get(url, params={"addr": self.alice.public_key}, timeout=60)
        self.assertEqual(again.status_code, 400)

    def test_03_sac_transfer_prepared_signed_sent_polled(self):
        before = balance(self.server, self.bob.public_key)
        got = self.send_and_poll(self.transfer(self.alice, self.bob.public_key, AMOUNT))
        self.assertEqual(got.status, GetTransactionStatus.SUCCESS, got)
        self.assertFalse(got.fee_bump)
        self.assertEqual(balance(self.server, self.bob.public_key), before + AMOUNT)
        # The fee charged (and refunded) as CAP-67 fee events of the native asset contract.
        fees = [sx.TransactionEvent.from_xdr(e) for e in got.events.transaction_events_xdr]
        self.assertGreaterEqual(len(fees), 1)
        topics = fees[0].event.body.v0.topics
        self.assertEqual(scval.to_native(topics[0]), "fee")
        self.assertEqual(scval.to_native(topics[1]).address, self.alice.public_key)
        charged = sum(scval.to_native(f.event.body.v0.data) for f in fees)
        self.assertEqual(charged, sx.TransactionResult.from_xdr(got.result_xdr).fee_charged.int64)
        type(self).transfer_hash = got.transaction_hash
        type(self).transfer_ledger = got.ledger

    def test_04_teachlink_contract_call(self):
        reputation = self.deployment["contracts"]["reputation"]
        envelope = self.invoke(
            self.alice,
            reputation,
            "record_contribution",
            [
                scval.to_address(self.alice.public_key),
                scval.to_symbol("lesson"),
                scval.to_bytes(bytes(range(32))),
            ],
        )
        got = self.send_and_poll(envelope)
        self.assertEqual(got.status, GetTransactionStatus.SUCCESS, got)
        meta = sx.TransactionMeta.from_xdr(got.result_meta_xdr)
        self.assertEqual(scval.to_native(meta.v4.soroban_meta.return_value), 1)
        type(self).contribution_ledger = got.ledger

    def test_05_get_events_without_and_with_topics(self):
        reputation = self.deployment["contracts"]["reputation"]
        # No topics: the client sends `"topics": null`, which must read as "any topics".
        plain = self.server.get_events(
            start_ledger=self.contribution_ledger,
            filters=[EventFilter(event_type=EventFilterType.CONTRACT, contract_ids=[reputation])],
            limit=10,
        )
        self.assertGreaterEqual(len(plain.events), 1)
        self.assertTrue(all(e.contract_id == reputation for e in plain.events))
        # Topics: the SAC's ["transfer", from, to, …] from alice to bob.
        transfer = [
            scval.to_symbol("transfer").to_xdr(),
            scval.to_address(self.alice.public_key).to_xdr(),
            scval.to_address(self.bob.public_key).to_xdr(),
            "**",
        ]
        found = self.server.get_events(
            start_ledger=self.transfer_ledger,
            filters=[EventFilter(contract_ids=[self.native], topics=[transfer])],
        )
        self.assertEqual([e.transaction_hash for e in found.events], [self.transfer_hash])
        self.assertEqual(scval.to_native(sx.SCVal.from_xdr(found.events[0].value)), AMOUNT)
        none = self.server.get_events(
            start_ledger=self.transfer_ledger,
            filters=[EventFilter(contract_ids=[self.native], topics=[[transfer[0], transfer[2], "*", "**"]])],
        )
        self.assertEqual(none.events, [])
        # Paging resumes after the cursor.
        page = self.server.get_events(cursor=found.cursor, filters=[EventFilter(topics=[transfer])])
        self.assertNotIn(self.transfer_hash, [e.transaction_hash for e in page.events])

    def test_06_get_transactions(self):
        first = self.server.get_transactions(start_ledger=self.transfer_ledger, limit=1)
        self.assertEqual(len(first.transactions), 1)
        self.assertEqual(first.transactions[0].transaction_hash, self.transfer_hash)
        rest = self.server.get_transactions(cursor=first.cursor, limit=50)
        hashes = [t.transaction_hash for t in rest.transactions]
        self.assertNotIn(self.transfer_hash, hashes)
        self.assertTrue(all(t.ledger >= self.transfer_ledger for t in rest.transactions))

    def test_07_get_ledgers(self):
        start = self.transfer_ledger
        # Three ledgers from the transfer's must be closed before a page can hold them: the
        # steps before this one can run within fewer closes than that.
        deadline = time.monotonic() + 60
        while self.server.get_latest_ledger().sequence < start + 3:
            self.assertLess(time.monotonic(), deadline, "ledgers stopped closing")
            time.sleep(0.05)
        page = self.server.get_ledgers(start_ledger=start, limit=3)
        self.assertEqual([l.sequence for l in page.ledgers], [start, start + 1, start + 2])
        for l in page.ledgers:
            entry = sx.LedgerHeaderHistoryEntry.from_xdr(l.header_xdr)
            self.assertEqual(entry.header.ledger_seq.uint32, l.sequence)
            self.assertEqual(entry.hash.hash.hex(), l.hash)
            meta = sx.LedgerCloseMeta.from_xdr(l.metadata_xdr)
            self.assertEqual(meta.v2.ledger_header.hash.hash.hex(), l.hash)
        # The transfer's ledger carries it in its close meta.
        meta = sx.LedgerCloseMeta.from_xdr(page.ledgers[0].metadata_xdr)
        applied = [t.result.transaction_hash.hash.hex() for t in meta.v2.tx_processing]
        self.assertIn(self.transfer_hash, applied)
        following = self.server.get_ledgers(cursor=page.cursor, limit=2)
        self.assertEqual(following.ledgers[0].sequence, start + 3)

    def test_08_fee_bumped_transfer(self):
        inner = self.transfer(self.alice, self.bob.public_key, AMOUNT)
        bump = TransactionBuilder.build_fee_bump_transaction(
            self.carol, 200, inner, self.passphrase
        )
        bump.sign(self.carol)
        alice, carol = (balance(self.server, k.public_key) for k in (self.alice, self.carol))
        got = self.send_and_poll(bump)
        self.assertEqual(got.status, GetTransactionStatus.SUCCESS, got)
        self.assertTrue(got.fee_bump)
        result = sx.TransactionResult.from_xdr(got.result_xdr)
        self.assertEqual(result.result.code, sx.TransactionResultCode.txFEE_BUMP_INNER_SUCCESS)
        self.assertEqual(
            result.result.inner_result_pair.transaction_hash.hash, inner.hash()
        )
        # Carol paid the fee, alice only the amount.
        self.assertEqual(balance(self.server, self.alice.public_key), alice - AMOUNT)
        self.assertEqual(
            balance(self.server, self.carol.public_key), carol - result.fee_charged.int64
        )

    def test_09_wrongly_signed_transactions_are_refused(self):
        seq = self.server.load_account(self.alice.public_key).sequence
        # Alice's transfer signed by bob.
        forged = self.transfer(self.alice, self.bob.public_key, AMOUNT)
        forged.signatures = []
        forged.sign(self.bob)
        sent = self.server.send_transaction(forged)
        self.assertEqual(sent.status, SendTransactionStatus.ERROR, sent)
        self.assertEqual(result_code(sent.error_result_xdr), sx.TransactionResultCode.txBAD_AUTH)
        # A fee bump whose fee source (carol) did not sign it.
        inner = self.transfer(self.alice, self.bob.public_key, AMOUNT)
        bump = TransactionBuilder.build_fee_bump_transaction(self.carol, 200, inner, self.passphrase)
        bump.sign(self.bob)
        sent = self.server.send_transaction(bump)
        self.assertEqual(sent.status, SendTransactionStatus.ERROR, sent)
        self.assertEqual(result_code(sent.error_result_xdr), sx.TransactionResultCode.txBAD_AUTH)
        # A fee bump signed by carol around an inner transaction bob signed for alice.
        inner.signatures = []
        inner.sign(self.bob)
        bump = TransactionBuilder.build_fee_bump_transaction(self.carol, 200, inner, self.passphrase)
        bump.sign(self.carol)
        sent = self.server.send_transaction(bump)
        self.assertEqual(sent.status, SendTransactionStatus.ERROR, sent)
        result = sx.TransactionResult.from_xdr(sent.error_result_xdr)
        self.assertEqual(result.result.code, sx.TransactionResultCode.txFEE_BUMP_INNER_FAILED)
        self.assertEqual(
            result.result.inner_result_pair.result.result.code,
            sx.TransactionResultCode.txBAD_AUTH,
        )
        # Nothing moved.
        self.assertEqual(self.server.load_account(self.alice.public_key).sequence, seq)


if __name__ == "__main__":
    unittest.main()
