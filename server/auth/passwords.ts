/**
 * Password hashing with scrypt (node:crypto), a memory-hard function. Each hash carries its
 * parameters (`scrypt$logN$r$p$salt$hash`, base64url), so the cost can be raised later while
 * old hashes keep verifying.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto'

const KEY_BYTES = 32
const SALT_BYTES = 16
const BLOCK_SIZE = 8
const PARALLELISM = 1

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN
  // scrypt needs 128·N·r bytes; node refuses anything over maxmem, so give it room.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

/** Hashes a password with a fresh random salt. `logN` 17 is OWASP's scrypt minimum (N = 2^17, r = 8, p = 1). */
export async function hashPassword(password: string, logN = 17): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, logN, BLOCK_SIZE, PARALLELISM)
  return ['scrypt', logN, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Checks a password against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [logN, r, p] = parts.slice(1, 4).map(Number)
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 22 || r < 1 || r > 32 || p < 1 || p > 16)
    return false
  const salt = Buffer.from(parts[4], 'base64url')
  const expected = Buffer.from(parts[5], 'base64url')
  if (expected.length !== KEY_BYTES) return false
  const actual = await derive(password, salt, logN, r, p)
  return timingSafeEqual(actual, expected)
}

let dummy: Promise<string> | null = null

/**
 * Spends the time a real verification takes, for sign-ins with an unknown email, so that
 * response time does not tell which emails have accounts.
 */
export async function verifyAgainstNothing(password: string, logN: number): Promise<false> {
  dummy ??= hashPassword('not a password of anyone', logN)
  await verifyPassword(password, await dummy)
  return false
}
