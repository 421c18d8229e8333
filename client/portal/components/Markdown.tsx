import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { PhrasingContent, Root, RootContent } from 'mdast';
import { CITATION_RE, citedIds, idsInCitation, PARTIAL_CITATION_AT_END_RE } from '../../../shared/citations.ts';
import { formatNumber } from '../../lib/format.ts';
import './markdown.css';

/**
 * Model output as markdown, treated as untrusted text: raw HTML is dropped (never parsed into the page), only an
 * allow-list of elements survives, links go only to http/https/mailto and open in a new tab without an opener,
 * and images are never fetched (a remote image is a tracking beacon): only their alt text is shown. Citations
 * written as `[#<uuid>]` (or `[#<uuid>, #<uuid>]`) become buttons that call `onCite(id)`, numbered in order of first
 * appearance unless the caller numbers them. Re-parsing on every token is fine at answer sizes (a few KB); while
 * `streaming`, a citation still being typed at the very end is held back instead of flashing as raw text.
 */
export type MarkdownProps = {
  text: string;
  onCite?: (id: string) => void;
  /** The number shown for a cited record (e.g. its position in the sources list); default: order of appearance. */
  citationNumber?: (id: string) => number | undefined;
  streaming?: boolean;
};

/** Elements markdown may produce here; anything else is unwrapped to its text. `cite` is our citation node. */
const ALLOWED = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'del', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'cite',
];

const SAFE_PROTOCOL = /^(https?|mailto):/i;

/** Absolute http(s)/mailto URLs only: no javascript:, data:, relative or protocol-relative URLs. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  const trimmed = url.trim();
  // Control characters and whitespace inside a scheme are how `java\tscript:` slips past naive checks.
  if (/[\u0000-\u001f\u007f\s]/.test(trimmed.split(':')[0] ?? '')) return null;
  if (!SAFE_PROTOCOL.test(trimmed)) return null;
  try {
    const parsed = new URL(trimmed);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' || parsed.protocol === 'mailto:' ? trimmed : null;
  } catch {
    return null;
  }
}

type CiteNode = { type: 'cite'; data: { hName: 'cite'; hProperties: { dataCite: string } }; children: [] };

/** remark plugin: splits text nodes at citations into `cite` nodes (code and links are left alone). */
function remarkCitations() {
  const visit = (node: Root | RootContent) => {
    if (!('children' in node) || node.type === 'link' || node.type === 'linkReference') return;
    const out: (RootContent | CiteNode)[] = [];
    for (const child of node.children as RootContent[]) {
      if (child.type !== 'text') {
        visit(child);
        out.push(child);
        continue;
      }
      let last = 0;
      for (const match of child.value.matchAll(CITATION_RE)) {
        if (match.index > last) out.push({ type: 'text', value: child.value.slice(last, match.index) });
        for (const id of idsInCitation(match[0])) {
          out.push({ type: 'cite', data: { hName: 'cite', hProperties: { dataCite: id } }, children: [] });
        }
        last = match.index + match[0].length;
      }
      if (last === 0) out.push(child);
      else if (last < child.value.length) out.push({ type: 'text', value: child.value.slice(last) });
    }
    (node as { children: unknown[] }).children = out as PhrasingContent[];
  };
  return (tree: Root) => visit(tree);
}

/** Model headings sit inside a page that already has h1/h2: shift them down so the outline stays valid. */
const heading =
  (level: 3 | 4 | 5 | 6) =>
  ({ children }: { children?: ReactNode }) => {
    const Tag = `h${level}` as const;
    return <Tag>{children}</Tag>;
  };

export { citedIds };

export function Markdown({ text, onCite, citationNumber, streaming = false }: MarkdownProps) {
  const { t } = useTranslation('portal');
  const source = streaming ? text.replace(PARTIAL_CITATION_AT_END_RE, '') : text;
  const order = useMemo(() => citedIds(source), [source]);

  const components = useMemo<Components>(
    () => ({
      h1: heading(3),
      h2: heading(4),
      h3: heading(5),
      h4: heading(6),
      h5: heading(6),
      h6: heading(6),
      a: ({ href, children }) => {
        const safe = safeHref(href);
        if (!safe) return <span>{children}</span>;
        return (
          <a href={safe} target="_blank" rel="noopener noreferrer">
            {children}
          </a>
        );
      },
      // Never load a remote image: show what it was meant to say.
      img: ({ alt }) => (alt ? <span className="md-image-alt">{t('sources.image', { alt })}</span> : null),
      cite: (props) => {
        const id = String((props as { 'data-cite'?: string })['data-cite'] ?? '');
        const n = citationNumber?.(id) ?? order.indexOf(id) + 1;
        const label = formatNumber(n);
        return (
          <button
            type="button"
            className="citation"
            data-cite={id}
            aria-label={t('sources.cite', { n: label })}
            onClick={() => onCite?.(id)}
          >
            {label}
          </button>
        );
      },
    }),
    [t, onCite, citationNumber, order],
  );

  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm, remarkCitations]}
        skipHtml
        allowedElements={ALLOWED}
        unwrapDisallowed
        urlTransform={(url) => safeHref(url) ?? ''}
        components={components}
      >
        {source}
      </ReactMarkdown>
    </div>
  );
}
