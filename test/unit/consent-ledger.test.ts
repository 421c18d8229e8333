import { describe, expect, it } from 'vitest';
import {
  canonicalEvent,
  eventKey,
  GENESIS_HASH,
  hashEvent,
  verifyChain,
  type LedgerFields,
  type StoredEvent,
} from '../../server/services/consent-ledger.ts';

/**
 * Known-answer vectors. The expected digests were computed outside the code under test, with
 * `printf '%s' '<canonical>' | sha256sum` in a UTF-8 shell, so a change to the canonical form, the field order,
 * the encoding or the hash breaks these tests (and every stored chain would stop verifying).
 */
const event1: LedgerFields = {
  customerId: '11111111-1111-4111-8111-111111111111',
  employeeId: '22222222-2222-4222-8222-222222222222',
  seq: 1,
  channel: 'email',
  decision: 'grant',
  noticeVersionId: '33333333-3333-4333-8333-333333333333',
  language: 'en',
  occurredAt: new Date('2026-01-02T03:04:05.678Z'),
  ipAddress: '203.0.113.7',
  userAgent: 'UA',
  idempotencyKey: 'k:email',
};
const canonical1 =
  '["panops.consent-event.v1","0000000000000000000000000000000000000000000000000000000000000000",' +
  '"11111111-1111-4111-8111-111111111111","22222222-2222-4222-8222-222222222222",1,"email","grant",' +
  '"33333333-3333-4333-8333-333333333333","en","2026-01-02T03:04:05.678Z","203.0.113.7","UA","k:email"]';
const hash1 = '72ed0361f24445c1f6aea0c52884f2220ea2b2f1a53255f4ac6a8a47544e5f48';

/** Chained on event 1; a null IP and a non-ASCII user agent pin JSON null and UTF-8 hashing. */
const event2: LedgerFields = {
  ...event1,
  seq: 2,
  channel: 'video',
  decision: 'deny',
  language: 'fr',
  occurredAt: new Date('2026-01-02T03:04:06.000Z'),
  ipAddress: null,
  userAgent: 'Navigateur é ✓',
  idempotencyKey: 'k:video',
};
const canonical2 =
  '["panops.consent-event.v1","72ed0361f24445c1f6aea0c52884f2220ea2b2f1a53255f4ac6a8a47544e5f48",' +
  '"11111111-1111-4111-8111-111111111111","22222222-2222-4222-8222-222222222222",2,"video","deny",' +
  '"33333333-3333-4333-8333-333333333333","fr","2026-01-02T03:04:06.000Z",null,"Navigateur é ✓","k:video"]';
const hash2 = '93c15bc91d7e724cee7875ffc4d11557ea4e00b3702a98b9c6d4134bc629e72a';

describe('consent ledger canonical form and hash (known-answer vectors)', () => {
  it('the genesis hash is 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('vector 1: first event on the genesis hash', () => {
    expect(canonicalEvent(GENESIS_HASH, event1)).toBe(canonical1);
    expect(hashEvent(GENESIS_HASH, event1)).toBe(hash1);
  });

  it('vector 2: chained on vector 1, null IP, non-ASCII user agent', () => {
    expect(canonicalEvent(hash1, event2)).toBe(canonical2);
    expect(hashEvent(hash1, event2)).toBe(hash2);
  });

  it('the previous hash is part of what is hashed', () => {
    expect(hashEvent(GENESIS_HASH, event2)).not.toBe(hash2);
  });

  it('null and the string "null" hash differently', () => {
    expect(hashEvent(hash1, { ...event2, ipAddress: 'null' })).not.toBe(hash2);
  });

  it('per-event idempotency keys are submission key + channel', () => {
    expect(eventKey('k', 'email')).toBe('k:email');
    expect(eventKey('5f0c', 'sms_voice')).toBe('5f0c:sms_voice');
  });
});

/** Builds a correctly chained list of stored events from fields (hashes computed by the code under test). */
function chain(fields: LedgerFields[]): StoredEvent[] {
  let prevHash = GENESIS_HASH;
  return fields.map((f) => {
    const hash = hashEvent(prevHash, f);
    const stored = { ...f, prevHash, hash };
    prevHash = hash;
    return stored;
  });
}

/** Re-seals an event after tampering, as an attacker with write access to one row would. */
const reseal = (e: StoredEvent): StoredEvent => ({ ...e, hash: hashEvent(e.prevHash, e) });

const event3: LedgerFields = {
  ...event1,
  seq: 3,
  channel: 'email',
  decision: 'withdraw',
  occurredAt: new Date('2026-02-01T00:00:00.000Z'),
  idempotencyKey: 'k2:email',
};

