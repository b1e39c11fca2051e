'use strict';

function splitPath(path) {
  return path.split('/').filter(Boolean);
}

function safeDecode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function compile(pattern) {
  return splitPath(pattern).map((segment) => (segment.startsWith(':')
    ? { param: segment.slice(1) }
    : { literal: segment }));
}

function matchSegments(segments, parts) {
  if (segments.length !== parts.length) return null;
  const params = {};
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i];
    if (segment.param === undefined) {
      if (segment.literal !== parts[i]) return null;
      continue;
    }
    const value = safeDecode(parts[i]);
    if (value === null) return null;
    params[segment.param] = value;
  }
  return params;
}

class Router {
  constructor() {
    this.routes = new Map(); // method -> [{ segments, handler }] in the order added
  }

  add(method, pattern, handler) {
    const key = method.toUpperCase();
    if (!this.routes.has(key)) this.routes.set(key, []);
    this.routes.get(key).push({ segments: compile(pattern), handler });
    return this;
  }

  /** The first route added that matches, with its :params decoded; else null. */
  match(method, path) {
    const parts = splitPath(path.split('?')[0]);
    for (const route of this.routes.get(method.toUpperCase()) || []) {
      const params = matchSegments(route.segments, parts);
      if (params !== null) return { handler: route.handler, params };
    }
    return null;
  }
}

module.exports = { Router };
