import type { TurnResult, TurnSession } from "@/lib/chat/wire";

// A session and a turn's result as the server sends them (lib/chat/wire.ts), for the widget's tests.

export const session: TurnSession = {
  sessionId: "6f1c7d1e-2b1a-4a55-9a43-0d3f7a1c2b10",
  newSession: true,
  sessionTag: "threadline_offline_a1b2c3_001",
  traceId: "0b7e1d3c-8a6f-4c1e-9d2b-5f4a3c2b1a00",
  agent: { key: "product_recommendation", name: "Product Recommendation" },
  model: { key: "offline", name: "Threadline Offline" },
};

export const result = (content: string, extra: Partial<TurnResult> = {}): TurnResult => ({
  ...session,
  reply: { id: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", role: "agent", content, buttons: [], partial: false },
  ...extra,
});