describe('verifyChain', () => {
  const valid = chain([event1, event2, event3]);
  const employeeId = event1.employeeId;

  it('the chained vectors reproduce the known hashes', () => {
    expect(valid[0]!.hash).toBe(hash1);
    expect(valid[1]!.prevHash).toBe(hash1);
    expect(valid[1]!.hash).toBe(hash2);
  });

  it('accepts a valid three-event chain', () => {
    expect(verifyChain(valid)).toBeNull();
  });

  it('accepts an empty chain', () => {
    expect(verifyChain([])).toBeNull();
  });

  it('accepts null IP address and user agent', () => {
    const anonymous = chain([
      { ...event1, ipAddress: null, userAgent: null },
      { ...event2, ipAddress: null, userAgent: null },
    ]);
    expect(verifyChain(anonymous)).toBeNull();
  });

  it('detects a null IP address replaced after the fact', () => {
    const anonymous = chain([{ ...event1, ipAddress: null, userAgent: null }]);
    expect(verifyChain([{ ...anonymous[0]!, ipAddress: '198.51.100.1' }])).toEqual({
      employeeId,
      seq: 1,
      reason: 'hash_mismatch',
    });
    expect(verifyChain([{ ...anonymous[0]!, userAgent: '' }])).toEqual({ employeeId, seq: 1, reason: 'hash_mismatch' });
  });

  const edits: [string, Partial<LedgerFields>][] = [
    ['decision', { decision: 'grant' }],
    ['occurredAt', { occurredAt: new Date(event2.occurredAt.getTime() + 1) }],
    ['ipAddress', { ipAddress: '203.0.113.8' }],
    ['channel', { channel: 'messaging' }],
    ['userAgent', { userAgent: 'Navigateur e ✓' }],
    ['language', { language: 'en' }],
    ['noticeVersionId', { noticeVersionId: '44444444-4444-4444-8444-444444444444' }],
    ['customerId', { customerId: '55555555-5555-4555-8555-555555555555' }],
    ['idempotencyKey', { idempotencyKey: 'k:other' }],
  ];
  for (const [field, edit] of edits) {
    it(`detects an edited ${field} on event 2`, () => {
      const tampered = valid.map((e) => (e.seq === 2 ? { ...e, ...edit } : e));
      expect(verifyChain(tampered)).toEqual({ employeeId, seq: 2, reason: 'hash_mismatch' });
    });
  }

  it('detects an edited hash on event 2 (the next link no longer matches)', () => {
    const tampered = valid.map((e) => (e.seq === 2 ? { ...e, hash: 'f'.repeat(64) } : e));
    expect(verifyChain(tampered)).toEqual({ employeeId, seq: 2, reason: 'hash_mismatch' });
  });

  it('detects a deleted first event as a sequence gap', () => {
    expect(verifyChain(valid.slice(1))).toEqual({ employeeId, seq: 2, reason: 'seq_gap' });
  });

  it('detects a deleted middle event as a sequence gap', () => {
    expect(verifyChain([valid[0]!, valid[2]!])).toEqual({ employeeId, seq: 3, reason: 'seq_gap' });
  });

  it('detects swapped events', () => {
    const swapped = [valid[1]!, valid[0]!, valid[2]!];
    const result = verifyChain(swapped);
    expect(result).not.toBeNull();
    expect(result).toEqual({ employeeId, seq: 2, reason: 'seq_gap' });
  });

  it('detects swapped events even when seq numbers are rewritten and rehashed', () => {
    // Reorder, renumber and reseal each event on its own prevHash: the links no longer connect.
    const swapped = [
      reseal({ ...valid[1]!, seq: 1 }),
      reseal({ ...valid[0]!, seq: 2 }),
      valid[2]!,
    ];
    expect(verifyChain(swapped)).toEqual({ employeeId, seq: 1, reason: 'prev_hash_mismatch' });
  });

  it('detects a wrong prevHash even when the event hash was recomputed over it', () => {
    const tampered = valid.map((e) => (e.seq === 2 ? reseal({ ...e, prevHash: 'a'.repeat(64) }) : e));
    expect(verifyChain(tampered)).toEqual({ employeeId, seq: 2, reason: 'prev_hash_mismatch' });
  });

  it('detects a first event that does not start at the genesis hash', () => {
    const tampered = [reseal({ ...valid[0]!, prevHash: hash2 }), ...valid.slice(1)];
    expect(verifyChain(tampered)).toEqual({ employeeId, seq: 1, reason: 'prev_hash_mismatch' });
  });

  it('a resealed edit breaks the link to the following event', () => {
    const tampered = valid.map((e) => (e.seq === 2 ? reseal({ ...e, decision: 'grant' }) : e));
    expect(verifyChain(tampered)).toEqual({ employeeId, seq: 3, reason: 'prev_hash_mismatch' });
  });

  it('detects an appended event with a duplicate seq', () => {
    const dup = chain([event1, event2, event3, { ...event3, seq: 3 }]);
    expect(verifyChain(dup)).toEqual({ employeeId, seq: 3, reason: 'seq_gap' });
  });
});
