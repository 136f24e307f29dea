import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from './passwords.ts'

describe('passwords', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const hash = await hashPassword('correct horse 电池', 14)
    expect(hash).toMatch(/^scrypt\$14\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
    expect(await verifyPassword('correct horse 电池', hash)).toBe(true)
    expect(await verifyPassword('correct horse 电池 ', hash)).toBe(false)
    expect(await verifyPassword('', hash)).toBe(false)
  })

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', 14), hashPassword('same', 14)])
    expect(a).not.toBe(b)
  })

  it('uses the parameters stored with the hash', async () => {
    const strong = await hashPassword('pw', 15)
    expect(strong.split('$')[1]).toBe('15')
    expect(await verifyPassword('pw', strong)).toBe(true)
  })

  it('never matches a malformed or tampered hash', async () => {
    const hash = await hashPassword('pw', 14)
    expect(await verifyPassword('pw', 'plain-text')).toBe(false)
    expect(await verifyPassword('pw', hash.replace('$14$', '$40$'))).toBe(false)
    expect(await verifyPassword('pw', hash.slice(0, -4))).toBe(false)
  })
})
