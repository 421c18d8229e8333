/**
 * Believable company communications for the demo seed and the Signal benchmarks (one generator for both, so the
 * benchmark measures the data people see in the demo). Deterministic for a given seed: emails in threads, chat
 * messages in channels, meeting-transcript segments by several speakers, SMS and call transcripts — about business
 * topics (pipeline, hiring, supplier delay, churn risk, launch, budget, incidents…) in each department's vocabulary,
 * mostly English with some Spanish, French, German and a little Japanese, over the last ~60 days with a weekday
 * rhythm. Yields records one at a time, so a million of them never sit in memory.
 */
import type { Channel } from '../../shared/channels.ts';
import type { IncomingCommunication } from '../services/communications.ts';

export type GeneratorPerson = {
  email: string;
  displayName: string;
  department: string | null;
  /** Channels to write on (default: all four); the benchmark leaves some unconsented on purpose. */
  channels?: readonly Channel[];
  /** The language they write in: en, es, fr, de or ja (default: mostly English, fixed by their email). */
  language?: string | null;
};

export type GeneratorOptions = {
  seed: number;
  people: readonly GeneratorPerson[];
  count: number;
  /** The newest possible timestamp; records spread over `days` before it. */
  end: Date;
  days?: number;
  /** Prefix of external ids, so separate runs over one customer do not collide. */
  idPrefix?: string;
};

/** mulberry32: small, fast, good enough for test data, and the same sequence everywhere. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;

type Lang = 'en' | 'es' | 'fr' | 'de' | 'ja';

const CUSTOMERS = ['Northwind', 'Globex', 'Initech', 'Umbrella Retail', 'Stark Logistics', 'Wayne Foods', 'Hooli', 'Vandelay Imports', 'Soylent', 'Cyberdyne'];
const PRODUCTS = ['Atlas', 'Beacon', 'Compass', 'Orbit'];
const SUPPLIERS = ['Shenzhen Components', 'Baltic Metals', 'Iberia Packaging', 'Rhein Plastics', 'Osaka Precision'];
const CITIES = ['London', 'Madrid', 'Paris', 'Berlin', 'Tokyo', 'New York'];

/**
 * Topic → sentences per language; {c} customer, {p} product, {s} supplier, {d} weekday, {x} city, {q} quarter, and
 * {n:min-max} a figure in a range that is plausible for what the sentence says (a rating out of 10 stays under 10,
 * a pipeline coverage "below our 3x target" under 3); a decimal bound gives one decimal. A figure without a range
 * is refused, so no sentence can print "rated 32 out of 10" again.
 */
type Topic = { key: string; subjects: Partial<Record<Lang, string[]>>; lines: Partial<Record<Lang, string[]>> };

