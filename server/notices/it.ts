import type { NoticeTemplate } from './index.ts';

export const it: NoticeTemplate = {
  title: 'Le tue comunicazioni e PanOps: scegli tu, canale per canale',
  body: `{{customer}} utilizza PanOps affinché {{ceo}}, il suo CEO, possa porre domande sul funzionamento dell'azienda e ottenere risposte tratte dalle comunicazioni dell'azienda stessa. PanOps utilizza solo le comunicazioni dei dipendenti che dicono sì, e solo per i canali che consentono.

Cosa viene raccolto se consenti un canale
- E-mail: i messaggi che invii e ricevi con il tuo account di lavoro.
- Messaggistica: i tuoi messaggi di chat di lavoro (Slack, Microsoft Teams).
- Video: registrazioni e trascrizioni delle riunioni di lavoro a cui partecipi (Zoom, Teams, Google Meet).
- SMS e voce: SMS di lavoro e registrazioni delle chiamate sul sistema telefonico aziendale.

Come vengono utilizzate
Le tue comunicazioni vengono consultate per rispondere alle domande del CEO. Le risposte citano i documenti su cui si basano. Nulla di un canale che non hai consentito viene conservato o mostrato.

Chi vede cosa
Il CEO vede le risposte e i documenti che citano. Gli amministratori vedono solo se il tuo link di adesione è stato inviato, aperto o ha ricevuto risposta, mai quali canali hai consentito o rifiutato. I dati sul consenso vengono mostrati solo per gruppi di almeno cinque persone.

La tua scelta non ha conseguenze
Dire di no, o cambiare idea in seguito, non influirà sul tuo lavoro, sulla tua retribuzione né sul modo in cui vieni trattato. Puoi consentire alcuni canali e rifiutarne altri.

Cambiare idea
Puoi revocare qualsiasi canale, o tutti, in qualsiasi momento dal link «Gestisci il mio consenso» della tua ricevuta. La revoca ha effetto immediato.

Ogni tua decisione viene registrata con l'ora, la versione di questa informativa e il dispositivo utilizzato, così che sia tu sia l'azienda possiate dimostrare ciò che è stato concordato.`,
};
