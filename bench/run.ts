/** `npm run bench`: every benchmark in bench/, one after the other. */
import { main as deriveBench } from './derive'

deriveBench(process.argv.slice(2))
