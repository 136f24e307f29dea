/**
 * The live session's pieces on the room page: the controls in the room bar (people, spotlight,
 * timer, vote, laser), the banners and frame over the canvas, and the vote layer in front of the
 * canvas (dots, ranks, results), which tldraw renders through its InFrontOfTheCanvas slot.
 */
import type { ComponentType, ReactNode } from 'react'
import type { TLComponents } from 'tldraw'
import { FollowFrame, LaserButton, LiveBanners, SpotlightButton } from './FollowBanner'
import { useOptionalLive } from './LiveContext'
import { PeopleChip } from './PeoplePanel'
import { TimerControl, TimeUpBanner } from './SessionTimer'
import { VoteControl, VoteLayer } from './Votes'
import './live.css'

/**
 * The live bar; a read-only canvas says so at its end (a short chip, the full sentence as its
 * title) rather than in a notice over the canvas, where it covered the top card's vote rank.
 */
export function LiveBar({ readOnly }: { readOnly?: { short: string; full: string } | null }) {
  const live = useOptionalLive()
  if (!live) return null
  return (
    <div className="wr-livebar" data-testid="live-bar">
      <PeopleChip />
      <SpotlightButton />
      <TimerControl />
      <VoteControl />
      <LaserButton />
      {readOnly && (
        <span className="wr-livebar__readonly" role="status" data-testid="read-only" title={readOnly.full}>
          {readOnly.short}
        </span>
      )}
    </div>
  )
}

/** What only shows without a live session (the read-only notice over the canvas, then). */
export function WithoutLive({ children }: { children: ReactNode }) {
  return useOptionalLive() ? null : children
}

export function LiveOverlays() {
  const live = useOptionalLive()
  if (!live) return null
  return (
    <>
      <FollowFrame />
      <div className="wr-live-banners">
        <LiveBanners />
      </div>
      <TimeUpBanner />
    </>
  )
}

function LiveCanvasLayer() {
  return useOptionalLive() ? <VoteLayer /> : null
}

/**
 * tldraw components with the vote layer added in front of the canvas, after whatever is there.
 * Build once at module scope (a new identity per render would remount the layer).
 */
export function withLiveLayer(components: TLComponents): TLComponents {
  const Before: ComponentType | null | undefined = components.InFrontOfTheCanvas
  // biome-ignore lint/correctness/noComponentHookFactories: called once at module scope, so the identity is stable
  function InFrontOfTheCanvas() {
    return (
      <>
        {Before && <Before />}
        <LiveCanvasLayer />
      </>
    )
  }
  return { ...components, InFrontOfTheCanvas }
}
