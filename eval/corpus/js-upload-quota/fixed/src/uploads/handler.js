'use strict';

const MAX_SINGLE_UPLOAD = 2 * 1024 ** 3;

function contentLength(headers) {
  const raw = headers['content-length'];
  if (raw === undefined || !/^\d+$/.test(raw)) return null;
  return Number(raw);
}

/** POST /uploads: store the body and charge it to the user's quota. */
async function handleUpload(req, { store, quota }) {
  if (!req.user) {
    return { status: 401, body: { error: 'login required' } };
  }
  const size = contentLength(req.headers);
  if (size === null || size === 0) {
    return { status: 411, body: { error: 'content-length required' } };
  }
  if (size > MAX_SINGLE_UPLOAD) {
    return { status: 413, body: { error: 'file too large' } };
  }
  const userId = req.user.id;
  if (!(await quota.allows(userId, size))) {
    return { status: 413, body: { error: 'storage quota exceeded' } };
  }
  const key = await store.put(userId, req.body);
  await quota.record(userId, size);
  return { status: 201, body: { key } };
}

module.exports = { handleUpload, contentLength };
