import { ZManageGetInput, ZManageGetOutput, ZManageUpdateInput, ZManageUpdateOutput } from '../../shared/schemas/consent.ts';
import { getManage, updateManage } from '../services/manage.ts';
import { manageProcedure, router } from '../trpc.ts';

export const consentRouter = router({
  manage: manageProcedure
    .input(ZManageGetInput)
    .output(ZManageGetOutput)
    .query(({ ctx, input }) => getManage(ctx.tx, ctx.owner, input.language)),

  update: manageProcedure
    .input(ZManageUpdateInput)
    .output(ZManageUpdateOutput)
    .mutation(({ ctx, input }) => updateManage(ctx.tx, ctx.owner, input, ctx.meta, ctx.now())),
});
