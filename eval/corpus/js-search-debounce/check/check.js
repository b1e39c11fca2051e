'use strict';
const path = require('path');
const assert = require('assert');

let now = 0;
let nextId = 1;
const timers = new Map();
global.setTimeout = (fn, ms) => { const id = nextId++; timers.set(id, { fn, at: now + ms }); return id; };
global.clearTimeout = (id) => { timers.delete(id); };
function advance(ms) {
  now += ms;
  for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
    if (t.at <= now && timers.has(id)) { timers.delete(id); t.fn(); }
  }
}

const { debounce } = require(path.resolve(process.argv[2], 'src/ui/debounce.js'));
const calls = [];
const d = debounce(function (q) { calls.push([this && this.name, q]); return q; }, 100);
const owner = { name: 'box', d };
owner.d('a');
advance(60);
owner.d('ab');
advance(60);
assert.deepStrictEqual(calls, [], 'fired before the input went quiet');
owner.d('abc');
advance(100);
assert.deepStrictEqual(calls, [['box', 'abc']]);
d('x');
d.cancel();
advance(500);
assert.strictEqual(calls.length, 1);
d('y');
assert.strictEqual(d.flush(), 'y');
advance(500);
assert.strictEqual(calls.length, 2);
assert.strictEqual(d.flush(), undefined);
console.log('ok');
