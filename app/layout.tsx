import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Threadline", template: "%s · Threadline" },
  description: "Chat agents with sessions you can trust and a trace for every session.",
  // An inline icon: no /favicon.ico request (and no 404) on the storefront or inside the embed iframe.
  icons: {
    icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='16' fill='%234f46e5'/%3E%3Cpath d='M10 12h12M10 17h8' stroke='white' stroke-width='2.5' stroke-linecap='round'/%3E%3C/svg%3E",
  },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f8fafc" },
    { media: "(prefers-color-scheme: dark)", color: "#020617" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // every page is rendered per request, so Next.js puts the proxy's CSP nonce on its scripts (proxy.ts)
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
