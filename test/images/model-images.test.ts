/**
 * Every model image, started hardened, answers real requests over its
 * mounted socket. For each models/<id>/:
 *   ready line -> hardening -> Docker health -> health/describe ops ->
 *   golden fixtures (real photos as NV12 in shared memory) -> a bad frame
 *   path -> SIGTERM drains, exits 0, removes its socket.
 * The checks live in test/support/model-image-suite.ts, shared with the
 * scaffolded models of scaffold-images.test.ts.
 */
import { inject } from 'vitest';
import { describeModelImage } from '../support/model-image-suite.js';

for (const image of inject('modelImages')) describeModelImage(image);
