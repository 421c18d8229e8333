import { router } from '../trpc.ts';

/** Admin panel: enrollment rates (≥ 5-person aggregates only), people's link status, identity corrections. */
export const adminRouter = router({});
