'use strict';
const path = require('path');
const assert = require('assert');
const { listing, sortProducts } = require(path.resolve(process.argv[2], 'src/catalog/listing.js'));

const products = [
  { id: 1, name: 'Kettle', priceCents: 3999, rating: 4.1, stock: 3 },
  { id: 2, name: 'Toaster', priceCents: 2499, rating: 4.7, stock: 0 },
  { id: 3, name: 'Blender', priceCents: 8999, rating: 3.9, stock: 5 },
  { id: 4, name: 'Grinder', priceCents: 1999, rating: 4.4, stock: 2 },
  { id: 5, name: 'Mixer', priceCents: 5999, stock: 1 },
];
const ids = (order) => sortProducts(products, order).map((p) => p.id);
assert.deepStrictEqual(ids('name'), [3, 4, 1, 5, 2]);
assert.deepStrictEqual(ids('price-asc'), [4, 2, 1, 5, 3]);
assert.deepStrictEqual(ids('price-desc'), [3, 5, 1, 2, 4]);
assert.deepStrictEqual(ids('rating'), [2, 4, 1, 3, 5]);
assert.throws(() => sortProducts(products, 'random'), RangeError);
const page = listing(products, { sort: 'price-asc', inStockOnly: true });
assert.deepStrictEqual(page.items.map((p) => p.id), [4, 1, 5, 3]);
console.log('ok');
