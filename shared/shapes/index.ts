/** The War Room shape contract: types, validators, migrations, defaults, labels. No React, no DOM. */
import './augment'

export * from './types'
export * from './validators'
export * from './stakeholder'
export * from './faction'
export * from './blocker'
export * from './action'
export * from './definitions'
export * from './diagnose'
export * from './relations'
export * from './labels'
