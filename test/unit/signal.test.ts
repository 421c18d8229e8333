import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citedIds } from '../../shared/citations.ts';
import type { TCitedSource, TSourceRecord } from '../../shared/schemas/sources.ts';
import { anyOfLexemes, fuseRankings, readQuestion, twoOfLexemes, usesSearchSyntax, type QuestionLexeme } from '../../server/services/retrieval.ts';
import { excerpt, extractiveAnswer, summarize } from '../../server/signal/extractive.ts';
import { createSseParser } from '../../shared/sse.ts';
import { embed, LlmError, streamChat, type LlmConfig } from '../../server/signal/llm.ts';
import { buildMessages, languageName, systemPrompt } from '../../server/signal/prompt.ts';
import { startFakeLlm, type FakeLlm } from '../helpers/fake-llm.ts';

const ID1 = '3f2b8c1e-9d4a-4c1b-8f6e-2a7d5c9e0b14';
const ID2 = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('SSE parser', () => {
  it('joins events split across chunks, multi-line data, CRLF, and skips comments and other fields', () => {
    const parser = createSseParser();
    expect(parser.push('data: {"a":')).toEqual([]);
    expect(parser.push('1}\n\n: keep-alive\n\nevent: x\nid: 7\ndata: one\r\ndata: two\r\n\r')).toEqual(['{"a":1}']);
    expect(parser.push('\ndata:[DONE]\n\n')).toEqual(['one\ntwo', '[DONE]']);
  });

  it('keeps an event whose blank line never came when the body ends', () => {
    const parser = createSseParser();
    expect(parser.push('data: last')).toEqual([]);
    expect(parser.flush()).toEqual(['last']);
    expect(parser.flush()).toEqual([]);
  });
});

