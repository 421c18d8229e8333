import type { NoticeTemplate } from './index.ts';

export const fr: NoticeTemplate = {
  title: 'Vos communications et PanOps : c’est vous qui choisissez, canal par canal',
  body: `{{customer}} utilise PanOps afin que {{ceo}}, PDG de l’entreprise, puisse poser des questions sur le fonctionnement de l’entreprise et obtenir des réponses fondées sur les communications internes de celle-ci. PanOps utilise uniquement les communications des salariés qui ont donné leur accord, et uniquement pour les canaux qu’ils autorisent.

Ce qui est collecté si vous autorisez un canal
- E-mail : les messages que vous envoyez et recevez avec votre compte professionnel.
- Messagerie instantanée : vos messages de discussion professionnels (Slack, Microsoft Teams).
- Vidéo : les enregistrements et transcriptions des réunions professionnelles auxquelles vous participez (Zoom, Teams, Google Meet).
- SMS et voix : les SMS professionnels et les enregistrements d’appels du système téléphonique de l’entreprise.

Comment ces données sont utilisées
Des recherches sont effectuées dans vos communications pour répondre aux questions de {{ceo}}. Les réponses citent les éléments sur lesquels elles s’appuient. Aucune donnée provenant d’un canal que vous n’avez pas autorisé n’est conservée ni affichée.

Qui voit quoi
{{ceo}} voit les réponses et les éléments qu’elles citent. Les administrateurs voient uniquement si votre lien d’inscription a été envoyé, ouvert ou utilisé pour répondre, jamais quels canaux vous avez autorisés ou refusés. Les chiffres relatifs au consentement ne sont affichés que pour des groupes d’au moins cinq personnes.

Votre choix n’a aucune conséquence
Dire non, ou changer d’avis plus tard, n’aura aucune incidence sur votre emploi, votre rémunération ou la façon dont vous êtes traité. Vous pouvez autoriser certains canaux et en refuser d’autres.

Changer d’avis
Vous pouvez retirer votre consentement pour n’importe quel canal, ou pour tous, à tout moment, à partir du lien « Gérer mon consentement » figurant sur votre reçu. Le retrait prend effet immédiatement.

Chacune de vos décisions est enregistrée avec l’heure, la version de la présente note d’information et l’appareil utilisé, afin que vous comme l’entreprise puissiez prouver ce qui a été convenu.`,
};
