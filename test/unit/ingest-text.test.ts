import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { API_KEY_PATTERN } from '../../shared/schemas/api-keys.ts';
import { apiKeyPrefixOf, hashApiKey, newApiKey } from '../../server/services/api-keys.ts';
import { detectLanguage, ftsConfigFor, segmentWords } from '../../server/services/text-search.ts';

describe('language → text-search configuration', () => {
  it('uses the stemmer configuration for supported languages and panops_simple for the rest', () => {
    expect(['en', 'es', 'fr', 'de', 'pt', 'it', 'nl', 'ar'].map(ftsConfigFor)).toEqual([
      'panops_en', 'panops_es', 'panops_fr', 'panops_de', 'panops_pt', 'panops_it', 'panops_nl', 'panops_ar',
    ]);
    expect([ftsConfigFor('ja'), ftsConfigFor('zh'), ftsConfigFor('ko'), ftsConfigFor(undefined), ftsConfigFor('')]).toEqual(
      Array(5).fill('panops_simple'),
    );
  });
});

describe('word segmentation', () => {
  it('cuts Japanese and Chinese into space-separated words without punctuation', () => {
    const ja = segmentWords('来週の出荷が遅れる可能性があります。', 'ja');
    expect(ja.split(' ').length).toBeGreaterThan(3);
    expect(ja).toContain('出荷');
    expect(ja).not.toContain('。');
    expect(segmentWords('供应商延迟了两周。', 'zh')).toBe(segmentWords('供应商延迟了两周', 'zh'));
    expect(segmentWords('供应商延迟了两周。', 'zh')).toContain('延迟');
  });

  it('leaves other languages as they are', () => {
    expect(segmentWords('Le fournisseur a du retard.', 'fr')).toBe('Le fournisseur a du retard.');
  });
});

describe('language detection', () => {
  it('detects the common languages and falls back when unsure', async () => {
    expect(await detectLanguage('The supplier confirmed a two week delay on the components for the launch.', 'de')).toBe('en');
    expect(await detectLanguage('El proveedor confirmó un retraso de dos semanas en los componentes.', 'en')).toBe('es');
    expect(await detectLanguage('Le fournisseur a confirmé un retard de deux semaines sur les composants.', 'en')).toBe('fr');
    expect(await detectLanguage('Der Lieferant hat eine Verzögerung von zwei Wochen bestätigt.', 'en')).toBe('de');
    expect(await detectLanguage('サプライヤーから部品が二週間遅れると連絡がありました。', 'en')).toBe('ja');
    expect(await detectLanguage('ok', 'fr')).toBe('fr');
  });
});

describe('API keys', () => {
  it('have the documented shape, a fresh secret each time, and a prefix that names but does not reveal them', () => {
    const one = newApiKey();
    const two = newApiKey();
    expect(one.secret).toMatch(API_KEY_PATTERN);
    expect(one.secret.startsWith(`${one.prefix}_`)).toBe(true);
    expect(one.prefix).toMatch(/^pk_[a-z0-9]{8}$/);
    expect(one.secret).not.toBe(two.secret);
    expect(apiKeyPrefixOf(one.secret)).toBe(one.prefix);
    expect(apiKeyPrefixOf('pk_short_abc')).toBeNull();
    expect(apiKeyPrefixOf(`${one.secret}x`)).toBeNull();
  });

  it('are stored as the SHA-256 hex of the whole key', () => {
    const { secret } = newApiKey();
    expect(hashApiKey(secret)).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(hashApiKey(secret)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('language detection beyond the function-word languages', () => {
  it('tells Chinese, Arabic, Portuguese, Italian and Dutch, and asks eld for the rest', async () => {
    expect(await detectLanguage('供应商确认零部件将推迟两周交付。', 'en')).toBe('zh');
    expect(await detectLanguage('أكد المورد تأخير المكونات لمدة أسبوعين.', 'en')).toBe('ar');
    expect(await detectLanguage('O fornecedor confirmou um atraso de duas semanas nos componentes para o lançamento.', 'en')).toBe('pt');
    expect(await detectLanguage('Il fornitore ha confermato un ritardo di due settimane per la consegna dei componenti.', 'en')).toBe('it');
    expect(await detectLanguage('De leverancier heeft een vertraging van twee weken bevestigd voor de onderdelen.', 'en')).toBe('nl');
    expect(await detectLanguage('Dostawca potwierdził dwutygodniowe opóźnienie dostawy komponentów.', 'en')).toBe('pl');
  });
});
