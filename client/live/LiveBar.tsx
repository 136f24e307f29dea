/**
 * The live session's pieces on the room page: the controls in the room bar (people, spotlight,
 * timer, vote, laser), the banners and frame over the canvas, and the vote layer in front of the
 * canvas (dots, ranks, results), which tldraw renders through its InFrontOfTheCanvas slot.
 */
import type { ComponentType } from 'react'
import type { TLComponents } from 'tldraw'
import { FollowFrame, LaserButton, LiveBanners, SpotlightButton } from './FollowBanner'
import { useOptionalLive } from './LiveContext'
import { PeopleChip } from './PeoplePanel'
import { TimerControl, TimeUpBanner } from './SessionTimer'
import { VoteControl, VoteLayer } from './Votes'
import './live.css'

export function LiveBar() {
  const live = useOptionalLive()
  if (!live) return null
  return (
    <div className="wr-livebar" data-testid="live-bar">
      <PeopleChip />
      <SpotlightButton />
      <TimerControl />
      <VoteControl />
      <LaserButton />
    </div>
  )
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
