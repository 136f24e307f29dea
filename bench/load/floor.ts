/**
 * The floor: the least work any server of this protocol can do. A bare `ws` relay with no
 * document, storage or authentication: it answers sync step 1 with an empty step 2 and relays every
 * other frame to the rest of the room. Started by bench/load/run.ts: `PORT=… tsx bench/load/floor.ts`.
 */
import http from 'node:http'
import { type WebSocket, WebSocketServer } from 'ws'

// An empty Yjs update (no structs, empty delete set) as sync step 2: [messageSync, step2, len 2, 0, 0].
const EMPTY_STEP2 = Uint8Array.from([0, 1, 2, 0, 0])
const rooms = new Map<string, Set<WebSocket>>()
const server = http.createServer((_req, res) => res.end('floor'))
const wss = new WebSocketServer({ server, perMessageDeflate: false })

wss.on('connection', (ws, req) => {
  const name = (req.url ?? '/').split('?')[0]!.split('/').pop() ?? ''
  let room = rooms.get(name)
  if (!room) rooms.set(name, (room = new Set()))
  room.add(ws)
  ws.on('message', (data: Buffer) => {
    // Sync step 1: [0, 0, …]
    if (data[0] === 0 && data[1] === 0) {
      ws.send(EMPTY_STEP2)
      return
    }
    for (const other of room) if (other !== ws) other.send(data)
  })
  ws.on('close', () => {
    room.delete(ws)
    if (room.size === 0) rooms.delete(name)
  })
})

server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`floor relay on ${process.env.PORT}`))
