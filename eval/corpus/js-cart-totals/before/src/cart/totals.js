'use strict';

/** Totals for a cart; all amounts are integer cents. */

class CouponError extends Error {}

function subtotal(items) {
  return items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0);
}

function couponDiscount(coupon, amount, now = new Date()) {
  if (!coupon) return 0;
  if (coupon.expiresAt && new Date(coupon.expiresAt) <= now) {
    throw new CouponError(`coupon ${coupon.code} has expired`);
  }
  if (coupon.minimumCents && amount < coupon.minimumCents) {
    throw new CouponError(`coupon ${coupon.code} needs a subtotal of ${coupon.minimumCents}`);
  }
  if (coupon.percent !== undefined) {
    return Math.round((amount * coupon.percent) / 100);
  }
  return Math.min(coupon.amountCents || 0, amount);
}

function cartTotals(items, { coupon = null, shippingCents = 0, now = new Date() } = {}) {
  const sub = subtotal(items);
  const discount = couponDiscount(coupon, sub, now);
  return {
    subtotal: sub,
    discount,
    shipping: shippingCents,
    total: sub - discount + shippingCents,
  };
}

module.exports = { cartTotals, couponDiscount, subtotal, CouponError };
