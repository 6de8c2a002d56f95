import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { VisitorDetail } from "@/components/visitors/VisitorDetail";
import { isAppError } from "@/lib/errors";
import { requireOperatorPage } from "@/lib/operators/pages";
import { visitorDetail } from "@/lib/visitors/visitors";

export const metadata: Metadata = { title: "Visitor", robots: { index: false } };
export const dynamic = "force-dynamic";

// a path segment as the visitor id (a UUID or digits in practice; anything undecodable as it came)
function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export default async function VisitorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const id = safeDecode(raw);
  const db = await requireOperatorPage(`/visitors/${encodeURIComponent(id)}`);
  if (id.length > 128) notFound();
  const detail = await visitorDetail(db, id).catch((e: unknown) => {
    if (isAppError(e) && e.code === "not_found:visitor") notFound();
    throw e;
  });
  return (
    <OperatorShell active="visitors">
      <VisitorDetail visitor={detail.visitor} sessions={detail.sessions} />
    </OperatorShell>
  );
}
