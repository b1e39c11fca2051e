'use strict';

const GB = 1024 ** 3;

/** Per-user storage quota; usage lives in storage_usage(user_id, bytes). */
class QuotaService {
  constructor(db, { limitBytes = 5 * GB } = {}) {
    this.db = db;
    this.limitBytes = limitBytes;
  }

  async usage(userId) {
    const { rows } = await this.db.query(
      'SELECT bytes FROM storage_usage WHERE user_id = $1', [userId]);
    return rows.length > 0 ? Number(rows[0].bytes) : 0;
  }

  async remaining(userId) {
    return Math.max(this.limitBytes - (await this.usage(userId)), 0);
  }

  async allows(userId, bytes) {
    return (await this.usage(userId)) + bytes <= this.limitBytes;
  }

  async record(userId, bytes) {
    await this.db.query(
      'INSERT INTO storage_usage (user_id, bytes) VALUES ($1, $2) ' +
      'ON CONFLICT (user_id) DO UPDATE SET bytes = storage_usage.bytes + EXCLUDED.bytes',
      [userId, bytes]);
  }

  async release(userId, bytes) {
    await this.db.query(
      'UPDATE storage_usage SET bytes = GREATEST(bytes - $2, 0) WHERE user_id = $1',
      [userId, bytes]);
  }
}

module.exports = { QuotaService, GB };
