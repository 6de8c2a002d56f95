import Link from "next/link";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { StatusPanel } from "@/components/operator/StatusPanel";
import { link } from "@/components/operator/ui";

export default function TraceNotFound() {
  return (
    <OperatorShell active="traces">
      <div className="mx-auto max-w-xl py-12">
        <StatusPanel kind="empty" title="No such trace" testId="trace-not-found">
          <p>
            It may have been deleted, or the link is wrong. <Link href="/traces" className={link}>Search the traces</Link>.
          </p>
        </StatusPanel>
      </div>
    </OperatorShell>
  );
}