describe('reciprocal rank fusion', () => {
  it('scores 1/(k+rank) summed over lists, so agreement beats a single first place', () => {
    const fused = fuseRankings([
      ['a', 'b', 'c'],
      ['b', 'c', 'd'],
    ]);
    expect(fused.map((r) => r.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61, 10);
    expect(fused[1]!.score).toBeCloseTo(1 / 63 + 1 / 62, 10);
    expect(fused[2]!.score).toBeCloseTo(1 / 61, 10);
  });

  it('keeps the first list’s order on ties, and cuts at the limit', () => {
    expect(fuseRankings([['x', 'y'], ['y', 'x']], 1).map((r) => r.id)).toEqual(['x']);
    expect(fuseRankings([[], ['only']]).map((r) => r.id)).toEqual(['only']);
    expect(fuseRankings([Array.from({ length: 100 }, (_, i) => `r${i}`)])).toHaveLength(40);
  });
});

describe('query terms', () => {
  it('uses web-search syntax only when asked for', () => {
    expect(usesSearchSyntax('what did sales say about the budget?')).toBe(false);
    expect(usesSearchSyntax('"supply chain" delays')).toBe(true);
    expect(usesSearchSyntax('budget -marketing')).toBe(true);
    expect(usesSearchSyntax('budget or forecast')).toBe(true);
    expect(usesSearchSyntax('well-known risks')).toBe(false);
  });

  it('quotes lexemes for the tsquery parser', () => {
    expect(anyOfLexemes(['budget', "o'brien", 'a\\b'])).toBe("'budget' | 'o''brien' | 'a\\\\b'");
    expect(twoOfLexemes(['suppli', 'delay', 'launch', 'delay'])).toBe("('suppli' & 'delay') | ('suppli' & 'launch') | ('delay' & 'launch')");
    expect(twoOfLexemes(['budget'])).toBe("'budget'");
    expect(twoOfLexemes(Array.from({ length: 12 }, (_, i) => `w${i}`)).split('|')).toHaveLength(28);
  });
});

describe('reading a question in every configuration', () => {
  // "Is the launch still on track?" as panops_en, panops_fr and panops_simple read it (to_tsvector positions).
  const launch: QuestionLexeme[] = [
    { cfg: 'panops_en', lexeme: 'launch', positions: [3] },
    { cfg: 'panops_en', lexeme: 'still', positions: [4] },
    { cfg: 'panops_en', lexeme: 'track', positions: [6] },
    { cfg: 'panops_fr', lexeme: 'is', positions: [1] },
    { cfg: 'panops_fr', lexeme: 'the', positions: [2] },
    { cfg: 'panops_fr', lexeme: 'launc', positions: [3] },
    { cfg: 'panops_fr', lexeme: 'still', positions: [4] },
    { cfg: 'panops_fr', lexeme: 'track', positions: [6] },
    { cfg: 'panops_simple', lexeme: 'is', positions: [1] },
    { cfg: 'panops_simple', lexeme: 'the', positions: [2] },
    { cfg: 'panops_simple', lexeme: 'launch', positions: [3] },
    { cfg: 'panops_simple', lexeme: 'still', positions: [4] },
    { cfg: 'panops_simple', lexeme: 'on', positions: [5] },
    { cfg: 'panops_simple', lexeme: 'track', positions: [6] },
  ];

  it("drops the question language's stop words in every configuration and asks for two of its words", () => {
    const reading = readQuestion(launch, 'panops_en');
    expect(reading.tiers).toEqual([
      "(('launc' | 'launch') & 'still') | (('launc' | 'launch') & 'track') | ('still' & 'track')",
      "'launc' | 'launch' | 'still' | 'track'",
    ]);
    // English and simple now read it alike and share one alternative; French keeps its stem.
    expect(reading.configs.map((c) => [c.cfgs, c.rank])).toEqual([
      [['panops_en', 'panops_simple'], "'launch' | 'still' | 'track'"],
      [['panops_fr'], "'launc' | 'still' | 'track'"],
    ]);
    expect(reading.configs[0]!.tiers[0]).toBe("('launch' & 'still') | ('launch' & 'track') | ('still' & 'track')");
  });

  it('keeps every word when the language is not known, and asks for nothing when only stop words are left', () => {
    expect(readQuestion(launch, null).tiers[1]).toBe("'is' | 'the' | 'launc' | 'launch' | 'still' | 'on' | 'track'");
    expect(readQuestion([{ cfg: 'panops_simple', lexeme: 'is', positions: [1] }, { cfg: 'panops_en', lexeme: 'x', positions: [2] }], 'panops_en').tiers).toEqual(["'x'"]);
    expect(readQuestion([{ cfg: 'panops_simple', lexeme: 'the', positions: [1] }], 'panops_en')).toEqual({ configs: [], tiers: [] });
  });
});

describe('citations', () => {
  it('lists the ids cited, in order of first citation, once each', () => {
    const text = `Sales slipped [#${ID1}]. Hiring paused [#${ID2.toUpperCase()}] [#${ID1}]. Not a citation: [${ID2}] #${ID1}`;
    expect(citedIds(text)).toEqual([ID1, ID2]);
    expect(citedIds('no citations')).toEqual([]);
  });
});

const record = (overrides: Partial<TSourceRecord>): TSourceRecord => ({
  id: ID1,
  channel: 'email',
  platform: 'gmail',
  occurredAt: '2026-11-02T09:30:00.000Z',
  author: { displayName: 'Ana Ruiz', department: 'Sales' },
  threadId: null,
  subject: 'Q3 budget',
  body: 'The Q3 budget is over by 8%.',
  language: 'en',
  ...overrides,
});

describe('extractive mode', () => {
  const sources: TCitedSource[] = [
    { removed: false, record: record({}) },
    { removed: true, id: '11111111-1111-4111-8111-111111111111' },
    { removed: false, record: record({ id: ID2, channel: 'messaging', occurredAt: '2026-11-05T10:00:00.000Z', subject: null }) },
    { removed: false, record: record({ id: 'aaaaaaaa-1111-4111-8111-111111111111', channel: 'email', author: { displayName: 'Li Wei', department: null }, occurredAt: '2026-10-30T08:00:00.000Z' }) },
  ];

  it('counts records by channel, people and dates, leaving removed sources out', () => {
    expect(summarize(sources.flatMap((s) => (s.removed ? [] : [s.record])))).toEqual({
      records: 3,
      byChannel: [
        { channel: 'email', count: 2 },
        { channel: 'messaging', count: 1 },
      ],
      people: 2,
      topPeople: [
        { name: 'Ana Ruiz', count: 2 },
        { name: 'Li Wei', count: 1 },
      ],
      from: '2026-10-30T08:00:00.000Z',
      to: '2026-11-05T10:00:00.000Z',
    });
  });

  it('quotes the passages verbatim with their citations, and no prose', () => {
    const answer = extractiveAnswer('budget', sources);
    expect(citedIds(answer)).toEqual([ID1, ID2, 'aaaaaaaa-1111-4111-8111-111111111111']);
    expect(answer).toContain('> The Q3 budget is over by 8%.');
    expect(answer).toContain('— **Q3 budget** · Ana Ruiz · 2026-11-02');
    expect(answer).not.toContain('11111111-1111-4111-8111-111111111111');
  });

  it('picks the part of a long body that holds the question’s words', () => {
    const body = `${'Filler about the weather and lunch plans. '.repeat(20)}The supplier contract renewal slipped to December. ${'More filler here. '.repeat(20)}`;
    const cut = excerpt(body, 'When is the supplier contract renewal?', 120);
    expect(cut.startsWith('… The supplier contract renewal slipped to December.')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(126);
    expect(excerpt('Short  body\nhere.', 'x')).toBe('Short body here.');
  });
});

describe('prompt', () => {
  it('names the customer and the output language in words', () => {
    expect(languageName('fr')).toBe('French (fr)');
    const prompt = systemPrompt('Acme', 'de');
    expect(prompt).toContain('CEO intelligence analyst for Acme');
    expect(prompt).toContain('German (de)');
    expect(prompt).toMatch(/records do not contain the answer/);
    expect(prompt).toContain('[#<record id>]');
  });

  it('sends the last turns as history, then the records and the question', () => {
    const history = Array.from({ length: 8 }, (_, i) => ({ query: `q${i}`, response: `a${i}` }));
    const messages = buildMessages({ customer: 'Acme', outputLanguage: 'fr', records: [record({})], history, query: 'Budget ?' });
    expect(messages[0]!.role).toBe('system');
    expect(messages.slice(1, -1).map((m) => m.content)).toEqual(['q2', 'a2', 'q3', 'a3', 'q4', 'a4', 'q5', 'a5', 'q6', 'a6', 'q7', 'a7']);
    const last = messages.at(-1)!.content;
    expect(last).toContain(`[#${ID1}] · 2026-11-02 09:30 UTC · email · gmail · Ana Ruiz (Sales) · language: en`);
    expect(last).toContain('Subject: Q3 budget');
    expect(last).toContain('Question: Budget ?');
  });
});

describe('chat-completions client against the fake model server', () => {
  let fake: FakeLlm;
  let config: LlmConfig;
  beforeAll(async () => {
    fake = await startFakeLlm();
    config = { url: fake.url, model: fake.model, apiKey: 'sk-test', firstTokenMs: 400, idleMs: 400, totalMs: 5_000 };
  });
  afterAll(() => fake.close());

  const collect = async (cfg: LlmConfig, signal?: AbortSignal) => {
    const parts: string[] = [];
    for await (const text of streamChat(cfg, [{ role: 'user', content: 'hi' }], { signal })) parts.push(text);
    return parts;
  };

  it('streams the deltas in order and sends the model, the key and stream: true', async () => {
    fake.behave({ kind: 'answer', text: () => 'Bonjour, voici la réponse.', chunkChars: 5 });
    const parts = await collect(config);
    expect(parts.join('')).toBe('Bonjour, voici la réponse.');
    expect(parts.length).toBe(6);
    const request = fake.requests.at(-1)!;
    expect(request).toMatchObject({ model: fake.model, stream: true, authorization: 'Bearer sk-test' });
  });

  it('fails with LLM_TIMEOUT when no first token comes in time', async () => {
    fake.behave({ kind: 'answer', firstTokenDelayMs: 2_000 });
    const started = Date.now();
    await expect(collect(config)).rejects.toMatchObject({ code: 'LLM_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('fails with LLM_UNAVAILABLE when refused or unreachable, and LLM_INTERRUPTED when cut off', async () => {
    fake.behave({ kind: 'refuse', status: 503 });
    await expect(collect(config)).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE' });
    await expect(collect({ ...config, url: 'http://127.0.0.1:9/v1' })).rejects.toBeInstanceOf(LlmError);
    fake.behave({ kind: 'drop', afterChunks: 2 });
    await expect(collect(config)).rejects.toMatchObject({ code: 'LLM_INTERRUPTED' });
  });

  it('stops when the caller aborts, with the caller’s reason', async () => {
    fake.behave({ kind: 'answer', delayMs: 30, chunkChars: 1, text: () => 'x'.repeat(200) });
    const controller = new AbortController();
    const reason = new Error('stopped by the CEO');
    const parts: string[] = [];
    await expect(
      (async () => {
        for await (const text of streamChat(config, [{ role: 'user', content: 'hi' }], { signal: controller.signal })) {
          parts.push(text);
          if (parts.length === 3) controller.abort(reason);
        }
      })(),
    ).rejects.toBe(reason);
    expect(parts).toHaveLength(3);
  });

  it('embeds texts in input order', async () => {
    const vectors = await embed({ url: fake.url, model: 'fake-embed' }, ['aaa', 'bbb']);
    expect(vectors).toHaveLength(2);
    expect(vectors[0]).not.toEqual(vectors[1]);
  });
});
