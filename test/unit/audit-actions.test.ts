/** The audit log shows each action by a label in the UI language, never its code (user.signed_in). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../shared/audit.ts';
import { UI_LANGUAGES } from '../../shared/languages.ts';

const labels = (lng: string) =>
  (JSON.parse(readFileSync(new URL(`../../client/i18n/locales/${lng}/portal.json`, import.meta.url), 'utf8')) as {
    audit: { actions?: Record<string, Record<string, string>> };
  }).audit.actions ?? {};
const labelOf = (lng: string, action: string) => {
  const [group, name] = action.split('.') as [string, string];
  return labels(lng)[group]?.[name];
};

describe('audit action labels', () => {
  it('every recorded action has a label in every UI language, and no label is the code itself', () => {
    for (const lng of UI_LANGUAGES) {
      for (const action of AUDIT_ACTIONS) {
        const label = labelOf(lng, action);
        expect(label, `${lng}: ${action}`).toBeTruthy();
        expect(label).not.toContain(action);
        expect(label).not.toMatch(/^[a-z_.]+$/);
      }
    }
  });

  it('labels the actions the server records (recordAudit and the sign-in hooks)', () => {
    expect(AUDIT_ACTIONS).toEqual(
      expect.arrayContaining(['user.signed_in', 'session.closed', 'correction.accepted', 'user.sign_in_unlock_requested']),
    );
    expect(labelOf('en', 'user.signed_in')).toBe('Signed in');
    expect(labelOf('fr', 'session.started')).toBe('Session démarrée');
  });
});
