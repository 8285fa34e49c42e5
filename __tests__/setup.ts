import type {} from 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import fc from 'fast-check';

// Adds cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...) to expect().
Testing.setupJest();

// Property tests start from one fixed seed, so a CI run is reproducible and cannot fail by luck of the draw.
// FC_SEED=random explores fresh cases (fast-check prints the seed of any failure); FC_SEED=<n> replays one.
export const PROPERTY_SEED = 20261201;
const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined || seed === '' ? PROPERTY_SEED : Number(seed) });
