import {
  ZCsvExport,
  ZDistributeInput,
  ZDistributeResult,
  ZExportInput,
  ZGenerateInput,
  ZGenerateResult,
  ZLinksList,
  ZLinksListInput,
  ZOutbox,
  ZOutboxInput,
  ZQrSheet,
  ZQrSheetInput,
  ZResendInput,
  ZResendResult,
} from '../../shared/schemas/links.ts';
import { listEmails } from '../services/email.ts';
import {
  distributeByEmail,
  exportLinksCsv,
  generateLinks,
  listLinks,
  qrSheet,
  resendToPending,
} from '../services/links.ts';
import { requireServices } from '../services/portal.ts';
import { onboardingProcedure, router, tenantWorkflowProcedure } from '../trpc.ts';

/** Sending mail must not hold a transaction open: these run each database step in its own one. */
const mailingProcedure = tenantWorkflowProcedure('onboarding');

/** Enrollment links: generate, distribute (email, CSV, QR sheet), resend to pending; the outbox. */
export const linksRouter = router({
  list: onboardingProcedure
    .input(ZLinksListInput)
    .output(ZLinksList)
    .query(async ({ ctx, input }) => ({
      ...(await listLinks(ctx.tx, input, ctx.now())),
      mailMode: requireServices(ctx.services).mailer.mode,
    })),

  generate: onboardingProcedure
    .input(ZGenerateInput)
    .output(ZGenerateResult)
    .mutation(({ ctx, input }) =>
      generateLinks(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input.employeeIds, ctx.now()),
    ),

  sendEmails: mailingProcedure
    .input(ZDistributeInput)
    .output(ZDistributeResult)
    .mutation(({ ctx, input }) =>
      distributeByEmail(
        requireServices(ctx.services),
        ctx.inTenant,
        ctx.tenantId,
        { user: ctx.user, meta: ctx.meta },
        input.employeeIds,
        ctx.now(),
      ),
    ),

  exportCsv: onboardingProcedure
    .input(ZExportInput)
    .output(ZCsvExport)
    .mutation(({ ctx, input }) =>
      exportLinksCsv(
        ctx.tx,
        ctx.tenantId,
        { user: ctx.user, meta: ctx.meta },
        requireServices(ctx.services).publicUrl,
        input.employeeIds,
        ctx.now(),
      ),
    ),

  qrSheet: onboardingProcedure
    .input(ZQrSheetInput)
    .output(ZQrSheet)
    .mutation(({ ctx, input }) =>
      qrSheet(
        ctx.tx,
        ctx.tenantId,
        { user: ctx.user, meta: ctx.meta },
        requireServices(ctx.services).publicUrl,
        input.employeeIds,
        ctx.now(),
      ),
    ),

  resendPending: mailingProcedure
    .input(ZResendInput)
    .output(ZResendResult)
    .mutation(({ ctx, input }) =>
      resendToPending(
        requireServices(ctx.services),
        ctx.inTenant,
        ctx.tenantId,
        { user: ctx.user, meta: ctx.meta },
        input.requestId,
        ctx.now(),
      ),
    ),

  outbox: onboardingProcedure
    .input(ZOutboxInput)
    .output(ZOutbox)
    .query(async ({ ctx, input }) => ({
      mailMode: requireServices(ctx.services).mailer.mode,
      messages: (await listEmails(ctx.tx, input.limit)).map((m) => ({
        id: m.id,
        to: m.toAddress,
        subject: m.subject,
        kind: m.kind,
        status: m.status,
        error: m.error,
        text: m.textBody,
        createdAt: m.createdAt.toISOString(),
      })),
    })),
});
