/**
 * A communication as Signal and the Archive show it: the source behind a citation. Shared by the Signal stream
 * (retrieved sources) and the Archive (a past turn's sources), so both render the same card. A source whose
 * consent has since been withdrawn is purged, and shows only as removed — never its content.
 */
import { z } from 'zod';
import { ZChannel } from './common.ts';

export const ZSourceRecord = z
  .object({
    id: z.uuid(),
    channel: ZChannel,
    platform: z.string(),
    occurredAt: z.iso.datetime({ offset: true }),
    /** The consenting employee the record is attributed to. */
    author: z.object({ displayName: z.string(), department: z.string().nullable() }).strict(),
    threadId: z.string().nullable(),
    subject: z.string().nullable(),
    body: z.string(),
    language: z.string().length(2),
  })
  .strict();
export type TSourceRecord = z.infer<typeof ZSourceRecord>;

export const ZCitedSource = z.discriminatedUnion('removed', [
  z.object({ removed: z.literal(false), record: ZSourceRecord }).strict(),
  z.object({ removed: z.literal(true), id: z.uuid() }).strict(),
]);
export type TCitedSource = z.infer<typeof ZCitedSource>;
