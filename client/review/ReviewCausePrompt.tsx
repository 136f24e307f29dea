/**
 * Asked in the inspector when an action is marked failed and no cause is recorded yet (复盘: was it
 * a wrong judgement, 判断错, or poor execution, 执行不到位?). The answer is the action's
 * `reviewCause` prop, which the review report counts.
 */
import { useEditor } from 'tldraw'
import { useT } from '../i18n'
import { updateProps, type WarRoomShape } from '../shapes/common'
import './review.css'

export function ReviewCausePrompt({ shape }: { shape: WarRoomShape }) {
  const editor = useEditor()
  const t = useT()
  const props = shape.props as unknown as { status?: string; reviewCause?: string }
  if (shape.type !== 'action' || props.status !== 'failed' || props.reviewCause !== '') return null
  const readOnly = editor.getIsReadonly()
  return (
    <div className="wr-cause-prompt" role="alert" data-testid="wr-cause-prompt">
      <p>{t('review.cause.prompt')}</p>
      <div className="wr-cause-prompt__buttons">
        {(['judgement', 'execution'] as const).map((cause) => (
          <button
            key={cause}
            type="button"
            className="wr-button"
            disabled={readOnly}
            data-testid={`wr-cause-${cause}`}
            onClick={() => updateProps(editor, shape, { reviewCause: cause })}
          >
            {t(`review.cause.${cause}`)}
          </button>
        ))}
      </div>
      <small>{t('review.cause.hint')}</small>
    </div>
  )
}