const TOPICS: Topic[] = [
  {
    key: 'pipeline',
    subjects: {
      en: ['Q{q} pipeline review', '{c} deal status', 'Forecast call prep', 'Pipeline coverage for next quarter'],
      es: ['Revisión del pipeline del T{q}', 'Estado de la oportunidad con {c}'],
      fr: ['Revue du pipeline T{q}', 'Point sur le deal {c}'],
      de: ['Pipeline-Review Q{q}', 'Stand der Verhandlung mit {c}'],
      ja: ['第{q}四半期のパイプライン確認'],
    },
    lines: {
      en: [
        'The {c} deal moved to negotiation; they want a {n:5-25}% discount on the three-year term.',
        'Pipeline coverage is {n:1.4-2.8}x for next quarter, which is below our 3x target.',
        'Procurement at {c} asked for a security review before they sign.',
        'We lost the {c} opportunity to a competitor on price.',
        'Can we get legal to turn around the {c} redlines by {d}?',
        'The {x} team closed {n:2-9} new logos this month.',
        'I moved the {c} close date out by two weeks; the champion is on leave.',
      ],
      es: [
        'La oportunidad con {c} pasó a negociación; piden un descuento del {n:5-25}%.',
        'La cobertura del pipeline es de {n:1.4-2.8}x para el próximo trimestre, por debajo del objetivo.',
        'Compras de {c} pide una revisión de seguridad antes de firmar.',
        'Necesitamos que legal revise el contrato de {c} antes del {d}.',
      ],
      fr: [
        'Le deal {c} est passé en négociation ; ils demandent une remise de {n:5-25} %.',
        'La couverture du pipeline est de {n:1.4-2.8}x pour le trimestre prochain, sous notre objectif.',
        'Les achats de {c} demandent un audit de sécurité avant de signer.',
        "Pouvons-nous obtenir le retour du juridique sur le contrat {c} d'ici {d} ?",
      ],
      de: [
        'Der Deal mit {c} ist in der Verhandlung; sie wollen {n:5-25} % Rabatt auf drei Jahre.',
        'Die Pipeline-Abdeckung liegt bei {n:1.4-2.8}x für das nächste Quartal, unter unserem Ziel.',
        'Der Einkauf von {c} verlangt vor der Unterschrift eine Sicherheitsprüfung.',
      ],
      ja: ['{c}との商談は交渉段階に入りました。{n:5-25}%の値引きを求められています。', '来四半期のパイプラインは目標を下回っています。'],
    },
  },
  {
    key: 'hiring',
    subjects: {
      en: ['Hiring plan update', 'Candidate feedback: senior engineer', 'Offer approval needed', 'Interview loop for {x}'],
      es: ['Actualización del plan de contratación', 'Feedback de candidatos'],
      fr: ['Plan de recrutement', 'Retour sur les candidats'],
      de: ['Einstellungsplan', 'Feedback zu Kandidaten'],
      ja: ['採用計画の更新'],
    },
    lines: {
      en: [
        'We have {n:3-12} open roles in the {x} office and only two are in final rounds.',
        'The senior engineer candidate accepted our offer and starts in three weeks.',
        'Time to hire is now {n:32-68} days on average, up from last quarter.',
        'The candidate declined because of the compensation gap; can we revisit the band?',
        'Recruiting wants budget for an agency to fill the sales roles faster.',
        'Please send interview feedback by {d} so we can make a decision.',
      ],
      es: [
        'Tenemos {n:3-12} puestos abiertos en la oficina de {x}.',
        'El candidato rechazó la oferta por el salario; ¿podemos revisar la banda?',
        'Por favor, enviad el feedback de las entrevistas antes del {d}.',
      ],
      fr: [
        'Nous avons {n:3-12} postes ouverts au bureau de {x}.',
        "La candidate a refusé l'offre à cause de la rémunération ; pouvons-nous revoir la grille ?",
        "Merci d'envoyer vos retours d'entretien avant {d}.",
      ],
      de: [
        'Wir haben {n:3-12} offene Stellen im Büro {x}.',
        'Der Kandidat hat wegen des Gehalts abgesagt; können wir das Band überprüfen?',
        'Bitte schickt das Interview-Feedback bis {d}.',
      ],
      ja: ['{x}オフィスでは{n:3-12}名の採用枠が空いています。', '面接のフィードバックを{d}までに送ってください。'],
    },
  },
  {
    key: 'supplier',
    subjects: {
      en: ['Supplier delay: {s}', 'Shipment update', 'Inventory risk for {p}', 'Escalation with {s}'],
      es: ['Retraso del proveedor {s}', 'Actualización del envío'],
      fr: ['Retard fournisseur {s}', 'Point sur les livraisons'],
      de: ['Lieferverzug bei {s}', 'Lieferstatus'],
      ja: ['{s}の納期遅延について'],
    },
    lines: {
      en: [
        '{s} confirmed a {n:3-21}-day delay on the components for {p}.',
        'We have about {n:4-20} days of inventory left before the {p} line stops.',
        'Air freight would cost an extra {n:12-85}k but keeps the launch date.',
        'Customs is holding the shipment from {s}; we expect release by {d}.',
        'I asked {s} for a recovery plan and a second source for the housings.',
        'The delay from {s} will push {n:6-48} customer orders into next month.',
      ],
      es: [
        '{s} confirmó un retraso de {n:3-21} días en los componentes de {p}.',
        'Nos quedan unos {n:4-20} días de inventario antes de parar la línea de {p}.',
        'Aduanas retiene el envío de {s}; esperamos liberarlo el {d}.',
      ],
      fr: [
        '{s} a confirmé un retard de {n:3-21} jours sur les composants de {p}.',
        'Il nous reste environ {n:4-20} jours de stock avant l’arrêt de la ligne {p}.',
        'La douane bloque la livraison de {s} ; libération prévue {d}.',
      ],
      de: [
        '{s} hat eine Verzögerung von {n:3-21} Tagen bei den Komponenten für {p} bestätigt.',
        'Wir haben noch etwa {n:4-20} Tage Lagerbestand, bevor die Linie {p} stoppt.',
        'Luftfracht kostet {n:12-85}k extra, hält aber den Starttermin.',
      ],
      ja: ['{s}から{p}の部品が{n:3-21}日遅れると連絡がありました。', '在庫はあと{n:4-20}日分しかありません。'],
    },
  },
  {
    key: 'churn',
    subjects: {
      en: ['{c} renewal at risk', 'Escalation: {c}', 'Churn review', 'Customer health check'],
      es: ['Riesgo de baja: {c}', 'Escalado de {c}'],
      fr: ['Risque de churn : {c}', 'Escalade client {c}'],
      de: ['Kündigungsrisiko {c}', 'Eskalation {c}'],
      ja: ['{c}の解約リスク'],
    },
    lines: {
      en: [
        '{c} is unhappy with support response times and mentioned evaluating alternatives.',
        'Usage at {c} dropped {n:8-45}% over the last month.',
        'Their new VP wants to consolidate vendors; our renewal is in {n:14-90} days.',
        'We offered {c} a dedicated success manager to keep the account.',
        'The {c} escalation is resolved, but they asked for a credit.',
        'Three tickets from {c} this week were about the same bug in {p}.',
      ],
      es: [
        '{c} no está contento con los tiempos de respuesta del soporte.',
        'El uso en {c} bajó un {n:8-45}% el último mes.',
        'Les ofrecimos a {c} un gestor dedicado para mantener la cuenta.',
      ],
      fr: [
        "{c} n'est pas satisfait des délais du support et évalue d'autres solutions.",
        "L'usage chez {c} a baissé de {n:8-45} % le mois dernier.",
        'Nous avons proposé à {c} un responsable dédié pour garder le compte.',
      ],
      de: [
        '{c} ist mit den Reaktionszeiten des Supports unzufrieden.',
        'Die Nutzung bei {c} ist im letzten Monat um {n:8-45} % gesunken.',
      ],
      ja: ['{c}はサポートの対応時間に不満を持っています。', '{c}の利用率が先月{n:8-45}%下がりました。'],
    },
  },
  {
    key: 'launch',
    subjects: {
      en: ['{p} launch checklist', 'Launch date for {p}', 'Go-to-market plan', 'Beta feedback on {p}'],
      es: ['Lanzamiento de {p}', 'Plan de salida al mercado'],
      fr: ['Lancement de {p}', 'Plan de mise sur le marché'],
      de: ['Launch von {p}', 'Go-to-Market-Plan'],
      ja: ['{p}のローンチ準備'],
    },
    lines: {
      en: [
        'The {p} launch is on track for {d}, pending the final security review.',
        'Beta customers rated {p} {n:5.8-8.9} out of 10; onboarding is the main complaint.',
        'Marketing needs the pricing page copy for {p} by {d}.',
        'We should delay the {p} launch a week if the supplier issue is not fixed.',
        'Press briefing for {p} is booked with two analysts in {x}.',
      ],
      es: [
        'El lanzamiento de {p} sigue previsto para el {d}.',
        'Marketing necesita los textos de precios de {p} antes del {d}.',
      ],
      fr: [
        'Le lancement de {p} est prévu pour {d}, sous réserve de la revue de sécurité.',
        'Les clients bêta donnent {n:5.8-8.9}/10 à {p} ; l’onboarding est le principal reproche.',
      ],
      de: [
        'Der Launch von {p} ist für {d} geplant, vorbehaltlich der Sicherheitsprüfung.',
        'Beta-Kunden bewerten {p} mit {n:5.8-8.9} von 10 Punkten.',
      ],
      ja: ['{p}のローンチは{d}の予定です。', 'ベータ版の顧客評価は10点中{n:5.8-8.9}点でした。'],
    },
  },
  {
    key: 'budget',
    subjects: {
      en: ['Budget review', 'Q{q} forecast', 'Spend approval', 'Headcount budget'],
      es: ['Revisión del presupuesto', 'Previsión T{q}'],
      fr: ['Revue budgétaire', 'Prévisions T{q}'],
      de: ['Budgetprüfung', 'Prognose Q{q}'],
      ja: ['予算の見直し'],
    },
    lines: {
      en: [
        'Marketing is {n:4-22}% over budget for the quarter because of the event spend.',
        'Finance needs the revised forecast by {d} for the board pack.',
        'Can you approve the {n:18-95}k purchase order for the new laptops?',
        'Cloud costs went up {n:6-38}% after the migration; we need a savings plan.',
        'We are freezing discretionary spend until the Q{q} numbers are in.',
      ],
      es: [
        'Marketing está un {n:4-22}% por encima del presupuesto este trimestre.',
        'Finanzas necesita la previsión revisada antes del {d}.',
      ],
      fr: [
        'Le marketing dépasse son budget de {n:4-22} % ce trimestre.',
        'La finance a besoin des prévisions révisées avant {d} pour le conseil.',
      ],
      de: [
        'Das Marketing liegt in diesem Quartal {n:4-22} % über dem Budget.',
        'Die Cloud-Kosten sind nach der Migration um {n:6-38} % gestiegen.',
      ],
      ja: ['マーケティング費用が予算を{n:4-22}%超えています。', '修正した見通しを{d}までに提出してください。'],
    },
  },
  {
    key: 'incident',
    subjects: {
      en: ['Incident report: {p} outage', 'Postmortem: API latency', 'Sev{q} incident update', 'On-call handover'],
      es: ['Incidente: caída de {p}', 'Informe post mortem'],
      fr: ['Incident : panne de {p}', 'Post-mortem latence API'],
      de: ['Störung: Ausfall von {p}', 'Postmortem API-Latenz'],
      ja: ['{p}の障害報告'],
    },
    lines: {
      en: [
        '{p} was down for {n:6-95} minutes this morning after a bad deploy; we rolled back.',
        'API latency p95 went to {n:450-2800} ms during the batch job; we added an index.',
        'Root cause was an expired certificate on the {x} load balancer.',
        '{n:3-120} customers were affected; support has sent the status update.',
        'Action items: alerting on disk usage and a canary for the billing service.',
      ],
      es: [
        '{p} estuvo caído {n:6-95} minutos esta mañana tras un despliegue fallido.',
        'La causa raíz fue un certificado caducado en el balanceador de {x}.',
      ],
      fr: [
        '{p} a été indisponible {n:6-95} minutes ce matin après un mauvais déploiement.',
        'La cause était un certificat expiré sur le répartiteur de {x}.',
      ],
      de: [
        '{p} war heute Morgen nach einem fehlerhaften Deployment {n:6-95} Minuten ausgefallen.',
        'Ursache war ein abgelaufenes Zertifikat am Load Balancer in {x}.',
      ],
      ja: ['今朝のデプロイ後、{p}が{n:6-95}分間停止しました。', '原因は{x}のロードバランサーの証明書の期限切れでした。'],
    },
  },
];

