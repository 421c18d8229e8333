import { describe, expect, it } from 'vitest';
import { ENROLLMENT_LINK_TTL_MS } from '../../shared/channels.ts';
import type { enrollmentLinks } from '../../server/db/schema.ts';
import { linkState } from '../../server/services/enrollment-links.ts';

type LinkRow = typeof enrollmentLinks.$inferSelect;

const createdAt = new Date('2026-03-01T12:00:00.000Z');
const expiresAt = new Date(createdAt.getTime() + ENROLLMENT_LINK_TTL_MS);

function link(status: LinkRow['status']): LinkRow {
  return {
    token: '6f1d0a52-6a0c-4b7e-9c1e-0d3c2b1a0f9e',
    employeeId: '22222222-2222-4222-8222-222222222222',
    customerId: '11111111-1111-4111-8111-111111111111',
    createdAt,
    expiresAt,
    openedAt: null,
    usedAt: null,
    sentAt: null,
    sentVia: null,
    status,
  };
}

describe('linkState', () => {
  it('an active link is active until just before it expires', () => {
    expect(linkState(link('active'), createdAt)).toBe('active');
    expect(linkState(link('active'), new Date(expiresAt.getTime() - 1))).toBe('active');
  });

  it('an active link is expired exactly at its expiry and after', () => {
    expect(linkState(link('active'), expiresAt)).toBe('expired');
    expect(linkState(link('active'), new Date(expiresAt.getTime() + 1))).toBe('expired');
  });

  it('a used link is used, before or after expiry', () => {
    expect(linkState(link('used'), createdAt)).toBe('used');
    expect(linkState(link('used'), new Date(expiresAt.getTime() + 1))).toBe('used');
  });

  it('a superseded link is superseded, before or after expiry', () => {
    expect(linkState(link('superseded'), createdAt)).toBe('superseded');
    expect(linkState(link('superseded'), new Date(expiresAt.getTime() + 1))).toBe('superseded');
  });
});

describe('ENROLLMENT_LINK_TTL_MS', () => {
  it('is seven days', () => {
    expect(ENROLLMENT_LINK_TTL_MS).toBe(604_800_000);
  });
});
