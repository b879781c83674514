/**
 * Hand-written sentences (not from any data set) with clear polarity. No test requires the model
 * to label each one right (that would pass on a worse model and fail on a better one): scorer.test.ts
 * uses them for relative checks, handwritten.test.ts keeps them out of the written sets. How well
 * the model does is measured by the quality gate (models/sentiment/quality-gate.json) on held-out
 * parts of sets someone else labelled.
 */
export type Polar = 'positive' | 'negative';

export const SENTIMENT_FIXTURES: Record<string, [Polar, string][]> = {
  en: [
    ['positive', 'Thank you so much, the support team was amazing!'],
    ['positive', 'I love this app, it works perfectly.'],
    ['positive', 'Great service, my problem was solved in minutes.'],
    ['positive', 'Excellent, very happy with the quick delivery.'],
    ['positive', 'Thanks a lot, you made my day!'],
    ['negative', 'This is the worst customer service I have ever had.'],
    ['negative', 'I am very disappointed, the product broke after two days.'],
    ['negative', 'Terrible experience, nobody answers my emails.'],
    ['negative', 'The app keeps crashing and I hate it.'],
    ['negative', 'Awful, I want a refund now.'],
    // negation
    ['negative', 'This is not good at all.'],
    ['negative', 'I am not happy with the service.'],
  ],
  sv: [
    ['positive', 'Tack så mycket, det fungerar jättebra nu!'],
    ['positive', 'Fantastisk service, jag är mycket nöjd.'],
    ['positive', 'Underbart, tack för den snabba hjälpen!'],
    ['positive', 'Jag älskar den nya appen, den är superbra.'],
    ['positive', 'Bästa kundtjänsten, ni är grymma!'],
    ['negative', 'Det här är helt värdelöst, jag är så besviken.'],
    ['negative', 'Sämsta kundtjänsten någonsin.'],
    ['negative', 'Jag är jättearg, ingen svarar på mina mejl.'],
    ['negative', 'Fruktansvärt dålig service, aldrig mer.'],
    ['negative', 'Det fungerar inte och det är skitdåligt.'],
    ['negative', 'Jag är inte nöjd med tjänsten.'],
    ['negative', 'Det var inte bra alls.'],
  ],
  nb: [
    ['negative', 'Forferdelig service, aldri igjen.'],
    ['negative', 'Elendig kundeservice, jeg er sint.'],
    ['negative', 'Den verste kundeservicen jeg har opplevd.'],
    ['positive', 'Tusen takk, dette fungerer helt perfekt!'],
    ['positive', 'Fantastisk service, jeg er veldig fornøyd.'],
    ['positive', 'Kjempebra app, anbefales på det sterkeste.'],
    ['positive', 'Takk for rask og hyggelig hjelp!'],
    ['positive', 'Dette er en nydelig og vellykket film.'],
    ['negative', 'Kjedelig og dårlig, rett og slett en skuffelse.'],
    ['negative', 'Jeg er så skuffet over denne bestillingen.'],
    ['negative', 'Dårlig kvalitet, gikk i stykker etter to dager.'],
    ['negative', 'Det var en kjedelig og dårlig opplevelse.'],
    ['negative', 'Dette var virkelig ikke bra.'],
  ],
  da: [
    ['negative', 'Jeg er ikke tilfreds med servicen.'],
    ['positive', 'Tusind tak, det virker helt perfekt!'],
    ['positive', 'Fantastisk service, jeg er meget tilfreds.'],
    ['positive', 'Super god oplevelse, tak for hjælpen!'],
    ['positive', 'Godt gået, rigtig flot arbejde.'],
    ['positive', 'Dejligt, jeg er virkelig glad for det.'],
    ['negative', 'Det er helt elendigt, jeg er meget skuffet.'],
    ['negative', 'Den værste kundeservice jeg nogensinde har oplevet.'],
    ['negative', 'Sikke noget pjat, det er simpelthen for dårligt.'],
    ['negative', 'Forfærdeligt, ingen svarer på mine mails.'],
    ['negative', 'Det var slet ikke godt.'],
  ],
  de: [
    ['positive', 'Vielen Dank, das hat super funktioniert!'],
    ['positive', 'Toller Service, ich bin sehr zufrieden.'],
    ['positive', 'Großartig, danke für die schnelle Hilfe!'],
    ['positive', 'Ich liebe diese App, einfach perfekt.'],
    ['positive', 'Sehr freundliches Personal, alles bestens.'],
    ['negative', 'Das ist der schlechteste Kundenservice überhaupt.'],
    ['negative', 'Ich bin total enttäuscht, das Produkt ist kaputt.'],
    ['negative', 'Der Zug hatte schon wieder zwei Stunden Verspätung, furchtbar.'],
    ['negative', 'Schrecklich, niemand antwortet auf meine E-Mails.'],
    ['negative', 'Das ist nicht gut.'],
    ['negative', 'Ich bin mit dem Service nicht zufrieden.'],
  ],
};

/** Chat-style lines for language detection, several per language. */
export const LANGUAGE_FIXTURES: Record<string, string[]> = {
  en: [
    'Hi, I still have not received my order and nobody answers my emails.',
    'Thank you so much for the quick help, it works now!',
    'Can you tell me why my card was charged twice this month?',
    'I would like to cancel my subscription, please.',
  ],
  sv: [
    'Hej, jag har fortfarande inte fått min beställning och ingen svarar.',
    'Tack så mycket för hjälpen, nu fungerar det!',
    'Varför har jag blivit debiterad två gånger den här månaden?',
    'Jag vill säga upp mitt abonnemang, tack.',
  ],
  nb: [
    'Hei, jeg har fortsatt ikke fått bestillingen min og ingen svarer.',
    'Tusen takk for hjelpen, nå fungerer det!',
    'Hvorfor har jeg blitt trukket to ganger denne måneden?',
    'Jeg vil gjerne si opp abonnementet mitt.',
  ],
  da: [
    'Hej, jeg har stadig ikke modtaget min ordre, og ingen svarer mig.',
    'Mange tak for hjælpen, nu virker det!',
    'Hvorfor er jeg blevet trukket to gange i denne måned?',
    'Jeg vil gerne opsige mit abonnement.',
  ],
  de: [
    'Hallo, ich habe meine Bestellung immer noch nicht bekommen und niemand antwortet.',
    'Vielen Dank für die schnelle Hilfe, jetzt funktioniert es!',
    'Warum wurde meine Karte diesen Monat zweimal belastet?',
    'Ich möchte mein Abo kündigen, bitte.',
  ],
};
