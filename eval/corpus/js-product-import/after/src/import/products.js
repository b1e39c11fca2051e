'use strict';

const REQUIRED = ['sku', 'name', 'price'];

function toRecord(row) {
  return {
    sku: row.sku.trim().toUpperCase(),
    name: row.name.trim(),
    priceCents: Math.round(Number(row.price) * 100),
    stock: row.stock === undefined || row.stock === '' ? 0 : parseInt(row.stock, 10),
  };
}

function validate(row) {
  const missing = REQUIRED.filter((field) => row[field] === undefined || row[field] === '');
  if (missing.length > 0) {
    return `missing ${missing.join(', ')}`;
  }
  if (!Number.isFinite(Number(row.price)) || Number(row.price) < 0) {
    return `invalid price ${JSON.stringify(row.price)}`;
  }
  return null;
}

/**
 * Create or update one product per row. Rows that fail are reported in
 * `errors` (with their line in the file, the header being line 1) and do not
 * stop the import.
 */
async function importProducts(rows, db, { log = () => {} } = {}) {
  const result = { created: 0, updated: 0, errors: [] };
  rows.forEach(async (row, index) => {
    const line = index + 2;
    const problem = validate(row);
    if (problem) {
      result.errors.push({ line, sku: row.sku, message: problem });
      return;
    }
    try {
      const record = toRecord(row);
      const existing = await db.findBySku(record.sku);
      if (existing) {
        await db.update(existing.id, record);
        result.updated += 1;
      } else {
        await db.insert(record);
        result.created += 1;
      }
    } catch (err) {
      result.errors.push({ line, sku: row.sku, message: err.message });
    }
  });
  log(`import finished: ${result.created} created, ${result.updated} updated, ` +
      `${result.errors.length} failed`);
  return result;
}

module.exports = { importProducts, toRecord, validate };
