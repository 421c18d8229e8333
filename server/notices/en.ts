import type { NoticeTemplate } from './index.ts';

export const en: NoticeTemplate = {
  title: 'Your communications and PanOps: your choice, channel by channel',
  body: `{{customer}} uses PanOps so that {{ceo}}, its CEO, can ask questions about how the company is working and get answers drawn from the company's own communications. PanOps only uses the communications of employees who say yes, and only for the channels they allow.

What is collected if you allow a channel
- Email: messages you send and receive with your work account.
- Messaging: your work chat messages (Slack, Microsoft Teams).
- Video: recordings and transcripts of work meetings you take part in (Zoom, Teams, Google Meet).
- SMS and voice: work text messages and call recordings on the company phone system.

How it is used
Your communications are searched to answer the CEO's questions. Answers cite the records they are based on. Nothing from a channel you did not allow is stored or shown.

Who sees what
The CEO sees answers and the records they cite. Administrators see only whether your enrollment link was sent, opened or answered, never which channels you allowed or refused. Figures about consent are only shown for groups of five people or more.

Your choice has no consequences
Saying no, or changing your mind later, will not affect your job, your pay or how you are treated. You can allow some channels and refuse others.

Changing your mind
You can withdraw any channel, or everything, at any time from the "manage my consent" link on your receipt. Withdrawal takes effect immediately.

Every decision you make is recorded with the time, this notice's version and the device used, so that you and the company can both prove what was agreed.`,
};
