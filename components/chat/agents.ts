"use client";

// The agent menu comes from the server (GET /api/agents): agents are rows in
// the database, so a team's new agent shows up without a widget release.

import { useCallback, useEffect, useState } from "react";
import { fetchAgents } from "./api";
import type { AgentOption } from "./types";

export type AgentMenuState =
  | { status: "loading" }
  | { status: "ready"; agents: AgentOption[] }
  | { status: "failed" };

export function useAgentMenu(): { menu: AgentMenuState; reload: () => void } {
  const [menu, setMenu] = useState<AgentMenuState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    fetchAgents(controller.signal)
      .then((agents) => setMenu({ status: "ready", agents }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setMenu({ status: "failed" });
        return error;
      });
    return () => controller.abort();
  }, [attempt]);

  const reload = useCallback(() => {
    setMenu({ status: "loading" });
    setAttempt((n) => n + 1);
  }, []);
  return { menu, reload };
}
