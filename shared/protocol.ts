/**
 * Wire-level constants shared by the client and the server: account ids, the
 * y-websocket message types, close codes, and where things live in a room's Y.Doc.
 */

/** Account ids are URL- and file-name-safe: lower-case letters, digits and dashes. */
export const ACCOUNT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/

export function isValidAccountId(id: unknown): id is string {
  return typeof id === 'string' && ACCOUNT_ID_PATTERN.test(id)
}

/** y-websocket message types (first varUint of every binary frame). */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
} as const

/**
 * WebSocket close codes the server uses; 4xxx mirror HTTP statuses. The one table of what each
 * means is in docs/api.md ("Close codes"); code names these, never the numbers.
 */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  /** A frame that is not a valid y-websocket message, or an unknown message type. */
  ProtocolError: 1002,
  /** A text frame: the protocol is binary only. */
  UnsupportedData: 1003,
  /** The connection missed its keep-alive pongs, or sent an awareness message over the limits. */
  PolicyViolation: 1008,
  /** A frame over the configured size limit. */
  MessageTooBig: 1009,
  InternalError: 1011,
  /** Access changed (role, archive state): reconnect and get the access that now applies. */
  ServiceRestart: 1012,
  /**
   * This node stopped serving: another node took its PostgreSQL node lock while it had lost it
   * (docs/scale-out.md). Not final: the client reconnects, through the load balancer, elsewhere.
   */
  TryAgainLater: 1013,
  /** The client stopped reading: its send buffer grew past the cap. */
  SlowConsumer: 4008,
  /**
   * The connection's updates left too much waiting for data the server never saw; what they
   * added is dropped. y-websocket reconnects, and the sync exchange then sends what is missing.
   */
  MissingDependencies: 4009,
  Unauthorized: 4401,
  Forbidden: 4403,
  NotFound: 4404,
  /**
   * An edit would take the document past MAX_DOC_BYTES: refused, not applied. In the
   * 4400–4499 range, so y-websocket does not reconnect and send the same edit again.
   */
  DocumentTooLarge: 4413,
  /** Too many open connections for this user or this client address (MAX_SOCKETS_PER_USER / _ADDRESS). */
  TooManyConnections: 4429,
  /** The room's stored data could not be read; it is refused rather than served empty. */
  RoomUnavailable: 4503,
  /**
   * The server cannot save this room right now (disk full or failing). Outside 4400–4499 on
   * purpose: y-websocket keeps reconnecting, the browser keeps its unsaved edits, and once the
   * server can save again the reconnect's sync exchange sends them.
   */
  StorageUnavailable: 4507,
} as const

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]

/** The close code a refused sync upgrade carries for an HTTP refusal (401, 403, 404). */
export function closeCodeFor(status: number): CloseCodeValue {
  if (status === 401) return CloseCode.Unauthorized
  if (status === 404) return CloseCode.NotFound
  if (status === 403) return CloseCode.Forbidden
  return CloseCode.InternalError
}

/**
 * Close codes after which the client stops reconnecting and shows why: y-websocket's own
 * 4400–4499 (refusals reconnecting cannot fix: access, too many connections) and 4503 (the
 * stored room cannot be read: reconnecting would only be refused again, forever).
 */
export function isFinalCloseCode(code: number): boolean {
  return (code >= 4400 && code < 4500) || code === CloseCode.RoomUnavailable
}

/** Where the parts of an account live in its Y.Doc (see docs/document-format.md). */
export const DocKeys = {
  /** Y.Array used as a y-utility YKeyValue: key = tldraw record id, value = record. */
  records: 'tldraw',
  /** Y.Map with document metadata. */
  meta: 'meta',
  /** Key in `meta` holding the serialised tldraw store schema. */
  schema: 'schema',
  /** Y.Map with the account's own fields (plan record issue). */
  account: 'account',
} as const
