import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** @type {import('next').NextConfig} */
const config = {
  // A static export: the gateway serves the files itself, there is no Next server at run time.
  output: 'export',
  basePath: '/admin',
  // `overview/index.html` rather than `overview.html`, so the gateway serves each screen as a folder.
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
  // Dependencies live in the repository's root node_modules, and the console imports the shared
  // contract from libs/admin-api.
  turbopack: { root },
  outputFileTracingRoot: root,
};

export default config;
