/**
 * Which stores this test run's servers use: the embedded files, or PostgreSQL in the
 * `integration-pg` project (tests/helpers/pgGlobalSetup.ts). For the few checks that look at
 * files on disk; everything else runs the same on both.
 */
import { inject } from 'vitest'

export const onPostgres: boolean = Boolean(inject('warRoomPostgres'))
