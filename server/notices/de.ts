import type { NoticeTemplate } from './index.ts';

export const de: NoticeTemplate = {
  title: 'Ihre Kommunikation und PanOps: Sie entscheiden, Kanal für Kanal',
  body: `{{customer}} nutzt PanOps, damit {{ceo}}, CEO des Unternehmens, Fragen zur Arbeitsweise des Unternehmens stellen und Antworten erhalten kann, die auf der unternehmenseigenen Kommunikation beruhen. PanOps verwendet nur die Kommunikation von Beschäftigten, die zustimmen, und nur für die Kanäle, die sie erlauben.

Was erfasst wird, wenn Sie einen Kanal erlauben
- E-Mail: Nachrichten, die Sie mit Ihrem geschäftlichen Konto senden und empfangen.
- Chat: Ihre geschäftlichen Chatnachrichten (Slack, Microsoft Teams).
- Video: Aufzeichnungen und Transkripte geschäftlicher Besprechungen, an denen Sie teilnehmen (Zoom, Teams, Google Meet).
- SMS und Telefonie: geschäftliche SMS und Anrufaufzeichnungen aus der Telefonanlage des Unternehmens.

Wie sie verwendet wird
Ihre Kommunikation wird durchsucht, um die Fragen von {{ceo}} zu beantworten. Die Antworten verweisen auf die Einträge, auf denen sie beruhen. Aus einem Kanal, den Sie nicht erlaubt haben, wird nichts gespeichert oder angezeigt.

Wer was sieht
{{ceo}} sieht die Antworten und die Einträge, auf die sie verweisen. Die Administration sieht nur, ob Ihr Registrierungslink gesendet, geöffnet oder beantwortet wurde – niemals, welche Kanäle Sie erlaubt oder abgelehnt haben. Zahlen zur Einwilligung werden nur für Gruppen ab fünf Personen angezeigt.

Ihre Entscheidung hat keine Folgen
Wenn Sie ablehnen oder Ihre Meinung später ändern, hat das keine Auswirkungen auf Ihren Arbeitsplatz, Ihr Gehalt oder darauf, wie Sie behandelt werden. Sie können einige Kanäle erlauben und andere ablehnen.

Ihre Meinung ändern
Sie können Ihre Einwilligung für einzelne Kanäle oder für alle jederzeit über den Link „Meine Einwilligung verwalten“ in Ihrer Bestätigung widerrufen. Der Widerruf wird sofort wirksam.

Jede Ihrer Entscheidungen wird mit Uhrzeit, der Version dieses Hinweises und dem verwendeten Gerät erfasst, damit sowohl Sie als auch das Unternehmen nachweisen können, was vereinbart wurde.`,
};
