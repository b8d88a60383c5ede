import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routes } from '../../shared/api.js';
test('every API call has a route under /api', () => {
  for (const r of Object.values(routes)) assert.match(r.path, /^\/api\//);
});
