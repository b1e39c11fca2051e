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

function sortProducts(products) {
  return [...products].sort((a, b) => a.name.localeCompare(b.name));
}

function listing(products, { page = 1, ...filters } = {}) {
  const sorted = sortProducts(visible(products, filters));
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
