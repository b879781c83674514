import { describe, expect, it } from 'vitest';
import { stripReply } from '../../connectors/email/index.ts';

const strip = (lines: string[]) => stripReply(lines.join('\n'));

describe('stripping quoted replies', () => {
  it.each([
    ['English Gmail', 'On Mon, 3 Mar 2025 at 10:00, Acme Support <support@acme.example> wrote:'],
    ['English Apple Mail', 'On 3 Mar 2025, at 10:00, Acme Support <support@acme.example> wrote:'],
    ['Swedish Gmail', 'Den mån 3 mars 2025 kl 10:00 skrev Acme Support <support@acme.example>:'],
    ['Swedish Apple Mail', '3 mars 2025 kl. 10:15 skrev Acme Support <support@acme.example>:'],
    ['Swedish Thunderbird', 'Den 2025-03-03 kl. 10:00, skrev Acme Support:'],
    ['Norwegian Gmail', 'man. 3. mar. 2025 kl. 10:00 skrev Acme Kundeservice <support@acme.example>:'],
    ['Norwegian Thunderbird', 'Den 03.03.2025 10:00, skrev Acme Kundeservice:'],
    ['Danish Gmail', 'Den 3. mar. 2025 kl. 10.00 skrev Acme Kundeservice <support@acme.example>:'],
    ['German Thunderbird', 'Am 03.03.2025 um 10:00 schrieb Acme Kundenservice:'],
    ['German Gmail', 'Acme Kundenservice <support@acme.example> schrieb am Mo., 3. März 2025, 10:00:'],
  ])('cuts at a %s attribution line and everything quoted under it', (_client, attribution) => {
    const out = strip(['The refund has still not arrived.', '', attribution, '', '> We have sent the refund.', '> Regards, Acme']);
    expect(out.text).toBe('The refund has still not arrived.');
    expect(out.quoteStripped).toBe(true);
  });

  it('cuts at a dated attribution even when the quote under it has no > marks', () => {
    const out = strip(['Still broken.', '', 'On Mon, 3 Mar 2025 at 10:00, Acme <s@acme.example> wrote:', 'Please restart the router.']);
    expect(out.text).toBe('Still broken.');
  });

  it('joins an attribution that the client wrapped over two lines', () => {
    const out = strip(['Thanks, it came.', '', 'On Tue, Mar 4, 2025 at 5:30 PM Acme Customer Support Team <', 'support@acme.example> wrote:', '', '> It ships tomorrow.']);
    expect(out.text).toBe('Thanks, it came.');
  });

  it.each([
    ['-----Original Message-----'],
    ['-----Ursprüngliche Nachricht-----'],
    ['-----Ursprungligt meddelande-----'],
    ['-----Opprinnelig melding-----'],
    ['-----Oprindelig meddelelse-----'],
    ['---------- Forwarded message ---------'],
    ['Begin forwarded message:'],
  ])('cuts at the separator %s', (separator) => {
    const out = strip(['Please cancel my order.', '', separator, 'From: Acme <s@acme.example>', 'Old text']);
    expect(out.text).toBe('Please cancel my order.');
    expect(out.quoteStripped).toBe(true);
  });

  it.each([
    ['English', ['From: Acme Support <s@acme.example>', 'Sent: Monday, March 3, 2025 10:00 AM', 'To: Anna', 'Subject: Your order']],
    ['Swedish', ['Från: Acme Support <s@acme.example>', 'Skickat: den 3 mars 2025 10:00', 'Till: Anna', 'Ämne: Din order']],
    ['Norwegian', ['Fra: Acme Support <s@acme.example>', 'Sendt: mandag 3. mars 2025 10:00', 'Til: Ola', 'Emne: Din ordre']],
    ['Danish', ['Fra: Acme Support <s@acme.example>', 'Sendt: 3. marts 2025 10:00', 'Til: Mette', 'Emne: Din ordre']],
    ['German', ['Von: Acme Support <s@acme.example>', 'Gesendet: Montag, 3. März 2025 10:00', 'An: Hans', 'Betreff: Ihre Bestellung']],
    ['bold HTML', ['*From:* Acme Support <s@acme.example>', '*Sent:* Monday, March 3, 2025 10:00 AM']],
  ])('cuts at an Outlook header block (%s)', (_lang, block) => {
    const out = strip(['Where is my parcel?', '', '________________________________', ...block, '', 'We have shipped it.']);
    expect(out.text).toBe('Where is my parcel?');
  });

  it('keeps a line that only starts with "From:" when no header block follows', () => {
    const out = strip(['From: my point of view this is a bug.', 'It happens every day.']);
    expect(out.text).toBe('From: my point of view this is a bug.\nIt happens every day.');
    expect(out.quoteStripped).toBe(false);
  });

  it('keeps the answers of an inline reply and drops the quoted questions', () => {
    const out = strip(['Acme <s@acme.example> wrote:', '> How many seats?', '', 'Twelve.', '', '> Annual billing?', '', 'Yes.']);
    expect(out.text).toBe('Twelve.\n\nYes.');
  });

  it('does not mistake a sentence ending in "wrote:" for an attribution when no quote follows', () => {
    const out = strip(['Your colleague wrote:', 'that it would be fixed by Friday. It was not.']);
    expect(out.text).toBe('Your colleague wrote:\nthat it would be fixed by Friday. It was not.');
  });

  it('leaves a message without quotes or signature exactly as it was (bar outer whitespace)', () => {
    const text = 'Line one.\n\nLine two > line one, mathematically.';
    expect(stripReply(`\n${text}\n\n`)).toEqual({ text, quoteStripped: false, signatureStripped: false });
  });
});

