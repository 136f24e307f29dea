/** The War Room shape contract: types, validators, migrations, defaults, labels. No React, no DOM. */
import './augment'

export * from './action'
export * from './blocker'
export * from './definitions'
export * from './diagnose'
export * from './faction'
export * from './labels'
export * from './relations'
export * from './stakeholder'
export * from './types'
export * from './validators'
