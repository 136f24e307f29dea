/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** tldraw licence key, read at build time from the environment (see README). */
  readonly TLDRAW_LICENSE_KEY?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
