'use strict';

const uuidv4 = require('uuid/v4');

const PRIORITIES = { high: 0, normal: 5, low: 9 };
const MAX_ATTEMPTS = 5;

class QueueError extends Error {}

function makeJob(type, payload, { priority = 'normal', runAt = null, now = Date.now() } = {}) {
  if (typeof type !== 'string' || type === '') {
    throw new QueueError('job type is required');
  }
  if (!(priority in PRIORITIES)) {
    throw new QueueError(`unknown priority ${priority}`);
  }
  return {
    id: uuidv4(),
    type,
    payload,
    priority: PRIORITIES[priority],
    attempts: 0,
    maxAttempts: MAX_ATTEMPTS,
    runAt: runAt === null ? now : runAt,
    createdAt: now,
  };
}

async function enqueue(store, type, payload, options) {
  const job = makeJob(type, payload, options);
  await store.insert('jobs', job);
  return job.id;
}

module.exports = { enqueue, makeJob, QueueError, PRIORITIES };
