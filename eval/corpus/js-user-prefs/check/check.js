'use strict';
const path = require('path');
const assert = require('assert');
const { applyUpdate, PrefsError } = require(path.resolve(process.argv[2], 'src/prefs/update.js'));

const stored = { theme: 'dark', notifications: { email: true, push: true } };
const next = applyUpdate(stored, { notifications: { email: false }, language: 'de' });
assert.deepStrictEqual(next, { theme: 'dark', language: 'de', notifications: { email: false, push: true } });
assert.strictEqual(stored.notifications.email, true, 'stored preferences were modified');
assert.throws(() => applyUpdate(stored, { role: 'admin' }), PrefsError);
for (const body of [
  '{"notifications": {"__proto__": {"isAdmin": true}}}',
  '{"dashboard": {"widgets": {"__proto__": {"isAdmin": true}}}}',
  '{"theme": "x", "dashboard": {"constructor": {"prototype": {"isAdmin": true}}}}',
]) {
  try {
    applyUpdate(stored, JSON.parse(body));
  } catch (err) {
    if (!(err instanceof PrefsError)) throw err;
  }
  assert.strictEqual(({}).isAdmin, undefined, `Object.prototype polluted by ${body}`);
}
console.log('ok');
