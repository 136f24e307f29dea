/**
 * The document size cap per account (issue 12, item 9): MAX_DOC_BYTES. An edit that would take
 * the document past it is refused before anything is applied, and the connection is closed with
 * DocumentTooLarge (4413): y-websocket does not reconnect on 44xx, so the refused edit is not
 * sent again in a loop. The room keeps working for smaller edits from others.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import { eventually, startTestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { connectClient, settledAfterFinalClose, whenSynced } from '../helpers/yclient.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

describe('document size cap', () => {
  it('refuses an edit past MAX_DOC_BYTES with 4413, without a reconnect loop, and keeps the room working', async () => {
    const data = tempDataDir()
    cleanups.push(() => data.remove())
    const options = { dataDir: data.dir, accounts: ['acme'], maxDocBytes: 200_000 }
    let server = await startTestServer(options)
    const url = wsUrl(server)
    const big = connectClient(url, 'acme', undefined, { cookie: server.cookie })
    const other = connectClient(url, 'acme', undefined, { cookie: server.cookie })
    cleanups.push(
      () => big.destroy(),
      () => other.destroy(),
    )
    await Promise.all([whenSynced(big.provider), whenSynced(other.provider)])
    const closes: number[] = []
    big.provider.on('connection-close', (e) => closes.push(e?.code ?? 0))
    const settled = settledAfterFinalClose(big.provider)

    big.doc.getMap('m').set('fits', 'x'.repeat(100_000))
    await eventually(() => expect(server.rooms.peek('acme')?.doc.getMap('m').has('fits')).toBe(true))
    big.doc.getMap('m').set('too-big', 'y'.repeat(150_000))
    await eventually(() => expect(closes).toEqual([CloseCode.DocumentTooLarge]))
    // No reconnect: the refused edit is not sent again.
    await settled
    expect(closes).toEqual([CloseCode.DocumentTooLarge])
    expect(big.provider.wsconnected).toBe(false)
    expect(server.rooms.peek('acme')?.doc.getMap('m').has('too-big')).toBe(false)

    // Others still edit, and the refused edit is not on disk either.
    other.doc.getMap('m').set('small', 1)
    await eventually(() => expect(server.rooms.peek('acme')?.doc.getMap('m').get('small')).toBe(1))
    other.destroy()
    big.destroy()
    await server.close()
    server = await startTestServer(options)
    cleanups.push(() => server.close())
    const after = connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie })
    cleanups.push(() => after.destroy())
    await whenSynced(after.provider)
    expect(after.doc.getMap('m').get('small')).toBe(1)
    expect(after.doc.getMap('m').has('fits')).toBe(true)
    expect(after.doc.getMap('m').has('too-big')).toBe(false)
  })
})
