/**
 * Citations in Signal answers: the model (and the extractive mode) cite a record as `[#<uuid>]`, or several in one
 * pair of brackets as `[#<uuid>, #<uuid>]`. One grammar for the renderer (clickable buttons), the Archive (which
 * sources a turn cites) and the export.
 */
export const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** A whole citation; `g` flag, so use with matchAll / replace. */
export const CITATION_RE = new RegExp(`\\[#${UUID_PATTERN}(?:\\s*[,;]\\s*#?${UUID_PATTERN})*\\]`, 'g');

/** An unfinished citation at the very end of a streaming answer. */
export const PARTIAL_CITATION_AT_END_RE = /\[#[0-9a-fA-F-]{0,36}(?:\s*[,;]\s*#?[0-9a-fA-F-]{0,36})*$/;

const UUID_RE = new RegExp(UUID_PATTERN, 'g');

/** The record ids inside one citation match, lower-cased. */
export const idsInCitation = (citation: string): string[] => (citation.match(UUID_RE) ?? []).map((id) => id.toLowerCase());

/** The record ids cited in `text`, in order of first appearance, lower-cased, without repeats. */
export function citedIds(text: string): string[] {
  const ids = new Set<string>();
  for (const match of text.matchAll(CITATION_RE)) for (const id of idsInCitation(match[0])) ids.add(id);
  return [...ids];
}
