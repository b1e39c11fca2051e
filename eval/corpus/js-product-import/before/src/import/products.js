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

/**
 * Create or update one product per row. Rows that fail are reported in
 * `errors` and do not stop the import.
 */
async function importProducts(rows, db, { log = () => {} } = {}) {
  const result = { created: 0, updated: 0, errors: [] };
  for (const row of rows) {
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
      result.errors.push({ sku: row.sku, message: err.message });
    }
  }
  log(`import finished: ${result.created} created, ${result.updated} updated, ` +
      `${result.errors.length} failed`);
  return result;
}

module.exports = { importProducts, toRecord };
