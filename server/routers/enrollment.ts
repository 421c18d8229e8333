import {
  ZEnrollmentGetInput,
  ZEnrollmentGetOutput,
  ZEnrollmentSubmitInput,
  ZNoticeShownInput,
  ZOk,
  ZReceipt,
} from '../../shared/schemas/enrollment.ts';
import { getEnrollment, recordNoticeShown, submitEnrollment } from '../services/enrollment.ts';
import { enrollmentProcedure, router } from '../trpc.ts';

export const enrollmentRouter = router({
  get: enrollmentProcedure
    .input(ZEnrollmentGetInput)
    .output(ZEnrollmentGetOutput)
    .query(({ ctx, input }) => getEnrollment(ctx.tx, ctx.owner, input.token, input.language, ctx.now())),

  noticeShown: enrollmentProcedure
    .input(ZNoticeShownInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await recordNoticeShown(ctx.tx, ctx.owner, input.token, input.noticeVersionId, ctx.now());
      return { ok: true as const };
    }),

  submit: enrollmentProcedure
    .input(ZEnrollmentSubmitInput)
    .output(ZReceipt)
    .mutation(({ ctx, input }) => submitEnrollment(ctx.tx, ctx.owner, input.token, input, ctx.meta, ctx.now())),
});