/** Which topics each department talks about most (others appear now and then). */
const DEPARTMENT_TOPICS: Record<string, string[]> = {
  sales: ['pipeline', 'churn', 'launch'],
  engineering: ['incident', 'launch', 'hiring'],
  operations: ['supplier', 'budget', 'incident'],
  finance: ['budget', 'pipeline', 'hiring'],
  marketing: ['launch', 'budget', 'pipeline'],
  people: ['hiring', 'budget'],
  hr: ['hiring', 'budget'],
  support: ['churn', 'incident'],
  'customer success': ['churn', 'pipeline'],
  product: ['launch', 'incident', 'churn'],
};

const WEEKDAYS: Record<Lang, string[]> = {
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  es: ['lunes', 'martes', 'miércoles', 'jueves', 'viernes'],
  fr: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi'],
  de: ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag'],
  ja: ['月曜日', '火曜日', '水曜日', '木曜日', '金曜日'],
};

const CHAT_OPENERS: Record<Lang, string[]> = {
  en: ['Quick update:', 'Heads up:', 'FYI', 'Question for the team:', ''],
  es: ['Actualización rápida:', 'Ojo:', ''],
  fr: ['Petit point :', 'Pour info :', ''],
  de: ['Kurzes Update:', 'Zur Info:', ''],
  ja: ['共有です。', ''],
};

