'use strict';

const ALLOWED = new Set(['theme', 'language', 'notifications', 'dashboard']);

class PrefsError extends Error {}

function isPlainObject(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function mergeInto(target, source) {
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (isPlainObject(value)) {
      if (!isPlainObject(target[key])) {
        target[key] = {};
      }
      mergeInto(target[key], value);
    } else {
      target[key] = value;
    }
  }
  return target;
}

/**
 * Apply a PATCH /me/preferences body (parsed JSON) to the stored preferences.
 * Only known top-level sections may be changed; objects are merged, so
 * {"notifications": {"email": false}} keeps the other notification settings.
 */
function applyUpdate(stored, body) {
  if (!isPlainObject(body)) {
    throw new PrefsError('body must be a JSON object');
  }
  for (const key of Object.keys(body)) {
    if (!ALLOWED.has(key)) {
      throw new PrefsError(`unknown preference ${key}`);
    }
  }
  return mergeInto(structuredClone(stored), body);
}

async function patchPreferences(req, repo) {
  const stored = (await repo.load(req.user.id)) || {};
  const next = applyUpdate(stored, req.body);
  await repo.save(req.user.id, next);
  return { status: 200, body: next };
}

module.exports = { applyUpdate, patchPreferences, PrefsError };
