/**
 * Check-digit rules of the identifiers redaction looks for. Each takes the bare digits (or, for
 * IBAN, the bare letters and digits, upper case) and says whether they form a valid number.
 * Sources: Skatteverket SKV 704 (personnummer), Skatteetaten (fødselsnummer), CPR-kontoret
 * (CPR "modulus 11-kontrol", dropped for numbers issued since 2007), ISO 13616 / SWIFT IBAN
 * registry, BZSt / § 139b AO (Steuer-ID, ISO 7064 MOD 11,10), ISO/IEC 7812 (Luhn).
 */

const digitAt = (s: string, i: number) => s.charCodeAt(i) - 48;

/** ISO/IEC 7812 Luhn: the last digit is the check digit. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digitAt(digits, digits.length - 1 - i);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** A real calendar day (month 1-12, day within the month). */
export function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/**
 * Swedish personnummer or samordningsnummer (day + 60): 10 digits YYMMDDNNNC or 12 digits
 * YYYYMMDDNNNC; Luhn over the last 10. A 2-digit year may be either century, so only the
 * 12-digit form can check 29 February exactly.
 */
export function swedishIdValid(digits: string): boolean {
  if (digits.length !== 10 && digits.length !== 12) return false;
  const ten = digits.slice(-10);
  const year = digits.length === 12 ? Number(digits.slice(0, 4)) : 2000 + Number(ten.slice(0, 2));
  if (digits.length === 12 && (year < 1800 || year > 2099)) return false;
  const month = Number(ten.slice(2, 4));
  let day = Number(ten.slice(4, 6));
  if (day > 60) day -= 60;
  // Without the century, 29 February must be allowed: 2000 is a leap year.
  return validDate(digits.length === 12 ? year : 2000, month, day) && luhnValid(ten);
}

const FNR_W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const FNR_W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/** Mod-11 control digit with the given weights, or undefined where the rule gives none (remainder 1). */
function mod11Control(digits: string, weights: readonly number[]): number | undefined {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i]! * digitAt(digits, i);
  const k = 11 - (sum % 11);
  if (k === 11) return 0;
  return k === 10 ? undefined : k;
}

/**
 * Norwegian fødselsnummer or D-nummer (day + 40): DDMMYYIIIKK, both control digits by mod 11.
 * Both control digits are checked, so a random 11-digit number passes about 1 time in 100 (and
 * must also carry a real date).
 */
export function norwegianIdValid(digits: string): boolean {
  if (digits.length !== 11) return false;
  let day = Number(digits.slice(0, 2));
  if (day > 40) day -= 40;
  const month = Number(digits.slice(2, 4));
  if (!validDate(2000, month, day)) return false;
  return mod11Control(digits, FNR_W1) === digitAt(digits, 9) && mod11Control(digits, FNR_W2) === digitAt(digits, 10);
}

const CPR_WEIGHTS = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

/** The CPR number's full birth year from its 2-digit year and the 7th digit (CPR-kontoret's table). */
function cprYear(yy: number, seventh: number): number {
  if (seventh <= 3) return 1900 + yy;
  if (seventh === 4 || seventh === 9) return yy <= 36 ? 2000 + yy : 1900 + yy;
  return yy <= 57 ? 2000 + yy : 1800 + yy;
}

/** Danish CPR: DDMMYY-SSSS with a real date (century from the 7th digit). */
export function danishCprDateValid(digits: string): boolean {
  if (digits.length !== 10) return false;
  const day = Number(digits.slice(0, 2));
  const month = Number(digits.slice(2, 4));
  return validDate(cprYear(Number(digits.slice(4, 6)), digitAt(digits, 6)), month, day);
}

/** The old CPR modulus-11 check (weights 4 3 2 7 6 5 4 3 2 1); numbers issued since 2007 may fail it. */
export function danishCprMod11Valid(digits: string): boolean {
  if (digits.length !== 10) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += CPR_WEIGHTS[i]! * digitAt(digits, i);
  return sum % 11 === 0;
}

/**
 * German Steuerliche Identifikationsnummer: 11 digits, no leading 0; in the first ten exactly one
 * digit appears twice or three times (three times not all side by side) and the others at most
 * once; the 11th is the ISO 7064 MOD 11,10 check digit.
 */
export function germanTaxIdValid(digits: string): boolean {
  if (digits.length !== 11 || digits[0] === '0') return false;
  const seen = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) seen[digitAt(digits, i)]!++;
  const repeated = seen.filter((n) => n >= 2);
  if (repeated.length !== 1 || repeated[0]! > 3) return false;
  if (repeated[0] === 3) {
    for (let i = 0; i + 2 < 10; i++) if (digits[i] === digits[i + 1] && digits[i] === digits[i + 2]) return false;
  }
  return iso7064Mod1110(digits.slice(0, 10)) === digitAt(digits, 10);
}

/** ISO 7064 MOD 11,10 check digit of a digit string. */
export function iso7064Mod1110(digits: string): number {
  let product = 10;
  for (let i = 0; i < digits.length; i++) {
    let sum = (digitAt(digits, i) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product;
  return check === 10 ? 0 : check;
}

/**
 * IBAN lengths by country, from the SWIFT IBAN registry; countries using
 * another's scheme (French territories with FR) are covered by that country's code.
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 13616: the registry length for the country, and mod 97 = 1 over the rearranged number. */
export function ibanValid(iban: string): boolean {
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    // Letters count as two digits (A = 10 ... Z = 35).
    rest = code >= 65 ? (rest * 100 + code - 55) % 97 : (rest * 10 + code - 48) % 97;
  }
  return rest === 1;
}
