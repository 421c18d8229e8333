/** Post-onboarding checks (seed 000 "Post-Onboarding Monitoring"): scheduled when the session closes. */
import { POST_CHECKS } from '../../shared/onboarding.ts';
import type { Tx } from '../db/client.ts';
import { postOnboardingChecks } from '../db/schema.ts';

/** Creates the four checks due at +30 min, +4 h, +24 h and +48 h after `closedAt`; a second call changes nothing. */
export async function schedulePostOnboardingChecks(tx: Tx, customerId: string, closedAt: Date) {
  await tx
    .insert(postOnboardingChecks)
    .values(
      POST_CHECKS.map((c) => ({
        customerId,
        check: c.key,
        dueAt: new Date(closedAt.getTime() + c.afterMinutes * 60_000),
      })),
    )
    .onConflictDoNothing();
}
