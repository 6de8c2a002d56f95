// Messages between public/embed.js (the host page) and the widget in its iframe.
// Keep in sync with the strings in public/embed.js.
export const EMBED_MESSAGE = { open: "threadline:open", close: "threadline:close" } as const;
