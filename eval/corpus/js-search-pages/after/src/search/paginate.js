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

/** One page of `hits` (already ranked); a page past the end gives the last page. */
function paginate(hits, { page, perPage }) {
  const total = hits.length;
  const totalPages = Math.max(Math.floor(total / perPage), 1);
  const current = Math.min(page, totalPages);
  const start = (current - 1) * perPage;
  return {
    results: hits.slice(start, start + perPage),
    page: current,
    perPage,
    total,
    totalPages,
  };
}

function linkHeader(baseUrl, { page, perPage, totalPages }) {
  const links = [];
  if (page > 1) {
    links.push(`<${baseUrl}?page=${page - 1}&per_page=${perPage}>; rel="prev"`);
  }
  if (page < totalPages) {
    links.push(`<${baseUrl}?page=${page + 1}&per_page=${perPage}>; rel="next"`);
  }
  return links.join(', ');
}

module.exports = { pageParams, paginate, linkHeader, MAX_PER_PAGE };
