'use strict';
// Runs the queue code against a stand-in for uuid 9 (no deep imports such as
// 'uuid/v4', which uuid 8 removed), installed in a temporary NODE_PATH.
const fs = require('fs');
const os = require('os');
const path = require('path');
const assert = require('assert');
const Module = require('module');

const root = process.argv[2];
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const stub = fs.mkdtempSync(path.join(os.tmpdir(), 'uuid-stub-'));
fs.mkdirSync(path.join(stub, 'uuid'));
fs.writeFileSync(path.join(stub, 'uuid', 'package.json'),
  JSON.stringify({ name: 'uuid', version: '9.0.1', main: 'index.js', exports: { '.': './index.js' } }));
fs.writeFileSync(path.join(stub, 'uuid', 'index.js'),
  "const c = require('crypto'); exports.v4 = () => c.randomUUID();");
process.env.NODE_PATH = stub;
Module._initPaths();

const { makeJob, enqueue, QueueError } = require(path.join(root, 'src/queue/enqueue.js'));
assert.ok(/^\^9\./.test(pkg.dependencies.uuid), pkg.dependencies.uuid);
const job = makeJob('send-welcome', { to: 'a@b.c' }, { priority: 'high', now: 1000 });
assert.match(job.id, /^[0-9a-f-]{36}$/);
assert.strictEqual(job.priority, 0);
assert.strictEqual(job.runAt, 1000);
assert.notStrictEqual(makeJob('x', {}).id, job.id);
assert.throws(() => makeJob('x', {}, { priority: 'urgent' }), QueueError);
assert.throws(() => makeJob('x', {}, { priority: 'toString' }), QueueError);
assert.throws(() => makeJob('', {}), QueueError);
const rows = [];
enqueue({ async insert(table, row) { rows.push([table, row]); } }, 'digest', {}).then((id) => {
  assert.strictEqual(rows[0][1].id, id);
  console.log('ok');
}).catch((err) => { console.error(err); process.exit(1); });
