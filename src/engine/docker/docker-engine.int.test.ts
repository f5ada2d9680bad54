import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { containerEngineSuite } from '../../../test/conformance/container-engine.suite.js';
import { engineSocket } from '../../../test/helpers/e2e.js';
import { InstrumentedContainerEngine } from '../instrumented-container-engine.js';
import { DockerEngine } from './docker-engine.js';

containerEngineSuite('docker', {
  // engineSocket() throws without SLIPWAY_ENGINE_SOCKET: the suite fails, it does not skip.
  create: async () => new InstrumentedContainerEngine(new DockerEngine({ socket: engineSocket() })),
  createUnavailable: () => new InstrumentedContainerEngine(new DockerEngine({ socket: join(tmpdir(), 'slipway-no-such-engine.sock') })),
});
