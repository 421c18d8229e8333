import type { NoticeTemplate } from './index.ts';

export const es: NoticeTemplate = {
  title: 'Sus comunicaciones y PanOps: usted decide, canal por canal',
  body: `{{customer}} utiliza PanOps para que {{ceo}}, CEO de la empresa, pueda hacer preguntas sobre el funcionamiento de la empresa y obtener respuestas basadas en las propias comunicaciones de la empresa. PanOps solo utiliza las comunicaciones de los empleados que dicen que sí, y solo de los canales que permiten.

Qué se recopila si permite un canal
- Correo electrónico: los mensajes que envía y recibe con su cuenta del trabajo.
- Mensajería: sus mensajes de chat del trabajo (Slack, Microsoft Teams).
- Video: grabaciones y transcripciones de las reuniones de trabajo en las que participa (Zoom, Teams, Google Meet).
- SMS y voz: mensajes de texto y grabaciones de llamadas del trabajo en el sistema telefónico de la empresa.

Cómo se utilizan
Se realizan búsquedas en sus comunicaciones para responder a las preguntas de {{ceo}}. Las respuestas citan los registros en los que se basan. No se almacena ni se muestra nada de un canal que usted no haya permitido.

Quién ve qué
{{ceo}} ve las respuestas y los registros que estas citan. Los administradores solo ven si su enlace de inscripción se envió, se abrió o se respondió; nunca qué canales permitió o rechazó. Las cifras sobre el consentimiento solo se muestran para grupos de cinco o más personas.

Su decisión no tiene consecuencias
Decir que no, o cambiar de opinión más adelante, no afectará a su empleo, a su salario ni al trato que reciba. Puede permitir algunos canales y rechazar otros.

Cambiar de opinión
Puede retirar su consentimiento para cualquier canal, o para todos, en cualquier momento desde el enlace «Gestionar mi consentimiento» de su comprobante. La retirada surte efecto de inmediato.

Cada decisión que tome queda registrada con la hora, la versión de este aviso y el dispositivo utilizado, para que tanto usted como la empresa puedan demostrar lo que se acordó.`,
};
