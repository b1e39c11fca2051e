'use strict';
const path = require('path');
const assert = require('assert');
const { SessionStore, ttlFromEnv } = require(path.resolve(process.argv[2], 'src/auth/sessions.js'));

let clock = 1_700_000_000_000;
const store = new SessionStore({ now: () => clock, ttlSeconds: 3600 });
const s = store.create('u1');
clock += 10 * 60 * 1000;
assert.ok(store.get(s.id), 'session gone after 10 minutes of a one-hour lifetime');
clock += 50 * 60 * 1000;
assert.strictEqual(store.get(s.id), null, 'session outlived its lifetime');
const d = new SessionStore({ now: () => clock });
const s2 = d.create('u2');
clock += 23 * 3600 * 1000;
assert.ok(d.get(s2.id), 'default lifetime is shorter than a day');
assert.strictEqual(ttlFromEnv({ SESSION_TTL_SECONDS: '600' }), 600);
assert.throws(() => ttlFromEnv({ SESSION_TTL_SECONDS: '-1' }));
console.log('ok');
