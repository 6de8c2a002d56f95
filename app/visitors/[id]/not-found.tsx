import Link from "next/link";
import { StatusPanel } from "@/components/operator/StatusPanel";
import { link } from "@/components/operator/ui";

export default function VisitorNotFound() {
  return (
    <main className="mx-auto max-w-xl px-4 py-16">
      <StatusPanel kind="empty" title="No such visitor" testId="visitor-not-found">
        <p>
          Nothing is stored about this visitor: they may have been erased, or the link is wrong.{" "}
          <Link href="/visitors" className={link}>All visitors</Link>.
        </p>
      </StatusPanel>
    </main>
  );
}
