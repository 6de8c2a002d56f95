import Link from "next/link";
import { StatusPanel } from "@/components/operator/StatusPanel";
import { link } from "@/components/operator/ui";

export default function TraceNotFound() {
  return (
    <main className="mx-auto max-w-xl px-4 py-16">
      <StatusPanel kind="empty" title="No such trace" testId="trace-not-found">
        <p>
          It may have been deleted, or the link is wrong. <Link href="/traces" className={link}>Search the traces</Link>.
        </p>
      </StatusPanel>
    </main>
  );
}
