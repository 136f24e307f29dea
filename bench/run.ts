/** `npm run bench`: every benchmark in bench/, one after the other. */
import { main as deriveBench } from './derive'
import { main as importBench } from './import'
import { main as importBrowserBench } from './importBrowser'
import { main as liveBench } from './live'
import { main as presentBench } from './present'
import { main as reviewBench } from './review'
import { main as syncBench } from './sync'

await deriveBench(process.argv.slice(2))
await reviewBench([])
await syncBench([])
await importBench([])
await importBrowserBench([])
await liveBench([])
await presentBench([])
