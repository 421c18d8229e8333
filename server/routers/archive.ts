import { eq } from 'drizzle-orm';
import { DEFAULT_UI_LANGUAGE, isUiLanguage } from '../../shared/languages.ts';
import {
  ZArchivedSession,
  ZArchiveSearchInput,
  ZArchiveSessionsInput,
  ZExport,
  ZExportInput,
  ZRetrievedSources,
  ZSearchPage,
  ZSessionIdInput,
  ZSessionPage,
  ZTurnIdInput,
} from '../../shared/schemas/archive.ts';
import { customers } from '../db/schema.ts';
import { recordAudit } from '../services/audit.ts';
import { exportSession, getSession, listSessions, retrievedSources, searchTurns } from '../services/archive.ts';
import { archiveProcedure, router } from '../trpc.ts';

const ownerOf = (ctx: { tenantId: string; user: { id: string } }) => ({ customerId: ctx.tenantId, userId: ctx.user.id });

/** The CEO's own past Signal sessions: list, search, one session with its sources, markdown export. */
export const archiveRouter = router({
  sessions: archiveProcedure
    .input(ZArchiveSessionsInput)
    .output(ZSessionPage)
    .query(({ ctx, input }) => listSessions(ctx.tx, ownerOf(ctx), input.page)),

  search: archiveProcedure
    .input(ZArchiveSearchInput)
    .output(ZSearchPage)
    .query(({ ctx, input }) => searchTurns(ctx.tx, ownerOf(ctx), input.q, input.page)),

  session: archiveProcedure
    .input(ZSessionIdInput)
    .output(ZArchivedSession)
    .query(({ ctx, input }) => getSession(ctx.tx, ownerOf(ctx), input.sessionId)),

  retrieved: archiveProcedure
    .input(ZTurnIdInput)
    .output(ZRetrievedSources)
    .query(async ({ ctx, input }) => ({
      turnId: input.turnId,
      sources: await retrievedSources(ctx.tx, ownerOf(ctx), input.turnId),
    })),

  /** A mutation, not a query: the file leaves PanOps with communications in it, so it is audited. */
  export: archiveProcedure
    .input(ZExportInput)
    .output(ZExport)
    .mutation(async ({ ctx, input }) => {
      const [customer] = await ctx.tx
        .select({ outputLanguage: customers.outputLanguage })
        .from(customers)
        .where(eq(customers.id, ctx.tenantId));
      const language =
        input.language ??
        [ctx.user.language, customer?.outputLanguage].find((l): l is string => !!l && isUiLanguage(l)) ??
        DEFAULT_UI_LANGUAGE;
      const file = await exportSession(ctx.tx, ownerOf(ctx), input.sessionId, {
        language,
        timeZone: input.timeZone,
        now: ctx.now(),
      });
      await recordAudit(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, 'archive.export', input.sessionId, {
        language,
      });
      return file;
    }),
});
