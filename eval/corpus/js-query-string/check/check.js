'use strict';
const path = require('path');
const assert = require('assert');
const { buildQuery, parseQuery } = require(path.resolve(process.argv[2], 'src/http/query.js'));

assert.strictEqual(buildQuery({ q: 'shoes', page: 2, skip: undefined, none: null }), 'q=shoes&page=2');
const params = { q: 'R&D + sales = 100%', 'filter[type]': 'a b', tag: ['x,y', 'z&w'], empty: '' };
const qs = buildQuery(params);
assert.ok(!qs.includes(' ') && !qs.includes('%%'), qs);
assert.deepStrictEqual(parseQuery(qs), params);
assert.deepStrictEqual(parseQuery('?a=1&a=2&b'), { a: ['1', '2'], b: '' });
assert.strictEqual(buildQuery({ city: 'K\u00f6ln' }), 'city=K%C3%B6ln');
assert.strictEqual(buildQuery({}), '');
console.log('ok');
