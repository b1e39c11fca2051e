'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { spawnSync } = require('child_process');

const root = process.argv[2];
const { cartTotals, CouponError } = require(path.join(root, 'src/cart/totals.js'));
const items = [{ sku: 'a', priceCents: 333, quantity: 3 }];
assert.strictEqual(cartTotals(items, { coupon: { code: 'X', percent: 50 } }).discount, 500);
assert.throws(() => cartTotals(items, { coupon: { code: 'E', percent: 5, expiresAt: '2000-01-01' } }),
  CouponError);
if (fs.existsSync(path.join(root, 'test'))) {
  const run = spawnSync(process.execPath, ['--test', 'test/'], { cwd: root, encoding: 'utf8' });
  assert.strictEqual(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /# pass 4/);
}
console.log('ok');
