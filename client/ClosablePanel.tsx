/** A panel with its title and a quiet close button in the head: the members panel, a vote's results. */
import type { ReactNode } from 'react'

export function ClosablePanel({
  className,
  headClassName,
  label,
  title,
  closeText,
  onClose,
  testId,
  children,
}: {
  className: string
  headClassName: string
  /** The panel's accessible name. */
  label: string
  /** The head's title element (a heading, or a bold line). */
  title: ReactNode
  closeText: string
  onClose: () => void
  testId: string
  children: ReactNode
}) {
  return (
    <section className={className} aria-label={label} data-testid={testId}>
      <div className={headClassName}>
        {title}
        <button type="button" className="wr-button wr-button--quiet" onClick={onClose}>
          {closeText}
        </button>
      </div>
      {children}
    </section>
  )
}
