'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { cartTotals, CouponError } = require('../src/cart/totals');

const items = [
  { sku: 'tea', priceCents: 450, quantity: 2 },
  { sku: 'mug', priceCents: 1200, quantity: 1 },
];
const now = new Date('2024-06-01T12:00:00Z');

test('sums lines and adds shipping', () => {
  assert.deepStrictEqual(cartTotals(items, { shippingCents: 395, now }),
    { subtotal: 2100, discount: 0, shipping: 395, total: 2495 });
});

test('percent coupons round to the nearest cent', () => {
  const t = cartTotals(items, { coupon: { code: 'P15', percent: 15 }, now });
  assert.strictEqual(t.discount, 315);
  assert.strictEqual(t.total, 1785);
});

test('fixed coupons never exceed the subtotal', () => {
  const t = cartTotals(items, { coupon: { code: 'BIG', amountCents: 5000 }, now });
  assert.strictEqual(t.total, 0);
});

test('expired and below-minimum coupons are refused', () => {
  const expired = { code: 'OLD', percent: 10, expiresAt: '2024-06-01T12:00:00Z' };
  assert.throws(() => cartTotals(items, { coupon: expired, now }), CouponError);
  const minimum = { code: 'MIN', amountCents: 500, minimumCents: 2500 };
  assert.throws(() => cartTotals(items, { coupon: minimum, now }), CouponError);
});
