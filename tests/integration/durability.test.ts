import * as prng from 'lib0/prng'
import { describe, expect, it } from 'vitest'
import { startChildServer } from '../helpers/childServer.ts'
import { afterTest } from '../helpers/fixtures.ts'
import { eventually, startTestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { type Client, connectClient, contentOf, whenSynced } from '../helpers/yclient.ts'

/** The durability promise: accepted updates are on disk within this window. */
const DURABILITY_WINDOW_MS = 100

describe('durability', () => {
  // Three real server processes are started and killed: slow on a loaded two-core machine.
  it('kill -9 during a stream of edits loses nothing accepted before the durability window', {
    timeout: 240_000,
  }, async () => {
    const data = tempDataDir()
    afterTest(() => data.remove())
    const gen = prng.create(20261122)
    for (let round = 0; round < 3; round++) {
      const child = await startChildServer({ DATA_DIR: data.dir, COMPACT_LOG_BYTES: String(4 * 1024) })
      afterTest(() => child.proc.kill('SIGKILL'))
      const url = `ws://127.0.0.1:${child.port}/sync`
      const cookie = await child.signIn(['acme'])
      const writer = connectClient(url, 'acme', undefined, { cookie })
      const observer = connectClient(url, 'acme', undefined, { cookie })
      await Promise.all([whenSynced(writer.provider), whenSynced(observer.provider)])
      const list = writer.doc.getArray<string>('a')
      const start = list.length
      // When the server relayed each edit to another client, it had accepted it.
      const acceptedAt = new Map<string, number>()
      observer.doc.getArray<string>('a').observe((e) => {
        const now = Date.now()
        for (const d of e.changes.delta)
          for (const v of (d.insert as string[] | undefined) ?? []) acceptedAt.set(v, now)
      })
      let i = 0
      const stream = setInterval(() => list.push([`r${round}-${i++}`]), 3)
      // Kill once enough edits were accepted longer than the window ago (a loaded machine relays
      // fewer per second: wait for them rather than for a fixed time), then at a random moment.
      const old = () => [...acceptedAt.values()].filter((t) => t < Date.now() - DURABILITY_WINDOW_MS).length
      await eventually(() => expect(old()).toBeGreaterThan(30), 60_000, 10)
      await new Promise((r) => setTimeout(r, prng.int32(gen, 0, 800)))
      const killedAt = Date.now()
      child.proc.kill('SIGKILL')
      clearInterval(stream)
      await child.exited
      writer.destroy()
      observer.destroy()

      const mustSurvive = [...acceptedAt].filter(([, t]) => t < killedAt - DURABILITY_WINDOW_MS).map(([v]) => v)
      expect(mustSurvive.length).toBeGreaterThan(20)
      const server = await startTestServer({ dataDir: data.dir, accounts: ['acme'] })
      const reader = connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie })
      await whenSynced(reader.provider)
      const stored = new Set(reader.doc.getArray<string>('a').toArray())
      const lost = mustSurvive.filter((v) => !stored.has(v))
      expect(lost, `round ${round}: ${lost.length} of ${mustSurvive.length} lost`).toEqual([])
      expect(stored.size).toBeGreaterThanOrEqual(start + mustSurvive.length)
      reader.destroy()
      await server.close()
    }
  })
})

describe('seeded random convergence', () => {
  it('several clients with random edits, disconnects and a server restart converge', async () => {
    const data = tempDataDir()
    afterTest(() => data.remove())
    let server = await startTestServer({ dataDir: data.dir, compactLogBytes: 2048, accounts: ['acme'] })
    const port = server.port
    afterTest(() => server.close())
    const gen = prng.create(42)
    // The session is stored with the data, so the clients' cookie outlives the restart below.
    const { cookie } = server
    const clients: Client[] = Array.from({ length: 5 }, () =>
      connectClient(wsUrl(server), 'acme', undefined, { cookie }),
    )
    for (const c of clients) afterTest(() => c.destroy())
    await Promise.all(clients.map((c) => whenSynced(c.provider)))

    let restarted = false
    for (let step = 0; step < 400; step++) {
      if (step === 250) {
        await server.close()
        server = await startTestServer({ dataDir: data.dir, port, compactLogBytes: 2048 })
        restarted = true
      }
      const c = prng.oneOf(gen, clients)
      const roll = prng.int32(gen, 0, 99)
      if (roll < 40) c.doc.getMap('m').set(`k${prng.int32(gen, 0, 20)}`, prng.word(gen, 1, 6))
      else if (roll < 70) {
        const arr = c.doc.getArray('a')
        arr.insert(prng.int32(gen, 0, arr.length), [prng.int32(gen, 0, 1000)])
      } else if (roll < 80) {
        const arr = c.doc.getArray('a')
        if (arr.length > 0) arr.delete(prng.int32(gen, 0, arr.length - 1), 1)
      } else if (roll < 90) {
        if (c.provider.wsconnected) c.provider.disconnect()
        else c.provider.connect()
      }
      if (step % 25 === 0) await new Promise((r) => setTimeout(r, prng.int32(gen, 0, 30)))
    }
    expect(restarted && server.port === port).toBe(true)
    for (const c of clients) if (!c.provider.wsconnected && !c.provider.wsconnecting) c.provider.connect()
    await eventually(() => {
      const room = server.rooms.peek('acme')
      expect(room).not.toBeNull()
      const expected = contentOf(room!.doc)
      for (const c of clients) expect(contentOf(c.doc)).toBe(expected)
    }, 20_000)
    // And what converged is what is stored.
    const expected = contentOf(clients[0].doc)
    for (const c of clients) c.destroy()
    await server.close()
    const again = await startTestServer({ dataDir: data.dir, accounts: ['acme'] })
    afterTest(() => again.close())
    const reader = connectClient(wsUrl(again), 'acme', undefined, { cookie: again.cookie })
    afterTest(() => reader.destroy())
    await whenSynced(reader.provider)
    expect(contentOf(reader.doc)).toBe(expected)
  })
})
