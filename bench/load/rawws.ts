/**
 * A minimal WebSocket client for the load processes, on a plain TCP socket: the handshake, binary
 * frames out (masked with a zero key, which servers accept), frames in without copying the ones
 * the caller does not want to read. `ws` costs several microseconds and a Buffer per received
 * frame; at 100,000 frames a second that alone would saturate the load core, and the benchmark
 * would measure its own clients.
 */
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { constants, inflateRawSync } from 'node:zlib'

export interface RawHandlers {
  /** Whether to read the payload of the next data frame (false: it is skipped in place). */
  wants: () => boolean
  onFrame: (payload: Buffer) => void
  onOpen: () => void
  onClose: (code: number) => void
}

export interface RawOptions {
  /**
   * Offer permessage-deflate as a browser does (`permessage-deflate; client_max_window_bits`).
   * A server that accepts it must also declare server_no_context_takeover (every compressed frame
   * then inflates on its own: skipped frames need no inflating). What this client sends stays
   * plain (allowed: compression is per message); see docs/benchmarks.md.
   */
  deflate?: boolean
}

const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff])
/** Compressed frames inflated so far in this process (diagnostics). */
export const inflated = { frames: 0, bytesIn: 0, bytesOut: 0 }

/**
 * One read buffer for every socket of the process (net's `onread`): a read lands in it instead of
 * a new Buffer per read pushed through a Readable stream. Safe to share: each read is parsed
 * before the next one is taken, and what must outlive it (a partial frame) is copied.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024)

export class RawWebSocket {
  private readonly socket: net.Socket
  private open = false
  private closed = false
  private head: Buffer | null = Buffer.alloc(0)
  /** Unparsed bytes (a frame header or a wanted payload split across chunks). */
  private pending: Buffer = Buffer.alloc(0)
  /** Bytes of a skipped payload still to come. */
  private skip = 0
  /** The server accepted permessage-deflate (frames with RSV1 set are compressed). */
  deflate = false

  constructor(
    url: string,
    headers: Record<string, string>,
    private readonly h: RawHandlers,
    private readonly options: RawOptions = {},
  ) {
    const u = new URL(url)
    this.socket = net.connect({
      host: u.hostname,
      port: Number(u.port),
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Buffer) => {
          this.onData(buf.subarray(0, n))
          return true
        },
      },
    })
    this.socket.setNoDelay(true)
    this.socket.on('connect', () => {
      const extra = Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')
      const offer = this.options.deflate
        ? 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n'
        : ''
      this.socket.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${offer}${extra}\r\n`,
      )
    })
    this.socket.on('close', () => this.finish(1006))
    this.socket.on('error', () => this.finish(1006))
  }

  private finish(code: number) {
    if (this.closed) return
    this.closed = true
    this.socket.destroy()
    this.h.onClose(code)
  }

  private onData(chunk: Buffer) {
    if (this.head) {
      const all = Buffer.concat([this.head, chunk])
      const end = all.indexOf('\r\n\r\n')
      if (end < 0) {
        this.head = all
        return
      }
      const status = all.subarray(0, all.indexOf('\r\n')).toString()
      this.head = null
      if (!/ 101 /.test(status)) {
        this.finish(Number(/ (\d{3}) /.exec(status)?.[1] ?? 1006) + 10000)
        return
      }
      const ext = /^sec-websocket-extensions:(.*)$/im.exec(all.subarray(0, end).toString())?.[1] ?? ''
      if (ext.includes('permessage-deflate')) {
        if (!ext.includes('server_no_context_takeover')) {
          this.finish(1010)
          return
        }
        this.deflate = true
      }
      this.open = true
      this.h.onOpen()
      chunk = all.subarray(end + 4)
    }
    let buf = chunk
    let pos = 0
    if (this.skip > 0) {
      const n = Math.min(this.skip, buf.length)
      this.skip -= n
      pos = n
      if (this.skip > 0) return
    }
    if (this.pending.length) {
      buf = Buffer.concat([this.pending, buf.subarray(pos)])
      pos = 0
      this.pending = Buffer.alloc(0)
    }
    while (pos < buf.length) {
      if (buf.length - pos < 2) break
      const b0 = buf[pos]!
      const b1 = buf[pos + 1]!
      const opcode = b0 & 0x0f
      let len = b1 & 0x7f
      let hdr = 2
      if (len === 126) {
        if (buf.length - pos < 4) break
        len = buf.readUInt16BE(pos + 2)
        hdr = 4
      } else if (len === 127) {
        if (buf.length - pos < 10) break
        len = Number(buf.readBigUInt64BE(pos + 2))
        hdr = 10
      }
      if (b1 & 0x80) hdr += 4 // masked (servers do not mask; tolerated)
      const control = opcode >= 8
      const compressed = (b0 & 0x40) !== 0
      if (!control && !this.h.wants()) {
        // Skip the payload in place, possibly into later chunks.
        const available = buf.length - pos - hdr
        if (available < 0) break
        if (available < len) {
          this.skip = len - available
          return
        }
        pos += hdr + len
        continue
      }
      if (buf.length - pos - hdr < len) break
      const payload = buf.subarray(pos + hdr, pos + hdr + len)
      pos += hdr + len
      if (opcode === 0x9) this.sendFrame(0xa, payload)
      else if (opcode === 0x8) {
        this.finish(payload.length >= 2 ? payload.readUInt16BE(0) : 1005)
        return
      } else if (opcode === 0x2 || opcode === 0x0) {
        if (compressed) {
          // server_no_context_takeover: each message inflates on its own (RFC 7692 7.2.2).
          const out = inflateRawSync(Buffer.concat([payload, TRAILER]), { finishFlush: constants.Z_SYNC_FLUSH })
          inflated.frames++
          inflated.bytesIn += payload.length
          inflated.bytesOut += out.length
          this.h.onFrame(out)
        } else this.h.onFrame(payload)
      }
    }
    if (pos < buf.length) this.pending = Buffer.from(buf.subarray(pos))
  }

  /** One masked frame in one buffer and one write. */
  private sendFrame(opcode: number, data: Uint8Array) {
    if (this.closed || !this.open) return
    this.socket.write(maskedFrame(opcode, data))
  }

  send(data: Uint8Array) {
    this.sendFrame(0x2, data)
  }

  terminate() {
    this.finish(1000)
  }
}

/** A client's frame (FIN, `opcode`), masked with a zero key, which leaves the payload as it is. */
export function maskedFrame(opcode: number, data: Uint8Array): Buffer {
  const len = data.length
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10
  const out = Buffer.allocUnsafe(head + 4 + len)
  out[0] = 0x80 | opcode
  if (head === 2) out[1] = 0x80 | len
  else if (head === 4) {
    out[1] = 0x80 | 126
    out.writeUInt16BE(len, 2)
  } else {
    out[1] = 0x80 | 127
    out.writeBigUInt64BE(BigInt(len), 2)
  }
  out.writeUInt32BE(0, head)
  out.set(data, head + 4)
  return out
}
