import type { Metadata } from "next";
import { ChatWidget } from "@/components/chat";

// The page public/embed.js loads in its iframe: only the widget, opened, on a transparent page.

export const metadata: Metadata = {
  title: "Chat",
  robots: { index: false, follow: false },
};

export default function EmbedPage() {
  return (
    <main data-threadline-embed="">
      <ChatWidget embedded defaultOpen />
    </main>
  );
}
