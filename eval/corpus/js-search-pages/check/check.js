'use strict';
const path = require('path');
const assert = require('assert');
const { paginate, pageParams, linkHeader } =
  require(path.resolve(process.argv[2], 'src/search/paginate.js'));

const hits = Array.from({ length: 45 }, (_, i) => i + 1);
const all = [];
for (let page = 1; page <= 10; page += 1) {
  const p = paginate(hits, { page, perPage: 20 });
  if (p.page !== page) break;
  all.push(...p.results);
}
assert.deepStrictEqual(all, hits);
const last = paginate(hits, { page: 3, perPage: 20 });
assert.strictEqual(last.totalPages, 3);
assert.deepStrictEqual(last.results, [41, 42, 43, 44, 45]);
assert.strictEqual(paginate(hits, { page: 9, perPage: 20 }).page, 3);
assert.strictEqual(paginate(hits.slice(0, 40), { page: 1, perPage: 20 }).totalPages, 2);
const empty = paginate([], { page: 4, perPage: 20 });
assert.strictEqual(empty.page, 1);
assert.deepStrictEqual(empty.results, []);
assert.ok(linkHeader('/s', paginate(hits, { page: 2, perPage: 20 })).includes('rel="next"'));
assert.ok(!linkHeader('/s', last).includes('rel="next"'));
assert.deepStrictEqual(pageParams({ page: '0', per_page: '500' }), { page: 1, perPage: 100 });
console.log('ok');
