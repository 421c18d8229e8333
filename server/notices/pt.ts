import type { NoticeTemplate } from './index.ts';

export const pt: NoticeTemplate = {
  title: 'As suas comunicações e o PanOps: a escolha é sua, canal a canal',
  body: `A {{customer}} utiliza o PanOps para que {{ceo}}, o seu CEO, possa fazer perguntas sobre o funcionamento da empresa e obter respostas baseadas nas comunicações da própria empresa. O PanOps só utiliza as comunicações dos colaboradores que dizem que sim, e apenas nos canais que autorizam.

O que é recolhido se autorizar um canal
- E-mail: as mensagens que envia e recebe com a sua conta profissional.
- Mensagens: as suas mensagens de chat profissionais (Slack, Microsoft Teams).
- Vídeo: gravações e transcrições das reuniões de trabalho em que participa (Zoom, Teams, Google Meet).
- SMS e voz: mensagens de texto profissionais e gravações de chamadas no sistema telefónico da empresa.

Como são utilizadas
As suas comunicações são pesquisadas para responder às perguntas do CEO. As respostas indicam os registos em que se baseiam. Nada de um canal que não autorizou é guardado ou mostrado.

Quem vê o quê
O CEO vê as respostas e os registos que estas citam. Os administradores veem apenas se o seu link de inscrição foi enviado, aberto ou respondido, nunca que canais autorizou ou recusou. Os números relativos ao consentimento só são apresentados para grupos de cinco ou mais pessoas.

A sua escolha não tem consequências
Dizer que não, ou mudar de ideias mais tarde, não afetará o seu emprego, a sua remuneração nem a forma como é tratado. Pode autorizar alguns canais e recusar outros.

Mudar de ideias
Pode retirar qualquer canal, ou tudo, a qualquer momento, através do link «Gerir o meu consentimento» do seu comprovativo. A retirada produz efeitos imediatamente.

Cada decisão que toma é registada com a hora, a versão deste aviso e o dispositivo utilizado, para que tanto o colaborador como a empresa possam provar o que foi acordado.`,
};
