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

class Router {
  constructor() {
    this.routes = [];
  }

  add(method, pattern, handler) {
    this.routes.push({ method: method.toUpperCase(), pattern, handler });
    return this;
  }

  /** The first route added that matches, with its :params decoded; else null. */
  match(method, path) {
    const parts = splitPath(path.split('?')[0]);
    const wanted = method.toUpperCase();
    for (const route of this.routes) {
      if (route.method !== wanted) continue;
      const segments = splitPath(route.pattern);
      if (segments.length !== parts.length) continue;
      const params = {};
      let matched = true;
      for (let i = 0; i < segments.length; i += 1) {
        if (segments[i].startsWith(':')) {
          const value = safeDecode(parts[i]);
          if (value === null) {
            matched = false;
            break;
          }
          params[segments[i].slice(1)] = value;
        } else if (segments[i] !== parts[i]) {
          matched = false;
          break;
        }
      }
      if (matched) return { handler: route.handler, params };
    }
    return null;
  }
}

module.exports = { Router };
