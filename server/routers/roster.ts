import { router } from '../trpc.ts';

/** Roster import: CSV upload, preview, column mapping, validation, diff, apply. */
export const rosterRouter = router({});
