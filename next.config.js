/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native/WASM database drivers load from node_modules at run time, not from the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pg"],
  poweredByHeader: false,
  // types are checked once by `tsc --noEmit` in npm test, not again by every build
  typescript: { ignoreBuildErrors: true },
  // every response: no MIME sniffing; what is not a page (the API, audio, static files, embed.js)
  // runs no script of its own. Pages get their nonce CSP from proxy.ts.
  async headers() {
    const nosniff = { key: "X-Content-Type-Options", value: "nosniff" };
    const noScripts = { key: "Content-Security-Policy", value: "default-src 'none'; script-src 'none'; frame-ancestors 'none'" };
    const selfScripts = { key: "Content-Security-Policy", value: "default-src 'none'; script-src 'self'; frame-ancestors 'none'" };
    return [
      { source: "/:path*", headers: [nosniff] },
      { source: "/api/:path*", headers: [noScripts] },
      { source: "/_next/:path*", headers: [selfScripts] },
      { source: "/embed.js", headers: [selfScripts] },
    ];
  },
};

export default nextConfig;
