import Link from "next/link";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { StatusPanel } from "@/components/operator/StatusPanel";
import { link } from "@/components/operator/ui";

export default function VisitorNotFound() {
  return (
    <OperatorShell active="visitors">
      <div className="mx-auto max-w-xl py-12">
        <StatusPanel kind="empty" title="No such visitor" testId="visitor-not-found">
          <p>
            Nothing is stored about this visitor: they may have been erased, or the link is wrong.{" "}
            <Link href="/visitors" className={link}>All visitors</Link>.
          </p>
        </StatusPanel>
      </div>
    </OperatorShell>
  );
}
