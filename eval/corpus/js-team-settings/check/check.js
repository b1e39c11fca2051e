'use strict';
const path = require('path');
const assert = require('assert');
const { applyPatch, defaults, SettingsError } =
  require(path.resolve(process.argv[2], 'src/settings/normalize.js'));

const base = defaults();
const next = applyPatch(base, { maxRetries: 0, emailNotifications: false, digestHour: 0 });
assert.strictEqual(next.maxRetries, 0);
assert.strictEqual(next.emailNotifications, false);
assert.strictEqual(next.digestHour, 0);
const cleared = applyPatch({ ...base, timeoutSeconds: 90, displayName: 'Ops' },
  { timeoutSeconds: '', displayName: null });
assert.strictEqual(cleared.timeoutSeconds, 30);
assert.strictEqual(cleared.displayName, '');
assert.throws(() => applyPatch(base, { maxRetries: 11 }), SettingsError);
assert.throws(() => applyPatch(base, { nope: 1 }), SettingsError);
assert.throws(() => applyPatch(base, { maxRetries: '2' }), SettingsError);
console.log('ok');
