/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native/WASM database drivers load from node_modules at run time, not from the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pg"],
  poweredByHeader: false,
};

export default nextConfig;
