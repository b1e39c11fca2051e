'use strict';

const { debounce } = require('./debounce');

function attachSearch(input, search, { wait = 250 } = {}) {
  const update = debounce((query) => search(query.trim()), wait);
  input.addEventListener('input', () => update(input.value));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') update.flush();
    if (event.key === 'Escape') update.cancel();
  });
  return update;
}

module.exports = { attachSearch };
