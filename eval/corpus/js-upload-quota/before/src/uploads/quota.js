'use strict';

const GB = 1024 ** 3;

/** Per-user storage quota, kept in memory. */
class QuotaService {
  constructor({ limitBytes = 5 * GB } = {}) {
    this.limitBytes = limitBytes;
    this.used = new Map();
  }

  usage(userId) {
    return this.used.get(userId) || 0;
  }

  remaining(userId) {
    return Math.max(this.limitBytes - this.usage(userId), 0);
  }

  allows(userId, bytes) {
    return this.usage(userId) + bytes <= this.limitBytes;
  }

  record(userId, bytes) {
    this.used.set(userId, this.usage(userId) + bytes);
  }

  release(userId, bytes) {
    this.used.set(userId, Math.max(this.usage(userId) - bytes, 0));
  }
}

module.exports = { QuotaService, GB };
