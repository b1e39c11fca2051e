'use strict';

/**
 * Returns a function that calls `fn` once `wait` ms have passed since it was
 * last called. `cancel()` drops a pending call; `flush()` runs it now.
 */
function debounce(fn, wait) {
  let timer = null;
  let pending = null;
  let context = null;

  function run() {
    const args = pending;
    const self = context;
    timer = null;
    pending = null;
    context = null;
    return fn.apply(self, args);
  }

  function debounced(...args) {
    pending = args;
    context = this;
    clearTimeout(timer);
    timer = setTimeout(run, wait);
  }

  debounced.cancel = () => {
    clearTimeout(timer);
    timer = null;
    pending = null;
    context = null;
  };

  debounced.flush = () => {
    if (timer === null) return undefined;
    clearTimeout(timer);
    return run();
  };

  return debounced;
}

module.exports = { debounce };
