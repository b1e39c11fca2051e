'use strict';

const crypto = require('crypto');

const SESSION_TTL_MS = 24 * 60 * 60 * 1000;

class SessionStore {
  constructor({ now = Date.now } = {}) {
    this.now = now;
    this.sessions = new Map();
  }

  create(userId) {
    const id = crypto.randomBytes(24).toString('base64url');
    const session = { id, userId, createdAt: this.now(), expiresAt: this.now() + SESSION_TTL_MS };
    this.sessions.set(id, session);
    return session;
  }

  get(id) {
    const session = this.sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return null;
    }
    return session;
  }

  destroy(id) {
    return this.sessions.delete(id);
  }

  purgeExpired() {
    const now = this.now();
    let removed = 0;
    for (const [id, session] of this.sessions) {
      if (session.expiresAt <= now) {
        this.sessions.delete(id);
        removed += 1;
      }
    }
    return removed;
  }
}

module.exports = { SessionStore, SESSION_TTL_MS };
