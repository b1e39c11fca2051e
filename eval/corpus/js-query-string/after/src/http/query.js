'use strict';

/**
 * Build a query string from an object. Undefined and null values are left
 * out; an array value repeats the key (tag=a&tag=b), which parseQuery reads
 * back as an array.
 */
function buildQuery(params) {
  const parts = [];
  const pair = (key, value) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) {
        parts.push(pair(key, item));
      }
    } else {
      parts.push(pair(key, value));
    }
  }
  return parts.join('&');
}

function parseQuery(search) {
  const out = {};
  const text = search.startsWith('?') ? search.slice(1) : search;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    const value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    if (Object.prototype.hasOwnProperty.call(out, key)) {
      out[key] = [].concat(out[key], value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

module.exports = { buildQuery, parseQuery };
