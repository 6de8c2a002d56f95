"use client";

import { PageError } from "@/components/operator/PageError";

export default function TracesError({ reset }: { error: Error; reset: () => void }) {
  return <PageError reset={reset} />;
}
