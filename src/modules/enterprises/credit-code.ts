/** GB 32100-2015 unified social credit code: 18 characters from this alphabet (no I, O, Z, S, V). */
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters: 31 - (Σ value·weight mod 31), 31 -> 0. */
export function creditCodeCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17[i]);
    if (value < 0) return null;
    sum += value * WEIGHTS[i];
  }
  const check = 31 - (sum % 31);
  return ALPHABET[check === 31 ? 0 : check];
}

export function isValidCreditCode(code: string): boolean {
  return /^[0-9A-HJ-NPQRTUW-Y]{18}$/.test(code) && creditCodeCheckCharacter(code.slice(0, 17)) === code[17];
}
