'use strict';
const path = require('path');
const assert = require('assert');
const { QuotaService } = require(path.resolve(process.argv[2], 'src/uploads/quota.js'));
const { handleUpload } = require(path.resolve(process.argv[2], 'src/uploads/handler.js'));

const table = new Map();
const db = {
  async query(sql, params) {
    if (sql.startsWith('SELECT')) {
      return { rows: table.has(params[0]) ? [{ bytes: String(table.get(params[0])) }] : [] };
    }
    table.set(params[0], (table.get(params[0]) || 0) + params[1]);
    return { rows: [] };
  },
};
const stored = [];
const store = { async put(user, body) { stored.push(body); return `k${stored.length}`; } };
const quota = new QuotaService(db, { limitBytes: 1000 });
const req = (n) => ({ user: { id: 'u1' }, headers: { 'content-length': String(n) }, body: 'x' });

(async () => {
  assert.strictEqual((await handleUpload(req(600), { store, quota })).status, 201);
  assert.strictEqual((await handleUpload(req(600), { store, quota })).status, 413);
  assert.strictEqual((await handleUpload(req(400), { store, quota })).status, 201);
  assert.strictEqual(table.get('u1'), 1000);
  assert.strictEqual(await quota.remaining('u1'), 0);
  assert.strictEqual((await handleUpload(req(1), { store, quota })).status, 413);
  assert.strictEqual((await handleUpload({ headers: {} }, { store, quota })).status, 401);
  assert.strictEqual(stored.length, 2);
  console.log('ok');
})().catch((err) => { console.error(err); process.exit(1); });
