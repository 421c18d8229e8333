import { router } from '../trpc.ts';

/** Enrollment links: generate, distribute (email, CSV, QR sheet), resend to pending; the outbox. */
export const linksRouter = router({});
