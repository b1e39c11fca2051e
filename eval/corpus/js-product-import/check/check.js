'use strict';
const path = require('path');
const assert = require('assert');
const { importProducts } = require(path.resolve(process.argv[2], 'src/import/products.js'));

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const rows = new Map([['OLD-1', { id: 7 }]]);
const db = {
  async findBySku(sku) { await tick(); return rows.get(sku) || null; },
  async insert(record) {
    await tick();
    if (record.sku === 'BAD') throw new Error('duplicate key');
    rows.set(record.sku, { id: rows.size + 1 });
  },
  async update() { await tick(); },
};

(async () => {
  const result = await importProducts([
    { sku: 'new-1', name: 'Lamp', price: '19.90' },
    { sku: 'old-1', name: 'Desk', price: '120' },
    { sku: 'x', name: '', price: '1' },
    { sku: 'bad', name: 'Chair', price: '5' },
    { sku: 'y', name: 'Rug', price: 'abc' },
  ], db);
  assert.strictEqual(result.created, 1);
  assert.strictEqual(result.updated, 1);
  assert.deepStrictEqual(result.errors.map((e) => e.line).sort(), [4, 5, 6]);
  assert.ok(rows.has('NEW-1'));
  console.log('ok');
})().catch((err) => { console.error(err); process.exit(1); });
