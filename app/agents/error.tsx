"use client";

import { PageError } from "@/components/operator/PageError";

export default function AgentsError({ reset }: { error: Error; reset: () => void }) {
  return <PageError reset={reset} />;
}
