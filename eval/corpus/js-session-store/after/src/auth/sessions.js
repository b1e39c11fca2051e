'use strict';

const crypto = require('crypto');

const DEFAULT_TTL_SECONDS = 24 * 60 * 60;

function ttlFromEnv(env = process.env) {
  const raw = env.SESSION_TTL_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_TTL_SECONDS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new Error(`SESSION_TTL_SECONDS must be a positive integer, got ${raw}`);
  }
  return seconds;
}

class SessionStore {
  constructor({ now = Date.now, ttlSeconds = ttlFromEnv() } = {}) {
    this.now = now;
    this.ttlSeconds = ttlSeconds;
    this.sessions = new Map();
  }

  create(userId) {
    const id = crypto.randomBytes(24).toString('base64url');
    const createdAt = this.now();
    const session = { id, userId, createdAt, expiresAt: createdAt + this.ttlSeconds };
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

module.exports = { SessionStore, ttlFromEnv, DEFAULT_TTL_SECONDS };