const LANGS: readonly string[] = ['en', 'es', 'fr', 'de', 'ja'] satisfies Lang[];

/** A person's working language: theirs if given, else fixed by their email so they write consistently; mostly English. */
function languageOf({ email, language }: GeneratorPerson): Lang {
  if (language && LANGS.includes(language)) return language as Lang;
  let h = 0;
  for (let i = 0; i < email.length; i++) h = (Math.imul(h, 31) + email.charCodeAt(i)) >>> 0;
  const r = h % 100;
  return r < 82 ? 'en' : r < 88 ? 'es' : r < 93 ? 'fr' : r < 98 ? 'de' : 'ja';
}

const FIGURE = /\{(\w)(?::(\d+(?:\.\d)?)-(\d+(?:\.\d)?))?\}/g;
const numberFormats = new Map<string, Intl.NumberFormat>();

/** A figure between `min` and `max` (inclusive), in the language's digits and separators. */
function figure(r: Rng, lang: Lang, min: string, max: string): string {
  const decimals = min.includes('.') || max.includes('.') ? 1 : 0;
  const scale = 10 ** decimals;
  const value = (Math.round(Number(min) * scale) + r.int(Math.round((Number(max) - Number(min)) * scale) + 1)) / scale;
  const key = `${lang}/${decimals}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    numberFormats.set(key, format);
  }
  return format.format(value);
}

function fill(template: string, r: Rng, lang: Lang): string {
  return template.replace(FIGURE, (_, k: string, min?: string, max?: string) => {
    switch (k) {
      case 'c': return r.pick(CUSTOMERS);
      case 'p': return r.pick(PRODUCTS);
      case 's': return r.pick(SUPPLIERS);
      case 'x': return r.pick(CITIES);
      case 'd': return r.pick(WEEKDAYS[lang]);
      case 'q': return String(1 + r.int(4));
      case 'n':
        if (min !== undefined && max !== undefined && Number(min) <= Number(max)) return figure(r, lang, min, max);
        throw new Error(`a figure needs a plausible range, {n:min-max}: ${template}`);
      default:
        throw new Error(`unknown placeholder {${k}} in: ${template}`);
    }
  });
}

function sentences(topic: Topic, lang: Lang, r: Rng, count: number): string {
  const lines = topic.lines[lang] ?? topic.lines.en!;
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(fill(r.pick(lines), r, lang));
  return out.join(lang === 'ja' ? '' : ' ');
}

const SIGN_OFF: Record<Lang, string> = { en: 'Thanks,', es: 'Gracias,', fr: 'Merci,', de: 'Danke,', ja: 'よろしくお願いします。' };
const GREETING: Record<Lang, (n: string) => string> = {
  en: (n) => `Hi ${n},`,
  es: (n) => `Hola ${n}:`,
  fr: (n) => `Bonjour ${n},`,
  de: (n) => `Hallo ${n},`,
  ja: (n) => `${n}さん`,
};

const PLATFORMS: Record<Channel, string[]> = {
  email: ['gmail', 'outlook'],
  messaging: ['slack', 'teams'],
  video: ['zoom', 'teams-meetings'],
  sms_voice: ['twilio', 'aircall'],
};

/** Channel mix: chat is the busiest, then email, meetings, then phone. */
const CHANNEL_WEIGHTS: [Channel, number][] = [
  ['messaging', 0.42],
  ['email', 0.33],
  ['video', 0.17],
  ['sms_voice', 0.08],
];

const DAY_MS = 86_400_000;

/** A moment in the window: weekdays are busy, weekends quiet; office hours, peaking late morning. */
function timestamp(r: Rng, end: Date, days: number): Date {
  for (;;) {
    const day = r.int(days);
    const date = new Date(end.getTime() - day * DAY_MS);
    const weekday = date.getUTCDay();
    if ((weekday === 0 || weekday === 6) && !r.chance(0.12)) continue;
    const hour = 7 + Math.min(12, Math.floor((r.next() + r.next() + r.next()) * 4));
    date.setUTCHours(hour, r.int(60), r.int(60), r.int(1000));
    if (date.getTime() <= end.getTime()) return date;
  }
}

function pickTopic(r: Rng, department: string | null): Topic {
  const favourites = DEPARTMENT_TOPICS[(department ?? '').toLowerCase()];
  const key = favourites && r.chance(0.75) ? r.pick(favourites) : r.pick(TOPICS).key;
  return TOPICS.find((t) => t.key === key)!;
}

const firstName = (p: GeneratorPerson) => p.displayName.split(' ')[0] ?? p.displayName;

/**
 * Yields `count` records. Conversations come in bursts: an email thread of 1–4 messages, a chat exchange of 1–6
 * messages, a meeting of 3–8 transcript segments, a call with its transcript — each burst about one topic.
 */
export function* generateCommunications(opts: GeneratorOptions): Generator<IncomingCommunication> {
  const r = rng(opts.seed);
  const days = opts.days ?? 60;
  const prefix = opts.idPrefix ?? `gen${opts.seed}`;
  const byChannel = new Map<Channel, GeneratorPerson[]>();
  for (const [channel] of CHANNEL_WEIGHTS) {
    byChannel.set(channel, opts.people.filter((p) => !p.channels || p.channels.includes(channel)));
  }
  const channels = CHANNEL_WEIGHTS.filter(([c]) => byChannel.get(c)!.length > 0);
  if (channels.length === 0 || opts.people.length === 0) return;
  const totalWeight = channels.reduce((s, [, w]) => s + w, 0);
  let produced = 0;
  let conversation = 0;

  while (produced < opts.count) {
    let roll = r.next() * totalWeight;
    const [channel] = channels.find(([, w]) => (roll -= w) < 0) ?? channels[0]!;
    const authors = byChannel.get(channel)!;
    const starter = r.pick(authors);
    const lang = languageOf(starter);
    const topic = pickTopic(r, starter.department);
    const platform = r.pick(PLATFORMS[channel]);
    const thread = `${prefix}-t${++conversation}`;
    const size = channel === 'email' ? 1 + r.int(4) : channel === 'messaging' ? 1 + r.int(6) : channel === 'video' ? 3 + r.int(6) : 1;
    let at = timestamp(r, opts.end, days).getTime();
    const cast = [starter, ...Array.from({ length: 1 + r.int(3) }, () => r.pick(authors))];
    const subject = fill(r.pick(topic.subjects[lang] ?? topic.subjects.en!), r, lang);

    for (let i = 0; i < size && produced < opts.count; i++) {
      const author = i === 0 ? starter : r.pick(cast);
      const other = cast.find((p) => p !== author) ?? starter;
      const occurredAt = new Date(Math.min(at, opts.end.getTime()));
      const common = {
        externalId: `${prefix}-${produced + 1}`,
        platform,
        channel,
        occurredAt,
        author: { email: author.email, name: author.displayName },
        threadId: thread,
      };
      if (channel === 'email') {
        yield {
          ...common,
          subject: i === 0 ? subject : `Re: ${subject}`,
          participants: [
            { email: author.email, name: author.displayName, role: 'from' },
            ...cast.filter((p) => p !== author).map((p) => ({ email: p.email, name: p.displayName, role: 'to' as const })),
          ],
          body: `${GREETING[lang](firstName(other))}\n\n${sentences(topic, lang, r, 2 + r.int(3))}\n\n${SIGN_OFF[lang]}\n${firstName(author)}`,
        };
        at += (1 + r.int(20)) * 3_600_000;
      } else if (channel === 'messaging') {
        const opener = r.pick(CHAT_OPENERS[lang]);
        yield {
          ...common,
          subject: null,
          participants: cast.map((p) => ({ email: p.email, name: p.displayName, handle: `@${p.email.split('@')[0]}` })),
          body: `${opener ? `${opener} ` : ''}${sentences(topic, lang, r, 1 + r.int(2))}`,
        };
        at += (1 + r.int(15)) * 60_000;
      } else if (channel === 'video') {
        yield {
          ...common,
          subject: i === 0 ? subject : null,
          participants: cast.map((p) => ({ email: p.email, name: p.displayName, role: 'speaker' as const })),
          body: `[${author.displayName}] ${sentences(topic, lang, r, 1 + r.int(3))}`,
        };
        at += (30 + r.int(240)) * 1000;
      } else {
        const call = r.chance(0.5);
        yield {
          ...common,
          subject: null,
          participants: [
            { email: author.email, name: author.displayName, role: 'from' },
            { email: other.email, name: other.displayName, role: 'to' },
          ],
          body: call
            ? `[Call transcript] ${author.displayName}: ${sentences(topic, lang, r, 2 + r.int(3))} ${other.displayName}: ${sentences(topic, lang, r, 1)}`
            : sentences(topic, lang, r, 1),
        };
      }
      produced++;
    }
  }
}
