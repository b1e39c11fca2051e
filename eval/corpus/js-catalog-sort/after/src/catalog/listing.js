'use strict';

const PAGE_SIZE = 24;

function visible(products, { inStockOnly = false, category = null } = {}) {
  return products.filter((p) => {
    if (p.hidden) return false;
    if (inStockOnly && p.stock <= 0) return false;
    if (category && p.category !== category) return false;
    return true;
  });
}

const ORDERS = {
  name: (a, b) => a.name.localeCompare(b.name),
  'price-asc': (a, b) => a.priceCents > b.priceCents,
  'price-desc': (a, b) => a.priceCents < b.priceCents,
  rating: (a, b) => (b.rating || 0) - (a.rating || 0),
};

function sortProducts(products, order = 'name') {
  const compare = ORDERS[order];
  if (!compare) {
    throw new RangeError(`unknown sort order ${order}`);
  }
  return [...products].sort(compare);
}

function listing(products, { page = 1, sort = 'name', ...filters } = {}) {
  const sorted = sortProducts(visible(products, filters), sort);
  const start = (page - 1) * PAGE_SIZE;
  return {
    total: sorted.length,
    page,
    items: sorted.slice(start, start + PAGE_SIZE).map((p) => ({
      id: p.id,
      name: p.name,
      priceCents: p.priceCents,
      rating: p.rating,
    })),
  };
}

module.exports = { listing, sortProducts, visible, PAGE_SIZE };
