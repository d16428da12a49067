// Helpers the Node.js tests of the packed @teachlink/sdk share (sdk/tests/node.rs copies
// this file beside them).
import assert from 'node:assert/strict';
import { isTeachLinkError } from '@teachlink/sdk';

/** An environment variable sdk/tests/node.rs sets. */
export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through cargo test -p teachlink-sdk --test node`);
  return v;
}

/** Awaits a promise that must fail with a TeachLinkError of `code`; returns the error. */
export async function fails(promise, code) {
  try {
    await promise;
  } catch (e) {
    assert.ok(isTeachLinkError(e), `not a TeachLinkError: ${e}`);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'TeachLinkError');
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected a ${code} error`);
}