describe('stripping signatures', () => {
  it('cuts at the "-- " delimiter and at a bare "--"', () => {
    expect(strip(['It crashes.', '-- ', 'Liam', '+44 20 7946 0958']).text).toBe('It crashes.');
    expect(strip(['It crashes.', '--', 'Liam']).text).toBe('It crashes.');
  });

  it.each([
    ['Sent from my iPhone'], ['Get Outlook for Android'], ['Skickat från min iPhone'], ['Hämta Outlook för iOS'],
    ['Sendt fra min iPad'], ['Von meinem iPhone gesendet'], ['Gesendet von Outlook für Android'],
  ])('cuts the mobile footer "%s" (and a quote under it)', (footer) => {
    const out = strip(['Works now, thanks!', '', footer, '', '> Please restart it.']);
    expect(out.text).toBe('Works now, thanks!');
    expect(out).toMatchObject({ signatureStripped: true, quoteStripped: true });
  });

  it.each([
    ['Best regards,', 'Best regards,'], ['Kind regards', 'Kind regards'], ['Thanks!', 'Thanks!'], ['Cheers, John', 'Cheers'],
    ['Med vänliga hälsningar', 'Med vänliga hälsningar'], ['Mvh Erik', 'Mvh'], ['Vänlig hälsning,', 'Vänlig hälsning,'],
    ['Med vennlig hilsen', 'Med vennlig hilsen'], ['Hilsen Kari', 'Hilsen'], ['Venlig hilsen', 'Venlig hilsen'],
    ['Mit freundlichen Grüßen', 'Mit freundlichen Grüßen'], ['LG Sabine', 'LG'], ['Viele Grüße aus Köln', undefined],
  ])('keeps the sign-off "%s" as "%s" and cuts the name, title and phone under it', (signOffLine, kept) => {
    const out = strip(['The invoice is wrong.', '', signOffLine, 'Anna Andersson', 'Head of Finance, Example AB', '+46 70 123 45 67']);
    if (kept === undefined) {
      expect(out.text).toContain('Anna Andersson');
    } else {
      expect(out.text).toBe(`The invoice is wrong.\n\n${kept}`);
      expect(out.signatureStripped).toBe(true);
    }
  });

  it('does not treat "Thanks for nothing" or a long line after a sign-off as a signature', () => {
    expect(strip(['Thanks for nothing.', 'Anna']).text).toBe('Thanks for nothing.\nAnna');
    const long = 'And one more thing: the app logs me out every single time I switch to another app, which is absurd.';
    expect(strip(['Regards', long]).text).toBe(`Regards\n${long}`);
  });

  it('keeps a postscript under the sign-off', () => {
    expect(strip(['Fix it please.', 'Regards', 'Anna', 'P.S. I also need a receipt.']).text).toContain('P.S. I also need a receipt.');
  });

  it('leaves nothing when the mail is only a quote', () => {
    const out = strip(['Den 17 mars 2025 kl. 12:30 skrev Acme <s@acme.example>:', '', '> Din order är skickad.']);
    expect(out.text).toBe('');
  });
});
