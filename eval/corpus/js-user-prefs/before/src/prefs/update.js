'use strict';

const ALLOWED = new Set(['theme', 'language', 'notifications', 'dashboard']);

class PrefsError extends Error {}

function isPlainObject(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Apply a PATCH /me/preferences body (parsed JSON) to the stored preferences.
 * Only known top-level sections may be changed.
 */
function applyUpdate(stored, body) {
  if (!isPlainObject(body)) {
    throw new PrefsError('body must be a JSON object');
  }
  const next = { ...stored };
  for (const key of Object.keys(body)) {
    if (!ALLOWED.has(key)) {
      throw new PrefsError(`unknown preference ${key}`);
    }
    next[key] = body[key];
  }
  return next;
}

async function patchPreferences(req, repo) {
  const stored = (await repo.load(req.user.id)) || {};
  const next = applyUpdate(stored, req.body);
  await repo.save(req.user.id, next);
  return { status: 200, body: next };
}

module.exports = { applyUpdate, patchPreferences, PrefsError };
