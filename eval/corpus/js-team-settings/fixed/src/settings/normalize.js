'use strict';

const SCHEMA = {
  maxRetries: { type: 'number', default: 3, min: 0, max: 10 },
  timeoutSeconds: { type: 'number', default: 30, min: 1, max: 300 },
  emailNotifications: { type: 'boolean', default: true },
  digestHour: { type: 'number', default: 8, min: 0, max: 23 },
  displayName: { type: 'string', default: '' },
};

class SettingsError extends Error {}

function coerce(key, spec, raw) {
  if (typeof raw !== spec.type) {
    throw new SettingsError(`${key} must be a ${spec.type}`);
  }
  if (spec.type === 'number' && (raw < spec.min || raw > spec.max || !Number.isInteger(raw))) {
    throw new SettingsError(`${key} must be an integer from ${spec.min} to ${spec.max}`);
  }
  return raw;
}

/**
 * Apply a JSON settings patch to the current settings; unknown keys are rejected.
 * A null or empty-string value puts the setting back to its default (the form
 * sends "" for a cleared field).
 */
function applyPatch(current, patch) {
  const next = { ...current };
  for (const [key, raw] of Object.entries(patch)) {
    const spec = SCHEMA[key];
    if (!spec) {
      throw new SettingsError(`unknown setting ${key}`);
    }
    if (raw == null || raw === '') {
      next[key] = spec.default;
      continue;
    }
    next[key] = coerce(key, spec, raw);
  }
  return next;
}

function defaults() {
  return Object.fromEntries(Object.entries(SCHEMA).map(([key, spec]) => [key, spec.default]));
}

module.exports = { applyPatch, defaults, SettingsError, SCHEMA };
