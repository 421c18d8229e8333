import type { NoticeTemplate } from './index.ts';

export const nl: NoticeTemplate = {
  title: 'Uw communicatie en PanOps: u kiest, kanaal per kanaal',
  body: `{{customer}} gebruikt PanOps zodat {{ceo}}, de CEO, vragen kan stellen over hoe het bedrijf werkt en antwoorden krijgt op basis van de eigen communicatie van het bedrijf. PanOps gebruikt alleen de communicatie van medewerkers die ja zeggen, en alleen voor de kanalen die zij toestaan.

Wat wordt verzameld als u een kanaal toestaat
- E-mail: berichten die u met uw zakelijke account verstuurt en ontvangt.
- Chatberichten: uw zakelijke chatberichten (Slack, Microsoft Teams).
- Video: opnamen en transcripties van werkoverleggen waaraan u deelneemt (Zoom, Teams, Google Meet).
- Sms en spraak: zakelijke sms-berichten en gespreksopnamen op het telefoonsysteem van het bedrijf.

Hoe uw communicatie wordt gebruikt
Uw communicatie wordt doorzocht om de vragen van de CEO te beantwoorden. Antwoorden vermelden de gegevens waarop ze zijn gebaseerd. Niets uit een kanaal dat u niet hebt toegestaan, wordt opgeslagen of getoond.

Wie wat ziet
De CEO ziet de antwoorden en de gegevens waarnaar ze verwijzen. Beheerders zien alleen of uw aanmeldlink is verstuurd, geopend of beantwoord, nooit welke kanalen u hebt toegestaan of geweigerd. Cijfers over toestemming worden alleen getoond voor groepen van vijf personen of meer.

Uw keuze heeft geen gevolgen
Nee zeggen, of later van gedachten veranderen, heeft geen invloed op uw baan, uw salaris of de manier waarop u wordt behandeld. U kunt sommige kanalen toestaan en andere weigeren.

Van gedachten veranderen
U kunt elk kanaal, of alles, op elk moment intrekken via de link ‘Mijn toestemming beheren’ op uw bevestiging. De intrekking gaat onmiddellijk in.

Elke beslissing die u neemt, wordt vastgelegd met het tijdstip, de versie van deze verklaring en het gebruikte apparaat, zodat zowel u als het bedrijf kunnen aantonen wat is afgesproken.`,
};
