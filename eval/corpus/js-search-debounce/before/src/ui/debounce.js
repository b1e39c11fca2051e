'use strict';

/**
 * Returns a function that calls `fn` once `wait` ms have passed since it was
 * last called. `cancel()` drops a pending call; `flush()` runs it now.
 */
function debounce(fn, wait) {
  let timer = null;
  let pending = null;

  function run() {
    const args = pending;
    timer = null;
    pending = null;
    return fn(...args);
  }

  function debounced(...args) {
    if (timer === null) {
      pending = args;
      timer = setTimeout(run, wait);
    }
  }

  debounced.cancel = () => {
    clearTimeout(timer);
    timer = null;
    pending = null;
  };

  debounced.flush = () => {
    if (timer === null) return undefined;
    clearTimeout(timer);
    return run();
  };

  return debounced;
}

module.exports = { debounce };
