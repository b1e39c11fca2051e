'use strict';
const path = require('path');
const assert = require('assert');
const { Router } = require(path.resolve(process.argv[2], 'src/server/router.js'));

const h = (name) => Object.assign(() => name, { label: name });
const r = new Router()
  .add('get', '/users', h('list'))
  .add('GET', '/users/me', h('me'))
  .add('GET', '/users/:id', h('show'))
  .add('post', '/users/:id/keys/:key', h('key'))
  .add('GET', '/', h('root'));
const m = (method, p) => {
  const found = r.match(method, p);
  return found && [found.handler.label, found.params];
};
assert.deepStrictEqual(m('GET', '/users'), ['list', {}]);
assert.deepStrictEqual(m('get', '/users/'), ['list', {}]);
assert.deepStrictEqual(m('GET', '/users/me'), ['me', {}]);
assert.deepStrictEqual(m('GET', '/users/a%20b?x=1'), ['show', { id: 'a b' }]);
assert.deepStrictEqual(m('POST', '//users/7/keys/k%2F1'), ['key', { id: '7', key: 'k/1' }]);
assert.deepStrictEqual(m('GET', '/'), ['root', {}]);
assert.strictEqual(m('GET', '/users/%E0%A4%A'), null);
assert.strictEqual(m('DELETE', '/users/1'), null);
assert.strictEqual(m('GET', '/users/1/keys'), null);
assert.strictEqual(m('GET', '/Users'), null);
console.log('ok');
