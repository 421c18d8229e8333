import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createInstance } from 'i18next';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { citedIds, Markdown, safeHref, type MarkdownProps } from '../../client/portal/components/Markdown.tsx';
import { SourceCard } from '../../client/portal/components/SourceCard.tsx';
import type { TCitedSource } from '../../shared/schemas/sources.ts';
import portal from '../../client/i18n/locales/en/portal.json' with { type: 'json' };
import common from '../../client/i18n/locales/en/common.json' with { type: 'json' };

const i18n = createInstance();
await i18n.use(initReactI18next).init({
  lng: 'en',
  resources: { en: { portal, common } },
  interpolation: { escapeValue: false },
});

const render = (props: MarkdownProps) =>
  renderToStaticMarkup(createElement(I18nextProvider, { i18n }, createElement(Markdown, props)));

const A = '0b6a3c0e-5f2d-4c1b-9a7e-1d2c3b4a5f60';
const B = '9f8e7d6c-5b4a-4321-8fed-cba987654321';

describe('Markdown: model output is untrusted', () => {
  it('renders ordinary markdown', () => {
    const html = render({ text: '**Bold** and _em_\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |' });
    expect(html).toContain('<strong>Bold</strong>');
    expect(html).toContain('<em>em</em>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<table>');
  });

  it('drops raw HTML: script blocks, inline handlers, iframes, style', () => {
    const html = render({
      text: [
        'Before',
        '',
        '<script>alert(1)</script>',
        '',
        'Inline <img src=x onerror="alert(2)"> and <b onmouseover="alert(3)">bold</b>',
        '',
        '<iframe src="https://evil.example/"></iframe>',
        '',
        '<style>body{display:none}</style>',
        '',
        'After',
      ].join('\n'),
    });
    expect(html).not.toMatch(/<script|<iframe|<style|<b\b|<img/i);
    expect(html).not.toMatch(/onerror|onmouseover|alert\(/i);
    expect(html).toContain('Before');
    expect(html).toContain('After');
  });

  it('never loads a remote image: only its alt text remains', () => {
    const html = render({ text: 'See ![quarterly chart](https://tracker.example/pixel.png?u=ceo) here' });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('tracker.example');
    expect(html).toContain('Image: quarterly chart');
  });

  it('keeps http(s)/mailto links, opening in a new tab without an opener; drops javascript:, data: and relative ones', () => {
    const html = render({
      text: '[ok](https://example.com/a) [mail](mailto:ceo@example.com) [x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [d](data:text/html,hi) [r](/admin) [p](//evil.example)',
    });
    expect(html).toContain('<a href="https://example.com/a" target="_blank" rel="noopener noreferrer">ok</a>');
    expect(html).toContain('<a href="mailto:ceo@example.com" target="_blank" rel="noopener noreferrer">mail</a>');
    expect(html).not.toMatch(/javascript:|data:text|href="\/admin"|evil\.example/i);
    expect(html.match(/<a /g)).toHaveLength(2);
    // The text of a refused link stays readable.
    expect(html).toContain('<span>x</span>');
  });

  it('safeHref accepts only absolute http, https and mailto URLs', () => {
    expect(safeHref('https://a.example/x')).toBe('https://a.example/x');
    expect(safeHref('mailto:a@b.example')).toBe('mailto:a@b.example');
    for (const bad of ['javascript:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'vbscript:x', 'data:x', '/rel', '#frag', '//host/x', 'https://', '', null]) {
      expect(safeHref(bad), String(bad)).toBeNull();
    }
  });

  it('turns [#uuid] citations into numbered buttons, including lists of ids, and leaves code alone', () => {
    const html = render({ text: `Sales fell [#${A}]. Hiring paused [#${B}, #${A.toUpperCase()}].\n\n\`[#${B}]\`` });
    const buttons = [...html.matchAll(/<button type="button" class="citation" data-cite="([^"]+)" aria-label="([^"]+)">([^<]+)<\/button>/g)];
    expect(buttons.map((b) => [b[1], b[2], b[3]])).toEqual([
      [A, 'Source 1', '1'],
      [B, 'Source 2', '2'],
      [A, 'Source 1', '1'],
    ]);
    expect(html).not.toContain(`[#${A}]`);
    expect(html).toContain(`<code>[#${B}]</code>`);
  });

  it('numbers citations as the caller says (e.g. the position in the sources list)', () => {
    const html = render({ text: `X [#${A}]`, citationNumber: (id) => (id === A ? 7 : undefined) });
    expect(html).toContain('aria-label="Source 7">7</button>');
  });

  it('citedIds lists cited ids once, in order, lower-cased', () => {
    expect(citedIds(`a [#${B}] b [#${A}; #${B}] [#not-a-uuid]`)).toEqual([B, A]);
  });

  it('while streaming, holds back a citation that is still being typed', () => {
    const partial = `The answer is here [#${A.slice(0, 12)}`;
    expect(render({ text: partial, streaming: true })).not.toContain('[#');
    expect(render({ text: partial })).toContain('[#');
    // Unfinished markdown still renders.
    expect(render({ text: '**half bold', streaming: true })).toContain('half bold');
  });

  it('shifts model headings below the page outline', () => {
    const html = render({ text: '# Big\n\n## Less' });
    expect(html).toContain('<h3>Big</h3>');
    expect(html).toContain('<h4>Less</h4>');
    expect(html).not.toMatch(/<h[12]>/);
  });
});

describe('SourceCard', () => {
  const renderCard = (source: TCitedSource) =>
    renderToStaticMarkup(createElement(I18nextProvider, { i18n }, createElement(SourceCard, { source, number: 2 })));

  it('shows a source as plain text with its line breaks, never as HTML', () => {
    const html = renderCard({
      removed: false,
      record: {
        id: A,
        channel: 'email',
        platform: 'm365',
        occurredAt: '2026-11-02T09:30:00Z',
        author: { displayName: 'Ana Ruiz', department: 'Sales' },
        threadId: null,
        subject: 'Q4 pipeline',
        body: 'Line one\nLine two <script>alert(1)</script>',
        language: 'en',
      },
    });
    expect(html).toContain('Email');
    expect(html).toContain('Q4 pipeline');
    expect(html).toContain('Line one\nLine two &lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('Sales');
  });

  it('a removed source says so and carries no content', () => {
    const html = renderCard({ removed: true, id: B });
    expect(html).toContain("Removed at the employee&#x27;s request");
    expect(html).not.toMatch(/Email|m365|Ana/);
  });
});
