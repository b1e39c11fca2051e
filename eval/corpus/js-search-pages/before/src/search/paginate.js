'use strict';

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;

function toInt(value, fallback) {
  const n = Number.parseInt(value, 10);
  return Number.isNaN(n) ? fallback : n;
}

/** Read ?page=&per_page= from a parsed query string, within bounds. */
function pageParams(query) {
  const perPage = Math.min(Math.max(toInt(query.per_page, DEFAULT_PER_PAGE), 1), MAX_PER_PAGE);
  const page = Math.max(toInt(query.page, 1), 1);
  return { page, perPage };
}

/** One page of `hits` (already ranked). */
function paginate(hits, { page, perPage }) {
  const start = (page - 1) * perPage;
  return {
    results: hits.slice(start, start + perPage),
    page,
    perPage,
  };
}

function linkHeader(baseUrl, { page, perPage }) {
  const links = [];
  if (page > 1) {
    links.push(`<${baseUrl}?page=${page - 1}&per_page=${perPage}>; rel="prev"`);
  }
  links.push(`<${baseUrl}?page=${page + 1}&per_page=${perPage}>; rel="next"`);
  return links.join(', ');
}

module.exports = { pageParams, paginate, linkHeader, MAX_PER_PAGE };
