import type { TLAssetStore } from 'tldraw'

/**
 * Pasted and dropped files go to the server, and the document only holds the URL it
 * returns — never the file inlined as base64, which would bloat every sync.
 */
export function createAssetStore(accountId: string): TLAssetStore {
  const endpoint = `/api/accounts/${encodeURIComponent(accountId)}/assets`
  return {
    async upload(_asset, file, abortSignal) {
      const body = new FormData()
      body.append('file', file)
      const response = await fetch(endpoint, { method: 'POST', body, signal: abortSignal })
      if (!response.ok) {
        throw new Error(`Upload failed: ${response.status} ${await response.text().catch(() => '')}`.trim())
      }
      const { url } = (await response.json()) as { url?: unknown }
      if (typeof url !== 'string' || url === '') throw new Error('Upload failed: the server returned no url')
      return { src: url }
    },
    resolve(asset) {
      return asset.props.src
    },
  }
}
