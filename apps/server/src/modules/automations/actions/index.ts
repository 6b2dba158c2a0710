// Loading these modules registers each action's executor (one per key of the schema's action registry).
import './records.js';
import './distribute.js';
import './notify.js';
import './webhook.js';
import './start-flow.js';
import './recompute.js';
import { assertComplete } from './registry.js';

assertComplete();

export { type ActionRun, actionExecutors } from './registry.js';
